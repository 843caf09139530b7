"""Staff move findings and assign reviewers through the API, under the services' rules."""

import pytest

from findings.choices import Status
from findings.models import Assignment, Finding, FindingEvent
from tests.api.conftest import client_for
from tests.factories import TreatyFactory, UserFactory
from tests.findings.builders import Cast, finding_in, triageable_finding

pytestmark = pytest.mark.django_db


def _transition(client, finding, **body):
    return client.post(f"/api/v1/findings/{finding.pk}/transition/", body, format="json")


def _assign(client, finding, **body):
    return client.post(f"/api/v1/findings/{finding.pk}/assign/", body, format="json")


def test_a_monitor_triages_a_finding_and_gets_the_new_state_back(monitor):
    finding = triageable_finding()
    response = _transition(client_for(monitor), finding, to_status="triaged", version=1)
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "triaged"
    assert data["version"] == 2
    assert data["events"][-1]["actor"]["username"] == "monitor"
    assert FindingEvent.objects.filter(finding=finding, to_status=Status.TRIAGED).count() == 1


def test_a_stale_version_answers_409_and_changes_nothing(monitor):
    finding = triageable_finding()
    response = _transition(client_for(monitor), finding, to_status="triaged", version=7)
    assert response.status_code == 409
    assert response.json()["error"]["rule"] == "stale_version"
    finding.refresh_from_db()
    assert (finding.status, finding.version) == (Status.NEW, 1)
    assert not FindingEvent.objects.exists()


def test_two_staff_acting_on_the_same_version_one_wins_the_other_gets_409(monitor, manager):
    finding = triageable_finding()
    first = _transition(client_for(monitor), finding, to_status="triaged", version=1)
    second = _transition(client_for(manager), finding, to_status="closed", note="Dup", version=1)
    assert first.status_code == 200
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "stale_version"
    assert Finding.objects.get(pk=finding.pk).status == Status.TRIAGED


def test_a_move_not_in_the_table_answers_409_naming_the_rule(monitor):
    finding = triageable_finding()
    response = _transition(client_for(monitor), finding, to_status="implemented", version=1)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "transition_not_allowed"
    assert error["rule"] == "transition_not_in_table"
    assert "New" in error["message"]
    assert "Implemented" in error["message"]


def test_a_failed_condition_answers_409_naming_the_rule(monitor):
    bare = triageable_finding(themes=[], treaties=[TreatyFactory()])
    response = _transition(client_for(monitor), bare, to_status="triaged", version=1)
    assert response.status_code == 409
    assert response.json()["error"]["rule"] == "needs_theme"


def test_a_missing_note_answers_400_on_the_note_field(manager):
    finding = triageable_finding()
    response = _transition(client_for(manager), finding, to_status="closed", version=1)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["rule"] == "note_required"
    assert list(error["fields"]) == ["note"]


def test_a_manager_who_submitted_cannot_decide_the_review_two_person_rule(cast):
    manager_submits = Cast(monitor=cast.manager, reviewer=cast.reviewer, manager=cast.manager)
    finding = finding_in(Status.AWAITING_REVIEW, manager_submits)
    response = _transition(
        client_for(cast.manager), finding, to_status="implemented", version=finding.version
    )
    assert response.status_code == 403
    assert response.json()["error"]["rule"] == "two_person_rule"
    assert Finding.objects.get(pk=finding.pk).status == Status.AWAITING_REVIEW


def test_the_assigned_reviewer_decides_a_review(cast):
    finding = finding_in(Status.AWAITING_REVIEW, cast)
    response = _transition(
        client_for(cast.reviewer), finding, to_status="implemented", version=finding.version
    )
    assert response.status_code == 200
    assert response.json()["status"] == "implemented"


def test_a_bad_body_answers_400_with_every_bad_field(monitor):
    finding = triageable_finding()
    response = _transition(client_for(monitor), finding, to_status="flying", version="one")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"to_status", "version"}


def test_a_monitor_assigns_a_reviewer_by_id(monitor, reviewer):
    finding = triageable_finding()
    response = _assign(client_for(monitor), finding, reviewer=reviewer.pk, version=1)
    assert response.status_code == 200
    assert response.json()["reviewer"]["id"] == reviewer.pk
    assert Assignment.objects.get(finding=finding).assigned_by == monitor


def test_automatic_assignment_picks_a_reviewer(monitor, reviewer):
    finding = triageable_finding()
    response = _assign(client_for(monitor), finding, auto=True, version=1)
    assert response.status_code == 200
    assert response.json()["reviewer"]["id"] == reviewer.pk
    assert Assignment.objects.get(finding=finding).method == "automatic"


def test_automatic_assignment_checks_the_version_too(monitor, reviewer):
    finding = triageable_finding()
    response = _assign(client_for(monitor), finding, auto=True, version=3)
    assert response.status_code == 409
    assert not Assignment.objects.exists()


def test_null_removes_the_reviewer(monitor, reviewer):
    finding = triageable_finding()
    _assign(client_for(monitor), finding, reviewer=reviewer.pk, version=1)
    response = _assign(client_for(monitor), finding, reviewer=None, version=2)
    assert response.status_code == 200
    assert response.json()["reviewer"] is None


def test_assigning_someone_who_is_not_a_reviewer_answers_409(monitor, partner):
    finding = triageable_finding()
    response = _assign(client_for(monitor), finding, reviewer=partner.pk, version=1)
    assert response.status_code == 409
    assert response.json()["error"]["rule"] == "not_a_reviewer"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"version": 1}, "reviewer"),
        ({"auto": True, "reviewer": "{reviewer}", "version": 1}, "reviewer"),
        ({"reviewer": 999999, "version": 1}, "reviewer"),
        ({"reviewer": "{reviewer}"}, "version"),
    ],
)
def test_an_assignment_needs_exactly_one_reviewer_choice_and_the_version(
    monitor, reviewer, body, field
):
    finding = triageable_finding()
    body = {k: (reviewer.pk if v == "{reviewer}" else v) for k, v in body.items()}
    response = _assign(client_for(monitor), finding, **body)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


def test_a_partner_cannot_transition_even_a_published_finding(partner):
    finding = triageable_finding(published=True)
    response = _transition(client_for(partner), finding, to_status="triaged", version=1)
    assert response.status_code == 403
    assert Finding.objects.get(pk=finding.pk).status == Status.NEW


def test_staff_reach_unpublished_findings_through_the_api(monitor):
    finding = triageable_finding(published=False)
    response = _transition(client_for(monitor), finding, to_status="triaged", version=1)
    assert response.status_code == 200


def test_a_user_without_a_role_cannot_act():
    finding = triageable_finding()
    response = _transition(client_for(UserFactory()), finding, to_status="triaged", version=1)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
