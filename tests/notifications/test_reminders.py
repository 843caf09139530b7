import datetime

import pytest

from findings.models import Finding
from notifications.emails import reminder_email
from notifications.models import SentEmail
from notifications.selectors import reviewer_reminders
from notifications.tasks import send_reminders_task
from tests.factories import FindingFactory, UserFactory
from tests.notifications.conftest import almaty, move, submit_for_review

pytestmark = pytest.mark.django_db

NOW = almaty(2026, 11, 25, 8, 0)  # a Wednesday


@pytest.fixture(autouse=True)
def _windows(settings):
    settings.TRACKER_REMINDER_DUE_WITHIN_DAYS = 14
    settings.TRACKER_REMINDER_REVIEW_WAITING_DAYS = 7


def assigned(reviewer, *, due_on, status="in_progress", **kwargs):
    finding = FindingFactory(due_on=due_on, **kwargs)
    Finding.objects.filter(pk=finding.pk).update(status=status, reviewer=reviewer)
    finding.refresh_from_db()
    return finding


def run_reminders(django_capture_on_commit_callbacks, now=NOW):
    with django_capture_on_commit_callbacks(execute=True):
        return send_reminders_task.delay(now.isoformat()).get()


def test_a_reviewer_hears_of_overdue_findings_and_those_due_within_the_window(reviewer):
    overdue = assigned(reviewer, due_on=datetime.date(2026, 11, 20))
    due_last_day = assigned(reviewer, due_on=datetime.date(2026, 12, 9))
    assigned(reviewer, due_on=datetime.date(2026, 12, 10))  # 15 days away
    assigned(reviewer, due_on=datetime.date(2026, 11, 1), status="closed")
    assigned(reviewer, due_on=datetime.date(2026, 11, 1), status="implemented")

    [reminder] = reviewer_reminders(now=NOW)

    assert reminder.reviewer == reviewer
    assert reminder.due == [overdue, due_last_day]
    assert [f.days_left for f in reminder.due] == [-5, 14]
    assert reminder.waiting == []


def test_reviews_waiting_longer_than_the_setting_are_listed_longest_first(reviewer, monitor):
    eight_days = FindingFactory(due_on=None)
    submit_for_review(eight_days, reviewer=reviewer, by=monitor, at=almaty(2026, 11, 17, 9))
    ten_days = FindingFactory(due_on=None)
    submit_for_review(ten_days, reviewer=reviewer, by=monitor, at=almaty(2026, 11, 15, 9))
    exactly_seven = FindingFactory(due_on=None)
    submit_for_review(exactly_seven, reviewer=reviewer, by=monitor, at=NOW - datetime.timedelta(7))
    recent = FindingFactory(due_on=None)
    submit_for_review(recent, reviewer=reviewer, by=monitor, at=almaty(2026, 11, 24, 9))

    [reminder] = reviewer_reminders(now=NOW)

    assert reminder.waiting == [ten_days, eight_days]
    assert [f.waiting_days for f in reminder.waiting] == [10, 8]
    assert reminder.due == []


def test_a_reviewer_with_nothing_due_or_waiting_gets_no_email(
    reviewer, monitor, mailoutbox, django_capture_on_commit_callbacks
):
    assigned(reviewer, due_on=datetime.date(2027, 3, 1))
    fresh = FindingFactory(due_on=None)
    submit_for_review(fresh, reviewer=reviewer, by=monitor, at=almaty(2026, 11, 24, 9))

    assert run_reminders(django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []
    assert not SentEmail.objects.exists()


def test_each_reviewer_gets_one_email_listing_only_their_own_findings(
    mailoutbox, django_capture_on_commit_callbacks
):
    anna = UserFactory(username="anna", role="reviewer")
    bolat = UserFactory(username="bolat", role="reviewer")
    annas = assigned(anna, due_on=datetime.date(2026, 11, 30), title="Annas finding")
    assigned(anna, due_on=datetime.date(2026, 12, 1), title="Annas second finding")
    bolats = assigned(bolat, due_on=datetime.date(2026, 11, 20), title="Bolats finding")

    assert run_reminders(django_capture_on_commit_callbacks) == 2

    by_recipient = {m.to[0]: m for m in mailoutbox}
    assert set(by_recipient) == {anna.email, bolat.email}
    assert annas.title in by_recipient[anna.email].body
    assert bolats.title not in by_recipient[anna.email].body
    assert "2 findings need your attention" in by_recipient[anna.email].subject
    assert "Overdue since" in by_recipient[bolat.email].body
    assert annas.title not in by_recipient[bolat.email].body


def test_inactive_reviewers_and_reviewers_without_an_address_are_not_reminded(
    mailoutbox, django_capture_on_commit_callbacks
):
    gone = UserFactory(role="reviewer", is_active=False)
    no_address = UserFactory(role="reviewer", email="")
    assigned(gone, due_on=datetime.date(2026, 11, 20))
    assigned(no_address, due_on=datetime.date(2026, 11, 20))

    assert run_reminders(django_capture_on_commit_callbacks) == 0
    assert mailoutbox == []


def test_a_second_run_the_same_day_sends_nothing_and_the_next_day_sends_again(
    reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    assigned(reviewer, due_on=datetime.date(2026, 11, 20))

    run_reminders(django_capture_on_commit_callbacks)
    run_reminders(django_capture_on_commit_callbacks, now=NOW + datetime.timedelta(hours=9))
    assert len(mailoutbox) == 1

    run_reminders(django_capture_on_commit_callbacks, now=NOW + datetime.timedelta(days=1))
    assert len(mailoutbox) == 2
    assert list(
        SentEmail.objects.filter(recipient=reviewer).values_list("period_key", flat=True)
    ) == ["2026-11-26", "2026-11-25"]


def test_the_reminder_day_is_the_day_in_almaty_not_in_utc(reviewer):
    assigned(reviewer, due_on=datetime.date(2026, 11, 25))
    late_evening_utc = datetime.datetime(2026, 11, 24, 20, 0, tzinfo=datetime.UTC)

    [reminder] = reviewer_reminders(now=late_evening_utc)

    assert reminder.period_key == "2026-11-25"
    assert reminder.due[0].days_left == 0


@pytest.mark.parametrize(
    ("language", "expected", "unexpected"),
    [("ru", "20 ноября 2026", "November"), ("en", "Nov. 20, 2026", "ноября")],
)
def test_dates_are_written_in_the_reviewers_language(
    language, expected, unexpected, mailoutbox, django_capture_on_commit_callbacks
):
    reviewer = UserFactory(role="reviewer", language=language)
    assigned(reviewer, due_on=datetime.date(2026, 11, 20))

    run_reminders(django_capture_on_commit_callbacks)

    [message] = mailoutbox
    html = message.alternatives[0][0]
    assert expected in message.body
    assert expected in html
    assert unexpected not in message.body


def test_the_reminder_links_each_finding_in_the_admin(
    reviewer, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://tracker.example.kz"
    finding = assigned(reviewer, due_on=datetime.date(2026, 11, 20))

    run_reminders(django_capture_on_commit_callbacks)

    link = f"https://tracker.example.kz/admin/findings/finding/{finding.pk}/change/"
    assert link in mailoutbox[0].body
    assert f'href="{link}"' in mailoutbox[0].alternatives[0][0]


def _reminder_data(reviewers: int, findings: int, monitor) -> None:
    people = [UserFactory(role="reviewer") for _ in range(reviewers)]
    for i in range(findings):
        reviewer = people[i % reviewers]
        if i % 3 == 0:
            finding = FindingFactory(due_on=None)
            submit_for_review(finding, reviewer=reviewer, by=monitor, at=almaty(2026, 11, 1, 9))
        else:
            assigned(reviewer, due_on=datetime.date(2026, 11, 20) + datetime.timedelta(i % 7))


@pytest.mark.parametrize(("reviewers", "findings"), [(1, 3), (4, 30)])
def test_building_reminders_takes_one_query_whatever_the_numbers(
    reviewers, findings, monitor, django_assert_num_queries
):
    _reminder_data(reviewers, findings, monitor)

    with django_assert_num_queries(1):
        reminders = reviewer_reminders(now=NOW)

    assert sum(len(r.due) + len(r.waiting) for r in reminders) == findings


@pytest.mark.parametrize(("reviewers", "findings"), [(1, 3), (4, 30)])
def test_the_daily_fan_out_takes_two_queries_whatever_the_numbers(
    reviewers, findings, monitor, django_assert_num_queries
):
    _reminder_data(reviewers, findings, monitor)

    # Counted without the sends it queues: the fan-out itself is fixed.
    with django_assert_num_queries(2):
        queued = send_reminders_task.run(NOW.isoformat())

    assert queued == reviewers


def test_a_finding_moved_out_of_review_drops_out_of_the_reminder(reviewer, monitor):
    finding = FindingFactory(due_on=None)
    submit_for_review(finding, reviewer=reviewer, by=monitor, at=almaty(2026, 11, 1, 9))
    move(finding, "implemented", actor=reviewer, at=almaty(2026, 11, 24, 9))

    assert reviewer_reminders(now=NOW) == []


def test_a_title_with_markup_is_escaped_in_the_html_and_kept_as_is_in_the_text(
    reviewer, mailoutbox, django_capture_on_commit_callbacks
):
    assigned(reviewer, due_on=datetime.date(2026, 11, 20), title='Repeal art. 174 <b>"now"</b>')

    run_reminders(django_capture_on_commit_callbacks)

    [message] = mailoutbox
    assert 'Repeal art. 174 <b>"now"</b>' in message.body
    html = message.alternatives[0][0]
    assert "Repeal art. 174 &lt;b&gt;&quot;now&quot;&lt;/b&gt;" in html
    assert "<b>" not in html


def test_each_row_says_when_it_is_due_or_how_long_it_has_waited(reviewer, monitor):
    assigned(reviewer, due_on=datetime.date(2026, 11, 24), title="One day late")
    assigned(reviewer, due_on=datetime.date(2026, 11, 20), title="Five days late")
    assigned(reviewer, due_on=datetime.date(2026, 11, 25), title="Due now")
    assigned(reviewer, due_on=datetime.date(2026, 11, 26), title="Due tomorrow")
    assigned(reviewer, due_on=datetime.date(2026, 12, 1), title="Due next week")
    waiting = FindingFactory(due_on=None, title="Waiting <long>")
    submit_for_review(waiting, reviewer=reviewer, by=monitor, at=almaty(2026, 11, 15, 9))

    [reminder] = reviewer_reminders(now=NOW)
    email = reminder_email(reminder)

    for text in (email.text, email.html):
        assert "Overdue since Nov. 24, 2026 (1 day)." in text
        assert "Overdue since Nov. 20, 2026 (5 days)." in text
        assert "Due today." in text
        assert "Due Nov. 26, 2026 (in 1 day)." in text
        assert "Due Dec. 1, 2026 (in 6 days)." in text
        assert "Submitted Nov. 15, 2026, waiting 10 days." in text
        assert "Proposed assessment: Implemented" in text
        assert "In progress" in text  # the status of the assigned findings
    assert "Waiting <long>" in email.text
    assert "Waiting &lt;long&gt;" in email.html


def test_rows_are_written_in_the_reviewers_language(monitor):
    reviewer = UserFactory(role="reviewer", language="ru")
    assigned(reviewer, due_on=datetime.date(2026, 11, 20))
    waiting = FindingFactory(due_on=None)
    submit_for_review(waiting, reviewer=reviewer, by=monitor, at=almaty(2026, 11, 15, 9))

    [reminder] = reviewer_reminders(now=NOW)
    email = reminder_email(reminder)

    assert "20 ноября 2026" in email.text
    assert "15 ноября 2026" in email.text
    assert "Nov." not in email.text
