"""The findings changelist: its columns and the bounded report and reviewer sidebars."""

import re

import pytest

from findings.admin.filters import SIDEBAR_LIMIT
from findings.choices import Status
from findings.models import Finding
from tests.factories import FindingFactory, ReportFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/findings/finding/"


def test_the_report_column_shows_the_symbol_or_a_shortened_title(monitor_client):
    FindingFactory(report=ReportFactory(symbol="CCPR/C/KAZ/CO/2"))
    long_title = (
        "Country Reports on Human Rights Practices for 2020: Kazakhstan, "
        "Bureau of Democracy, Human Rights, and Labor"
    )
    FindingFactory(report=ReportFactory(symbol="", title=long_title))

    page = monitor_client.get(CHANGELIST).content.decode()

    assert '<td class="field-report_short">CCPR/C/KAZ/CO/2</td>' in page
    assert f'<span title="{long_title}">Country Reports on Human Rights Practic…</span>' in page


def _sidebar(page: str, title: str) -> str:
    """The HTML of one filter of the changelist's sidebar."""
    return page.split(f'<details data-filter-title="{title}"', 1)[1].split("</details>", 1)[0]


def _reviewer_links(page: str) -> list[str]:
    """The reviewer ids the reviewer filter offers."""
    return re.findall(r'href="\?(?:[^"]*&amp;)?reviewer=(\d+)', _sidebar(page, "reviewer"))


def test_the_reviewer_sidebar_lists_the_busiest_reviewers_and_the_selected_one(monitor_client):
    reviewers = [
        UserFactory(role="reviewer", username=f"r{n:02}") for n in range(SIDEBAR_LIMIT + 2)
    ]
    # Reviewer n has n findings awaiting their review; r00 has none.
    for n, reviewer in enumerate(reviewers):
        for finding in FindingFactory.create_batch(n):
            Finding.objects.filter(pk=finding.pk).update(
                status=Status.AWAITING_REVIEW, reviewer=reviewer
            )

    listed = _reviewer_links(monitor_client.get(CHANGELIST).content.decode())
    assert len(listed) == SIDEBAR_LIMIT
    assert str(reviewers[0].pk) not in listed
    assert str(reviewers[1].pk) not in listed
    assert str(reviewers[-1].pk) in listed

    quiet = reviewers[0]
    listed = _reviewer_links(
        monitor_client.get(f"{CHANGELIST}?reviewer={quiet.pk}").content.decode()
    )
    assert str(quiet.pk) in listed  # the selected reviewer stays visible
    assert len(listed) == SIDEBAR_LIMIT + 1


def test_the_report_sidebar_lists_the_latest_reports_and_the_selected_one(monitor_client):
    oldest = ReportFactory(symbol="OLD/1", published_on="1998-01-01")
    ReportFactory.create_batch(SIDEBAR_LIMIT, published_on="2024-01-01")

    page = monitor_client.get(CHANGELIST).content.decode()
    assert "OLD/1" not in _sidebar(page, "report")

    page = monitor_client.get(f"{CHANGELIST}?report={oldest.pk}").content.decode()
    assert "OLD/1" in _sidebar(page, "report")
