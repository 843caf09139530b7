"""Reads of findings and evidence, scoped to what a user may see.

Staff (anyone holding ``findings.view_finding``, superusers included) see
everything; partners see published findings and, on them, shared accepted
evidence plus their own organisation's submissions; anyone else sees nothing.
Each selector returns a lazy queryset built in one query.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q

from accounts.roles import STAFF_ROLES

from .choices import Moderation, Status, Visibility
from .models import Evidence, Finding
from .querysets import EvidenceQuerySet, FindingQuerySet, partner_disagreement_q


def partner_disagreement_annotation() -> ExpressionWrapper:
    """:func:`partner_disagreement_q` as a boolean column (``partner_disagreement``).

    Built once: an expression is copied whenever a queryset resolves it, so one
    instance serves every request (building the subqueries cost ~1 ms a list).
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
