import datetime
import re

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from findings.choices import Status
from findings.models import Evidence, Finding, FindingEvent
from notifications.emails import digest_email
from notifications.models import SentEmail
from notifications.periods import reporting_period
from notifications.selectors import digest_build
from notifications.tasks import send_digests_task
from tests.factories import (
    EvidenceFactory,
    FindingFactory,
    ObligationFactory,
    OrganisationFactory,
    ProvisionFactory,
    TreatyFactory,
    UserFactory,
)
from tests.notifications.conftest import almaty, move, submit_for_review

pytestmark = pytest.mark.django_db

MONDAY = almaty(2026, 11, 23, 8, 0)  # reports Mon 16 to Sun 22 November 2026
PERIOD_START = almaty(2026, 11, 16)
DASH = "\N{EN DASH}"
PERIOD_END = almaty(2026, 11, 23)


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.TRACKER_ESCALATION_OVERDUE_DAYS = 30
    settings.TRACKER_DEADLINE_THRESHOLDS = [90, 30, 7]
    settings.SITE_URL = "https://tracker.example.kz"


def created(finding, at):
    Finding.objects.filter(pk=finding.pk).update(created_at=at)
    finding.refresh_from_db()
    return finding


@pytest.fixture
def world(monitor, reviewer, manager):
    """A small tracker with something in every section of the digest."""
    iccpr, cat = TreatyFactory(code="ICCPR"), TreatyFactory(code="CAT")
    cat_article = ProvisionFactory(treaty=cat, number="2")
    iccpr_article = ProvisionFactory(treaty=iccpr, number="7")
    w = {}

    # Triaged before the period, in progress during it.
    w["worked_on"] = f = created(
        FindingFactory(title="Worked on", treaties=[iccpr], due_on=None), almaty(2026, 11, 1)
    )
    move(f, "triaged", actor=monitor, at=almaty(2026, 11, 10))
    move(f, "in_progress", actor=monitor, at=almaty(2026, 11, 18, 10))
    # Created during the period and triaged.
    w["new_this_week"] = f = created(
        FindingFactory(title="New this week", treaties=[iccpr], due_on=None), almaty(2026, 11, 17)
    )
    move(f, "triaged", actor=monitor, at=almaty(2026, 11, 19, 15))
    # Fell due during the period; linked to ICCPR directly and through an article.
    w["newly_overdue"] = f = created(
        FindingFactory(
            title="Newly overdue",
            treaties=[iccpr],
            provisions=[iccpr_article],
            due_on=datetime.date(2026, 11, 18),
        ),
        almaty(2026, 10, 1),
    )
    move(f, "triaged", actor=monitor, at=almaty(2026, 10, 2))
    # Long overdue: escalated. Linked to CAT only through an article.
    w["escalated"] = f = created(
        FindingFactory(
            title="Long overdue", provisions=[cat_article], due_on=datetime.date(2026, 10, 1)
        ),
        almaty(2026, 9, 1),
    )
    move(f, "triaged", actor=monitor, at=almaty(2026, 9, 2))
    move(f, "in_progress", actor=monitor, at=almaty(2026, 9, 3), reviewer=reviewer)
    # Waiting for review since early November.
    w["waiting"] = f = created(
        FindingFactory(title="Waiting", treaties=[cat], due_on=None), almaty(2026, 10, 1)
    )
    move(f, "triaged", actor=monitor, at=almaty(2026, 10, 2))
    submit_for_review(f, reviewer=reviewer, by=monitor, at=almaty(2026, 11, 2, 9))
    # Assessed during the period; a partner disagrees.
    w["disputed"] = f = created(
        FindingFactory(title="Disputed", treaties=[cat], due_on=None), almaty(2026, 10, 1)
    )
    move(f, "triaged", actor=monitor, at=almaty(2026, 10, 2))
    submit_for_review(f, reviewer=reviewer, by=monitor, at=almaty(2026, 10, 5))
    move(f, "implemented", actor=reviewer, at=almaty(2026, 11, 20, 11))
    ngo = OrganisationFactory(name="Kazakhstan Bureau")
    EvidenceFactory(
        finding=f,
        kind="assessment",
        assessment="not_implemented",
        organisation=ngo,
        author=UserFactory(role="partner", organisation=ngo),
    )
    # A partner submission waiting for moderation.
    w["pending"] = EvidenceFactory(
        finding=w["worked_on"],
        organisation=ngo,
        author=UserFactory(role="partner", organisation=ngo),
        moderation="pending",
    )
    # The reporting calendar.
    w["obligation_overdue"] = ObligationFactory(
        treaty=iccpr, title="Fourth periodic report", due_on=datetime.date(2026, 11, 1)
    )
    w["obligation_upcoming"] = ObligationFactory(
        treaty=cat,
        title="Follow-up on paras 12, 20",
        kind="follow_up",
        due_on=datetime.date(2027, 1, 10),
    )
    ObligationFactory(
        treaty=cat,
        title="Done",
        due_on=datetime.date(2026, 10, 1),
        completed_on=datetime.date(2026, 9, 30),
    )
    ObligationFactory(treaty=cat, title="Far away", due_on=datetime.date(2027, 9, 1))
    return w


def db_counts(**filters) -> dict[str, int]:
    return {s: Finding.objects.filter(status=s, **filters).count() for s in Status}


def test_the_weekly_period_is_the_last_monday_to_sunday_whatever_the_run_day():
    for day in (23, 25, 29):
        period = reporting_period("weekly", almaty(2026, 11, day, 8))
        assert (period.first_day, period.last_day) == (
            datetime.date(2026, 11, 16),
            datetime.date(2026, 11, 22),
        )
        assert period.key == "2026-11-16"


def test_the_monthly_period_is_the_last_complete_month():
    period = reporting_period("monthly", almaty(2026, 12, 1, 8))
    assert (period.first_day, period.last_day) == (
        datetime.date(2026, 11, 1),
        datetime.date(2026, 11, 30),
    )
    january = reporting_period("monthly", almaty(2027, 1, 1, 0, 30))
    assert january.key == "2026-12-01"


def test_totals_at_the_end_of_the_period_equal_the_database_counts(world):
    digest = digest_build(period="weekly", now=MONDAY)

    assert {t.status: t.at_end for t in digest.totals} == db_counts()
    assert {t.status: t.now for t in digest.totals} == db_counts()
    assert digest.total_at_end == Finding.objects.count()


def test_totals_at_the_start_and_the_change_follow_the_status_log(world):
    digest = digest_build(period="weekly", now=MONDAY)
    totals = {t.status: t for t in digest.totals}

    # Start: worked_on and newly_overdue triaged, escalated in progress, two awaiting review;
    # new_this_week did not exist yet.
    assert {s: t.at_start for s, t in totals.items() if t.at_start} == {
        Status.TRIAGED: 2,
        Status.IN_PROGRESS: 1,
        Status.AWAITING_REVIEW: 2,
    }
    # End: new_this_week triaged, worked_on in progress, disputed implemented.
    assert {s: t.change for s, t in totals.items() if t.change} == {
        Status.IN_PROGRESS: 1,
        Status.AWAITING_REVIEW: -1,
        Status.IMPLEMENTED: 1,
    }
    assert digest.total_at_start == Finding.objects.filter(created_at__lt=PERIOD_START).count()
    assert (
        sum(t.change for t in digest.totals)
        == Finding.objects.filter(created_at__gte=PERIOD_START, created_at__lt=PERIOD_END).count()
    )


def test_changes_after_the_period_ended_show_only_in_the_now_column(world, monitor):
    before = digest_build(period="weekly", now=MONDAY)
    # Overnight, before the digest goes out: one more move and one new finding.
    move(world["worked_on"], "closed", actor=monitor, at=almaty(2026, 11, 23, 3))
    created(FindingFactory(), almaty(2026, 11, 23, 4))

    after = digest_build(period="weekly", now=MONDAY)

    def period_columns(digest):
        return [(t.status, t.at_start, t.at_end) for t in digest.totals]

    assert period_columns(after) == period_columns(before)
    assert {t.status: t.now for t in after.totals} == db_counts()
    assert after.total_now == before.total_now + 1


def test_status_changes_in_the_period_list_who_moved_what_from_where_to_where(world, monitor):
    digest = digest_build(period="weekly", now=MONDAY)

    in_period = FindingEvent.objects.filter(created_at__gte=PERIOD_START, created_at__lt=PERIOD_END)
    assert digest.status_changes.total == in_period.count() == 3
    newest = digest.status_changes.rows[0]
    assert (newest.finding, newest.from_status, newest.to_status) == (
        world["disputed"],
        "awaiting_review",
        "implemented",
    )
    assert [e.created_at for e in digest.status_changes] == sorted(
        (e.created_at for e in in_period), reverse=True
    )


def test_overdue_sections_match_the_database(world):
    digest = digest_build(period="weekly", now=MONDAY)
    today = datetime.date(2026, 11, 23)

    assert digest.overdue_count == Finding.objects.overdue(today).count() == 2
    assert digest.newly_overdue.rows == [world["newly_overdue"]]
    assert digest.escalated.rows == [world["escalated"]]
    assert (
        digest.escalated.total
        == Finding.objects.overdue(today - datetime.timedelta(days=30)).count()
    )


def test_reviews_waiting_longest_come_first_with_days_waited(world, monitor, reviewer):
    later = FindingFactory(due_on=None)
    submit_for_review(later, reviewer=reviewer, by=monitor, at=almaty(2026, 11, 20, 9))

    digest = digest_build(period="weekly", now=MONDAY)

    assert digest.waiting_reviews.rows == [world["waiting"], later]
    assert [f.waiting_days for f in digest.waiting_reviews] == [21, 3]
    assert digest.waiting_reviews.total == Finding.objects.filter(status="awaiting_review").count()


def test_treaty_progress_counts_each_finding_once_per_treaty(world):
    digest = digest_build(period="weekly", now=MONDAY)
    progress = {t.code: t for t in digest.treaties}

    for treaty in ("ICCPR", "CAT"):
        linked = Finding.objects.filter(
            Q(treaties__code=treaty) | Q(provisions__treaty__code=treaty)
        ).distinct()
        assert progress[treaty].total == linked.count()
        assert progress[treaty].counts == {
            s: n for s in Status if (n := linked.filter(status=s).count())
        }
    assert progress["ICCPR"].total == 3
    assert progress["CAT"].implemented == 1
    assert progress["CAT"].assessed_percent == 33


def test_deadlines_moderation_and_disagreements_match_the_database(world):
    digest = digest_build(period="weekly", now=MONDAY)

    assert digest.overdue_obligations.rows == [world["obligation_overdue"]]
    assert digest.upcoming_obligations.rows == [world["obligation_upcoming"]]
    assert digest.pending_submissions.rows == [world["pending"]]
    assert digest.pending_submissions.total == Evidence.objects.pending().count()
    assert digest.disagreements.rows == [world["disputed"]]
    assert digest.disagreements.total == Finding.objects.with_partner_disagreement().count()


def test_long_lists_are_capped_with_the_full_count(monitor):
    for _ in range(25):
        move(
            FindingFactory(due_on=datetime.date(2026, 11, 18)),
            "triaged",
            actor=monitor,
            at=almaty(2026, 11, 1),
        )

    digest = digest_build(period="weekly", now=MONDAY)

    assert len(digest.newly_overdue.rows) == 20
    assert digest.newly_overdue.total == 25
    assert digest.newly_overdue.more == 5


def test_a_digest_with_nothing_in_it_still_builds(db):
    digest = digest_build(period="monthly", now=MONDAY)

    assert digest.total_at_end == 0
    assert not digest.status_changes
    assert digest.treaties == []


def _bulk_world(findings: int, monitor, reviewer) -> None:
    treaties = [TreatyFactory() for _ in range(3)]
    article = ProvisionFactory(treaty=treaties[0])
    ngo = OrganisationFactory()
    partner = UserFactory(role="partner", organisation=ngo)
    for i in range(findings):
        f = created(
            FindingFactory(
                treaties=[treaties[i % 3]],
                provisions=[article] if i % 4 == 0 else [],
                due_on=datetime.date(2026, 10, 1) + datetime.timedelta(days=i),
            ),
            almaty(2026, 9, 1),
        )
        move(f, "triaged", actor=monitor, at=almaty(2026, 11, 17))
        if i % 3 == 1:
            submit_for_review(f, reviewer=reviewer, by=monitor, at=almaty(2026, 11, 18))
        if i % 5 == 0:
            EvidenceFactory(finding=f, organisation=ngo, author=partner, moderation="pending")
        ObligationFactory(
            treaty=treaties[i % 3],
            due_on=datetime.date(2026, 11, 1) + datetime.timedelta(days=10 * i),
        )


@pytest.mark.parametrize("findings", [3, 30])
def test_building_a_digest_takes_a_fixed_number_of_queries(
    findings, monitor, reviewer, django_assert_num_queries
):
    _bulk_world(findings, monitor, reviewer)

    with django_assert_num_queries(21):
        digest = digest_build(period="weekly", now=MONDAY)

    assert digest.total_at_end == findings


@pytest.mark.parametrize("managers", [1, 4])
def test_the_digest_fan_out_takes_one_query_whatever_the_number_of_managers(
    managers, django_assert_num_queries
):
    for _ in range(managers):
        UserFactory(role="manager", digest_frequency="weekly")

    with django_assert_num_queries(1):
        queued = send_digests_task.run("weekly", MONDAY.isoformat())

    assert queued == managers


# --- recipients, sending, rendering ----------------------------------------------------


def send_weekly(django_capture_on_commit_callbacks, now=MONDAY):
    with django_capture_on_commit_callbacks(execute=True):
        return send_digests_task.delay("weekly", now.isoformat()).get()


def test_only_active_managers_who_chose_the_period_get_the_digest(
    manager_weekly, manager_monthly, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(role="manager", digest_frequency="weekly", is_active=False)
    UserFactory(role="reviewer", digest_frequency="weekly")
    UserFactory(role="manager", digest_frequency="none")

    assert send_weekly(django_capture_on_commit_callbacks) == 1

    assert [m.to for m in mailoutbox] == [[manager_weekly.email]]


def test_the_digest_goes_once_per_period_however_often_it_runs(
    manager_weekly, mailoutbox, django_capture_on_commit_callbacks
):
    send_weekly(django_capture_on_commit_callbacks)
    send_weekly(django_capture_on_commit_callbacks, now=MONDAY + datetime.timedelta(days=2))
    assert len(mailoutbox) == 1

    send_weekly(django_capture_on_commit_callbacks, now=MONDAY + datetime.timedelta(days=7))
    assert len(mailoutbox) == 2
    assert sorted(
        SentEmail.objects.filter(kind="digest_weekly").values_list("period_key", flat=True)
    ) == ["2026-11-16", "2026-11-23"]


def test_the_digest_email_shows_the_numbers_and_links_into_the_admin(
    world, manager_weekly, mailoutbox, django_capture_on_commit_callbacks
):
    send_weekly(django_capture_on_commit_callbacks)

    [message] = mailoutbox
    html = message.alternatives[0][0]
    assert message.subject == f"[Tracker] Weekly summary, Nov. 16, 2026 {DASH} Nov. 22, 2026"
    assert "Hello Aigerim," in message.body
    assert re.search(r"Implemented\s+0 →\s+1 \(\+1\)\s+1\n", message.body)
    assert "Status changes in the period (3)" in message.body
    assert "Awaiting review → Implemented, by reviewer" in message.body
    assert "Overdue findings (2)" in message.body
    assert "Fourth periodic report" in message.body
    escalated = world["escalated"]
    link = f"https://tracker.example.kz/admin/findings/finding/{escalated.pk}/change/"
    assert link in message.body
    assert f'href="{link}"' in html
    obligation = world["obligation_overdue"]
    assert f"https://tracker.example.kz/admin/treaties/obligation/{obligation.pk}/change/" in html


def test_the_html_chart_is_inline_styled_bars_without_scripts_or_remote_images(
    world, manager_weekly, mailoutbox, django_capture_on_commit_callbacks
):
    send_weekly(django_capture_on_commit_callbacks)

    html = mailoutbox[0].alternatives[0][0]
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "url(" not in html
    # ICCPR has the most findings (3): its bar fills the width, one third per status piece.
    assert re.search(r'title="Triaged: 2" style="width:66\.7%;[^"]*background:#', html)
    assert re.search(r'title="In progress: 1" style="width:33\.3%;', html)
    # CAT: 3 findings too, in three statuses.
    assert html.count('title="Awaiting review: 1"') == 1


def test_the_digest_dates_are_in_the_managers_language(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(role="manager", digest_frequency="weekly", language="ru")

    send_weekly(django_capture_on_commit_callbacks)

    [message] = mailoutbox
    assert message.subject.startswith("[Tracker] Weekly summary, 16 ноября 2026")
    assert "22 ноября 2026" in message.subject
    assert "1 ноября 2026" in message.alternatives[0][0]  # the overdue obligation
    # Bar widths stay CSS even where decimals take a comma.
    assert "width:66.7%" in message.alternatives[0][0]


def _disagreeing_findings(count: int, partner) -> None:
    """Assessed findings, each with its own reviewer, that ``partner``'s NGO assesses otherwise."""
    for _ in range(count):
        finding = FindingFactory(status=Status.IMPLEMENTED, reviewer=UserFactory(role="reviewer"))
        EvidenceFactory(
            finding=finding,
            kind="assessment",
            assessment="not_implemented",
            moderation="accepted",
            organisation=partner.organisation,
            author=partner,
            visibility="shared",
        )


def test_building_and_rendering_a_digest_with_disagreements_adds_no_query_per_finding(manager):
    """The disagreements table shows each finding's reviewer: loaded with the findings."""
    partner = UserFactory(role="partner", organisation=OrganisationFactory())

    def queries_for_digest_email() -> int:
        with CaptureQueriesContext(connection) as queries:
            digest = digest_build(period="weekly", now=MONDAY)
            email = digest_email(digest, manager)
        assert len(digest.disagreements.rows) == Finding.objects.with_partner_disagreement().count()
        assert all(f.reviewer.username in email.html for f in digest.disagreements.rows)
        return len(queries)

    _disagreeing_findings(1, partner)
    with_one = queries_for_digest_email()
    _disagreeing_findings(3, partner)
    assert queries_for_digest_email() == with_one
