"""Reviewer assignment: by hand, automatically, in bulk, and during a pending review."""

import datetime

import pytest

from findings import services
from findings.choices import AssignmentMethod, Status
from findings.exceptions import (
    AppendOnly,
    ConditionFailed,
    NotPermitted,
    StaleVersion,
)
from findings.models import Assignment, Finding
from findings.selectors import reviewer_queue
from tests.factories import EvidenceFactory, FindingFactory, ThemeFactory, UserFactory
from tests.findings.builders import NOTE, finding_in, triageable_finding

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 1, 5, 9, 0, tzinfo=datetime.UTC)


def _day(n):
    return T0 + datetime.timedelta(days=n)


def expert(*themes, **kwargs):
    """An active reviewer with expertise in ``themes``."""
    user = UserFactory(role="reviewer", **kwargs)
    for theme in themes:
        theme.reviewers.add(user)
    return user


def give_load(reviewer, count, actor, *, at=T0):
    """Make ``reviewer`` the reviewer of ``count`` open findings."""
    for _ in range(count):
        services.finding_assign_reviewer(
            finding=FindingFactory(), reviewer=reviewer, actor=actor, now=at
        )


def triaged(theme, actor):
    finding = triageable_finding(themes=[theme])
    services.finding_transition(finding=finding, to_status=Status.TRIAGED, actor=actor)
    return finding


# --- By hand ----------------------------------------------------------------------------


def test_it_assigns_by_hand_and_records_who_whom_when_and_why(monitor, reviewer):
    finding = FindingFactory()
    assignment = services.finding_assign_reviewer(
        finding=finding, reviewer=reviewer, actor=monitor, reason="Knows the penal code.", now=T0
    )
    assert finding.reviewer == reviewer
    assert finding.version == 2
    assert (
        assignment.finding,
        assignment.reviewer,
        assignment.previous_reviewer,
        assignment.assigned_by,
        assignment.method,
        assignment.reason,
        assignment.created_at,
    ) == (finding, reviewer, None, monitor, AssignmentMethod.MANUAL, "Knows the penal code.", T0)
    latest = finding.history.order_by("-history_id").first()
    assert (latest.reviewer_id, latest.history_user) == (reviewer.pk, monitor)


def test_reassigning_records_the_previous_reviewer(monitor, reviewer):
    finding = FindingFactory()
    services.finding_assign_reviewer(finding=finding, reviewer=reviewer, actor=monitor)
    other = UserFactory(role="reviewer")
    assignment = services.finding_assign_reviewer(finding=finding, reviewer=other, actor=monitor)
    assert (assignment.previous_reviewer, assignment.reviewer) == (reviewer, other)
    assert finding.assignments.count() == 2


@pytest.mark.parametrize(
    "candidate",
    [
        pytest.param({"role": "monitor"}, id="a monitor"),
        pytest.param({"role": "partner"}, id="a partner"),
        pytest.param({"role": "reviewer", "is_active": False}, id="an inactive reviewer"),
    ],
)
def test_only_active_members_of_the_reviewer_group_can_be_assigned(candidate, monitor):
    finding = FindingFactory()
    with pytest.raises(ConditionFailed) as excinfo:
        services.finding_assign_reviewer(
            finding=finding, reviewer=UserFactory(**candidate), actor=monitor
        )
    assert excinfo.value.rule == "not_a_reviewer"
    assert Finding.objects.get(pk=finding.pk).reviewer is None
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("role", ["reviewer", "partner"])
def test_only_monitors_and_managers_may_assign(role, reviewer):
    finding = FindingFactory()
    with pytest.raises(NotPermitted) as excinfo:
        services.finding_assign_reviewer(
            finding=finding, reviewer=reviewer, actor=UserFactory(role=role)
        )
    assert excinfo.value.http_status == 403
    assert Finding.objects.get(pk=finding.pk).reviewer is None


def test_a_manager_may_assign(manager, reviewer):
    finding = FindingFactory()
    services.finding_assign_reviewer(finding=finding, reviewer=reviewer, actor=manager)
    assert finding.reviewer == reviewer


def test_assigning_the_same_reviewer_again_is_refused(monitor, reviewer):
    finding = FindingFactory()
    services.finding_assign_reviewer(finding=finding, reviewer=reviewer, actor=monitor)
    with pytest.raises(ConditionFailed, match="already the reviewer"):
        services.finding_assign_reviewer(finding=finding, reviewer=reviewer, actor=monitor)
    assert finding.assignments.count() == 1


def test_removing_the_reviewer_is_recorded(monitor, reviewer):
    finding = FindingFactory()
    services.finding_assign_reviewer(finding=finding, reviewer=reviewer, actor=monitor)
    assignment = services.finding_assign_reviewer(
        finding=finding, reviewer=None, actor=monitor, reason="On leave."
    )
    assert finding.reviewer is None
    assert (assignment.reviewer, assignment.previous_reviewer) == (None, reviewer)


def test_the_reviewer_cannot_be_removed_while_a_review_is_pending(cast):
    finding = finding_in(Status.AWAITING_REVIEW, cast)
    with pytest.raises(ConditionFailed) as excinfo:
        services.finding_assign_reviewer(finding=finding, reviewer=None, actor=cast.monitor)
    assert excinfo.value.rule == "review_pending"
    assert Finding.objects.get(pk=finding.pk).reviewer == cast.reviewer


def test_reassigning_during_review_moves_the_pending_review(cast):
    finding = finding_in(Status.AWAITING_REVIEW, cast)
    successor = UserFactory(role="reviewer")
    services.finding_assign_reviewer(
        finding=finding, reviewer=successor, actor=cast.manager, reason="Conflict of interest."
    )
    assert list(reviewer_queue(cast.reviewer)) == []
    assert list(reviewer_queue(successor)) == [finding]
    with pytest.raises(NotPermitted):
        services.finding_transition(
            finding=finding, to_status=Status.IMPLEMENTED, actor=cast.reviewer
        )
    services.finding_transition(finding=finding, to_status=Status.IMPLEMENTED, actor=successor)
    assert finding.status == Status.IMPLEMENTED
    assert finding.events.last().actor == successor


def test_the_submitter_cannot_become_the_reviewer_of_their_pending_review(cast):
    both = UserFactory(role="reviewer")
    both.groups.add(cast.monitor.groups.get())
    finding = finding_in(Status.IN_PROGRESS, cast)
    services.finding_assign_reviewer(finding=finding, reviewer=cast.reviewer, actor=both)
    EvidenceFactory(finding=finding)
    services.finding_transition(
        finding=finding,
        to_status=Status.AWAITING_REVIEW,
        actor=both,
        proposed_assessment="implemented",
    )
    with pytest.raises(ConditionFailed) as excinfo:
        services.finding_assign_reviewer(finding=finding, reviewer=both, actor=cast.manager)
    assert excinfo.value.rule == "two_person_rule"


@pytest.mark.parametrize("status", [Status.IMPLEMENTED, Status.CLOSED])
def test_finished_findings_get_no_new_reviewer(status, cast):
    finding = finding_in(status, cast)
    with pytest.raises(ConditionFailed) as excinfo:
        services.finding_assign_reviewer(
            finding=finding, reviewer=UserFactory(role="reviewer"), actor=cast.manager
        )
    assert excinfo.value.rule == "finding_not_open"


def test_assigning_from_a_stale_version_is_refused(monitor, reviewer):
    finding = FindingFactory()
    with pytest.raises(StaleVersion):
        services.finding_assign_reviewer(
            finding=finding, reviewer=reviewer, actor=monitor, expected_version=0
        )
    outdated = Finding.objects.get(pk=finding.pk)
    services.finding_assign_reviewer(finding=finding, reviewer=reviewer, actor=monitor)
    with pytest.raises(StaleVersion):
        services.finding_assign_reviewer(
            finding=outdated, reviewer=UserFactory(role="reviewer"), actor=monitor
        )
    assert Finding.objects.get(pk=finding.pk).reviewer == reviewer
    assert Assignment.objects.count() == 1


def test_assignments_cannot_be_edited_or_deleted(monitor, reviewer):
    assignment = services.finding_assign_reviewer(
        finding=FindingFactory(), reviewer=reviewer, actor=monitor
    )
    assignment.reason = "rewritten"
    with pytest.raises(AppendOnly):
        assignment.save()
    with pytest.raises(AppendOnly):
        assignment.delete()
    with pytest.raises(AppendOnly):
        Assignment.objects.all().delete()


# --- Automatic --------------------------------------------------------------------------


def test_it_prefers_a_theme_expert_even_a_busier_one(monitor):
    torture = ThemeFactory(slug="torture")
    busy_expert = expert(torture)
    expert(ThemeFactory(slug="fair-trial"))  # idle, but no expertise in torture
    give_load(busy_expert, 3, monitor)
    finding = FindingFactory(themes=[torture])

    assignment = services.finding_auto_assign(finding=finding, actor=monitor)

    assert assignment.reviewer == busy_expert
    assert assignment.method == AssignmentMethod.AUTOMATIC
    assert finding.reviewer == busy_expert


def test_among_experts_the_least_loaded_wins(monitor):
    torture = ThemeFactory()
    first, second, third = expert(torture), expert(torture), expert(torture)
    give_load(first, 2, monitor)
    give_load(second, 1, monitor)
    give_load(third, 3, monitor)
    finding = FindingFactory(themes=[torture])
    assert services.finding_auto_assign(finding=finding, actor=monitor).reviewer == second


def test_findings_no_longer_open_do_not_count_as_load(cast):
    theme = ThemeFactory()
    cast.reviewer.expertise_themes.add(theme)
    finished = expert(theme)
    for _ in range(2):
        finding = finding_in(Status.IN_PROGRESS, cast)
        services.finding_assign_reviewer(finding=finding, reviewer=finished, actor=cast.manager)
        services.finding_transition(
            finding=finding, to_status=Status.CLOSED, actor=cast.manager, note=NOTE
        )
    give_load(cast.reviewer, 1, cast.monitor)
    finding = FindingFactory(themes=[theme])
    assert services.finding_auto_assign(finding=finding, actor=cast.monitor).reviewer == finished


def test_a_tie_goes_to_the_reviewer_who_waited_longest(monitor):
    theme = ThemeFactory()
    recent, long_ago = expert(theme), expert(theme)
    # Both had one finding, since closed: equal load (none), different waiting times.
    for reviewer, day in ((recent, 20), (long_ago, 2)):
        finding = FindingFactory()
        services.finding_assign_reviewer(
            finding=finding, reviewer=reviewer, actor=monitor, now=_day(day)
        )
        services.finding_assign_reviewer(
            finding=finding, reviewer=None, actor=monitor, now=_day(day)
        )
    finding = FindingFactory(themes=[theme])
    assert services.finding_auto_assign(finding=finding, actor=monitor).reviewer == long_ago


def test_a_reviewer_never_assigned_waited_longest_and_ties_go_to_the_oldest_account(monitor):
    theme = ThemeFactory()
    veteran = expert(theme)
    give_load(veteran, 1, monitor, at=_day(1))
    services.finding_assign_reviewer(
        finding=veteran.assigned_findings.get(), reviewer=None, actor=monitor
    )
    newcomer_one, newcomer_two = expert(theme), expert(theme)
    finding = FindingFactory(themes=[theme])
    assert services.finding_auto_assign(finding=finding, actor=monitor).reviewer == newcomer_one
    assert newcomer_one.pk < newcomer_two.pk


def test_without_a_theme_match_it_falls_back_to_the_least_loaded_reviewer(monitor):
    busy, idle = expert(ThemeFactory()), expert(ThemeFactory())
    give_load(busy, 1, monitor)
    finding = FindingFactory(themes=[ThemeFactory(slug="no-expert-here")])
    assert services.finding_auto_assign(finding=finding, actor=monitor).reviewer == idle


def test_inactive_reviewers_and_other_staff_are_never_picked(monitor, manager):
    theme = ThemeFactory()
    theme.reviewers.add(monitor, manager)
    expert(theme, is_active=False)
    fallback = expert()
    give_load(fallback, 4, monitor)
    finding = FindingFactory(themes=[theme])
    assert services.finding_auto_assign(finding=finding, actor=monitor).reviewer == fallback


def test_with_no_reviewer_at_all_it_fails_clearly(monitor):
    finding = FindingFactory(themes=[ThemeFactory()])
    with pytest.raises(ConditionFailed) as excinfo:
        services.finding_auto_assign(finding=finding, actor=monitor)
    assert excinfo.value.rule == "no_reviewers"
    assert not Assignment.objects.exists()


def test_a_finding_that_has_a_reviewer_is_not_auto_assigned(monitor, reviewer):
    finding = FindingFactory()
    services.finding_assign_reviewer(finding=finding, reviewer=reviewer, actor=monitor)
    expert()
    with pytest.raises(ConditionFailed, match="already has a reviewer"):
        services.finding_auto_assign(finding=finding, actor=monitor)


def test_auto_assignment_needs_the_assign_permission(reviewer):
    with pytest.raises(NotPermitted):
        services.finding_auto_assign(finding=FindingFactory(), actor=reviewer)


# --- Bulk -------------------------------------------------------------------------------


def test_bulk_assigns_every_unassigned_triaged_finding_and_nothing_else(cast):
    theme = ThemeFactory()
    waiting = [triaged(theme, cast.monitor) for _ in range(3)]
    untouched = [
        triageable_finding(themes=[theme]),  # new
        finding_in(Status.IN_PROGRESS, cast),
        finding_in(Status.CLOSED, cast),
    ]
    already = triaged(theme, cast.monitor)
    keeper = expert()
    services.finding_assign_reviewer(finding=already, reviewer=keeper, actor=cast.monitor)

    assignments = services.findings_auto_assign_unassigned(actor=cast.manager, now=T0)

    assert sorted(a.finding_id for a in assignments) == sorted(f.pk for f in waiting)
    assert all(a.method == AssignmentMethod.AUTOMATIC for a in assignments)
    assert all(a.assigned_by == cast.manager and a.created_at == T0 for a in assignments)
    for finding in waiting:
        finding.refresh_from_db()
        assert finding.reviewer is not None
        assert finding.version == 3  # triaged, then assigned
        latest = finding.history.order_by("-history_id").first()
        assert (latest.reviewer_id, latest.history_user) == (finding.reviewer_id, cast.manager)
    assert [Finding.objects.get(pk=f.pk).reviewer for f in untouched] == [None, None, None]
    assert Finding.objects.get(pk=already.pk).reviewer == keeper
    assert services.findings_auto_assign_unassigned(actor=cast.manager) == []


def test_bulk_counts_each_assignment_towards_the_load_as_it_goes(monitor):
    theme = ThemeFactory()
    experts = [expert(theme) for _ in range(3)]
    give_load(experts[0], 2, monitor)
    for _ in range(7):
        triaged(theme, monitor)

    assignments = services.findings_auto_assign_unassigned(actor=monitor)

    handed = [sum(a.reviewer == e for a in assignments) for e in experts]
    assert handed == [1, 3, 3]
    # Two reviewers with equal load: whoever got one less recently goes next.
    assert [a.reviewer for a in assignments[:3]] == [experts[1], experts[2], experts[1]]


def test_bulk_with_no_reviewer_at_all_fails_clearly_and_writes_nothing(monitor):
    finding = triaged(ThemeFactory(), monitor)
    with pytest.raises(ConditionFailed, match="no active reviewer"):
        services.findings_auto_assign_unassigned(actor=monitor)
    assert Finding.objects.get(pk=finding.pk).reviewer is None
    assert not Assignment.objects.exists()


def test_bulk_auto_assignment_needs_the_assign_permission(reviewer):
    with pytest.raises(NotPermitted):
        services.findings_auto_assign_unassigned(actor=reviewer)


@pytest.mark.parametrize("count", [2, 12])
def test_bulk_runs_the_same_number_of_queries_for_any_number_of_findings(
    count, monitor, django_assert_num_queries
):
    themes = [ThemeFactory() for _ in range(3)]
    for theme in themes:
        expert(theme)
        expert(theme)
    for i in range(count):
        triaged(themes[i % 3], monitor)
    actor = type(monitor).objects.get(pk=monitor.pk)  # no permission cache yet

    with django_assert_num_queries(11):
        assignments = services.findings_auto_assign_unassigned(actor=actor)

    assert len(assignments) == count
