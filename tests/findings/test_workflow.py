"""The transition table: every pair of states, who may move a finding, and each condition."""

import datetime
import itertools

import pytest
import time_machine
from django.db.models import ProtectedError

from findings import services
from findings.choices import ASSESSED_STATUSES, Assessment, Moderation, Status
from findings.exceptions import (
    AppendOnly,
    ConditionFailed,
    MissingInput,
    NotPermitted,
    StaleVersion,
    TransitionNotAllowed,
)
from findings.models import Finding, FindingEvent
from findings.workflow import TRANSITIONS, available_transitions, check_transition
from tests.factories import (
    EvidenceFactory,
    FindingFactory,
    ProvisionFactory,
    ThemeFactory,
    TreatyFactory,
    UserFactory,
)
from tests.findings.builders import NOTE, finding_in, triageable_finding

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)

STAFF_MOVES = {
    (Status.NEW, Status.TRIAGED),
    (Status.TRIAGED, Status.IN_PROGRESS),
    (Status.TRIAGED, Status.AWAITING_REVIEW),
    (Status.IN_PROGRESS, Status.AWAITING_REVIEW),
    *((s, Status.IN_PROGRESS) for s in ASSESSED_STATUSES),
}
REVIEW_MOVES = {
    (Status.AWAITING_REVIEW, Status.IN_PROGRESS),
    *((Status.AWAITING_REVIEW, s) for s in ASSESSED_STATUSES),
}
MANAGER_MOVES = {
    *((s, Status.CLOSED) for s in Status.values if s != Status.CLOSED),
    (Status.CLOSED, Status.TRIAGED),
}
ALLOWED = STAFF_MOVES | REVIEW_MOVES | MANAGER_MOVES
ALL_PAIRS = list(itertools.product(Status.values, Status.values))
FORBIDDEN = [pair for pair in ALL_PAIRS if pair not in ALLOWED]

ROLES = ["monitor", "assigned_reviewer", "unassigned_reviewer", "manager", "partner"]
MAY = {
    "monitor": STAFF_MOVES,
    "assigned_reviewer": REVIEW_MOVES,
    "unassigned_reviewer": set(),
    "manager": ALLOWED,
    "partner": set(),
}


def _pair_id(pair):
    return f"{pair[0]}->{pair[1]}"


def ready_for_review(finding, cast):
    services.finding_assign_reviewer(finding=finding, reviewer=cast.reviewer, actor=cast.monitor)
    EvidenceFactory(finding=finding, author=cast.monitor)


#: Everything a move might need: a note and, for a submission, a proposal.
INPUTS = {"note": NOTE, "proposed_assessment": Assessment.IMPLEMENTED}


def _snapshot(finding):
    row = Finding.objects.get(pk=finding.pk)
    return (
        row.status,
        row.version,
        row.events.count(),
        row.history.count(),
        row.proposed_assessment,
        row.submitted_for_review_by_id,
    )


def test_the_table_has_exactly_the_documented_moves():
    pairs = {(s, t.target) for t in TRANSITIONS for s in t.source}
    assert pairs == ALLOWED
    assert len(ALL_PAIRS) == 64


@pytest.mark.parametrize("pair", sorted(ALLOWED), ids=_pair_id)
@pytest.mark.parametrize("role", ROLES)
def test_each_allowed_move_succeeds_only_for_the_roles_that_may_make_it(pair, role, cast):
    source, target = pair
    finding = finding_in(source, cast)
    if target == Status.AWAITING_REVIEW:
        ready_for_review(finding, cast)
    actor = {
        "monitor": cast.monitor,
        "assigned_reviewer": cast.reviewer,
        "unassigned_reviewer": UserFactory(role="reviewer"),
        "manager": cast.manager,
        "partner": UserFactory(role="partner"),
    }[role]
    may = pair in MAY[role]
    assert any(t.target == target for t in available_transitions(finding, actor)) is may

    if not may:
        before = _snapshot(finding)
        with pytest.raises(NotPermitted) as excinfo:
            services.finding_transition(finding=finding, to_status=target, actor=actor, **INPUTS)
        assert excinfo.value.rule == "permission"
        assert "Only" in str(excinfo.value)
        assert _snapshot(finding) == before
        return

    version = finding.version
    events_before = finding.events.count()
    with time_machine.travel(NOW, tick=False):
        event = services.finding_transition(
            finding=finding, to_status=target, actor=actor, **INPUTS
        )
    assert finding.status == target
    assert finding.version == version + 1
    assert finding.status_changed_at == NOW
    assert Finding.objects.get(pk=finding.pk).status == target
    assert finding.events.count() == events_before + 1
    assert (event.from_status, event.to_status, event.actor, event.created_at) == (
        source,
        target,
        actor,
        NOW,
    )
    assert event.note == NOTE
    latest = finding.history.order_by("-history_id").first()
    assert (latest.status, latest.history_user) == (target, actor)


@pytest.mark.parametrize("pair", FORBIDDEN, ids=_pair_id)
def test_every_other_pair_is_refused_and_writes_nothing(pair, cast):
    source, target = pair
    finding = finding_in(source, cast)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    before = _snapshot(finding)
    with pytest.raises(TransitionNotAllowed) as excinfo:
        services.finding_transition(finding=finding, to_status=target, actor=superuser, **INPUTS)
    assert excinfo.value.rule == "transition_not_in_table"
    assert str(excinfo.value) == (
        f"A finding cannot move from “{Status(source).label}” to “{Status(target).label}”."
    )
    assert _snapshot(finding) == before


def test_an_unknown_status_is_refused(cast):
    finding = triageable_finding()
    with pytest.raises(TransitionNotAllowed):
        services.finding_transition(finding=finding, to_status="archived", actor=cast.manager)


# --- Conditions -----------------------------------------------------------------------


def test_triage_needs_a_theme(monitor):
    finding = FindingFactory(treaties=[TreatyFactory()])
    with pytest.raises(ConditionFailed) as excinfo:
        services.finding_transition(finding=finding, to_status=Status.TRIAGED, actor=monitor)
    assert excinfo.value.rule == "needs_theme"
    assert "theme" in str(excinfo.value)
    assert Finding.objects.get(pk=finding.pk).status == Status.NEW
    assert not FindingEvent.objects.exists()


def test_triage_needs_a_treaty_or_provision(monitor):
    finding = FindingFactory(themes=[ThemeFactory()])
    with pytest.raises(ConditionFailed) as excinfo:
        services.finding_transition(finding=finding, to_status=Status.TRIAGED, actor=monitor)
    assert excinfo.value.rule == "needs_treaty_or_provision"
    assert Finding.objects.get(pk=finding.pk).status == Status.NEW


def test_a_provision_is_enough_to_triage_without_a_treaty(monitor):
    finding = FindingFactory(themes=[ThemeFactory()], provisions=[ProvisionFactory()])
    services.finding_transition(finding=finding, to_status=Status.TRIAGED, actor=monitor)
    assert finding.status == Status.TRIAGED


@pytest.mark.parametrize("source", [Status.TRIAGED, Status.IN_PROGRESS])
def test_submitting_for_review_needs_a_reviewer(source, cast):
    finding = finding_in(source, cast)
    EvidenceFactory(finding=finding)
    with pytest.raises(ConditionFailed) as excinfo:
        services.finding_transition(
            finding=finding,
            to_status=Status.AWAITING_REVIEW,
            actor=cast.monitor,
            proposed_assessment=Assessment.IMPLEMENTED,
        )
    assert excinfo.value.rule == "needs_reviewer"
    assert Finding.objects.get(pk=finding.pk).status == source


@pytest.mark.parametrize(
    "evidence",
    [
        pytest.param(None, id="no evidence"),
        pytest.param({"source": ""}, id="evidence without a source"),
        pytest.param({"kind": "note"}, id="a note, not evidence"),
        pytest.param({"moderation": Moderation.PENDING}, id="pending partner evidence"),
        pytest.param(
            {"moderation": Moderation.REJECTED, "moderation_reason": "Off topic"},
            id="rejected evidence",
        ),
    ],
)
def test_submitting_for_review_needs_accepted_evidence_with_a_source(evidence, cast):
    finding = finding_in(Status.IN_PROGRESS, cast)
    services.finding_assign_reviewer(finding=finding, reviewer=cast.reviewer, actor=cast.monitor)
    if evidence is not None:
        EvidenceFactory(finding=finding, **evidence)
    with pytest.raises(ConditionFailed) as excinfo:
        services.finding_transition(
            finding=finding,
            to_status=Status.AWAITING_REVIEW,
            actor=cast.monitor,
            proposed_assessment=Assessment.IMPLEMENTED,
        )
    assert excinfo.value.rule == "needs_sourced_evidence"
    assert Finding.objects.get(pk=finding.pk).status == Status.IN_PROGRESS


@pytest.mark.parametrize("proposal", ["", "maybe"])
def test_submitting_for_review_needs_a_proposed_assessment(proposal, cast):
    finding = finding_in(Status.IN_PROGRESS, cast)
    services.finding_assign_reviewer(finding=finding, reviewer=cast.reviewer, actor=cast.monitor)
    EvidenceFactory(finding=finding)
    with pytest.raises(MissingInput) as excinfo:
        services.finding_transition(
            finding=finding,
            to_status=Status.AWAITING_REVIEW,
            actor=cast.monitor,
            proposed_assessment=proposal,
        )
    assert excinfo.value.rule == "proposed_assessment_required"
    assert Finding.objects.get(pk=finding.pk).status == Status.IN_PROGRESS


def test_submitting_records_the_submitter_the_time_and_the_proposal(cast):
    finding = finding_in(Status.IN_PROGRESS, cast)
    services.finding_assign_reviewer(finding=finding, reviewer=cast.reviewer, actor=cast.monitor)
    EvidenceFactory(finding=finding)
    with time_machine.travel(NOW, tick=False):
        event = services.finding_transition(
            finding=finding,
            to_status=Status.AWAITING_REVIEW,
            actor=cast.monitor,
            proposed_assessment=Assessment.PARTIALLY_IMPLEMENTED,
        )
    assert finding.submitted_for_review_by == cast.monitor
    assert finding.submitted_for_review_at == NOW
    assert finding.proposed_assessment == Assessment.PARTIALLY_IMPLEMENTED
    assert event.proposed_assessment == Assessment.PARTIALLY_IMPLEMENTED


@pytest.mark.parametrize(
    ("source", "target", "actor"),
    [
        (Status.AWAITING_REVIEW, Status.IN_PROGRESS, "reviewer"),
        (Status.IMPLEMENTED, Status.IN_PROGRESS, "monitor"),
        (Status.NEW, Status.CLOSED, "manager"),
        (Status.CLOSED, Status.TRIAGED, "manager"),
    ],
    ids=["send back", "reopen", "close", "reopen closed"],
)
@pytest.mark.parametrize("note", ["", "   "])
def test_moves_that_need_a_note_refuse_an_empty_one(source, target, actor, note, cast):
    finding = finding_in(source, cast)
    before = _snapshot(finding)
    with pytest.raises(MissingInput) as excinfo:
        services.finding_transition(
            finding=finding, to_status=target, actor=getattr(cast, actor), note=note
        )
    assert excinfo.value.rule == "note_required"
    assert _snapshot(finding) == before


@pytest.mark.parametrize("target", [Status.PARTIALLY_IMPLEMENTED, Status.NOT_IMPLEMENTED], ids=str)
def test_a_decision_other_than_the_proposal_needs_a_note(target, cast):
    finding = finding_in(Status.AWAITING_REVIEW, cast)  # proposed: implemented
    with pytest.raises(MissingInput) as excinfo:
        services.finding_transition(finding=finding, to_status=target, actor=cast.reviewer)
    assert excinfo.value.rule == "note_required_when_differing"
    assert Finding.objects.get(pk=finding.pk).status == Status.AWAITING_REVIEW

    event = services.finding_transition(
        finding=finding, to_status=target, actor=cast.reviewer, note="Only two of five laws passed."
    )
    assert finding.status == target
    assert event.note == "Only two of five laws passed."
    assert event.proposed_assessment == Assessment.IMPLEMENTED


def test_a_decision_matching_the_proposal_needs_no_note(cast):
    finding = finding_in(Status.AWAITING_REVIEW, cast)
    services.finding_transition(finding=finding, to_status=Status.IMPLEMENTED, actor=cast.reviewer)
    assert finding.status == Status.IMPLEMENTED


# --- Two-person rule --------------------------------------------------------------------


@pytest.mark.parametrize("target", ASSESSED_STATUSES, ids=str)
def test_it_rejects_approval_by_the_submitter(target, cast):
    finding = finding_in(Status.IN_PROGRESS, cast)
    submitter = cast.manager
    services.finding_assign_reviewer(finding=finding, reviewer=cast.reviewer, actor=submitter)
    EvidenceFactory(finding=finding)
    services.finding_transition(
        finding=finding,
        to_status=Status.AWAITING_REVIEW,
        actor=submitter,
        proposed_assessment=target,
    )
    assert target not in {t.target for t in available_transitions(finding, submitter)}
    before = _snapshot(finding)
    with pytest.raises(NotPermitted) as excinfo:
        services.finding_transition(finding=finding, to_status=target, actor=submitter)
    assert excinfo.value.rule == "two_person_rule"
    assert "Two-person rule" in str(excinfo.value)
    assert _snapshot(finding) == before

    services.finding_transition(finding=finding, to_status=target, actor=cast.reviewer)
    assert finding.status == target


def test_the_two_person_rule_binds_superusers_too(cast):
    boss = UserFactory(is_superuser=True, is_staff=True)
    finding = finding_in(Status.IN_PROGRESS, cast)
    services.finding_assign_reviewer(finding=finding, reviewer=cast.reviewer, actor=boss)
    EvidenceFactory(finding=finding)
    services.finding_transition(
        finding=finding,
        to_status=Status.AWAITING_REVIEW,
        actor=boss,
        proposed_assessment=Assessment.IMPLEMENTED,
    )
    with pytest.raises(NotPermitted, match="Two-person rule"):
        services.finding_transition(finding=finding, to_status=Status.IMPLEMENTED, actor=boss)


def test_the_submitter_may_still_send_their_submission_back(cast):
    finding = finding_in(Status.IN_PROGRESS, cast)
    services.finding_assign_reviewer(finding=finding, reviewer=cast.reviewer, actor=cast.manager)
    EvidenceFactory(finding=finding)
    services.finding_transition(
        finding=finding,
        to_status=Status.AWAITING_REVIEW,
        actor=cast.manager,
        proposed_assessment=Assessment.IMPLEMENTED,
    )
    services.finding_transition(
        finding=finding, to_status=Status.IN_PROGRESS, actor=cast.manager, note="Wrong law cited."
    )
    assert finding.status == Status.IN_PROGRESS


# --- The record -------------------------------------------------------------------------


def test_a_whole_life_writes_each_event_exactly_once(cast):
    finding = finding_in(Status.IMPLEMENTED, cast)
    services.finding_transition(
        finding=finding, to_status=Status.IN_PROGRESS, actor=cast.monitor, note="Law repealed."
    )
    with pytest.raises(MissingInput):
        services.finding_transition(finding=finding, to_status=Status.CLOSED, actor=cast.manager)
    services.finding_transition(
        finding=finding, to_status=Status.CLOSED, actor=cast.manager, note="Duplicate of para 9."
    )
    events = list(finding.events.values_list("from_status", "to_status", "actor__username"))
    assert events == [
        ("new", "triaged", "monitor"),
        ("triaged", "in_progress", "monitor"),
        ("in_progress", "awaiting_review", "monitor"),
        ("awaiting_review", "implemented", "reviewer"),
        ("implemented", "in_progress", "monitor"),
        ("in_progress", "closed", "manager"),
    ]
    assert finding.version == 1 + 1 + 6  # one reviewer assignment, six moves


def test_history_shows_who_changed_the_status(cast):
    finding = finding_in(Status.TRIAGED, cast)
    rows = list(finding.history.order_by("history_id").values_list("status", "history_user"))
    assert rows[-1] == (Status.TRIAGED, cast.monitor.pk)


def test_a_stale_expected_version_is_refused_and_writes_nothing(cast):
    finding = finding_in(Status.TRIAGED, cast)
    before = _snapshot(finding)
    with pytest.raises(StaleVersion) as excinfo:
        services.finding_transition(
            finding=finding,
            to_status=Status.IN_PROGRESS,
            actor=cast.monitor,
            expected_version=finding.version - 1,
        )
    assert excinfo.value.rule == "stale_version"
    assert excinfo.value.http_status == 409
    assert _snapshot(finding) == before


def test_a_move_from_an_outdated_copy_is_refused(cast):
    finding = finding_in(Status.TRIAGED, cast)
    outdated = Finding.objects.get(pk=finding.pk)
    services.finding_transition(finding=finding, to_status=Status.IN_PROGRESS, actor=cast.monitor)
    with pytest.raises(StaleVersion):
        services.finding_transition(
            finding=outdated, to_status=Status.CLOSED, actor=cast.manager, note=NOTE
        )
    assert Finding.objects.get(pk=finding.pk).status == Status.IN_PROGRESS
    assert finding.events.count() == 2


def test_check_transition_names_the_row_and_writes_nothing(cast):
    finding = finding_in(Status.TRIAGED, cast)
    transition = check_transition(finding, Status.IN_PROGRESS, cast.monitor)
    assert transition.target == Status.IN_PROGRESS
    assert str(transition.label) == "Start work"
    assert Finding.objects.get(pk=finding.pk).status == Status.TRIAGED


def test_events_cannot_be_edited_or_deleted(cast):
    finding = finding_in(Status.TRIAGED, cast)
    event = finding.events.get()
    event.note = "rewritten"
    with pytest.raises(AppendOnly):
        event.save()
    with pytest.raises(AppendOnly):
        event.delete()
    with pytest.raises(AppendOnly):
        FindingEvent.objects.update(note="rewritten")
    with pytest.raises(AppendOnly):
        FindingEvent.objects.all().delete()
    assert FindingEvent.objects.get(pk=event.pk).note == ""


def test_a_finding_with_a_record_cannot_be_deleted(cast):
    finding = finding_in(Status.TRIAGED, cast)
    with pytest.raises(ProtectedError):
        finding.delete()
    assert Finding.objects.filter(pk=finding.pk).exists()


def test_a_partner_sees_no_moves(cast, partner):
    finding = finding_in(Status.AWAITING_REVIEW, cast)
    assert available_transitions(finding, partner) == []
