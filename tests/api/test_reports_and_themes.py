"""Reports, themes and the ``me`` endpoint."""

import datetime

import pytest

from findings.choices import ReportKind
from tests.factories import MonitoringBodyFactory, ReportFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _ids(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_reports_filter_by_kind_body_and_publication_date(partner_client):
    body = MonitoringBodyFactory()
    upr = ReportFactory(kind=ReportKind.UPR, published_on=datetime.date(2025, 1, 10))
    treaty_body = ReportFactory(monitoring_body=body, published_on=datetime.date(2022, 8, 1))
    assert _ids(partner_client, "/api/v1/reports/?kind=upr") == [upr.pk]
    assert _ids(partner_client, f"/api/v1/reports/?monitoring_body={body.pk}") == [treaty_body.pk]
    assert _ids(partner_client, "/api/v1/reports/?published_after=2024-01-01") == [upr.pk]
    assert _ids(partner_client, "/api/v1/reports/?published_before=2024-01-01") == [treaty_body.pk]


def test_report_notes_are_for_staff_only(partner_client, monitor_client):
    report = ReportFactory(notes="Ask the ministry before quoting.")
    assert "notes" not in partner_client.get(f"/api/v1/reports/{report.pk}/").json()
    assert monitor_client.get(f"/api/v1/reports/{report.pk}/").json()["notes"] == report.notes


def test_themes_filter_by_code(partner_client):
    torture = ThemeFactory(slug="torture")
    ThemeFactory(slug="assembly")
    assert _ids(partner_client, "/api/v1/themes/?slug=torture") == [torture.pk]


def test_me_tells_a_partner_its_role_and_organisation(partner_client, partner):
    data = partner_client.get("/api/v1/me/").json()
    assert data == {
        "id": partner.pk,
        "username": "partner",
        "roles": ["partner"],
        "is_staff_member": False,
        "organisation": partner.organisation.name,
        "language": "en",
    }


def test_me_tells_staff_they_are_staff(reviewer_client):
    data = reviewer_client.get("/api/v1/me/").json()
    assert (data["roles"], data["is_staff_member"]) == (["reviewer"], True)
