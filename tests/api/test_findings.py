"""Reading findings: what staff see, and what partners see and never see."""

import datetime

import pytest
import time_machine

from findings import services
from findings.choices import Assessment, Moderation, Status
from findings.models import Evidence
from tests.api.conftest import client_for
from tests.factories import (
    AffectedGroupFactory,
    EvidenceFactory,
    FindingFactory,
    ObligationFactory,
    OrganisationFactory,
    ProvisionFactory,
    ThemeFactory,
    TreatyFactory,
    UserFactory,
)
from tests.findings.builders import finding_in

pytestmark = pytest.mark.django_db


def _detail(client, finding):
    response = client.get(f"/api/v1/findings/{finding.pk}/")
    assert response.status_code == 200, response.content
    return response.json()


def _partner_of(organisation, username):
    return UserFactory(username=username, role="partner", organisation=organisation)


def _accepted_assessment(finding, partner, value, *, moderator, when):
    evidence = services.evidence_create(
        finding=finding,
        author=partner,
        kind="assessment",
        text=f"We consider it {value}.",
        assessment=value,
    )
    services.evidence_moderate(evidence=evidence, actor=moderator, accept=True, now=when)
    Evidence.objects.filter(pk=evidence.pk).update(created_at=when)
    return evidence


def test_a_partner_lists_only_published_findings(
    partner_client, published_finding, unpublished_finding
):
    response = partner_client.get("/api/v1/findings/")
    assert [row["id"] for row in response.json()["results"]] == [published_finding.pk]


def test_staff_list_published_and_unpublished_findings(
    monitor_client, published_finding, unpublished_finding
):
    response = monitor_client.get("/api/v1/findings/")
    ids = {row["id"] for row in response.json()["results"]}
    assert ids == {published_finding.pk, unpublished_finding.pk}
    assert all("published" in row and "version" in row for row in response.json()["results"])


def test_an_unpublished_finding_answers_404_to_a_partner(partner_client, unpublished_finding):
    response = partner_client.get(f"/api/v1/findings/{unpublished_finding.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_finding_shows_its_links_status_and_version(monitor_client):
    treaty = TreatyFactory(code="ICCPR")
    provision = ProvisionFactory(treaty=treaty, number="7")
    obligation = ObligationFactory(treaty=treaty, due_on=datetime.date(2027, 7, 1))
    group = AffectedGroupFactory(slug="detainees")
    finding = FindingFactory(
        published=True,
        themes=[ThemeFactory(slug="torture")],
        treaties=[treaty],
        provisions=[provision],
    )
    finding.obligations.set([obligation])
    finding.affected_groups.set([group])

    data = _detail(monitor_client, finding)

    assert [t["code"] for t in data["treaties"]] == ["ICCPR"]
    assert data["provisions"] == [
        {"id": provision.pk, "treaty": "ICCPR", "number": "7", "title": provision.title}
    ]
    assert data["obligations"][0]["due_on"] == "2027-07-01"
    assert [t["slug"] for t in data["themes"]] == ["torture"]
    assert [g["slug"] for g in data["affected_groups"]] == ["detainees"]
    assert data["status"] == "new"
    assert data["version"] == 1


def test_the_timeline_shows_who_and_why_to_staff_but_not_to_partners(cast, partner):
    finding = finding_in(Status.IN_PROGRESS, cast, published=True)
    services.finding_transition(
        finding=finding, to_status=Status.CLOSED, actor=cast.manager, note="Internal reasoning"
    )

    staff_events = _detail(client_for(cast.monitor), finding)["events"]
    partner_events = _detail(client_for(partner), finding)["events"]

    assert [(e["from_status"], e["to_status"]) for e in staff_events] == [
        ("new", "triaged"),
        ("triaged", "in_progress"),
        ("in_progress", "closed"),
    ]
    assert staff_events[-1]["actor"]["username"] == "manager"
    assert staff_events[-1]["note"] == "Internal reasoning"
    assert [(e["from_status"], e["to_status"]) for e in partner_events] == [
        (e["from_status"], e["to_status"]) for e in staff_events
    ]
    assert all(set(e) == {"id", "from_status", "to_status", "created_at"} for e in partner_events)
    assert "Internal reasoning" not in str(partner_events)


def test_a_partner_never_sees_who_reviews_or_submitted_for_review(cast, partner):
    finding = finding_in(Status.AWAITING_REVIEW, cast, published=True)

    staff = _detail(client_for(cast.manager), finding)
    partner_view = _detail(client_for(partner), finding)

    assert staff["reviewer"]["username"] == "reviewer"
    assert staff["submitted_for_review_by"]["username"] == "monitor"
    for field in ("reviewer", "submitted_for_review_by", "proposed_assessment", "published"):
        assert field not in partner_view
    assert "reviewer" not in str(partner_view)
    assert "monitor" not in str(partner_view)


def test_partners_see_shared_accepted_evidence_and_their_own_submissions_only(monitor, partner):
    finding = FindingFactory(published=True)
    other = _partner_of(OrganisationFactory(), "other-ngo")
    internal = EvidenceFactory(finding=finding, author=monitor, kind="note", visibility="internal")
    shared = EvidenceFactory(finding=finding, author=monitor, visibility="shared")
    own_pending = services.evidence_create(
        finding=finding, author=partner, kind="evidence", text="Our monitoring visit."
    )
    others_pending = services.evidence_create(
        finding=finding, author=other, kind="evidence", text="Their monitoring visit."
    )

    staff_ids = {e["id"] for e in _detail(client_for(monitor), finding)["evidence"]}
    partner_items = _detail(client_for(partner), finding)["evidence"]

    assert staff_ids == {internal.pk, shared.pk, own_pending.pk, others_pending.pk}
    assert {e["id"]: e["moderation"] for e in partner_items} == {
        shared.pk: "accepted",
        own_pending.pk: "pending",
    }
    assert all("author" not in e and "moderated_by" not in e for e in partner_items)
    assert partner_items[0]["organisation"] is None  # a staff entry
    assert partner_items[1]["organisation"]["name"] == partner.organisation.name


def test_a_finding_lists_the_earlier_findings_it_repeats_that_the_viewer_may_see(monitor, partner):
    earlier_public = FindingFactory(published=True, title="Earlier, public")
    earlier_internal = FindingFactory(published=False, title="Earlier, internal")
    finding = FindingFactory(published=True)
    finding.repeats.set([earlier_public, earlier_internal])

    staff_titles = {f["title"] for f in _detail(client_for(monitor), finding)["repeats"]}
    partner_titles = {f["title"] for f in _detail(client_for(partner), finding)["repeats"]}

    assert staff_titles == {"Earlier, public", "Earlier, internal"}
    assert partner_titles == {"Earlier, public"}


def test_the_official_status_is_shown_beside_each_partners_latest_accepted_assessment(
    cast, partner
):
    finding = finding_in(Status.IMPLEMENTED, cast, published=True)
    other = _partner_of(OrganisationFactory(name="Zhariya NGO"), "zhariya")
    day = datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC)
    _accepted_assessment(
        finding, partner, Assessment.NOT_IMPLEMENTED, moderator=cast.monitor, when=day
    )
    _accepted_assessment(
        finding,
        partner,
        Assessment.PARTIALLY_IMPLEMENTED,
        moderator=cast.monitor,
        when=day + datetime.timedelta(days=2),
    )
    _accepted_assessment(finding, other, Assessment.IMPLEMENTED, moderator=cast.monitor, when=day)
    services.evidence_create(  # pending: does not count
        finding=finding,
        author=other,
        kind="assessment",
        text="Changed our mind.",
        assessment=Assessment.NOT_IMPLEMENTED,
    )

    data = _detail(client_for(partner), finding)

    assert data["status"] == "implemented"
    assert data["partner_disagreement"] is True
    assert [
        (a["organisation"]["name"], a["assessment"], a["differs_from_status"])
        for a in data["partner_assessments"]
    ] == [
        (partner.organisation.name, "partially_implemented", True),
        ("Zhariya NGO", "implemented", False),
    ]


@time_machine.travel(datetime.datetime(2026, 6, 1, 0, 30, tzinfo=datetime.UTC), tick=False)
def test_overdue_is_judged_by_the_date_in_almaty(monitor_client):
    # 00:30 UTC is 05:30 in Almaty: already 1 June there.
    due_yesterday = FindingFactory(due_on=datetime.date(2026, 5, 31))
    due_today = FindingFactory(due_on=datetime.date(2026, 6, 1))
    rows = {
        r["id"]: r["overdue"] for r in monitor_client.get("/api/v1/findings/").json()["results"]
    }
    assert rows == {due_yesterday.pk: True, due_today.pk: False}


def test_a_closed_finding_is_never_overdue(cast, monitor_client):
    finding = finding_in(Status.CLOSED, cast, due_on=datetime.date(2000, 1, 1))
    assert _detail(monitor_client, finding)["overdue"] is False


def test_staff_can_ask_which_moves_they_may_make(cast):
    finding = finding_in(Status.AWAITING_REVIEW, cast)
    moves = client_for(cast.reviewer).get(f"/api/v1/findings/{finding.pk}/transitions/").json()
    assert {m["to_status"] for m in moves} == {
        "implemented",
        "partially_implemented",
        "not_implemented",
        "in_progress",
    }
    # The submitter may not decide their own review (two-person rule).
    submitter_moves = client_for(cast.monitor).get(f"/api/v1/findings/{finding.pk}/transitions/")
    assert {m["to_status"] for m in submitter_moves.json()} == set()


def test_moderation_state_of_a_submission_does_not_leak_into_other_partners_views(partner):
    finding = FindingFactory(published=True)
    submission = services.evidence_create(
        finding=finding, author=partner, kind="evidence", text="Seen at the court."
    )
    other = _partner_of(OrganisationFactory(), "other-ngo")
    assert _detail(client_for(other), finding)["evidence"] == []
    assert Evidence.objects.get(pk=submission.pk).moderation == Moderation.PENDING
