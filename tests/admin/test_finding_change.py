"""The finding change page: read-only status, transition buttons and forms, edits with a
version, notes, the timeline, history and links."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from findings.choices import Assessment, EvidenceKind, Moderation, Status
from findings.models import Evidence, Finding, FindingEvent
from findings.services import finding_update
from tests.admin.conftest import login, submit_for_review, triage
from tests.factories import FindingFactory, TreatyFactory, UserFactory


def change_url(finding) -> str:
    return reverse("admin:findings_finding_change", args=[finding.pk])


def transition_url(finding, target) -> str:
    return reverse("admin:findings_finding_transition", args=[finding.pk, target])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def buttons(response) -> set[str]:
    return {str(t.target) for t in response.context["transitions"]}


@pytest.fixture
def finding(db, theme, treaty, report):
    return FindingFactory(
        report=report, themes=[theme], treaties=[treaty], title="Ensure fair trials"
    )


def form_data(finding: Finding, **changes) -> dict:
    """The change form as the browser would post it, unchanged unless ``changes`` say so."""
    data = {
        "report": finding.report_id,
        "reference": finding.reference,
        "kind": finding.kind,
        "title": finding.title,
        "summary": finding.summary,
        "priority": finding.priority,
        "due_on": finding.due_on.isoformat() if finding.due_on else "",
        "themes": [t.pk for t in finding.themes.all()],
        "affected_groups": [],
        "treaties": [t.pk for t in finding.treaties.all()],
        "provisions": [],
        "obligations": [],
        "institutions": [],
        "repeats": [],
        "recommending_states": "[]",
        "state_position": "",
        "expected_version": finding.version,
    }
    for prefix in ("events", "assignments", "evidence", "evidence-2"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": 0,
                f"{prefix}-INITIAL_FORMS": 0,
                f"{prefix}-MIN_NUM_FORMS": 0,
                f"{prefix}-MAX_NUM_FORMS": 1000,
            }
        )
    data.update(changes)
    return data


class TestButtons:
    def test_a_monitor_sees_triage_on_a_new_finding(self, monitor_client, finding):
        response = monitor_client.get(change_url(finding))
        assert buttons(response) == {Status.TRIAGED}
        assert transition_url(finding, Status.TRIAGED) in response.content.decode()

    def test_a_manager_also_sees_close(self, manager_client, finding):
        assert buttons(manager_client.get(change_url(finding))) == {Status.TRIAGED, Status.CLOSED}

    def test_the_assigned_reviewer_sees_the_decisions_and_send_back(
        self, reviewer_client, finding, monitor, reviewer
    ):
        submit_for_review(finding, monitor=monitor, reviewer=reviewer)
        assert buttons(reviewer_client.get(change_url(finding))) == {
            Status.IMPLEMENTED,
            Status.PARTIALLY_IMPLEMENTED,
            Status.NOT_IMPLEMENTED,
            Status.IN_PROGRESS,
        }

    def test_another_reviewer_and_the_submitter_see_no_decision(self, finding, monitor, reviewer):
        submit_for_review(finding, monitor=monitor, reviewer=reviewer)
        other = UserFactory(username="other-reviewer", role="reviewer")
        assert buttons(login(other).get(change_url(finding))) == set()
        assert buttons(login(monitor).get(change_url(finding))) == set()

    def test_the_status_is_shown_but_not_editable(self, monitor_client, finding):
        response = monitor_client.get(change_url(finding))
        assert "status" not in response.context["adminform"].form.fields
        assert 'data-status="new"' in response.content.decode()


class TestTransitionForm:
    def test_a_transition_with_a_note_writes_one_event_and_shows_in_the_timeline(
        self, manager_client, manager, finding
    ):
        page = manager_client.get(transition_url(finding, Status.CLOSED))
        assert page.status_code == 200
        assert page.context["form"].fields["note"].required

        response = manager_client.post(
            transition_url(finding, Status.CLOSED),
            {"note": "Duplicate of para 4.", "expected_version": finding.version},
        )
        assert response.status_code == 302
        assert response["Location"] == change_url(finding)
        event = FindingEvent.objects.get(finding=finding)
        assert (event.from_status, event.to_status, event.actor, event.note) == (
            Status.NEW,
            Status.CLOSED,
            manager,
            "Duplicate of para 4.",
        )
        timeline = manager_client.get(change_url(finding)).content.decode()
        assert "Duplicate of para 4." in timeline

    def test_a_missing_note_is_a_form_error_and_nothing_is_written(self, manager_client, finding):
        response = manager_client.post(
            transition_url(finding, Status.CLOSED),
            {"note": " ", "expected_version": finding.version},
        )
        assert response.status_code == 200
        assert response.context["form"].errors["note"]
        finding.refresh_from_db()
        assert finding.status == Status.NEW
        assert not FindingEvent.objects.exists()

    def test_a_failed_condition_is_shown_as_a_message_and_nothing_is_written(
        self, monitor_client, db
    ):
        bare = FindingFactory()  # no theme, no treaty
        response = monitor_client.post(
            transition_url(bare, Status.TRIAGED), {"note": "", "expected_version": bare.version}
        )
        assert response.status_code == 200
        assert "The finding needs at least one theme." in messages_of(response)
        bare.refresh_from_db()
        assert bare.status == Status.NEW
        assert not FindingEvent.objects.exists()

    def test_submitting_asks_for_the_proposed_assessment(
        self, monitor_client, monitor, reviewer, finding
    ):
        triage(finding, monitor)
        page = monitor_client.get(transition_url(finding, Status.AWAITING_REVIEW))
        assert page.context["form"].fields["proposed_assessment"].required
        response = monitor_client.post(
            transition_url(finding, Status.AWAITING_REVIEW),
            {"note": "", "proposed_assessment": "", "expected_version": finding.version + 0},
        )
        assert response.context["form"].errors["proposed_assessment"]

    def test_a_stale_version_shows_a_conflict_and_writes_nothing(
        self, monitor_client, monitor, finding
    ):
        seen = finding.version
        finding_update(
            finding=finding,
            actor=monitor,
            data={"title": "Edited meanwhile"},
            expected_version=seen,
        )
        response = monitor_client.post(
            transition_url(finding, Status.TRIAGED), {"note": "", "expected_version": seen}
        )
        assert response.status_code == 302
        assert any("Someone else changed this finding" in m for m in messages_of(response))
        finding.refresh_from_db()
        assert finding.status == Status.NEW
        assert not FindingEvent.objects.exists()

    def test_a_move_the_user_may_not_make_is_refused_with_the_rule(
        self, monitor_client, monitor, finding
    ):
        triage(finding, monitor)
        response = monitor_client.post(
            transition_url(finding, Status.CLOSED),
            {"note": "Closing.", "expected_version": finding.version},
        )
        assert response.status_code == 302
        assert any("Only managers may" in m for m in messages_of(response))
        finding.refresh_from_db()
        assert finding.status == Status.TRIAGED

    def test_the_two_person_rule_keeps_the_submitter_from_deciding(
        self, manager, reviewer, finding
    ):
        submit_for_review(finding, monitor=manager, reviewer=reviewer)
        client = login(manager)
        response = client.post(
            transition_url(finding, Status.IMPLEMENTED),
            {"note": "", "expected_version": finding.version},
        )
        assert response.status_code == 302
        assert any("Two-person rule" in m for m in messages_of(response))
        finding.refresh_from_db()
        assert finding.status == Status.AWAITING_REVIEW

    def test_the_reviewer_confirms_the_proposed_assessment(
        self, reviewer_client, reviewer, monitor, finding
    ):
        submit_for_review(
            finding, monitor=monitor, reviewer=reviewer, assessment=Assessment.IMPLEMENTED
        )
        response = reviewer_client.post(
            transition_url(finding, Status.IMPLEMENTED),
            {"note": "", "expected_version": finding.version},
        )
        assert response.status_code == 302
        finding.refresh_from_db()
        assert finding.status == Status.IMPLEMENTED
        assert finding.events.last().actor == reviewer


class TestEditing:
    def test_an_edit_goes_through_finding_update_and_is_in_the_history(
        self, monitor_client, monitor, finding
    ):
        version = finding.version
        response = monitor_client.post(
            change_url(finding), form_data(finding, title="Guarantee fair trials")
        )
        assert response.status_code == 302, response.context and response.context["errors"]
        finding.refresh_from_db()
        assert finding.title == "Guarantee fair trials"
        assert finding.version == version + 1
        latest = finding.history.latest("history_date")
        assert latest.title == "Guarantee fair trials"
        assert latest.history_user == monitor

    def test_changed_links_are_named_on_the_history_page(self, monitor_client, finding):
        added = TreatyFactory(code="CEDAW")
        kept = [t.pk for t in finding.treaties.all()]
        response = monitor_client.post(
            change_url(finding), form_data(finding, treaties=[*kept, added.pk], themes=[])
        )
        assert response.status_code == 302, response.context and response.context["errors"]
        history = monitor_client.get(reverse("admin:findings_finding_history", args=[finding.pk]))
        page = history.content.decode()
        assert "treaties: +CEDAW" in page
        assert "themes: -" in page  # the theme it had was removed

    def test_an_edit_from_a_stale_page_is_refused_and_writes_nothing(
        self, monitor_client, monitor, finding
    ):
        stale = form_data(finding, title="My edit")
        finding_update(
            finding=finding,
            actor=monitor,
            data={"summary": "Theirs."},
            expected_version=finding.version,
        )
        response = monitor_client.post(change_url(finding), stale)
        assert response.status_code == 200
        assert "Someone else changed this finding" in str(
            response.context["adminform"].form.non_field_errors()
        )
        finding.refresh_from_db()
        assert finding.title == "Ensure fair trials"
        assert finding.summary == "Theirs."

    def test_a_status_posted_with_the_form_is_ignored(self, monitor_client, finding):
        monitor_client.post(
            change_url(finding), form_data(finding, status=Status.CLOSED, title="X")
        )
        finding.refresh_from_db()
        assert finding.status == Status.NEW
        assert finding.title == "X"

    def test_a_note_added_inline_goes_through_evidence_create(
        self, monitor_client, monitor, finding
    ):
        data = form_data(finding)
        data.update(
            {
                "evidence-2-TOTAL_FORMS": 1,
                "evidence-2-0-kind": EvidenceKind.NOTE,
                "evidence-2-0-text": "Called the ministry.",
                "evidence-2-0-source": "",
                "evidence-2-0-evidence_date": "",
                "evidence-2-0-visibility": "internal",
                "evidence-2-0-assessment": "",
            }
        )
        response = monitor_client.post(change_url(finding), data)
        assert response.status_code == 302
        note = Evidence.objects.get(finding=finding)
        assert (note.author, note.kind, note.moderation, note.text) == (
            monitor,
            EvidenceKind.NOTE,
            Moderation.ACCEPTED,
            "Called the ministry.",
        )
        assert "Called the ministry." in monitor_client.get(change_url(finding)).content.decode()

    def test_a_reviewer_adds_a_note_on_its_own_page(self, reviewer_client, reviewer, finding):
        response = reviewer_client.post(
            reverse("admin:findings_finding_add_evidence", args=[finding.pk]),
            {"kind": "note", "text": "Checked the court records.", "visibility": "internal"},
        )
        assert response.status_code == 302
        assert Evidence.objects.get(finding=finding).author == reviewer

    def test_a_monitor_creates_a_finding_that_starts_new(self, monitor_client, report, theme):
        response = monitor_client.post(
            reverse("admin:findings_finding_add"),
            {
                "report": report.pk,
                "reference": "para 40",
                "kind": "recommendation",
                "title": "Abolish exit visas",
                "summary": "In our words.",
                "priority": "high",
                "due_on": "2026-12-31",
                "themes": [theme.pk],
                "recommending_states": "[]",
            },
        )
        assert response.status_code == 302
        created = Finding.objects.get(reference="para 40")
        assert created.status == Status.NEW
        assert list(created.themes.all()) == [theme]


class TestSidePages:
    def test_the_history_is_readable_but_cannot_be_reverted(self, monitor_client, monitor, finding):
        finding_update(
            finding=finding,
            actor=monitor,
            data={"title": "Changed"},
            expected_version=finding.version,
        )
        history = monitor_client.get(reverse("admin:findings_finding_history", args=[finding.pk]))
        assert history.status_code == 200
        record = finding.history.earliest("history_date")
        url = reverse("admin:findings_finding_simple_history", args=[finding.pk, record.history_id])
        assert monitor_client.get(url).status_code == 200
        assert (
            monitor_client.post(url, form_data(finding, title="Ensure fair trials")).status_code
            == 403
        )
        finding.refresh_from_db()
        assert finding.title == "Changed"

    def test_assigning_a_reviewer_records_an_assignment(
        self, monitor_client, monitor, reviewer, finding
    ):
        response = monitor_client.post(
            reverse("admin:findings_finding_assign", args=[finding.pk]),
            {"reviewer": reviewer.pk, "reason": "Expert", "expected_version": finding.version},
        )
        assert response.status_code == 302
        finding.refresh_from_db()
        assert finding.reviewer == reviewer
        assignment = finding.assignments.get()
        assert (assignment.assigned_by, assignment.reason) == (monitor, "Expert")
        assert "Expert" in monitor_client.get(change_url(finding)).content.decode()

    def test_publishing_from_the_change_page(self, monitor_client, finding):
        url = reverse("admin:findings_finding_publish", args=[finding.pk])
        monitor_client.post(url, {"published": "1"})
        finding.refresh_from_db()
        assert finding.published
        monitor_client.post(url, {"published": "0"})
        finding.refresh_from_db()
        assert not finding.published

    def test_a_reviewer_cannot_publish(self, reviewer_client, finding):
        response = reviewer_client.post(
            reverse("admin:findings_finding_publish", args=[finding.pk]), {"published": "1"}
        )
        assert response.status_code == 403
        finding.refresh_from_db()
        assert not finding.published

    def test_the_page_links_the_report_treaties_and_repeated_findings(
        self, monitor_client, monitor, finding, treaty
    ):
        earlier = FindingFactory(reference="para 99")
        finding_update(
            finding=finding,
            actor=monitor,
            data={"repeats": [earlier]},
            expected_version=finding.version,
        )
        html = monitor_client.get(change_url(finding)).content.decode()
        assert reverse("admin:findings_report_change", args=[finding.report_id]) in html
        assert f"{reverse('admin:findings_finding_changelist')}?treaty={treaty.pk}" in html
        assert change_url(earlier) in html
