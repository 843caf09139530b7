"""The floor: the findings list page with no framework, to measure the app against.

A bare WSGI app (served by gunicorn with the same settings as the tracker)
that answers ``GET /?status=<status>&page=<n>`` with the same JSON page as
``GET /api/v1/findings/?status=<status>&ordering=due_on&page=<n>`` for a
staff member: the same fields, links and ``count``, fetched with ONE
hand-written SQL query (psycopg) and serialised with :mod:`json`. It does no
authentication, no permission checks, no throttling and no content
negotiation: whatever the tracker spends on top of this is the price of the
framework and of its own rules.

It reads ``DATABASE_URL`` (``postgres://...``) and ``TIME_ZONE`` from the
environment; each worker process keeps one connection.
"""

from __future__ import annotations

import datetime
import json
import os
import threading
from urllib.parse import parse_qs, urlencode
from zoneinfo import ZoneInfo

import psycopg

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
OPEN_STATUSES = ("new", "triaged", "in_progress", "awaiting_review")
ASSESSED_STATUSES = ("implemented", "partially_implemented", "not_implemented")
STATUSES = (*OPEN_STATUSES, *ASSESSED_STATUSES, "closed")

#: One query: the count, then one row per finding of the page, links as JSON arrays.
#: The ORDER BY of each link list is the model's default ordering, as the API prefetches it.
PAGE_SQL = """
WITH page AS (
    SELECT f.id, f.report_id, f.reference, f.kind, f.title, f.summary, f.status,
           f.status_changed_at, f.priority, f.due_on, f.version, f.created_at, f.updated_at,
           f.published, f.reviewer_id, f.proposed_assessment
    FROM findings_finding f
    WHERE f.status = %(status)s
    ORDER BY f.due_on ASC NULLS LAST, f.id ASC
    LIMIT %(limit)s OFFSET %(offset)s
)
SELECT
    c.total,
    p.id, p.reference, p.kind, p.title, p.summary, p.status, p.status_changed_at, p.priority,
    p.due_on, p.version, p.created_at, p.updated_at, p.published, p.proposed_assessment,
    json_build_object('id', r.id, 'symbol', r.symbol, 'title', r.title, 'kind', r.kind,
                      'published_on', r.published_on) AS report,
    CASE WHEN u.id IS NULL THEN NULL ELSE
        json_build_object('id', u.id, 'username', u.username,
                          'name', trim(u.first_name || ' ' || u.last_name))
    END AS reviewer,
    COALESCE((
        SELECT json_agg(json_build_object('id', t.id, 'slug', t.slug, 'name', t.name)
                        ORDER BY t.name, t.id)
        FROM findings_finding_themes ft JOIN findings_theme t ON t.id = ft.theme_id
        WHERE ft.finding_id = p.id), '[]') AS themes,
    COALESCE((
        SELECT json_agg(json_build_object('id', t.id, 'code', t.code, 'title', t.title)
                        ORDER BY t.code, t.id)
        FROM findings_finding_treaties ft JOIN treaties_treaty t ON t.id = ft.treaty_id
        WHERE ft.finding_id = p.id), '[]') AS treaties,
    COALESCE((
        SELECT json_agg(json_build_object('id', v.id, 'treaty', t.code, 'number', v.number,
                                          'title', v.title)
                        ORDER BY t.code, v.position, v.number, v.id)
        FROM findings_finding_provisions fp
        JOIN treaties_provision v ON v.id = fp.provision_id
        JOIN treaties_treaty t ON t.id = v.treaty_id
        WHERE fp.finding_id = p.id), '[]') AS provisions,
    COALESCE((
        SELECT json_agg(json_build_object('id', o.id, 'treaty', t.code, 'kind', o.kind,
                                          'title', o.title, 'due_on', o.due_on,
                                          'completed_on', o.completed_on)
                        ORDER BY o.due_on, t.code, o.title, o.id)
        FROM findings_finding_obligations fo
        JOIN treaties_obligation o ON o.id = fo.obligation_id
        JOIN treaties_treaty t ON t.id = o.treaty_id
        WHERE fo.finding_id = p.id), '[]') AS obligations,
    (p.status IN ('implemented', 'partially_implemented', 'not_implemented') AND EXISTS (
        SELECT 1 FROM findings_evidence e
        WHERE e.finding_id = p.id AND e.kind = 'assessment' AND e.moderation = 'accepted'
          AND e.organisation_id IS NOT NULL AND e.assessment <> p.status
          AND NOT EXISTS (
              SELECT 1 FROM findings_evidence n
              WHERE n.finding_id = p.id AND n.organisation_id = e.organisation_id
                AND n.kind = 'assessment' AND n.moderation = 'accepted'
                AND n.created_at > e.created_at))
    ) AS partner_disagreement
FROM (SELECT count(*) AS total FROM findings_finding WHERE status = %(status)s) c
LEFT JOIN page p ON true
LEFT JOIN findings_report r ON r.id = p.report_id
LEFT JOIN accounts_user u ON u.id = p.reviewer_id
ORDER BY p.due_on ASC NULLS LAST, p.id ASC
"""

_local = threading.local()


def _connection() -> psycopg.Connection:
    connection = getattr(_local, "connection", None)
    if connection is None or connection.closed:
        url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
        connection = _local.connection = psycopg.connect(url, autocommit=True)
    return connection


def _zone() -> ZoneInfo:
    return ZoneInfo(os.environ.get("TIME_ZONE", "Asia/Almaty"))


def _moment(value: datetime.datetime | None, zone: ZoneInfo) -> str | None:
    return value.astimezone(zone).isoformat() if value is not None else None


def page(status: str, number: int, size: int = PAGE_SIZE) -> tuple[int, list[dict]]:
    """The count of findings in ``status`` and page ``number`` of them, as the API shows them."""
    zone = _zone()
    today = datetime.datetime.now(zone).date()
    with _connection().cursor() as cursor:
        cursor.execute(PAGE_SQL, {"status": status, "limit": size, "offset": (number - 1) * size})
        rows = cursor.fetchall()
    total = rows[0][0] if rows else 0
    results = []
    for (
        _total, pk, reference, kind, title, summary, status_, status_changed_at, priority,
        due_on, version, created_at, updated_at, published, proposed_assessment,
        report, reviewer, themes, treaties, provisions, obligations, partner_disagreement,
    ) in rows:  # fmt: skip
        if pk is None:  # past the last page: only the count came back
            continue
        results.append(
            {
                "id": pk,
                "report": report,
                "reference": reference,
                "kind": kind,
                "title": title,
                "summary": summary,
                "status": status_,
                "status_changed_at": _moment(status_changed_at, zone),
                "priority": priority,
                "due_on": due_on.isoformat() if due_on else None,
                "overdue": status_ in OPEN_STATUSES and due_on is not None and due_on < today,
                "themes": themes,
                "treaties": treaties,
                "provisions": provisions,
                "obligations": obligations,
                "partner_disagreement": partner_disagreement,
                "version": version,
                "created_at": _moment(created_at, zone),
                "updated_at": _moment(updated_at, zone),
                "published": published,
                "reviewer": reviewer,
                "proposed_assessment": proposed_assessment,
            }
        )
    return total, results


def _respond(start_response, status: str, payload: dict) -> list[bytes]:
    body = json.dumps(payload, ensure_ascii=False).encode()
    start_response(
        status,
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]


def app(environ, start_response):
    """WSGI entry point: ``gunicorn bench.floor:app``."""
    query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    status = query.get("status", "in_progress")
    try:
        number = int(query.get("page", "1"))
        size = min(int(query.get("page_size", PAGE_SIZE)), MAX_PAGE_SIZE)
    except ValueError:
        number = size = 0
    if status not in STATUSES or number < 1 or size < 1:
        return _respond(start_response, "400 Bad Request", {"detail": "bad query"})
    total, results = page(status, number, size)
    base = "http://{}{}".format(
        environ.get("HTTP_HOST", "127.0.0.1"), environ.get("PATH_INFO", "/")
    )

    def link(n: int) -> str | None:
        if n < 1 or (n - 1) * size >= total:
            return None
        return f"{base}?{urlencode({'page': n, 'status': status})}"

    return _respond(
        start_response,
        "200 OK",
        {
            "count": total,
            "next": link(number + 1),
            "previous": link(number - 1),
            "results": results,
        },
    )
