"""CSV export of any filtered findings list, streamed and scoped like the list."""

import csv
import io

import pytest

from tests.api.conftest import client_for
from tests.factories import FindingFactory, ThemeFactory, TreatyFactory

pytestmark = pytest.mark.django_db


def _csv(client, query="", **headers):
    response = client.get(f"/api/v1/findings/export/?{query}", **headers)
    assert response.status_code == 200, response.content
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_honours_the_filters_and_ordering(monitor):
    treaty = TreatyFactory(code="CEDAW")
    theme = ThemeFactory(slug="women")
    first = FindingFactory(treaties=[treaty], themes=[theme], priority="low")
    second = FindingFactory(treaties=[treaty], priority="high")
    FindingFactory()

    rows = _csv(client_for(monitor), f"treaty={treaty.pk}&ordering=priority")

    assert [int(r["id"]) for r in rows] == [second.pk, first.pk]
    assert rows[1]["treaties"] == "CEDAW"
    assert rows[1]["themes"] == "women"


def test_a_partner_exports_only_published_findings_without_staff_columns(partner):
    published = FindingFactory(published=True)
    FindingFactory(published=False)
    rows = _csv(client_for(partner))
    assert [int(r["id"]) for r in rows] == [published.pk]
    assert "reviewer" not in rows[0]
    assert "published" not in rows[0]


def test_staff_exports_include_publication_and_reviewer(monitor):
    FindingFactory(published=False)
    rows = _csv(client_for(monitor))
    assert rows[0]["published"] == "false"
    assert rows[0]["reviewer"] == ""


def test_cells_that_would_run_as_spreadsheet_formulas_are_defused(monitor):
    FindingFactory(title='=HYPERLINK("http://evil.example","click")', summary="-5 is fine? no")
    row = _csv(client_for(monitor))[0]
    assert row["title"].startswith("'=")
    assert row["summary"].startswith("'-")


def test_it_answers_csv_whatever_the_client_accepts(monitor):
    FindingFactory()
    assert len(_csv(client_for(monitor), HTTP_ACCEPT="text/csv")) == 1
    assert len(_csv(client_for(monitor), HTTP_ACCEPT="application/json")) == 1


def test_an_invalid_filter_answers_400_in_json(monitor):
    response = client_for(monitor).get(
        "/api/v1/findings/export/?overdue=perhaps", HTTP_ACCEPT="text/csv"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "overdue" in response.json()["error"]["fields"]
