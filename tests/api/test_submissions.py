"""Partners submit evidence and assessments; staff moderate; partners follow the state."""

import datetime

import pytest
import time_machine
from rest_framework.throttling import SimpleRateThrottle

from findings.choices import Moderation
from findings.models import Evidence
from tests.api.conftest import client_for
from tests.factories import FindingFactory

pytestmark = pytest.mark.django_db

EVIDENCE = {
    "kind": "evidence",
    "text": "The new law on peaceful assemblies entered into force.",
    "source": "Law No. 333-VI of 25 May 2020",
    "evidence_date": "2020-05-25",
}
ASSESSMENT = {
    "kind": "assessment",
    "text": "Prior permission is still required in practice.",
    "assessment": "not_implemented",
}


def _submit(client, finding, body):
    return client.post(f"/api/v1/findings/{finding.pk}/evidence/", body, format="json")


def _moderate(client, submission_id, **body):
    return client.post(f"/api/v1/submissions/{submission_id}/moderate/", body, format="json")


def test_a_partners_evidence_starts_pending_and_carries_its_organisation(
    partner, published_finding
):
    response = _submit(client_for(partner), published_finding, EVIDENCE)
    assert response.status_code == 201
    data = response.json()
    assert data["moderation"] == "pending"
    assert data["organisation"]["name"] == partner.organisation.name
    assert data["source"] == EVIDENCE["source"]
    assert data["evidence_date"] == "2020-05-25"
    evidence = Evidence.objects.get(pk=data["id"])
    assert (evidence.author, evidence.visibility) == (partner, "shared")


def test_a_partner_submits_an_independent_assessment_with_a_reason(partner, published_finding):
    response = _submit(client_for(partner), published_finding, ASSESSMENT)
    assert response.status_code == 201
    assert response.json()["assessment"] == "not_implemented"
    assert response.json()["text"] == ASSESSMENT["text"]


def test_an_assessment_without_a_value_answers_400(partner, published_finding):
    response = _submit(client_for(partner), published_finding, {**ASSESSMENT, "assessment": ""})
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["assessment"]
    assert not Evidence.objects.exists()


@time_machine.travel(datetime.datetime(2026, 6, 1, 6, 0, tzinfo=datetime.UTC), tick=False)
def test_evidence_cannot_be_dated_in_the_future(partner, published_finding):
    response = _submit(
        client_for(partner), published_finding, {**EVIDENCE, "evidence_date": "2026-06-02"}
    )
    assert response.status_code == 400
    assert "evidence_date" in response.json()["error"]["fields"]


def test_a_partner_cannot_submit_on_an_unpublished_finding(partner, unpublished_finding):
    response = _submit(client_for(partner), unpublished_finding, EVIDENCE)
    assert response.status_code == 404
    assert not Evidence.objects.exists()


def test_a_partner_cannot_write_internal_notes(partner, published_finding):
    response = _submit(client_for(partner), published_finding, {**EVIDENCE, "kind": "note"})
    assert response.status_code == 403
    assert response.json()["error"]["rule"] == "partner_kind"


def test_a_partner_cannot_choose_internal_visibility(partner, published_finding):
    response = _submit(
        client_for(partner), published_finding, {**EVIDENCE, "visibility": "internal"}
    )
    assert response.status_code == 201
    assert Evidence.objects.get().visibility == "shared"


def test_staff_evidence_is_accepted_at_once(monitor, unpublished_finding):
    response = _submit(client_for(monitor), unpublished_finding, {**EVIDENCE, "kind": "note"})
    assert response.status_code == 201
    assert response.json()["moderation"] == "accepted"
    assert response.json()["visibility"] == "internal"


def test_partners_list_their_own_organisations_submissions_with_the_state(
    partner, other_partner, monitor, published_finding
):
    mine = _submit(client_for(partner), published_finding, EVIDENCE).json()["id"]
    theirs = _submit(client_for(other_partner), published_finding, ASSESSMENT).json()["id"]
    _moderate(client_for(monitor), mine, accept=False, reason="The law was amended again.")

    rows = client_for(partner).get("/api/v1/submissions/").json()["results"]

    assert [(r["id"], r["moderation"], r["moderation_reason"]) for r in rows] == [
        (mine, "rejected", "The law was amended again.")
    ]
    assert "moderated_by" not in rows[0]
    assert "author" not in rows[0]
    assert client_for(partner).get(f"/api/v1/submissions/{theirs}/").status_code == 404


def test_staff_see_the_moderation_queue(partner, other_partner, monitor, published_finding):
    pending = _submit(client_for(partner), published_finding, EVIDENCE).json()["id"]
    accepted = _submit(client_for(other_partner), published_finding, ASSESSMENT).json()["id"]
    _moderate(client_for(monitor), accepted, accept=True)

    queue = client_for(monitor).get("/api/v1/submissions/?moderation=pending").json()["results"]

    assert [r["id"] for r in queue] == [pending]
    assert queue[0]["author"]["username"] == "partner"


def test_accepting_makes_the_evidence_visible_to_other_partners(
    partner, other_partner, monitor, published_finding
):
    submission = _submit(client_for(partner), published_finding, EVIDENCE).json()["id"]
    detail = f"/api/v1/findings/{published_finding.pk}/"
    assert client_for(other_partner).get(detail).json()["evidence"] == []

    response = _moderate(client_for(monitor), submission, accept=True)

    assert response.status_code == 200
    assert response.json()["moderation"] == "accepted"
    assert response.json()["moderated_by"]["username"] == "monitor"
    assert [e["id"] for e in client_for(other_partner).get(detail).json()["evidence"]] == [
        submission
    ]


def test_a_rejection_needs_a_reason(partner, monitor, published_finding):
    submission = _submit(client_for(partner), published_finding, EVIDENCE).json()["id"]
    response = _moderate(client_for(monitor), submission, accept=False)
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"reason": [response.json()["error"]["message"]]}
    assert Evidence.objects.get(pk=submission).moderation == Moderation.PENDING


def test_moderating_twice_answers_409(partner, monitor, manager, published_finding):
    submission = _submit(client_for(partner), published_finding, EVIDENCE).json()["id"]
    assert _moderate(client_for(monitor), submission, accept=True).status_code == 200
    response = _moderate(client_for(manager), submission, accept=False, reason="No")
    assert response.status_code == 409
    assert response.json()["error"]["rule"] == "not_pending"


def test_a_reviewer_may_not_moderate(partner, reviewer, published_finding):
    submission = _submit(client_for(partner), published_finding, EVIDENCE).json()["id"]
    assert _moderate(client_for(reviewer), submission, accept=True).status_code == 403


def test_submissions_are_throttled_by_their_own_rate(partner, monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {**SimpleRateThrottle.THROTTLE_RATES, "submissions": "2/day"},
    )
    finding = FindingFactory(published=True)
    client = client_for(partner)
    assert [_submit(client, finding, EVIDENCE).status_code for _ in range(3)] == [201, 201, 429]
    response = _submit(client, finding, EVIDENCE)
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    assert Evidence.objects.count() == 2
    # Reading is not limited by the submissions rate.
    assert client.get("/api/v1/submissions/").status_code == 200
