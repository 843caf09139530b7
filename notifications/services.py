"""Sending reminders, deadline alerts and digests, each at most once.

Every send goes through :func:`email_send_once`: it inserts the
:class:`~notifications.models.SentEmail` row and hands the message to the mail
server inside one transaction. The unique ``(recipient, kind, period_key)``
makes a second attempt (a retried task, a second beat, a manual run) a no-op,
and a send that fails rolls the row back, so the email is not recorded as
sent and the next attempt tries again.
"""

import datetime
import logging

from django.db import IntegrityError, transaction

from accounts.models import User

from .choices import DigestPeriod, EmailKind
from .emails import RenderedEmail, deadline_alert_email, digest_email, reminder_email
from .models import SentEmail
from .periods import reporting_period
from .selectors import (
    DeadlineAlert,
    Digest,
    ReviewerReminder,
    deadline_alerts,
    digest_build,
    digest_recipients,
    manager_recipients,
    reviewer_reminders,
)

logger = logging.getLogger(__name__)


def email_send_once(
    *,
    recipient: User,
    kind: EmailKind,
    period_key: str,
    email: RenderedEmail,
    now: datetime.datetime,
) -> SentEmail | None:
    """Send ``email`` unless this (recipient, kind, period) was sent already.

    Returns the new log row, or ``None`` when it had been sent. The row is
    inserted first and committed only after the mail server accepted the
    message; a concurrent sender waits on the row lock and then finds it taken.
    Exceptions from the mail backend (SMTP errors, connection errors)
    propagate, with nothing recorded, so the caller can retry.

    The one gap left is a crash between the server accepting the message and
    the commit: the email is then sent again on the retry (at least once,
    never silently lost).
    """
    sent = SentEmail(
        recipient=recipient,
        kind=kind,
        period_key=period_key,
        subject=email.subject[:300],
        sent_at=now,
    )
    # The database constraint decides uniqueness; validating it here would be
    # one more query and still racy.
    sent.full_clean(exclude=["recipient"], validate_unique=False, validate_constraints=False)
    with transaction.atomic():
        try:
            with transaction.atomic():
                sent.save(force_insert=True)
        except IntegrityError:
            logger.info("%s %s for %s already sent", kind, period_key, recipient.pk)
            return None
        email.message().send()
    logger.info("Sent %s %s to %s", kind, period_key, recipient.pk)
    return sent


def _is_sent(*, recipient_id: int, kind: EmailKind, period_key: str) -> bool:
    return SentEmail.objects.filter(
        recipient_id=recipient_id, kind=kind, period_key=period_key
    ).exists()


# --- reviewer reminders -----------------------------------------------------------


def reviewer_reminder_deliver(
    *, reminder: ReviewerReminder, now: datetime.datetime
) -> SentEmail | None:
    """Send a built reminder once (per reviewer and local day)."""
    return email_send_once(
        recipient=reminder.reviewer,
        kind=EmailKind.REVIEWER_REMINDER,
        period_key=reminder.period_key,
        email=reminder_email(reminder),
        now=now,
    )


def reviewer_reminder_send(*, reviewer_id: int, now: datetime.datetime) -> SentEmail | None:
    """Build and send today's reminder for one reviewer, at most once a day.

    Sends nothing when the reviewer has nothing due or waiting any more, or
    was already reminded today.
    """
    reminders = reviewer_reminders(now=now, reviewer_ids=[reviewer_id])
    if not reminders:
        return None
    reminder = reminders[0]
    if _is_sent(
        recipient_id=reviewer_id, kind=EmailKind.REVIEWER_REMINDER, period_key=reminder.period_key
    ):
        return None
    return reviewer_reminder_deliver(reminder=reminder, now=now)


# --- reporting calendar -----------------------------------------------------------


def deadline_alert_deliver(
    *, alert: DeadlineAlert, recipient: User, now: datetime.datetime
) -> SentEmail | None:
    """Send one deadline alert to one manager, once per obligation, due date and threshold."""
    return email_send_once(
        recipient=recipient,
        kind=EmailKind.DEADLINE_ALERT,
        period_key=alert.period_key,
        email=deadline_alert_email(alert, recipient),
        now=now,
    )


def deadline_alert_send(
    *, obligation_id: int, threshold: int, recipient_id: int, now: datetime.datetime
) -> SentEmail | None:
    """Alert one manager that an obligation reached ``threshold``, if it still has.

    Sends nothing when the obligation was completed or moved meanwhile, or the
    recipient is no longer an active manager.
    """
    alerts = [
        a
        for a in deadline_alerts(now=now, obligation_ids=[obligation_id])
        if a.threshold == threshold
    ]
    recipient = manager_recipients().filter(pk=recipient_id).first()
    if not alerts or recipient is None:
        return None
    return deadline_alert_deliver(alert=alerts[0], recipient=recipient, now=now)


# --- digests --------------------------------------------------------------------------


def digest_deliver(*, digest: Digest, recipient: User, now: datetime.datetime) -> SentEmail | None:
    """Send a built digest to one manager, once per period."""
    return email_send_once(
        recipient=recipient,
        kind=digest.period.kind.email_kind,
        period_key=digest.period.key,
        email=digest_email(digest, recipient),
        now=now,
    )


def digest_send(
    *, recipient_id: int, period: DigestPeriod | str, now: datetime.datetime
) -> SentEmail | None:
    """Build and send the weekly or monthly digest to one manager, once per period.

    Sends nothing when the recipient no longer wants this digest or already
    has it.
    """
    period = DigestPeriod(period)
    recipient = digest_recipients(period).filter(pk=recipient_id).first()
    key = reporting_period(period, now).key
    if recipient is None or _is_sent(
        recipient_id=recipient_id, kind=period.email_kind, period_key=key
    ):
        return None
    return digest_deliver(digest=digest_build(period=period, now=now), recipient=recipient, now=now)
