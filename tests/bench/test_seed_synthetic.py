"""``manage.py seed_synthetic``: realistic, workflow-consistent, deterministic, and bulk-written.

The seed data is loaded once for the module (rolled back when it ends); each
test writes its own synthetic data on top of it, in its own transaction,
with the clock frozen.
"""

import contextlib
import datetime
import itertools
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count

from accounts.models import Organisation, User
from accounts.roles import Role
from findings import services
from findings.choices import (
    ASSESSED_STATUSES,
    OPEN_STATUSES,
    EvidenceKind,
    Moderation,
    ReportKind,
    Status,
    Visibility,
)
from findings.models import Assignment, Evidence, Finding, FindingEvent, Report
from findings.seeding import seed_data_load
from findings.synthetic import HISTORY_REASON, USERNAME_PREFIX

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 6, 30, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 3, 10)  # in Asia/Almaty as well
SIZE = 200
#: Far below one query per finding even at the smaller size checked.
MAX_QUERIES = 40


@pytest.fixture(scope="module", autouse=True)
def seed_data(django_db_setup, django_db_blocker):
    """The reference data (treaties, themes...) loaded once, rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        seed_data_load()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


def seed_synthetic(findings: int = SIZE, seed: int = 7) -> str:
    out = StringIO()
    call_command("seed_synthetic", findings=findings, seed=seed, stdout=out)
    return out.getvalue()


@pytest.fixture
def synthetic(frozen):
    seed_synthetic()


def synthetic_findings():
    """The findings the command wrote, not those of the seed data: their history says so."""
    created = Finding.history.filter(history_change_reason=HISTORY_REASON).values("id")
    return Finding.objects.filter(pk__in=created)


class Rollback(Exception):
    pass


def snapshot(seed: int) -> tuple[list, list, list]:
    """Everything a run wrote, by natural keys (the run itself is rolled back)."""
    result = None
    with contextlib.suppress(Rollback), transaction.atomic():
        seed_synthetic(findings=60, seed=seed)
        findings = list(
            synthetic_findings()
            .order_by("report__title", "reference")
            .values_list(
                "report__title",
                "report__symbol",
                "reference",
                "title",
                "status",
                "priority",
                "due_on",
                "published",
                "reviewer__username",
                "created_at",
            )
        )
        events = list(
            FindingEvent.objects.filter(finding__in=synthetic_findings())
            .order_by("finding__report__title", "finding__reference", "created_at")
            .values_list("finding__reference", "to_status", "actor__username", "created_at")
        )
        themes = list(
            synthetic_findings()
            .order_by("report__title", "reference", "themes__slug")
            .values_list("reference", "themes__slug")
        )
        result = findings, events, themes
        raise Rollback
    return result


# --- what it writes --------------------------------------------------------------------------


def test_it_writes_the_requested_number_of_findings_on_reports_of_every_kind(synthetic):
    assert synthetic_findings().count() == SIZE
    kinds = set(
        Report.objects.filter(findings__in=synthetic_findings()).values_list("kind", flat=True)
    )
    assert kinds == set(ReportKind.values)


def test_it_creates_people_in_every_role_with_partners_in_organisations(synthetic):
    people = User.objects.filter(username__startswith=USERNAME_PREFIX)
    for role in Role:
        assert people.filter(groups__name=role).exists(), role
    assert people.filter(groups__name=Role.REVIEWER).count() >= max(2, SIZE // 200)
    partners = people.filter(groups__name=Role.PARTNER)
    assert not partners.filter(organisation__isnull=True).exists()
    assert Organisation.objects.filter(members__in=partners).exists()
    assert not people.filter(groups__name=Role.REVIEWER, is_staff=False).exists()
    assert not any(user.has_usable_password() for user in people)


def test_statuses_are_spread_like_a_working_tracker(synthetic):
    statuses = Counter(synthetic_findings().values_list("status", flat=True))
    assert set(statuses) == set(Status.values)
    still_open = sum(statuses[s] for s in OPEN_STATUSES)
    assert still_open > SIZE / 2
    assert statuses[Status.AWAITING_REVIEW] < still_open / 4


def test_every_status_is_reached_through_its_chain_of_events(synthetic):
    events = defaultdict(list)
    for event in FindingEvent.objects.filter(finding__in=synthetic_findings()).order_by(
        "created_at", "id"
    ):
        events[event.finding_id].append(event)
    for finding in synthetic_findings():
        chain = events[finding.pk]
        if finding.status == Status.NEW:
            assert chain == []
            assert finding.status_changed_at is None
            continue
        assert chain[0].from_status == Status.NEW
        for before, after in itertools.pairwise(chain):
            assert after.from_status == before.to_status
            assert after.created_at > before.created_at
        assert chain[-1].to_status == finding.status
        assert chain[-1].created_at == finding.status_changed_at
        assert finding.created_at < chain[0].created_at <= NOW


def test_assessed_findings_were_decided_by_their_reviewer_not_the_submitter(synthetic):
    assessed = synthetic_findings().filter(status__in=ASSESSED_STATUSES)
    assert assessed.exists()
    for finding in assessed:
        decision = finding.events.get(to_status=finding.status)
        assert decision.from_status == Status.AWAITING_REVIEW
        assert decision.actor_id == finding.reviewer_id
        assert decision.actor_id != finding.submitted_for_review_by_id
        assert decision.actor.groups.filter(name=Role.REVIEWER).exists()
        if finding.status != finding.proposed_assessment:
            assert decision.note, "a decision against the proposal explains itself"


def test_findings_awaiting_review_have_a_reviewer_a_proposal_and_sourced_evidence(synthetic):
    waiting = synthetic_findings().filter(status=Status.AWAITING_REVIEW)
    assert waiting.exists()
    for finding in waiting:
        assert finding.reviewer_id is not None
        assert finding.proposed_assessment
        assert finding.submitted_for_review_by.groups.filter(name=Role.MONITOR).exists()
        assert (
            finding.evidence.accepted()
            .filter(kind=EvidenceKind.EVIDENCE, created_at__lt=finding.submitted_for_review_at)
            .exclude(source="")
            .exists()
        )


def test_assignments_end_with_the_current_reviewer(synthetic):
    for finding in synthetic_findings().annotate(assignments_count=Count("assignments")):
        latest = finding.assignments.order_by("created_at", "id").last()
        if finding.reviewer_id is None:
            assert latest is None
        else:
            assert latest.reviewer_id == finding.reviewer_id
            assert finding.version == 1 + finding.events.count() + finding.assignments_count
    reassigned = Assignment.objects.filter(
        finding__in=synthetic_findings(), previous_reviewer__isnull=False
    )
    assert reassigned.exists()


def test_partner_submissions_are_on_published_findings_in_every_moderation_state(synthetic):
    submissions = Evidence.objects.filter(
        finding__in=synthetic_findings(), organisation__isnull=False
    )
    assert set(submissions.values_list("moderation", flat=True)) == set(Moderation.values)
    assert submissions.filter(kind=EvidenceKind.ASSESSMENT, moderation=Moderation.ACCEPTED).exists()
    for evidence in submissions.select_related("author", "finding"):
        assert evidence.finding.published
        assert evidence.author.organisation_id == evidence.organisation_id
        assert evidence.visibility == Visibility.SHARED
        if evidence.moderation == Moderation.REJECTED:
            assert evidence.moderation_reason


def test_due_dates_spread_around_today_and_about_sixty_percent_are_published(synthetic):
    open_findings = synthetic_findings().filter(status__in=OPEN_STATUSES)
    assert open_findings.filter(due_on__lt=TODAY).exists()
    assert open_findings.filter(due_on__gte=TODAY).exists()
    published = synthetic_findings().filter(published=True).count()
    assert 0.45 * SIZE < published < 0.75 * SIZE


def test_each_finding_has_one_history_record_of_its_creation(synthetic):
    for finding in synthetic_findings()[:50]:
        records = list(finding.history.all())
        assert len(records) == 1
        assert records[0].history_type == "+"
        assert records[0].status == Status.NEW
        assert records[0].history_date == finding.created_at


def test_the_workflow_services_accept_the_synthetic_data(synthetic):
    finding = synthetic_findings().filter(status=Status.AWAITING_REVIEW).first()
    event = services.finding_transition(
        finding=finding,
        to_status=finding.proposed_assessment,
        actor=finding.reviewer,
        now=NOW,
    )
    assert event.to_status == finding.proposed_assessment

    triaged = synthetic_findings().filter(status=Status.TRIAGED).first()
    monitor = User.objects.filter(
        username__startswith=USERNAME_PREFIX, groups__name=Role.MONITOR
    ).first()
    services.finding_transition(
        finding=triaged, to_status=Status.IN_PROGRESS, actor=monitor, now=NOW
    )
    assert triaged.status == Status.IN_PROGRESS


# --- how it runs -----------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data(frozen):
    first = snapshot(seed=11)
    assert first[0], "the snapshot holds the findings"
    assert snapshot(seed=11) == first
    assert snapshot(seed=12) != first


@pytest.mark.parametrize("findings", [20, 40])
def test_it_writes_in_a_number_of_queries_that_does_not_grow_with_the_findings(
    findings, frozen, django_assert_max_num_queries
):
    with django_assert_max_num_queries(MAX_QUERIES):
        seed_synthetic(findings=findings)
    assert synthetic_findings().count() == findings


def test_it_refuses_to_run_twice_on_the_same_database(frozen):
    seed_synthetic(findings=30)
    rows = Finding.objects.count(), FindingEvent.objects.count(), User.objects.count()
    with pytest.raises(CommandError, match="already holds synthetic data"):
        seed_synthetic(findings=30)
    assert (Finding.objects.count(), FindingEvent.objects.count(), User.objects.count()) == rows


def test_it_refuses_a_number_of_findings_below_one():
    with pytest.raises(CommandError, match="findings"):
        call_command("seed_synthetic", "--findings", "0", stdout=StringIO())
    assert not User.objects.filter(username__startswith=USERNAME_PREFIX).exists()


def test_it_reports_what_it_wrote(frozen):
    output = seed_synthetic(findings=25)
    assert "findings" in output
    assert "status changes" in output
    assert "rows written" in output
