"""Notes and evidence: staff entries, partner submissions, moderation and who sees what."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from findings import services
from findings.choices import Assessment, EvidenceKind, Moderation, Status, Visibility
from findings.exceptions import ConditionFailed, MissingInput, NotPermitted, StaleVersion
from findings.models import Evidence
from findings.selectors import evidence_visible_to
from tests.factories import FindingFactory, OrganisationFactory, UserFactory
from tests.findings.builders import finding_in

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 2, 2, 10, 0, tzinfo=datetime.UTC)
LAW = "Law No. 333-VI of 25 May 2020"


@pytest.fixture
def published_finding():
    return FindingFactory(published=True)


def partner_submission(finding, partner, **kwargs):
    kwargs.setdefault("kind", EvidenceKind.EVIDENCE)
    kwargs.setdefault("text", "The law still requires permission for assemblies.")
    kwargs.setdefault("source", LAW)
    return services.evidence_create(finding=finding, author=partner, **kwargs)


@pytest.mark.parametrize("role", ["monitor", "reviewer", "manager"])
def test_staff_entries_are_accepted_at_once(role):
    finding = FindingFactory()
    author = UserFactory(role=role)
    evidence = services.evidence_create(
        finding=finding,
        author=author,
        kind=EvidenceKind.EVIDENCE,
        text="Amended in 2020.",
        source=f"  {LAW}  ",
        evidence_date=datetime.date(2020, 5, 25),
    )
    assert evidence.moderation == Moderation.ACCEPTED
    assert evidence.organisation is None
    assert evidence.visibility == Visibility.INTERNAL
    assert evidence.source == LAW


def test_a_partner_submission_is_pending_shared_and_carries_the_organisation(
    partner, published_finding
):
    evidence = partner_submission(published_finding, partner, visibility=Visibility.INTERNAL)
    assert evidence.moderation == Moderation.PENDING
    assert evidence.organisation == partner.organisation
    assert evidence.visibility == Visibility.SHARED


def test_a_partner_may_submit_an_assessment(partner, published_finding):
    evidence = partner_submission(
        published_finding,
        partner,
        kind=EvidenceKind.ASSESSMENT,
        assessment=Assessment.NOT_IMPLEMENTED,
    )
    assert evidence.assessment == Assessment.NOT_IMPLEMENTED


def test_a_partner_may_not_write_internal_notes(partner, published_finding):
    with pytest.raises(NotPermitted) as excinfo:
        partner_submission(published_finding, partner, kind=EvidenceKind.NOTE)
    assert excinfo.value.rule == "partner_kind"
    assert not Evidence.objects.exists()


def test_a_partner_may_not_comment_on_an_unpublished_finding(partner):
    with pytest.raises(NotPermitted) as excinfo:
        partner_submission(FindingFactory(published=False), partner)
    assert excinfo.value.rule == "finding_not_published"
    assert not Evidence.objects.exists()


def test_a_user_without_a_role_may_not_add_evidence():
    with pytest.raises(NotPermitted):
        services.evidence_create(
            finding=FindingFactory(), author=UserFactory(), kind=EvidenceKind.NOTE, text="Hi"
        )


def test_an_assessment_needs_a_value(monitor):
    with pytest.raises(MissingInput) as excinfo:
        services.evidence_create(
            finding=FindingFactory(), author=monitor, kind=EvidenceKind.ASSESSMENT, text="Done."
        )
    assert excinfo.value.rule == "assessment_required"
    assert not Evidence.objects.exists()


def test_only_an_assessment_carries_an_assessment_value(monitor):
    with pytest.raises(ValidationError) as excinfo:
        services.evidence_create(
            finding=FindingFactory(),
            author=monitor,
            kind=EvidenceKind.NOTE,
            text="Called the ministry.",
            assessment=Assessment.IMPLEMENTED,
        )
    assert "assessment" in excinfo.value.message_dict


def test_invalid_values_are_refused_by_validation(monitor):
    with pytest.raises(ValidationError) as excinfo:
        services.evidence_create(
            finding=FindingFactory(), author=monitor, kind="rumour", text="", visibility="public"
        )
    assert set(excinfo.value.message_dict) >= {"kind", "text", "visibility"}
    assert not Evidence.objects.exists()


# --- Moderation -------------------------------------------------------------------------


def test_staff_accept_a_submission_and_it_then_counts_as_evidence(cast, partner):
    finding = finding_in(Status.IN_PROGRESS, cast, published=True)
    services.finding_assign_reviewer(finding=finding, reviewer=cast.reviewer, actor=cast.monitor)
    submission = partner_submission(finding, partner)
    with pytest.raises(ConditionFailed, match="evidence"):
        services.finding_transition(
            finding=finding,
            to_status=Status.AWAITING_REVIEW,
            actor=cast.monitor,
            proposed_assessment=Assessment.NOT_IMPLEMENTED,
        )

    services.evidence_moderate(evidence=submission, actor=cast.monitor, accept=True, now=T0)

    assert (submission.moderation, submission.moderated_by, submission.moderated_at) == (
        Moderation.ACCEPTED,
        cast.monitor,
        T0,
    )
    services.finding_transition(
        finding=finding,
        to_status=Status.AWAITING_REVIEW,
        actor=cast.monitor,
        proposed_assessment=Assessment.NOT_IMPLEMENTED,
    )
    assert finding.status == Status.AWAITING_REVIEW


def test_a_rejection_needs_a_reason_and_keeps_it(monitor, partner, published_finding):
    submission = partner_submission(published_finding, partner)
    with pytest.raises(MissingInput) as excinfo:
        services.evidence_moderate(evidence=submission, actor=monitor, accept=False, reason=" ")
    assert excinfo.value.rule == "reason_required"
    assert Evidence.objects.get(pk=submission.pk).moderation == Moderation.PENDING

    services.evidence_moderate(
        evidence=submission, actor=monitor, accept=False, reason="The law cited was repealed."
    )
    submission.refresh_from_db()
    assert submission.moderation == Moderation.REJECTED
    assert submission.moderation_reason == "The law cited was repealed."


def test_only_pending_submissions_can_be_moderated(monitor):
    staff_entry = services.evidence_create(
        finding=FindingFactory(), author=monitor, kind=EvidenceKind.NOTE, text="Called them."
    )
    with pytest.raises(ConditionFailed) as excinfo:
        services.evidence_moderate(evidence=staff_entry, actor=monitor, accept=False, reason="x")
    assert excinfo.value.rule == "not_pending"


def test_a_submission_moderated_meanwhile_by_someone_else_is_a_conflict(
    monitor, manager, partner, published_finding
):
    submission = partner_submission(published_finding, partner)
    outdated = Evidence.objects.get(pk=submission.pk)
    services.evidence_moderate(evidence=submission, actor=manager, accept=True)
    with pytest.raises(StaleVersion):
        services.evidence_moderate(evidence=outdated, actor=monitor, accept=False, reason="No.")
    assert Evidence.objects.get(pk=submission.pk).moderation == Moderation.ACCEPTED


@pytest.mark.parametrize("role", ["reviewer", "partner"])
def test_only_monitors_and_managers_moderate(role, partner, published_finding):
    submission = partner_submission(published_finding, partner)
    with pytest.raises(NotPermitted):
        services.evidence_moderate(evidence=submission, actor=UserFactory(role=role), accept=True)
    assert Evidence.objects.get(pk=submission.pk).moderation == Moderation.PENDING


# --- Who sees what ----------------------------------------------------------------------


@pytest.fixture
def mixed_evidence(monitor, partner, published_finding):
    """Evidence of every kind of visibility and origin on a published finding."""
    other_partner = UserFactory(role="partner", organisation=OrganisationFactory())
    items = {
        "internal": services.evidence_create(
            finding=published_finding, author=monitor, kind=EvidenceKind.NOTE, text="Internal."
        ),
        "shared": services.evidence_create(
            finding=published_finding,
            author=monitor,
            kind=EvidenceKind.EVIDENCE,
            text="Shared.",
            visibility=Visibility.SHARED,
        ),
        "own_pending": partner_submission(published_finding, partner),
        "other_pending": partner_submission(published_finding, other_partner),
        "other_accepted": partner_submission(published_finding, other_partner),
        "other_rejected": partner_submission(published_finding, other_partner),
    }
    services.evidence_moderate(evidence=items["other_accepted"], actor=monitor, accept=True)
    services.evidence_moderate(
        evidence=items["other_rejected"], actor=monitor, accept=False, reason="Unsourced."
    )
    return items


def test_a_partner_sees_shared_accepted_evidence_and_their_own_submissions(
    partner, published_finding, mixed_evidence, django_assert_num_queries
):
    assert partner.is_partner  # the role lookup is cached on the user, as in a request
    with django_assert_num_queries(1):
        visible = {e.pk for e in evidence_visible_to(partner, published_finding)}
    assert visible == {
        mixed_evidence[name].pk for name in ("shared", "own_pending", "other_accepted")
    }


def test_staff_see_all_evidence(reviewer, published_finding, mixed_evidence):
    assert evidence_visible_to(reviewer, published_finding).count() == len(mixed_evidence)


def test_a_partner_sees_no_evidence_on_an_unpublished_finding(monitor, partner):
    finding = FindingFactory(published=False)
    services.evidence_create(
        finding=finding,
        author=monitor,
        kind=EvidenceKind.EVIDENCE,
        text="Shared.",
        visibility=Visibility.SHARED,
    )
    assert list(evidence_visible_to(partner, finding)) == []
