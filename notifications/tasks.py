"""Celery tasks for reminders, deadline alerts and digests.

Tasks are thin: they take ids and an ISO timestamp, call a service and hold
only the retry policy. Each schedule starts a fan-out task that queues one
send task per recipient, so one failing address retries alone. The fan-out
passes its own ``now`` on, so a retry hours later still sends the same day's
reminder or the same period's digest. Sends are idempotent (see
:func:`notifications.services.email_send_once`): running any of them twice
sends nothing twice.
"""

import datetime
import smtplib
from functools import partial

from celery import shared_task
from django.db import transaction
from django.utils import timezone

from . import services
from .choices import DigestPeriod
from .selectors import (
    unsent_deadline_alerts,
    unsent_digest_recipients,
    unsent_reviewer_reminders,
)

#: What a send retries on: the mail server refusing or unreachable.
#: OSError covers refused connections, timeouts and DNS failures.
RETRY_ON = (smtplib.SMTPException, OSError)

SEND_OPTIONS = {
    "autoretry_for": RETRY_ON,
    "retry_backoff": 60,  # 1, 2, 4, 8... minutes
    "retry_backoff_max": 60 * 60,
    "retry_jitter": True,
    "max_retries": 8,  # about five hours of trying
    "acks_late": True,  # a worker that dies mid-send leaves the task queued
    "ignore_result": True,
}


def _moment(now: str | None) -> datetime.datetime:
    if now is None:
        return timezone.now()
    moment = datetime.datetime.fromisoformat(now)
    if timezone.is_naive(moment):
        raise ValueError(f"now must carry a time zone offset: {now!r}")
    return moment


def _enqueue(task, *args) -> None:
    # After commit, so a send never runs before the data that caused it is visible.
    transaction.on_commit(partial(task.delay, *args))


@shared_task(acks_late=True, ignore_result=True)
def send_reminders_task(now: str | None = None) -> int:
    """Queue today's reminder for every reviewer who has something due or waiting.

    Reviewers already reminded today are skipped. Returns how many were queued.
    """
    moment = _moment(now)
    reminders = unsent_reviewer_reminders(now=moment)
    for reminder in reminders:
        _enqueue(send_reminder_task, reminder.reviewer.pk, moment.isoformat())
    return len(reminders)


@shared_task(**SEND_OPTIONS)
def send_reminder_task(reviewer_id: int, now: str) -> bool:
    """Send one reviewer the reminder for the local day of ``now``, at most once."""
    return services.reviewer_reminder_send(reviewer_id=reviewer_id, now=_moment(now)) is not None


@shared_task(acks_late=True, ignore_result=True)
def send_deadline_alerts_task(now: str | None = None) -> int:
    """Queue one alert per manager for each obligation at a deadline threshold not yet alerted."""
    moment = _moment(now)
    pairs = unsent_deadline_alerts(now=moment)
    for alert, manager in pairs:
        _enqueue(
            send_deadline_alert_task,
            alert.obligation.pk,
            alert.threshold,
            manager.pk,
            moment.isoformat(),
        )
    return len(pairs)


@shared_task(**SEND_OPTIONS)
def send_deadline_alert_task(
    obligation_id: int, threshold: int, recipient_id: int, now: str
) -> bool:
    """Send one manager one deadline alert, at most once per obligation and threshold."""
    sent = services.deadline_alert_send(
        obligation_id=obligation_id,
        threshold=threshold,
        recipient_id=recipient_id,
        now=_moment(now),
    )
    return sent is not None


@shared_task(acks_late=True, ignore_result=True)
def send_digests_task(period: str, now: str | None = None) -> int:
    """Queue the weekly or monthly digest for every manager who chose it and lacks it."""
    period = DigestPeriod(period)
    moment = _moment(now)
    recipient_ids = list(unsent_digest_recipients(period, moment).values_list("pk", flat=True))
    for recipient_id in recipient_ids:
        _enqueue(send_digest_task, recipient_id, period.value, moment.isoformat())
    return len(recipient_ids)


@shared_task(**SEND_OPTIONS)
def send_digest_task(recipient_id: int, period: str, now: str) -> bool:
    """Send one manager the digest of the period before ``now``, at most once."""
    sent = services.digest_send(recipient_id=recipient_id, period=period, now=_moment(now))
    return sent is not None
