"""Reads of findings and evidence, scoped to what a user may see.

Staff (anyone holding ``findings.view_finding``, superusers included) see
everything; partners see published findings and, on them, shared accepted
evidence plus their own organisation's submissions; anyone else sees nothing.
Each selector returns a lazy queryset built in one query.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from .choices import Moderation, Status, Visibility
from .models import Evidence, Finding
from .querysets import EvidenceQuerySet, FindingQuerySet


def _reader(user: Any) -> str | None:
    """``"staff"``, ``"partner"`` or ``None`` (sees nothing).

    Partners are recognised first: that needs only the user's (cached) groups,
    not the permission tables.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return "staff"
    if user.is_partner:
        return "partner"
    if user.has_perm("findings.view_finding"):
        return "staff"
    return None


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
