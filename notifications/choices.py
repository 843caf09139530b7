"""Choice sets of the notifications app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailKind(models.TextChoices):
    REVIEWER_REMINDER = "reviewer_reminder", _("Reviewer reminder")
    DIGEST_WEEKLY = "digest_weekly", _("Weekly summary")
    DIGEST_MONTHLY = "digest_monthly", _("Monthly summary")
    DEADLINE_ALERT = "deadline_alert", _("Reporting deadline alert")


class DigestPeriod(models.TextChoices):
    """How often a manager gets the summary; the values match ``User.DigestFrequency``."""

    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")

    @property
    def email_kind(self) -> EmailKind:
        return EmailKind.DIGEST_WEEKLY if self is DigestPeriod.WEEKLY else EmailKind.DIGEST_MONTHLY
