"""Bulk actions on the findings changelist: they follow the workflow and the user's permissions."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.contrib.admin import helpers
from django.contrib.messages import get_messages
from django.urls import reverse

from findings.choices import Status
from findings.models import Assignment, Finding, FindingEvent
from findings.services import finding_update
from tests.admin.conftest import TODAY, triage
from tests.factories import FindingFactory, UserFactory

CHANGELIST = reverse("admin:findings_finding_changelist")


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def run(client, action, findings, query="", **extra):
    data = {"action": action, helpers.ACTION_CHECKBOX_NAME: [f.pk for f in findings], **extra}
    return client.post(CHANGELIST + query, data)


def start(client, action, findings):
    """Choose the action in the changelist (the first step of an intermediate page)."""
    return run(client, action, findings, index=0)


def action_names(client) -> set[str]:
    response = client.get(CHANGELIST)
    return {name for name, _label in response.context["action_form"].fields["action"].choices}


@pytest.fixture
def findings(db, theme, treaty):
    return [FindingFactory(themes=[theme], treaties=[treaty]) for _ in range(3)]


class TestWhoSeesWhichAction:
    def test_a_monitor_has_every_bulk_action(self, monitor_client):
        assert {
            "assign_reviewer",
            "auto_assign",
            "apply_transition",
            "publish",
            "unpublish",
            "export_csv",
            "export_xlsx",
        } <= action_names(monitor_client)

    def test_a_reviewer_may_only_change_status_and_export(self, reviewer_client):
        assert action_names(reviewer_client) - {""} == {
            "apply_transition",
            "export_csv",
            "export_xlsx",
        }

    def test_a_reviewer_posting_a_hidden_action_changes_nothing(self, reviewer_client, findings):
        run(reviewer_client, "publish", findings, index=0)
        assert not Finding.objects.filter(published=True).exists()


class TestAssign:
    def test_it_asks_for_the_reviewer_then_assigns_each_finding(
        self, monitor_client, monitor, reviewer, findings
    ):
        page = start(monitor_client, "assign_reviewer", findings)
        assert page.status_code == 200
        assert len(page.context["findings"]) == 3
        response = run(
            monitor_client,
            "assign_reviewer",
            findings,
            apply="1",
            reviewer=reviewer.pk,
            reason="Load",
        )
        assert response.status_code == 302
        assert set(Finding.objects.values_list("reviewer", flat=True)) == {reviewer.pk}
        assert Assignment.objects.filter(assigned_by=monitor, reason="Load").count() == 3

    def test_findings_that_cannot_take_a_reviewer_are_named_and_left_alone(
        self, manager_client, manager, reviewer, findings
    ):
        from findings.services import finding_transition

        closed = findings[0]
        finding_transition(finding=closed, to_status=Status.CLOSED, actor=manager, note="Duplicate")
        response = run(manager_client, "assign_reviewer", findings, apply="1", reviewer=reviewer.pk)
        closed.refresh_from_db()
        assert closed.reviewer is None
        assert Finding.objects.filter(reviewer=reviewer).count() == 2
        assert any("left unchanged" in m and closed.reference in m for m in messages_of(response))

    def test_auto_assign_prefers_reviewers_with_the_theme(self, monitor_client, findings, theme):
        expert = UserFactory(username="expert", role="reviewer")
        UserFactory(username="generalist", role="reviewer")
        theme.reviewers.add(expert)
        run(monitor_client, "auto_assign", findings, index=0)
        assert set(Finding.objects.values_list("reviewer", flat=True)) == {expert.pk}

    def test_the_auto_assign_button_handles_every_unassigned_triaged_finding(
        self, monitor_client, monitor, reviewer, findings
    ):
        for finding in findings[:2]:
            triage(finding, monitor)
        response = monitor_client.post(reverse("admin:findings_finding_auto_assign_unassigned"))
        assert response.status_code == 302
        assert Finding.objects.filter(reviewer=reviewer).count() == 2
        assert Finding.objects.get(pk=findings[2].pk).reviewer is None


class TestTransition:
    def test_the_confirmation_lists_who_cannot_move_and_why_and_applies_only_the_others(
        self, monitor_client, monitor, findings, db
    ):
        bare = FindingFactory()  # no theme or treaty: cannot be triaged
        selected = [*findings, bare]
        form = start(monitor_client, "apply_transition", selected)
        assert form.status_code == 200

        preview = run(
            monitor_client, "apply_transition", selected, step="preview", to_status=Status.TRIAGED
        )
        assert preview.status_code == 200
        assert {f.pk for f in preview.context["able"]} == {f.pk for f in findings}
        [(blocked, reason)] = preview.context["unable"]
        assert blocked.pk == bare.pk
        assert "at least one theme" in reason
        assert "at least one theme" in preview.content.decode()
        assert not FindingEvent.objects.exists()  # the preview writes nothing

        versions = {f"version_{f.pk}": f.version for f in findings}
        response = run(
            monitor_client,
            "apply_transition",
            selected,
            step="apply",
            to_status=Status.TRIAGED,
            ready=[f.pk for f in findings],
            **versions,
        )
        assert response.status_code == 302
        assert set(Finding.objects.filter(status=Status.TRIAGED).values_list("pk", flat=True)) == {
            f.pk for f in findings
        }
        bare.refresh_from_db()
        assert bare.status == Status.NEW
        assert FindingEvent.objects.count() == 3

    def test_a_finding_changed_since_the_confirmation_is_left_alone(
        self, monitor_client, monitor, findings
    ):
        changed = findings[0]
        seen = {f"version_{f.pk}": f.version for f in findings}
        finding_update(
            finding=changed,
            actor=monitor,
            data={"title": "Edited"},
            expected_version=changed.version,
        )
        response = run(
            monitor_client,
            "apply_transition",
            findings,
            step="apply",
            to_status=Status.TRIAGED,
            ready=[f.pk for f in findings],
            **seen,
        )
        changed.refresh_from_db()
        assert changed.status == Status.NEW
        assert Finding.objects.filter(status=Status.TRIAGED).count() == 2
        assert any("left unchanged" in m for m in messages_of(response))

    def test_a_finding_not_confirmed_is_never_moved_even_if_selected(
        self, monitor_client, findings
    ):
        run(
            monitor_client,
            "apply_transition",
            findings,
            step="apply",
            to_status=Status.TRIAGED,
            ready=[findings[0].pk],
            **{f"version_{findings[0].pk}": findings[0].version},
        )
        assert list(Finding.objects.filter(status=Status.TRIAGED)) == [findings[0]]

    def test_a_forged_confirmation_still_obeys_the_workflow(self, reviewer_client, findings):
        run(
            reviewer_client,
            "apply_transition",
            findings,
            step="apply",
            to_status=Status.TRIAGED,
            ready=[f.pk for f in findings],
            **{f"version_{f.pk}": f.version for f in findings},
        )
        assert not Finding.objects.filter(status=Status.TRIAGED).exists()


class TestPublish:
    def test_publish_and_withdraw(self, monitor_client, findings):
        run(monitor_client, "publish", findings[:2], index=0)
        assert Finding.objects.filter(published=True).count() == 2
        run(monitor_client, "unpublish", findings, index=0)
        assert not Finding.objects.filter(published=True).exists()


class TestExport:
    @pytest.fixture
    def overdue_and_not(self, db, theme, treaty):
        late = FindingFactory(
            themes=[theme],
            treaties=[treaty],
            due_on=TODAY - datetime.timedelta(days=3),
            title="Late one",
        )
        FindingFactory(due_on=TODAY + datetime.timedelta(days=30), title="On time")
        return late

    def test_the_export_button_exports_the_filtered_list_as_csv(
        self, reviewer_client, overdue_and_not
    ):
        response = reviewer_client.post(
            reverse("admin:findings_finding_export") + "?due=overdue", {"format": "0"}
        )
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [row["title"] for row in rows] == ["Late one"]
        assert rows[0]["themes"] == "fair-trial"
        assert rows[0]["treaties"] == "ICCPR"
        assert rows[0]["status"] == "new"

    def test_the_export_button_offers_csv_and_xlsx(self, monitor_client, overdue_and_not):
        page = monitor_client.get(reverse("admin:findings_finding_export") + "?due=overdue")
        assert page.status_code == 200
        labels = [label.lower() for _value, label in page.context["form"].fields["format"].choices]
        assert any("csv" in label for label in labels)
        assert any("xlsx" in label for label in labels)

    def test_the_xlsx_action_exports_the_selected_findings(self, monitor_client, overdue_and_not):
        response = run(monitor_client, "export_xlsx", [overdue_and_not], index=0)
        assert response.status_code == 200
        assert "spreadsheetml" in response["Content-Type"]
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        header, *rows = list(sheet.values)
        assert "title" in header
        assert [row[header.index("title")] for row in rows] == ["Late one"]

    def test_the_csv_action_exports_the_selected_findings(self, monitor_client, overdue_and_not):
        response = run(monitor_client, "export_csv", [overdue_and_not], index=0)
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert [row["title"] for row in rows] == ["Late one"]


def test_more_than_the_bulk_limit_is_refused(monitor_client, monkeypatch, reviewer, findings):
    from findings.admin import actions

    monkeypatch.setattr(actions, "MAX_BULK", 2)
    response = run(monitor_client, "auto_assign", findings, index=0)
    assert not Finding.objects.filter(reviewer__isnull=False).exists()
    assert any("at most 2" in m for m in messages_of(response))
