"""Query helpers for treaties and obligations."""

import datetime

from django.db import models

from .choices import DATED_OBLIGATION_KINDS


class ObligationQuerySet(models.QuerySet):
    def dated(self) -> "ObligationQuerySet":
        """Reporting and follow-up obligations: the ones in the reporting calendar."""
        return self.filter(kind__in=DATED_OBLIGATION_KINDS, due_on__isnull=False)

    def open(self) -> "ObligationQuerySet":
        return self.filter(completed_on__isnull=True)

    def overdue(self, today: datetime.date) -> "ObligationQuerySet":
        return self.dated().open().filter(due_on__lt=today)

    def upcoming(self, today: datetime.date, days: int) -> "ObligationQuerySet":
        return (
            self.dated()
            .open()
            .filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=days))
        )
