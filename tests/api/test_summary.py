"""The summary endpoint: counts over what the caller may see, with the list's filters."""

import datetime

import pytest
import time_machine

from findings.choices import Assessment, Status
from findings.models import Finding
from tests.api.conftest import client_for
from tests.factories import (
    EvidenceFactory,
    FindingFactory,
    ReportFactory,
    ThemeFactory,
    TreatyFactory,
)
from tests.findings.builders import finding_in

pytestmark = pytest.mark.django_db


def _summary(user, query=""):
    response = client_for(user).get(f"/api/v1/summary/?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def _disagree(finding, partner, value=Assessment.NOT_IMPLEMENTED):
    EvidenceFactory(
        finding=finding,
        author=partner,
        organisation=partner.organisation,
        kind="assessment",
        assessment=value,
    )


@time_machine.travel(datetime.datetime(2026, 6, 1, 6, 0, tzinfo=datetime.UTC), tick=False)
def test_it_counts_findings_by_status_treaty_theme_and_report(monitor):
    iccpr, cat = TreatyFactory(code="ICCPR"), TreatyFactory(code="CAT")
    torture = ThemeFactory(slug="torture", name="Torture")
    report = ReportFactory(symbol="CAT/C/KAZ/CO/4", title="CAT 2022")
    FindingFactory(
        report=report, treaties=[iccpr, cat], themes=[torture], due_on=datetime.date(2026, 1, 1)
    )
    FindingFactory(report=report, treaties=[cat], themes=[torture])
    closed = FindingFactory(due_on=datetime.date(2026, 1, 1))
    Finding.objects.filter(pk=closed.pk).update(status=Status.CLOSED)

    data = _summary(monitor)

    assert (data["total"], data["open"], data["overdue"]) == (3, 2, 1)
    assert {row["status"]: row["count"] for row in data["by_status"] if row["count"]} == {
        "new": 2,
        "closed": 1,
    }
    assert len(data["by_status"]) == len(Status.values)
    assert [(row["code"], row["count"]) for row in data["by_treaty"]] == [("CAT", 2), ("ICCPR", 1)]
    assert [(row["slug"], row["count"]) for row in data["by_theme"]] == [("torture", 2)]
    assert ("CAT/C/KAZ/CO/4", 2) in [(row["symbol"], row["count"]) for row in data["by_report"]]


def test_a_partner_counts_only_published_findings(partner, monitor):
    FindingFactory(published=True)
    FindingFactory(published=False)
    assert _summary(partner)["total"] == 1
    assert _summary(monitor)["total"] == 2


def test_it_counts_findings_where_partners_disagree_with_the_status(cast, partner):
    disputed = finding_in(Status.IMPLEMENTED, cast, published=True)
    agreed = finding_in(Status.IMPLEMENTED, cast, published=True)
    still_open = finding_in(Status.IN_PROGRESS, cast, published=True)
    _disagree(disputed, partner)
    _disagree(agreed, partner, Assessment.IMPLEMENTED)
    _disagree(still_open, partner)

    assert _summary(partner)["partner_disagreement"] == 1
    assert _summary(cast.manager)["partner_disagreement"] == 1


def test_the_list_filters_narrow_the_summary(monitor):
    iccpr = TreatyFactory()
    FindingFactory(treaties=[iccpr])
    FindingFactory()
    data = _summary(monitor, f"treaty={iccpr.pk}")
    assert data["total"] == 1
    assert [row["id"] for row in data["by_treaty"]] == [iccpr.pk]
