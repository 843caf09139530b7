"""The record of every reminder, digest and deadline alert sent."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import EmailKind


class SentEmail(models.Model):
    """One email that went out: who got it, what kind, for which period.

    The unique ``(recipient, kind, period_key)`` is what makes sending
    idempotent: :func:`notifications.services.email_send_once` inserts this row
    and sends in one transaction, so a retried task, a second beat or a manual
    run cannot send the same email twice, and a send that fails rolls the row
    back so the email is tried again later. Rows are never edited.

    ``period_key`` names the period: the local date for a daily reminder
    (``2026-11-25``), the first day of the reported period for a digest, and
    ``obligation:<id>:<due date>:<threshold>d`` for a deadline alert.
    """

    Kind = EmailKind

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="sent_emails",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    period_key = models.CharField(
        _("period"),
        max_length=100,
        help_text=_("The day, period or deadline threshold this email was sent for."),
    )
    subject = models.CharField(_("subject"), max_length=300)
    sent_at = models.DateTimeField(_("sent at"), db_index=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("sent email")
        verbose_name_plural = _("sent emails")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "period_key"], name="sentemail_once_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=EmailKind.values),
                name="sentemail_kind_valid",
            ),
        ]
        indexes = [models.Index(fields=["kind", "period_key"], name="sentemail_kind_period")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.period_key} → {self.recipient}"
