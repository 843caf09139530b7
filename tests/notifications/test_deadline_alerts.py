import datetime

import pytest

from notifications.models import SentEmail
from notifications.selectors import deadline_alerts
from notifications.tasks import send_deadline_alert_task, send_deadline_alerts_task
from tests.factories import ObligationFactory, TreatyFactory, UserFactory
from tests.notifications.conftest import almaty

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 25)
NOW = almaty(2026, 11, 25, 8, 5)


@pytest.fixture(autouse=True)
def _thresholds(settings):
    settings.TRACKER_DEADLINE_THRESHOLDS = [90, 30, 7]


def due_in(days: int, **kwargs):
    return ObligationFactory(due_on=TODAY + datetime.timedelta(days=days), **kwargs)


def run_alerts(django_capture_on_commit_callbacks, now=NOW):
    with django_capture_on_commit_callbacks(execute=True):
        return send_deadline_alerts_task.delay(now.isoformat()).get()


@pytest.mark.parametrize(("days", "threshold"), [(90, 90), (30, 30), (7, 7), (0, 7)])
def test_an_obligation_exactly_at_a_threshold_is_alerted_for_it(days, threshold):
    obligation = due_in(days)

    [alert] = deadline_alerts(now=NOW)

    assert (alert.obligation, alert.threshold, alert.days_left) == (obligation, threshold, days)


def test_obligations_beyond_the_largest_threshold_overdue_completed_or_undated_are_not_alerted():
    due_in(91)
    due_in(-1)
    due_in(10, completed_on=TODAY)
    ObligationFactory(kind="substantive", due_on=None)

    assert deadline_alerts(now=NOW) == []


def test_each_manager_gets_one_email_per_obligation_and_threshold(
    manager, mailoutbox, django_capture_on_commit_callbacks
):
    second_manager = UserFactory(role="manager", digest_frequency="none")
    UserFactory(role="reviewer")
    due_in(30, treaty=TreatyFactory(code="CEDAW"), title="Tenth periodic report")

    assert run_alerts(django_capture_on_commit_callbacks) == 2

    assert sorted(m.to[0] for m in mailoutbox) == sorted([manager.email, second_manager.email])
    assert mailoutbox[0].subject == '[Tracker] CEDAW: "Tenth periodic report" is due in 30 days'
    assert "Dec. 25, 2026" in mailoutbox[0].body


def test_the_same_threshold_never_fires_twice_but_the_next_one_does(
    manager, mailoutbox, django_capture_on_commit_callbacks
):
    obligation = due_in(30)

    for day in range(23):  # 30 days left down to 8
        run_alerts(django_capture_on_commit_callbacks, now=NOW + datetime.timedelta(days=day))
    assert len(mailoutbox) == 1

    run_alerts(django_capture_on_commit_callbacks, now=NOW + datetime.timedelta(days=23))  # 7 left
    assert len(mailoutbox) == 2
    assert list(SentEmail.objects.order_by("sent_at").values_list("period_key", flat=True)) == [
        f"obligation:{obligation.pk}:2026-12-25:30d",
        f"obligation:{obligation.pk}:2026-12-25:7d",
    ]


def test_a_threshold_crossed_while_no_run_happened_fires_once_late(
    manager, mailoutbox, django_capture_on_commit_callbacks
):
    due_in(26)  # the 30-day run was missed

    run_alerts(django_capture_on_commit_callbacks)
    run_alerts(django_capture_on_commit_callbacks, now=NOW + datetime.timedelta(days=1))

    [message] = mailoutbox
    assert "due in 26 days" in message.subject


def test_a_new_due_date_starts_the_thresholds_again(
    manager, mailoutbox, django_capture_on_commit_callbacks
):
    obligation = due_in(7)
    run_alerts(django_capture_on_commit_callbacks)

    obligation.due_on = TODAY + datetime.timedelta(days=90)  # the next reporting cycle
    obligation.save()
    run_alerts(django_capture_on_commit_callbacks)

    assert len(mailoutbox) == 2


def test_a_completed_obligation_is_not_alerted_when_its_queued_send_runs(
    manager, mailoutbox, django_capture_on_commit_callbacks
):
    obligation = due_in(30)
    obligation.completed_on = TODAY
    obligation.save()

    sent = send_deadline_alert_task.delay(obligation.pk, 30, manager.pk, NOW.isoformat()).get()

    assert sent is False
    assert mailoutbox == []


def test_alert_dates_are_in_the_managers_language(mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(role="manager", language="ru")
    due_in(90)

    run_alerts(django_capture_on_commit_callbacks)

    assert "23 февраля 2027" in mailoutbox[0].body


@pytest.mark.parametrize(("obligations", "managers"), [(1, 1), (12, 4)])
def test_the_alert_fan_out_takes_three_queries_whatever_the_numbers(
    obligations, managers, django_assert_num_queries
):
    for i in range(obligations):
        due_in(7 + 5 * i)
    for _ in range(managers):
        UserFactory(role="manager")

    with django_assert_num_queries(3):
        queued = send_deadline_alerts_task.run(NOW.isoformat())

    assert queued == obligations * managers
