"""The numbers on the admin index: where findings stand, who is behind, what falls due.

:func:`dashboard_data` runs six aggregate queries on indexed columns and
keeps the result for :data:`CACHE_SECONDS` in the default cache, so a busy
admin index costs at most those six queries a minute. Per-user figures (my
reviews, pending submissions) are not cached; they are one indexed count each.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import get_language

from treaties.models import Obligation, Treaty

from ..choices import Status
from ..models import Evidence, Finding
from .display import STATUS_COLOURS, status_label

#: How long the shared figures are reused (seconds).
CACHE_SECONDS = 60
#: Obligations due within this many days are "upcoming".
UPCOMING_DAYS = 120
#: Rows in the "waiting longest" and "deadlines" lists.
LIST_LENGTH = 10


def _name(first: str, last: str, username: str) -> str:
    return f"{first} {last}".strip() or username


def _status_counts() -> list[dict[str, Any]]:
    counts = dict(Finding.objects.order_by().values_list("status").annotate(n=Count("pk")))
    return [
        {
            "status": status,
            "label": label,
            "count": counts.get(status, 0),
            "colour": STATUS_COLOURS[status],
        }
        for status, label in Status.choices
    ]


def _overdue_by_reviewer(today: datetime.date) -> list[dict[str, Any]]:
    rows = (
        Finding.objects.overdue(today)
        .order_by()
        .values("reviewer", "reviewer__username", "reviewer__first_name", "reviewer__last_name")
        .annotate(n=Count("pk"))
        .order_by("-n")
    )
    return [
        {
            "reviewer_id": row["reviewer"],
            "name": _name(
                row["reviewer__first_name"] or "",
                row["reviewer__last_name"] or "",
                row["reviewer__username"] or "",
            )
            if row["reviewer"]
            else None,
            "count": row["n"],
        }
        for row in rows
    ]


def _waiting_longest(now: datetime.datetime) -> list[dict[str, Any]]:
    findings = (
        Finding.objects.filter(status=Status.AWAITING_REVIEW)
        .select_related("report", "reviewer")
        .order_by("submitted_for_review_at", "pk")[:LIST_LENGTH]
    )
    return [
        {
            "pk": f.pk,
            "name": f"{f.report} {f.reference}",
            "title": f.title,
            "reviewer": (f.reviewer.get_full_name() or f.reviewer.get_username())
            if f.reviewer
            else "",
            "since": f.submitted_for_review_at,
            "days": (now - f.submitted_for_review_at).days if f.submitted_for_review_at else None,
        }
        for f in findings
    ]


def _deadlines(today: datetime.date) -> list[dict[str, Any]]:
    obligations = (
        Obligation.objects.dated()
        .open()
        .filter(due_on__lte=today + datetime.timedelta(days=UPCOMING_DAYS))
        .select_related("treaty")
        .order_by("due_on", "pk")[:LIST_LENGTH]
    )
    return [
        {
            "pk": o.pk,
            "treaty": o.treaty.code,
            "title": o.title,
            "kind": o.get_kind_display(),
            "due_on": o.due_on,
            "days": (o.due_on - today).days,
            "overdue": o.due_on < today,
        }
        for o in obligations
    ]


def _by_treaty() -> list[dict[str, Any]]:
    """Findings per treaty and status, as bar segments with widths in percent."""
    through = Finding.treaties.through
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for treaty_id, status, n in (
        through.objects.order_by()
        .values_list("treaty_id", "finding__status")
        .annotate(n=Count("pk"))
    ):
        counts[treaty_id][status] = n
    if not counts:
        return []
    codes = dict(Treaty.objects.filter(pk__in=counts).values_list("pk", "code"))
    widest = max(sum(by_status.values()) for by_status in counts.values())
    rows = []
    for treaty_id, by_status in counts.items():
        total = sum(by_status.values())
        rows.append(
            {
                "pk": treaty_id,
                "code": codes.get(treaty_id, "?"),
                "total": total,
                "width": round(100 * total / widest, 1),
                "segments": [
                    {
                        "status": status,
                        "label": label,
                        "count": by_status[status],
                        "colour": STATUS_COLOURS[status],
                        "share": round(100 * by_status[status] / total, 2),
                    }
                    for status, label in Status.choices
                    if by_status.get(status)
                ],
            }
        )
    rows.sort(key=lambda row: (-row["total"], row["code"]))
    return rows


def dashboard_data(*, now: datetime.datetime | None = None) -> dict[str, Any]:
    """The shared dashboard figures, from the cache if computed in the last minute."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    # Per language: the figures carry translated labels.
    key = f"tracker:admin-dashboard:v1:{get_language()}:{today.isoformat()}"
    data = cache.get(key)
    if data is None:
        status_counts = _status_counts()
        data = {
            "today": today,
            "status_counts": status_counts,
            "total": sum(row["count"] for row in status_counts),
            "overdue_by_reviewer": _overdue_by_reviewer(today),
            "waiting_longest": _waiting_longest(now),
            "deadlines": _deadlines(today),
            "by_treaty": _by_treaty(),
            "legend": [
                {"label": status_label(status), "colour": STATUS_COLOURS[status]}
                for status in Status.values
            ],
            "computed_at": now,
        }
        cache.set(key, data, CACHE_SECONDS)
    return data


def personal_data(user: Any) -> dict[str, Any]:
    """What is waiting for this user: their reviews, and submissions if they moderate."""
    data: dict[str, Any] = {}
    if user.has_perm("findings.review_finding") or user.has_perm("findings.manage_finding"):
        data["my_reviews"] = Finding.objects.filter(
            status=Status.AWAITING_REVIEW, reviewer=user
        ).count()
    if user.has_perm("findings.moderate_evidence"):
        data["pending_submissions"] = Evidence.objects.pending().count()
    return data
