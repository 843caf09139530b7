"""The findings list and detail run a fixed number of queries, whatever the data.

Each case is measured with 2 and with 20 findings (or 1 and 8 links of each
kind) and must run the same number of queries; the expected number is pinned
too, so a new query per request shows up here.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from findings import services
from findings.choices import Status
from findings.models import Finding
from tests.api.conftest import client_for
from tests.factories import (
    AffectedGroupFactory,
    EvidenceFactory,
    FindingFactory,
    InstitutionFactory,
    ObligationFactory,
    ProvisionFactory,
    ThemeFactory,
    TreatyFactory,
)
from tests.findings.builders import finding_in

pytestmark = pytest.mark.django_db

# 2 for authentication and the role (API key with its user, groups): staff and
# partners alike, the role alone decides what they see; then the view's own:
#   list:   count, page, links (themes, treaties, provisions and obligations at once)
#   detail: finding, links, affected groups, institutions, events, repeats, evidence,
#           partner assessments
LIST_QUERIES = {"staff": 2 + 3, "partner": 2 + 3}
DETAIL_QUERIES = {"staff": 2 + 8, "partner": 2 + 8}


def _linked_finding(links: int, **kwargs):
    """A published finding with ``links`` themes, treaties, provisions and obligations."""
    treaties = TreatyFactory.create_batch(links)
    finding = FindingFactory(
        published=True,
        themes=ThemeFactory.create_batch(links),
        treaties=treaties,
        provisions=[ProvisionFactory(treaty=t) for t in treaties],
        **kwargs,
    )
    finding.obligations.set([ObligationFactory(treaty=t) for t in treaties])
    return finding


def _richly_linked_finding(links: int, *, cast, partner):
    """As :func:`_linked_finding`, with a timeline, evidence, assessments and repeats too."""
    treaties = TreatyFactory.create_batch(links)
    finding = finding_in(
        Status.IN_PROGRESS,
        cast,
        published=True,
        themes=ThemeFactory.create_batch(links),
        treaties=treaties,
        provisions=[ProvisionFactory(treaty=t) for t in treaties],
    )
    finding.obligations.set([ObligationFactory(treaty=t) for t in treaties])
    finding.affected_groups.set(AffectedGroupFactory.create_batch(links))
    finding.institutions.set(InstitutionFactory.create_batch(links))
    finding.repeats.set(FindingFactory.create_batch(links, published=True))
    for _ in range(links):
        EvidenceFactory(finding=finding, author=cast.monitor, visibility="shared")
        services.evidence_create(
            finding=finding, author=partner, kind="assessment", text="Why", assessment="implemented"
        )
    return finding


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200, response.content
    return len(queries)


@pytest.fixture
def viewers(cast, partner):
    return {"staff": client_for(cast.monitor), "partner": client_for(partner)}


@pytest.mark.parametrize("viewer", ["staff", "partner"])
def test_the_findings_list_runs_the_same_queries_for_2_or_20_findings(
    viewers, viewer, django_assert_num_queries
):
    client = viewers[viewer]
    for total in (2, 20):
        while Finding.objects.count() < total:
            _linked_finding(3)
        with django_assert_num_queries(LIST_QUERIES[viewer]):
            response = client.get("/api/v1/findings/?page_size=50")
        assert len(response.json()["results"]) == total
        assert all(len(row["provisions"]) == 3 for row in response.json()["results"])


@pytest.mark.parametrize("viewer", ["staff", "partner"])
def test_the_finding_detail_runs_the_same_queries_for_1_or_8_links_of_each_kind(
    cast, partner, viewers, viewer, django_assert_num_queries
):
    client = viewers[viewer]
    for links in (1, 8):
        finding = _richly_linked_finding(links, cast=cast, partner=partner)
        with django_assert_num_queries(DETAIL_QUERIES[viewer]):
            response = client.get(f"/api/v1/findings/{finding.pk}/")
        data = response.json()
        assert len(data["treaties"]) == len(data["repeats"]) == links
        assert len(data["evidence"]) >= links


def test_the_filtered_list_adds_no_query_per_row(viewers):
    client = viewers["staff"]
    theme = ThemeFactory()
    for _ in range(2):
        _linked_finding(2).themes.add(theme)
    query = f"/api/v1/findings/?theme={theme.pk}&overdue=false&q=Finding&ordering=priority"
    with_two = _count(client, query)
    for _ in range(10):
        _linked_finding(2).themes.add(theme)
    assert _count(client, query) == with_two


def test_the_csv_export_adds_no_query_per_row(viewers):
    client = viewers["staff"]

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/findings/export/")
            b"".join(response.streaming_content)
        return len(queries)

    for _ in range(2):
        _linked_finding(2)
    with_two = count()
    for _ in range(10):
        _linked_finding(2)
    assert count() == with_two
