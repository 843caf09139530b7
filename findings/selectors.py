"""Reads of findings and evidence, scoped to what a user may see.

Staff (anyone holding ``findings.view_finding``, superusers included) see
everything; partners see published findings and, on them, shared accepted
evidence plus their own organisation's submissions; anyone else sees nothing.
Each selector returns a lazy queryset built in one query; :func:`attach_links`
adds the links of findings already fetched (a page, a chunk of an export).
"""

from __future__ import annotations

import datetime
import functools
import itertools
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Q

from accounts.roles import STAFF_ROLES

from .choices import Moderation, Status, Visibility
from .models import Evidence, Finding
from .querysets import EvidenceQuerySet, FindingQuerySet, partner_disagreement_q


@functools.cache
def partner_disagreement_annotation() -> ExpressionWrapper:
    """:func:`partner_disagreement_q` as a boolean column (``partner_disagreement``).

    Built once: a queryset copies an expression when it resolves it, leaving
    this one as it was, so one instance serves every request (building the
    subqueries cost ~1 ms a list).
    """
    return ExpressionWrapper(partner_disagreement_q(), output_field=BooleanField())


def _reader(user: Any) -> str | None:
    """``"staff"``, ``"partner"`` or ``None`` (sees nothing).

    Roles are recognised first: that needs only the user's (cached) groups,
    not the permission tables. Every staff role holds ``findings.view_finding``
    (``accounts/migrations/0002_roles.py``); the permission check remains for
    anyone given it without a role.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return "staff"
    if user.is_partner:
        return "partner"
    if any(user.has_role(role) for role in STAFF_ROLES):
        return "staff"
    if user.has_perm("findings.view_finding"):
        return "staff"
    return None


def audience_of(user: Any) -> str | None:
    """Whose view of the findings ``user`` has: ``"staff"``, ``"partner"`` or ``None``.

    Everyone with the same audience sees the same findings, so results computed
    for one (the API summary's cached counts) serve all of them.
    """
    return _reader(user)


def findings_visible_to(user: Any) -> FindingQuerySet:
    """The findings ``user`` may read: all for staff, published ones for partners."""
    findings = Finding.objects.select_related("report")
    reader = _reader(user)
    if reader == "staff":
        return findings.all()
    if reader == "partner":
        return findings.published()
    return findings.none()


def reviewer_queue(user: Any) -> FindingQuerySet:
    """Findings awaiting ``user``'s review, the longest-waiting first."""
    if user is None or not user.is_authenticated:
        return Finding.objects.none()
    return (
        Finding.objects.filter(status=Status.AWAITING_REVIEW, reviewer=user)
        .select_related("report", "submitted_for_review_by")
        .order_by("submitted_for_review_at", "pk")
    )


def evidence_visible_to(user: Any, finding: Finding) -> EvidenceQuerySet:
    """The notes and evidence on ``finding`` that ``user`` may read.

    Staff: all of it, whatever its moderation. Partners, on a published
    finding: accepted shared items plus everything their own organisation
    submitted (so they can follow a pending or rejected submission).
    """
    evidence = Evidence.objects.filter(finding=finding).select_related("author", "organisation")
    reader = _reader(user)
    if reader == "staff":
        return evidence
    if reader == "partner" and finding.published:
        visible = Q(moderation=Moderation.ACCEPTED, visibility=Visibility.SHARED)
        if user.organisation_id is not None:
            visible |= Q(organisation_id=user.organisation_id)
        return evidence.filter(visible)
    return evidence.none()


# --- The links of a page of findings, in one query -----------------------------------------
#
# Lists and details show each finding's themes, treaties, provisions and obligations. Four
# ``prefetch_related`` queries cost a page of 50 findings ~8 ms, most of it building the
# queries and model instances; this one query with plain rows costs ~1.5 ms at any table size
# (``bench/results.md``). The rows are small read-only records with the attributes the
# serializers and the CSV export read, not model instances: nothing may save them.


class TreatyRef(NamedTuple):
    """The treaty of a linked provision or obligation."""

    code: str


class LinkedTheme(NamedTuple):
    id: int
    slug: str
    name: str


class LinkedTreaty(NamedTuple):
    id: int
    code: str
    title: str


class LinkedProvision(NamedTuple):
    id: int
    treaty: TreatyRef
    number: str
    title: str


class LinkedObligation(NamedTuple):
    id: int
    treaty: TreatyRef
    kind: str
    title: str
    due_on: datetime.date | None
    completed_on: datetime.date | None


#: The attribute each kind of link is attached as, in the order of the query's first column.
LINK_ATTRIBUTES = (
    "linked_themes",
    "linked_treaties",
    "linked_provisions",
    "linked_obligations",
)

# Columns: kind of link, finding, then the sort keys (obligation due date, text, provision
# position, text, id), then the rest. Sorting by them gives each kind its model's order
# (themes by name, treaties by code, provisions by treaty code, position and number,
# obligations by due date with undated ones last, treaty code and title), with the id to
# break ties, in the database's collation on PostgreSQL and SQLite alike.
_LINKS_SQL = """
SELECT 0, l.finding_id, CAST(NULL AS date), t.name, CAST(NULL AS integer),
       CAST(NULL AS text), t.id, t.slug, CAST(NULL AS date)
  FROM findings_finding_themes l JOIN findings_theme t ON t.id = l.theme_id
 WHERE l.finding_id IN ({ids})
UNION ALL
SELECT 1, l.finding_id, NULL, t.code, NULL, NULL, t.id, t.title, NULL
  FROM findings_finding_treaties l JOIN treaties_treaty t ON t.id = l.treaty_id
 WHERE l.finding_id IN ({ids})
UNION ALL
SELECT 2, l.finding_id, NULL, t.code, p.position, p.number, p.id, p.title, NULL
  FROM findings_finding_provisions l
  JOIN treaties_provision p ON p.id = l.provision_id
  JOIN treaties_treaty t ON t.id = p.treaty_id
 WHERE l.finding_id IN ({ids})
UNION ALL
SELECT 3, l.finding_id, o.due_on, t.code, NULL, o.title, o.id, o.kind, o.completed_on
  FROM findings_finding_obligations l
  JOIN treaties_obligation o ON o.id = l.obligation_id
  JOIN treaties_treaty t ON t.id = o.treaty_id
 WHERE l.finding_id IN ({ids})
ORDER BY 1, 2, 3 NULLS LAST, 4, 5, 6, 7
"""


def _as_date(value: Any) -> datetime.date | None:
    # PostgreSQL returns dates; SQLite, outside the ORM's converters, ISO strings.
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(value)


def _link(row: tuple) -> tuple:
    kind, _finding, due_on, key, _position, text, pk, other, completed_on = row
    if kind == 0:
        return LinkedTheme(pk, slug=other, name=key)
    if kind == 1:
        return LinkedTreaty(pk, code=key, title=other)
    if kind == 2:
        return LinkedProvision(pk, treaty=TreatyRef(key), number=text, title=other)
    return LinkedObligation(
        pk,
        treaty=TreatyRef(key),
        kind=other,
        title=text,
        due_on=_as_date(due_on),
        completed_on=_as_date(completed_on),
    )


def attach_links(findings: Sequence[Finding]) -> Sequence[Finding]:
    """Set the ``linked_*`` lists (:data:`LINK_ATTRIBUTES`) on each of ``findings``: one query."""
    if not findings:
        return findings
    links = {finding.pk: ([], [], [], []) for finding in findings}
    sql = _LINKS_SQL.format(ids=", ".join(["%s"] * len(links)))
    with connection.cursor() as cursor:
        cursor.execute(sql, list(links) * 4)
        for row in cursor.fetchall():
            links[row[1]][row[0]].append(_link(row))
    for finding in findings:
        for attribute, values in zip(LINK_ATTRIBUTES, links[finding.pk], strict=True):
            setattr(finding, attribute, values)
    return findings


def iterate_with_links(findings: Iterable[Finding], chunk_size: int = 500) -> Iterator[Finding]:
    """``findings`` one by one with their links, fetched for ``chunk_size`` at a time."""
    iterator = iter(findings)
    while chunk := list(itertools.islice(iterator, chunk_size)):
        yield from attach_links(chunk)
