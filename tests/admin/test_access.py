"""Who gets into which admin page: each view loads for the roles allowed, the others are refused."""

from __future__ import annotations

import pytest
from django.urls import reverse

from findings.models import Assignment, FindingEvent
from tests.admin.conftest import login, submit_for_review, triage
from tests.factories import EvidenceFactory, FindingFactory, ObligationFactory, UserFactory

ROLES = ("monitor", "reviewer", "manager")


@pytest.fixture
def finding(db, theme, treaty):
    return FindingFactory(themes=[theme], treaties=[treaty])


def _pages(finding) -> dict[str, str]:
    return {
        "dashboard": reverse("admin:index"),
        "changelist": reverse("admin:findings_finding_changelist"),
        "change": reverse("admin:findings_finding_change", args=[finding.pk]),
        "history": reverse("admin:findings_finding_history", args=[finding.pk]),
        "add": reverse("admin:findings_finding_add"),
        "import": reverse("admin:findings_finding_import"),
        "my_reviews": reverse("admin:findings_finding_my_reviews"),
        "submissions": reverse("admin:findings_evidence_submissions"),
        "add_note": reverse("admin:findings_finding_add_evidence", args=[finding.pk]),
        "assign": reverse("admin:findings_finding_assign", args=[finding.pk]),
        "evidence": reverse("admin:findings_evidence_changelist"),
        "events": reverse("admin:findings_findingevent_changelist"),
        "reports": reverse("admin:findings_report_changelist"),
        "treaties": reverse("admin:treaties_treaty_changelist"),
        "obligations": reverse("admin:treaties_obligation_changelist"),
        "users": reverse("admin:accounts_user_changelist"),
    }


ALLOWED = {
    "dashboard": {"monitor", "reviewer", "manager"},
    "changelist": {"monitor", "reviewer", "manager"},
    "change": {"monitor", "reviewer", "manager"},
    "history": {"monitor", "reviewer", "manager"},
    "add": {"monitor", "manager"},
    "import": {"monitor", "manager"},
    "my_reviews": {"reviewer", "manager"},
    "submissions": {"monitor", "manager"},
    "add_note": {"monitor", "reviewer", "manager"},
    "assign": {"monitor", "manager"},
    "evidence": {"monitor", "reviewer", "manager"},
    "events": {"monitor", "reviewer", "manager"},
    "reports": {"monitor", "reviewer", "manager"},
    "treaties": {"monitor", "reviewer", "manager"},
    "obligations": {"monitor", "reviewer", "manager"},
    "users": {"monitor", "reviewer", "manager"},
}


@pytest.mark.parametrize("page", sorted(ALLOWED))
@pytest.mark.parametrize("role", ROLES)
def test_each_page_loads_for_the_roles_allowed_and_is_refused_to_the_others(
    role, page, clients, finding
):
    response = clients[role].get(_pages(finding)[page])
    if role in ALLOWED[page]:
        assert response.status_code == 200, response.content[:500]
    else:
        assert response.status_code == 403


def test_a_partner_cannot_log_in_to_the_admin(client, partner):
    response = client.post(
        reverse("admin:login"),
        {"username": "partner", "password": "correct-horse-battery"},
    )
    assert response.status_code == 200
    assert b"staff account" in response.content
    assert client.get(reverse("admin:index")).status_code == 302


def test_a_partner_session_is_sent_to_the_login_page(partner, finding):
    response = login(partner).get(reverse("admin:findings_finding_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize("who", ["manager", "superuser"])
def test_nobody_can_delete_a_finding(who, request, finding):
    user = request.getfixturevalue(who)
    client = login(user)
    response = client.get(reverse("admin:findings_finding_delete", args=[finding.pk]))
    assert response.status_code == 403
    changelist = client.get(reverse("admin:findings_finding_changelist"))
    assert (
        "delete_selected"
        not in changelist.context["action_form"].fields["action"].choices.__str__()
    )


@pytest.mark.parametrize("who", ["manager", "superuser"])
def test_nobody_can_change_or_delete_the_audit_trail(who, request, finding, monitor, reviewer):
    user = request.getfixturevalue(who)
    submit_for_review(finding, monitor=monitor, reviewer=reviewer)
    event = FindingEvent.objects.filter(finding=finding).first()
    assignment = Assignment.objects.get(finding=finding)
    client = login(user)
    for model, obj in (("findingevent", event), ("assignment", assignment)):
        change_url = reverse(f"admin:findings_{model}_change", args=[obj.pk])
        assert client.get(change_url).status_code == 200  # readable
        assert client.post(change_url, {"note": "rewritten"}).status_code == 403
        assert (
            client.get(reverse(f"admin:findings_{model}_delete", args=[obj.pk])).status_code == 403
        )
        assert client.get(reverse(f"admin:findings_{model}_add")).status_code == 403
    event.refresh_from_db()
    assert event.note == ""


def test_a_reviewer_sees_the_change_page_read_only_and_cannot_post_it(reviewer_client, finding):
    url = reverse("admin:findings_finding_change", args=[finding.pk])
    page = reviewer_client.get(url)
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert reviewer_client.post(url, {"title": "Changed"}).status_code == 403
    finding.refresh_from_db()
    assert finding.title != "Changed"


def test_managers_see_the_celery_beat_schedules_and_may_change_them(manager_client):
    index = manager_client.get(reverse("admin:index"))
    assert b"django_celery_beat" in index.content or b"Periodic tasks" in index.content
    assert (
        manager_client.get(reverse("admin:django_celery_beat_periodictask_changelist")).status_code
        == 200
    )
    assert (
        manager_client.get(reverse("admin:django_celery_beat_crontabschedule_add")).status_code
        == 200
    )


def test_monitors_do_not_see_the_celery_beat_schedules(monitor_client):
    response = monitor_client.get(reverse("admin:django_celery_beat_periodictask_changelist"))
    assert response.status_code == 403


def test_only_monitors_and_managers_may_post_a_partner_decision(reviewer_client, partner, finding):
    evidence = EvidenceFactory(finding=finding, author=partner, moderation="pending")
    response = reviewer_client.post(
        reverse("admin:findings_evidence_moderate", args=[evidence.pk]), {"decision": "accept"}
    )
    assert response.status_code == 403
    evidence.refresh_from_db()
    assert evidence.moderation == "pending"


def test_the_obligation_and_treaty_pages_load_with_data(manager_client, treaty):
    obligation = ObligationFactory(treaty=treaty)
    assert (
        manager_client.get(reverse("admin:treaties_treaty_change", args=[treaty.pk])).status_code
        == 200
    )
    assert (
        manager_client.get(
            reverse("admin:treaties_obligation_change", args=[obligation.pk])
        ).status_code
        == 200
    )
    assert (
        manager_client.get(
            reverse("admin:treaties_obligation_history", args=[obligation.pk])
        ).status_code
        == 200
    )


def test_a_monitor_cannot_triage_through_a_url_for_a_finding_they_only_reach_by_guessing(
    monitor_client, finding, monitor
):
    triage(finding, monitor)
    response = monitor_client.get(
        reverse("admin:findings_finding_transition", args=[finding.pk, "implemented"])
    )
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.status == "triaged"


def test_a_user_without_any_role_but_staff_status_sees_nothing(db):
    nobody = UserFactory(username="nobody", is_staff=True)
    client = login(nobody)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:findings_finding_changelist")).status_code == 403
    assert client.get(reverse("admin:findings_finding_my_reviews")).status_code == 403
