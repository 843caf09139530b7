"""The findings changelist and change page run a fixed number of queries, however many rows.

Measured with 5 and with 50 findings (each with themes, treaties, provisions,
a reviewer, events, assignments and evidence); the counts must be equal and
stay under the ceilings below.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from findings.choices import EvidenceKind
from findings.models import Finding
from findings.services import evidence_create, finding_assign_reviewer, finding_update
from tests.admin.conftest import TODAY, login, triage
from tests.factories import ProvisionFactory, ReportFactory, ThemeFactory, TreatyFactory

CHANGELIST = reverse("admin:findings_finding_changelist")
#: Session, user, 2 permission queries, 4 filter option lists (treaties, themes, reports,
#: reviewers), the count and the page: 10 (11 on PostgreSQL when the unfiltered count is
#: estimated first).
MAX_CHANGELIST = 11
#: Session, user, 2 permission queries, the finding, 8 prefetched link lists, 3 inlines
#: (events, assignments, evidence) and the selected options of the autocomplete widgets:
#: 21 for monitors and managers, 16 for reviewers (no editable widgets).
MAX_CHANGE_PAGE = 21


@pytest.fixture
def world(db, monitor, reviewer):
    """Reference data shared by all findings, and a way to add findings to it."""
    themes = [ThemeFactory(slug=f"q-theme-{i}") for i in range(3)]
    treaties = [TreatyFactory(code=f"Q-T{i}") for i in range(3)]
    provisions = [ProvisionFactory(treaty=t, number="7") for t in treaties]
    reports = [ReportFactory() for _ in range(3)]

    def add(count: int) -> list:
        # Rows straight into the tables: the test is about reading them, and it stays fast.
        start = Finding.objects.count()
        findings = Finding.objects.bulk_create(
            Finding(
                report=reports[i % 3],
                reference=f"para {start + i + 1}",
                kind="recommendation",
                title=f"Finding {start + i + 1}",
                summary="Ours.",
                due_on=TODAY - datetime.timedelta(days=i % 2),
            )
            for i in range(count)
        )
        links = (
            ("themes", "theme_id", themes),
            ("treaties", "treaty_id", treaties),
            ("provisions", "provision_id", provisions),
        )
        for field, target_id, targets in links:
            through = getattr(Finding, field).through
            through.objects.bulk_create(
                through(finding_id=finding.pk, **{target_id: target.pk})
                for i, finding in enumerate(findings)
                for target in targets[: 1 + i % 3]
            )
        # Some of them with events, a reviewer and evidence, made the real way.
        for finding in findings[: max(2, count // 10)]:
            triage(finding, monitor)
            finding_assign_reviewer(finding=finding, reviewer=reviewer, actor=monitor)
            evidence_create(
                finding=finding, author=monitor, kind=EvidenceKind.EVIDENCE, text="x", source="y"
            )
        return findings

    add.query = f"?treaty={treaties[1].pk}&theme={themes[1].pk}"
    return add


def count_queries(client, url, *, warm: bool = False) -> int:
    """Queries of one page view; ``warm`` first visits it once, so that process-wide caches
    (content types) are filled as they are in a running server."""
    if warm:
        client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", ["monitor", "reviewer", "manager"])
def test_the_changelist_runs_the_same_queries_for_5_and_50_findings(
    role, request, world, django_assert_max_num_queries
):
    client = login(request.getfixturevalue(role))
    queries = [
        "",
        "?due=overdue",
        world.query,  # one treaty and one theme
        "?reviewer=me&status__exact=triaged",
        "?q=para&o=3",  # a search, sorted by report
        "?due=this_month&priority__exact=high&published__exact=0&report_kind=treaty_body",
    ]
    world(5)
    few = {query: count_queries(client, CHANGELIST + query, warm=True) for query in queries}
    world(45)
    many = {query: count_queries(client, CHANGELIST + query) for query in queries}
    assert few == many
    with django_assert_max_num_queries(MAX_CHANGELIST):
        client.get(CHANGELIST)


@pytest.mark.parametrize("role", ["monitor", "reviewer", "manager"])
def test_the_change_page_runs_the_same_queries_for_5_and_50_findings(
    role, request, monitor, world, django_assert_max_num_queries
):
    client = login(request.getfixturevalue(role))
    few_findings = world(5)
    target = few_findings[0]
    finding_update(
        finding=target,
        actor=monitor,
        data={"repeats": few_findings[1:2]},
        expected_version=target.version,
    )
    url = reverse("admin:findings_finding_change", args=[target.pk])
    few = count_queries(client, url, warm=True)

    # 45 more findings, and more events, links and notes on this one.
    others = world(45)
    finding_update(
        finding=target,
        actor=monitor,
        data={"repeats": others[:10], "title": "Edited"},
        expected_version=target.version,
    )
    for i in range(10):
        evidence_create(finding=target, author=monitor, kind=EvidenceKind.NOTE, text=f"note {i}")
    many = count_queries(client, url)
    assert few == many
    with django_assert_max_num_queries(MAX_CHANGE_PAGE):
        client.get(url)
