"""Never twice, never lost: the sent-email log, failures and retries."""

import datetime
import smtplib

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.db import IntegrityError

from findings.models import Finding
from notifications.choices import EmailKind
from notifications.emails import RenderedEmail
from notifications.models import SentEmail
from notifications.services import email_send_once
from notifications.tasks import send_digest_task, send_reminder_task
from tests.factories import FindingFactory
from tests.notifications.conftest import almaty
from tracker.celery import app as celery_app

pytestmark = pytest.mark.django_db

NOW = almaty(2026, 11, 25, 8)


def an_email(to="someone@example.org") -> RenderedEmail:
    return RenderedEmail(to=to, subject="Hello", text="Plain", html="<p>Rich</p>")


@pytest.fixture
def flaky_smtp(monkeypatch):
    """The mail server fails the next ``failures["left"]`` sends, then accepts."""
    failures = {"left": 0, "attempts": 0}
    real_send = EmailBackend.send_messages

    def send_messages(self, messages):
        failures["attempts"] += 1
        if failures["left"]:
            failures["left"] -= 1
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return failures


@pytest.fixture
def eager_retries():
    """Let eager tasks retry (at once, without the backoff wait) instead of raising Retry."""
    previous = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = previous


@pytest.fixture
def due_finding(reviewer):
    finding = FindingFactory(due_on=datetime.date(2026, 11, 20))
    Finding.objects.filter(pk=finding.pk).update(status="in_progress", reviewer=reviewer)
    return finding


def test_a_sent_email_is_recorded_once_and_a_second_send_is_a_no_op(reviewer, mailoutbox):
    first = email_send_once(
        recipient=reviewer,
        kind=EmailKind.REVIEWER_REMINDER,
        period_key="2026-11-25",
        email=an_email(reviewer.email),
        now=NOW,
    )
    second = email_send_once(
        recipient=reviewer,
        kind=EmailKind.REVIEWER_REMINDER,
        period_key="2026-11-25",
        email=an_email(reviewer.email),
        now=NOW,
    )

    assert first is not None
    assert second is None
    assert len(mailoutbox) == 1
    assert list(SentEmail.objects.values_list("subject", "sent_at")) == [("Hello", NOW)]


def test_the_database_refuses_a_second_row_for_the_same_recipient_kind_and_period(reviewer):
    SentEmail.objects.create(
        recipient=reviewer, kind="digest_weekly", period_key="2026-11-16", subject="a", sent_at=NOW
    )
    with pytest.raises(IntegrityError):
        SentEmail.objects.create(
            recipient=reviewer,
            kind="digest_weekly",
            period_key="2026-11-16",
            subject="b",
            sent_at=NOW,
        )


def test_a_send_the_mail_server_refuses_is_not_recorded(reviewer, mailoutbox, flaky_smtp):
    flaky_smtp["left"] = 1

    with pytest.raises(smtplib.SMTPServerDisconnected):
        email_send_once(
            recipient=reviewer,
            kind=EmailKind.REVIEWER_REMINDER,
            period_key="2026-11-25",
            email=an_email(reviewer.email),
            now=NOW,
        )

    assert not SentEmail.objects.exists()
    assert mailoutbox == []


def test_a_failed_reminder_is_retried_and_recorded_once_it_goes_through(
    reviewer, due_finding, mailoutbox, flaky_smtp, eager_retries
):
    flaky_smtp["left"] = 2

    result = send_reminder_task.delay(reviewer.pk, NOW.isoformat())

    assert result.get() is True
    assert flaky_smtp["attempts"] == 3
    assert len(mailoutbox) == 1
    assert SentEmail.objects.filter(recipient=reviewer, period_key="2026-11-25").count() == 1


def test_a_send_that_keeps_failing_gives_up_with_nothing_recorded(
    reviewer, due_finding, mailoutbox, flaky_smtp, eager_retries
):
    flaky_smtp["left"] = 100

    result = send_reminder_task.delay(reviewer.pk, NOW.isoformat())

    assert result.failed()
    assert isinstance(result.result, smtplib.SMTPServerDisconnected)
    assert flaky_smtp["attempts"] == send_reminder_task.max_retries + 1
    assert not SentEmail.objects.exists()


def test_a_task_delivered_again_after_it_succeeded_sends_nothing(reviewer, due_finding, mailoutbox):
    # What a late-acknowledged task looks like when its worker died after sending.
    assert send_reminder_task.delay(reviewer.pk, NOW.isoformat()).get() is True
    assert send_reminder_task.delay(reviewer.pk, NOW.isoformat()).get() is False

    assert len(mailoutbox) == 1


def test_a_digest_task_for_someone_who_stopped_wanting_it_sends_nothing(manager_weekly, mailoutbox):
    manager_weekly.digest_frequency = "monthly"
    manager_weekly.save()

    assert send_digest_task.delay(manager_weekly.pk, "weekly", NOW.isoformat()).get() is False
    assert mailoutbox == []


def test_send_tasks_acknowledge_late_and_retry_on_mail_errors_with_backoff():
    for task in (send_reminder_task, send_digest_task):
        assert task.acks_late is True
        assert smtplib.SMTPException in task.autoretry_for
        assert ConnectionRefusedError.__mro__[2] in task.autoretry_for  # OSError
        assert task.retry_backoff
        assert task.retry_jitter is True


def test_a_task_refuses_a_moment_without_a_time_zone(reviewer):
    with pytest.raises(ValueError, match="time zone"):
        send_reminder_task.delay(reviewer.pk, "2026-11-25T08:00:00")
