"""Treaty reference data: participation nested in treaties, obligations with due dates, filters."""

import datetime

import pytest
import time_machine

from tests.factories import (
    MonitoringBodyFactory,
    ObligationFactory,
    ParticipationFactory,
    ProvisionFactory,
    TreatyFactory,
)
from treaties.choices import ObligationKind, ParticipationStatus, TreatyKind

pytestmark = pytest.mark.django_db

ALMATY_MORNING = datetime.datetime(2026, 6, 1, 3, 0, tzinfo=datetime.UTC)


def _codes(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [row["code"] for row in response.json()["results"]]


def test_a_treaty_shows_kazakhstans_participation_with_both_dates(partner_client):
    treaty = TreatyFactory(code="ICCPR")
    ParticipationFactory(
        treaty=treaty,
        deposited_on=datetime.date(2006, 1, 24),
        domestic_act="Law No. 91-III of 28 Nov 2005",
        domestic_act_date=datetime.date(2005, 11, 28),
    )
    data = partner_client.get(f"/api/v1/treaties/{treaty.pk}/").json()
    assert data["participation"]["status"] == "party"
    assert data["participation"]["deposited_on"] == "2006-01-24"
    assert data["participation"]["domestic_act_date"] == "2005-11-28"
    assert data["monitoring_body"]["code"] == treaty.monitoring_body.code


def test_a_treaty_without_recorded_participation_shows_null(partner_client):
    treaty = TreatyFactory()
    assert partner_client.get(f"/api/v1/treaties/{treaty.pk}/").json()["participation"] is None


def test_a_protocol_names_its_parent(partner_client):
    parent = TreatyFactory(code="ICCPR")
    protocol = TreatyFactory(code="ICCPR-OP1", kind=TreatyKind.OPTIONAL_PROTOCOL, parent=parent)
    assert partner_client.get(f"/api/v1/treaties/{protocol.pk}/").json()["parent"] == "ICCPR"


def test_treaties_filter_by_participation_kind_body_and_text(partner_client):
    body = MonitoringBodyFactory(code="CAT")
    party = TreatyFactory(code="CAT-T", monitoring_body=body, title="Convention against Torture")
    ParticipationFactory(treaty=party)
    not_party = TreatyFactory(code="ICRMW", kind=TreatyKind.CORE)
    ParticipationFactory(
        treaty=not_party, status=ParticipationStatus.NOT_PARTY, deposited_on=None, consent_kind=""
    )
    TreatyFactory(code="C087", kind=TreatyKind.ILO)

    assert _codes(partner_client, "/api/v1/treaties/?participation=not_party") == ["ICRMW"]
    assert _codes(partner_client, "/api/v1/treaties/?kind=ilo") == ["C087"]
    assert _codes(partner_client, f"/api/v1/treaties/?monitoring_body={body.pk}") == ["CAT-T"]
    assert _codes(partner_client, "/api/v1/treaties/?q=torture") == ["CAT-T"]


def test_provisions_filter_by_treaty(partner_client):
    treaty = TreatyFactory()
    provision = ProvisionFactory(treaty=treaty, number="7")
    ProvisionFactory()
    rows = partner_client.get(f"/api/v1/provisions/?treaty={treaty.pk}").json()["results"]
    assert [(r["id"], r["number"], r["treaty"]["code"]) for r in rows] == [
        (provision.pk, "7", treaty.code)
    ]


@time_machine.travel(ALMATY_MORNING, tick=False)
def test_obligations_show_due_dates_and_whether_they_are_overdue(partner_client):
    late = ObligationFactory(due_on=datetime.date(2026, 5, 31))
    done = ObligationFactory(
        due_on=datetime.date(2026, 5, 1), completed_on=datetime.date(2026, 4, 30)
    )
    upcoming = ObligationFactory(due_on=datetime.date(2026, 9, 1))
    rows = {r["id"]: r for r in partner_client.get("/api/v1/obligations/").json()["results"]}
    assert rows[late.pk]["overdue"] is True
    assert rows[done.pk]["overdue"] is False
    assert rows[upcoming.pk]["due_on"] == "2026-09-01"

    overdue = partner_client.get("/api/v1/obligations/?overdue=true").json()["results"]
    assert [r["id"] for r in overdue] == [late.pk]
    completed = partner_client.get("/api/v1/obligations/?completed=true").json()["results"]
    assert [r["id"] for r in completed] == [done.pk]


def test_obligations_filter_by_kind_and_due_window_ordered_by_due_date(partner_client):
    substantive = ObligationFactory(kind=ObligationKind.SUBSTANTIVE, due_on=None)
    july = ObligationFactory(due_on=datetime.date(2026, 7, 1))
    june = ObligationFactory(due_on=datetime.date(2026, 6, 1))
    ObligationFactory(due_on=datetime.date(2027, 1, 1))

    window = partner_client.get(
        "/api/v1/obligations/?due_after=2026-06-01&due_before=2026-07-01&ordering=due_on"
    ).json()["results"]
    assert [r["id"] for r in window] == [june.pk, july.pk]
    kinds = partner_client.get("/api/v1/obligations/?kind=substantive").json()["results"]
    assert [r["id"] for r in kinds] == [substantive.pk]
    everything = partner_client.get("/api/v1/obligations/").json()["results"]
    assert everything[-1]["id"] == substantive.pk  # no due date: last


def test_monitoring_bodies_filter_by_kind(partner_client):
    MonitoringBodyFactory(code="UPR", kind="upr")
    MonitoringBodyFactory(code="HRC")
    assert _codes(partner_client, "/api/v1/monitoring-bodies/?kind=upr") == ["UPR"]
