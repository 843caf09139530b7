"""The dashboard on the admin index."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from findings.admin.dashboard import dashboard_data
from findings.choices import Status
from findings.services import finding_assign_reviewer
from tests.admin.conftest import TODAY, login, submit_for_review, triage
from tests.factories import FindingFactory, ObligationFactory, TreatyFactory, UserFactory

INDEX = reverse("admin:index")


@pytest.fixture
def data(db, monitor, reviewer, manager, theme, treaty):
    cat = TreatyFactory(code="CAT")
    overdue = TODAY - datetime.timedelta(days=10)
    late_mine = FindingFactory(themes=[theme], treaties=[treaty], due_on=overdue)
    triage(late_mine, monitor)
    finding_assign_reviewer(finding=late_mine, reviewer=reviewer, actor=monitor)
    FindingFactory(themes=[theme], treaties=[treaty, cat], due_on=overdue)  # late, unassigned
    waiting = submit_for_review(
        FindingFactory(themes=[theme], treaties=[cat], title="Waiting review"),
        monitor=monitor,
        reviewer=reviewer,
    )
    ObligationFactory(
        treaty=treaty, title="Fifth periodic report", due_on=TODAY + datetime.timedelta(days=20)
    )
    ObligationFactory(
        treaty=cat,
        title="Follow-up information",
        kind="follow_up",
        due_on=TODAY - datetime.timedelta(days=5),
    )
    ObligationFactory(treaty=cat, title="Far away", due_on=TODAY + datetime.timedelta(days=400))
    return {"waiting": waiting, "cat": cat}


def test_counts_by_status(data):
    counts = {row["status"]: row["count"] for row in dashboard_data()["status_counts"]}
    assert counts[Status.NEW] == 1
    assert counts[Status.TRIAGED] == 1
    assert counts[Status.AWAITING_REVIEW] == 1
    assert counts[Status.CLOSED] == 0


def test_overdue_findings_per_reviewer_including_unassigned(data, reviewer):
    rows = {row["name"]: row["count"] for row in dashboard_data()["overdue_by_reviewer"]}
    assert rows == {reviewer.username: 1, None: 1}


def test_reviews_waiting_longest_and_upcoming_deadlines(data):
    dashboard = dashboard_data()
    assert [row["pk"] for row in dashboard["waiting_longest"]] == [data["waiting"].pk]
    deadlines = [(row["title"], row["overdue"]) for row in dashboard["deadlines"]]
    assert deadlines == [("Follow-up information", True), ("Fifth periodic report", False)]


def test_the_chart_has_one_bar_per_treaty_with_a_segment_per_status(data):
    bars = {row["code"]: row for row in dashboard_data()["by_treaty"]}
    assert set(bars) == {"ICCPR", "CAT"}
    assert bars["CAT"]["total"] == 2
    assert {s["status"]: s["count"] for s in bars["CAT"]["segments"]} == {
        Status.NEW: 1,
        Status.AWAITING_REVIEW: 1,
    }


def test_the_index_renders_the_dashboard_for_staff(data, clients):
    for role, client in clients.items():
        html = client.get(INDEX).content.decode()
        assert 'id="tracker-dashboard"' in html, role
        assert "Overdue findings per reviewer" in html
        assert "Fifth periodic report" in html
        assert 'class="tracker-bar"' in html
        assert "Tracker: Kazakhstan&#x27;s human rights obligations" in html  # not "Django ..."
        assert "<title>Dashboard | Tracker</title>" in html
        assert "View site" not in html  # there is no public site to go to
    assert "My reviews: 1 waiting" in clients["reviewer"].get(INDEX).content.decode()
    assert "Partner submissions" in clients["monitor"].get(INDEX).content.decode()
    assert "Partner submissions" not in clients["reviewer"].get(INDEX).content.decode()


def test_the_figures_are_cached_for_a_minute(data, monitor_client):
    monitor_client.get(INDEX)
    FindingFactory(title="Added after")
    counts = {row["status"]: row["count"] for row in dashboard_data()["status_counts"]}
    assert counts[Status.NEW] == 1  # still the cached figure


def test_staff_without_the_finding_permission_see_no_dashboard(db):
    html = login(UserFactory(username="plain-staff", is_staff=True)).get(INDEX).content.decode()
    assert "tracker-dashboard" not in html
