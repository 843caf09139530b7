import datetime
import smtplib
from io import StringIO

import pytest
import time_machine
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command

from findings.models import Finding
from notifications.models import SentEmail
from tests.factories import FindingFactory, ObligationFactory, UserFactory
from tests.notifications.conftest import almaty

pytestmark = pytest.mark.django_db

WEDNESDAY = almaty(2026, 11, 25, 8, 0)
DASH = "\N{EN DASH}"


@pytest.fixture(autouse=True)
def frozen_time():
    with time_machine.travel(WEDNESDAY, tick=False):
        yield


def command(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def give_work(reviewer, title="Abolish the exit visa"):
    finding = FindingFactory(due_on=datetime.date(2026, 11, 20), title=title)
    Finding.objects.filter(pk=finding.pk).update(status="in_progress", reviewer=reviewer)


def test_send_reminders_dry_run_prints_the_emails_and_sends_or_records_nothing(
    reviewer, mailoutbox
):
    give_work(reviewer)

    out = command("send_reminders", "--dry-run")

    assert f"To: {reviewer.email}" in out
    assert "Subject: [Tracker] 1 finding needs your attention" in out
    assert "Abolish the exit visa" in out
    assert "Overdue since Nov. 20, 2026 (5 days)." in out
    assert "nothing was sent or recorded" in out
    assert mailoutbox == []
    assert not SentEmail.objects.exists()


def test_send_reminders_sends_once_and_a_rerun_skips_who_already_has_it(reviewer, mailoutbox):
    give_work(reviewer)

    first = command("send_reminders")
    second = command("send_reminders")

    assert "Sent 1 reminder(s) (0 already sent)." in first
    assert "Sent 0 reminder(s)" in second
    assert len(mailoutbox) == 1
    assert SentEmail.objects.get().period_key == "2026-11-25"


def test_send_digest_dry_run_prints_the_summary_and_sends_nothing(manager_weekly, mailoutbox):
    out = command("send_digest", "--period", "weekly", "--dry-run")

    assert f"Subject: [Tracker] Weekly summary, Nov. 16, 2026 {DASH} Nov. 22, 2026" in out
    assert "== Findings by status ==" in out
    assert mailoutbox == []
    assert not SentEmail.objects.exists()


def test_send_digest_sends_the_monthly_summary_to_monthly_managers_only(
    manager_weekly, manager_monthly, mailoutbox
):
    out = command("send_digest", "--period", "monthly")

    assert [m.to for m in mailoutbox] == [[manager_monthly.email]]
    assert mailoutbox[0].subject == f"[Tracker] Monthly summary, Oct. 1, 2026 {DASH} Oct. 31, 2026"
    assert "Sent 1 summary email(s)" in out
    assert SentEmail.objects.get().kind == "digest_monthly"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "daily"], "invalid choice: 'daily'"),
        ([], "the following arguments are required: --period"),
    ],
)
def test_send_digest_refuses_a_missing_or_unknown_period(args, message, manager_weekly, mailoutbox):
    with pytest.raises(CommandError, match=message):
        call_command("send_digest", *args)
    assert mailoutbox == []


def test_send_deadline_alerts_dry_run_then_real_run(manager, mailoutbox):
    ObligationFactory(title="Third periodic report", due_on=datetime.date(2026, 12, 2))

    dry = command("send_deadline_alerts", "--dry-run")
    assert "Third periodic report" in dry
    assert "due in 7 days" in dry
    assert mailoutbox == []

    command("send_deadline_alerts")
    command("send_deadline_alerts")
    assert len(mailoutbox) == 1


def test_a_run_with_a_failing_address_sends_the_others_and_names_the_failure(
    monkeypatch, mailoutbox
):
    good = UserFactory(username="good", role="reviewer")
    bad = UserFactory(username="bad", role="reviewer")
    give_work(good)
    give_work(bad)
    real_send = EmailBackend.send_messages

    def send_messages(self, messages):
        if messages[0].to == [bad.email]:
            raise smtplib.SMTPRecipientsRefused({bad.email: (550, b"mailbox unavailable")})
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)

    with pytest.raises(CommandError, match=f"Could not send 1 email.*\n{bad.email}: "):
        command("send_reminders")

    assert [m.to for m in mailoutbox] == [[good.email]]
    assert list(SentEmail.objects.values_list("recipient", flat=True)) == [good.pk]
