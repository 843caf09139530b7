"""Query helpers for findings and evidence."""

import datetime

from django.db import models
from django.db.models import Exists, OuterRef, Q

from .choices import ASSESSED_STATUSES, OPEN_STATUSES, EvidenceKind, Moderation, Visibility


class FindingQuerySet(models.QuerySet):
    def open(self) -> "FindingQuerySet":
        """Findings still being worked on: not yet assessed or closed."""
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: datetime.date) -> "FindingQuerySet":
        """Open findings whose next assessment date has passed."""
        return self.open().filter(due_on__lt=today)

    def published(self) -> "FindingQuerySet":
        return self.filter(published=True)

    def with_partner_disagreement(self) -> "FindingQuerySet":
        """Assessed findings where some partner organisation's latest accepted
        assessment differs from the official status (see :func:`partner_disagreement_q`).
        """
        return self.filter(partner_disagreement_q())


def partner_disagreement_q() -> Q:
    """Per finding: assessed, and some partner organisation's latest accepted
    assessment differs from the official status.

    Open findings have no official assessment yet, so they never disagree. The
    ``EXISTS`` is correlated to each finding's own evidence, so PostgreSQL
    answers it with a few index lookups per row (on a page) instead of first
    computing every disagreeing finding (a hashed subplan over the whole table,
    which it becomes when wrapped in ``pk IN`` — the better plan when counting
    over the whole table).
    """
    from .models import Evidence

    accepted_assessments = Evidence.objects.filter(
        kind=EvidenceKind.ASSESSMENT,
        moderation=Moderation.ACCEPTED,
        organisation__isnull=False,
    )
    newer_from_same_organisation = accepted_assessments.filter(
        finding=OuterRef("finding"),
        organisation=OuterRef("organisation"),
        created_at__gt=OuterRef("created_at"),
    )
    latest_differing = (
        accepted_assessments.filter(finding=OuterRef("pk"))
        .exclude(assessment=OuterRef("status"))
        .exclude(Exists(newer_from_same_organisation))
    )
    return Q(status__in=ASSESSED_STATUSES) & Q(Exists(latest_differing))


class EvidenceQuerySet(models.QuerySet):
    def accepted(self) -> "EvidenceQuerySet":
        return self.filter(moderation=Moderation.ACCEPTED)

    def pending(self) -> "EvidenceQuerySet":
        return self.filter(moderation=Moderation.PENDING)

    def shared(self) -> "EvidenceQuerySet":
        """What partners may read: accepted and shared."""
        return self.accepted().filter(visibility=Visibility.SHARED)
