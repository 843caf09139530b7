"""Query helpers for findings and evidence."""

import datetime

from django.db import models

from .choices import OPEN_STATUSES, Moderation, Visibility


class FindingQuerySet(models.QuerySet):
    def open(self) -> "FindingQuerySet":
        """Findings still being worked on: not yet assessed or closed."""
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: datetime.date) -> "FindingQuerySet":
        """Open findings whose next assessment date has passed."""
        return self.open().filter(due_on__lt=today)

    def published(self) -> "FindingQuerySet":
        return self.filter(published=True)


class EvidenceQuerySet(models.QuerySet):
    def accepted(self) -> "EvidenceQuerySet":
        return self.filter(moderation=Moderation.ACCEPTED)

    def pending(self) -> "EvidenceQuerySet":
        return self.filter(moderation=Moderation.PENDING)

    def shared(self) -> "EvidenceQuerySet":
        """What partners may read: accepted and shared."""
        return self.accepted().filter(visibility=Visibility.SHARED)
