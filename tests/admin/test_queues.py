"""The reviewer's "My reviews" list and the partner submissions queue."""

from __future__ import annotations

import pytest
from django.contrib.admin import helpers
from django.contrib.messages import get_messages
from django.urls import reverse

from findings.choices import Moderation
from findings.models import Evidence
from findings.services import evidence_create, findings_set_published
from tests.admin.conftest import login, submit_for_review
from tests.factories import FindingFactory, UserFactory

MY_REVIEWS = reverse("admin:findings_finding_my_reviews")
SUBMISSIONS = reverse("admin:findings_evidence_submissions")


def moderate_url(evidence) -> str:
    return reverse("admin:findings_evidence_moderate", args=[evidence.pk])


class TestMyReviews:
    def test_it_lists_only_my_pending_reviews_the_longest_waiting_first(
        self, reviewer_client, monitor, reviewer, theme, treaty
    ):
        first = submit_for_review(
            FindingFactory(themes=[theme], treaties=[treaty], title="Submitted first"),
            monitor=monitor,
            reviewer=reviewer,
        )
        second = submit_for_review(
            FindingFactory(themes=[theme], treaties=[treaty], title="Submitted second"),
            monitor=monitor,
            reviewer=reviewer,
        )
        someone_else = UserFactory(username="reviewer-2", role="reviewer")
        submit_for_review(
            FindingFactory(themes=[theme], treaties=[treaty], title="Not mine"),
            monitor=monitor,
            reviewer=someone_else,
        )
        FindingFactory(title="Not submitted")

        response = reviewer_client.get(MY_REVIEWS)
        assert [f.pk for f in response.context["findings"]] == [first.pk, second.pk]
        html = response.content.decode()
        assert "Not mine" not in html
        assert html.index("Submitted first") < html.index("Submitted second")

    def test_it_says_so_when_nothing_waits(self, reviewer_client):
        assert (
            "Nothing is waiting for your review."
            in reviewer_client.get(MY_REVIEWS).content.decode()
        )


@pytest.fixture
def submission(db, partner, theme, treaty, manager):
    finding = FindingFactory(themes=[theme], treaties=[treaty])
    findings_set_published(findings=[finding], published=True, actor=manager)
    finding.refresh_from_db()
    return evidence_create(
        finding=finding,
        author=partner,
        kind="assessment",
        assessment="partially_implemented",
        text="The new law is applied in two regions only.",
        source="https://ngo.example/report-2026",
    )


class TestSubmissions:
    def test_pending_partner_submissions_are_listed_with_their_organisation(
        self, monitor_client, submission, monitor
    ):
        evidence_create(finding=submission.finding, author=monitor, kind="note", text="Staff note")
        response = monitor_client.get(SUBMISSIONS)
        assert response.context["pending"] == [submission]
        assert submission.organisation.name in response.content.decode()

    def test_accepting_a_submission(self, monitor_client, monitor, submission):
        response = monitor_client.post(moderate_url(submission), {"decision": "accept"})
        assert response.status_code == 302
        submission.refresh_from_db()
        assert (submission.moderation, submission.moderated_by) == (Moderation.ACCEPTED, monitor)
        assert monitor_client.get(SUBMISSIONS).context["pending"] == []

    def test_rejecting_needs_a_reason(self, monitor_client, submission):
        response = monitor_client.post(
            moderate_url(submission), {"decision": "reject", "reason": ""}
        )
        assert any("reason" in str(m) for m in get_messages(response.wsgi_request))
        submission.refresh_from_db()
        assert submission.moderation == Moderation.PENDING

        monitor_client.post(moderate_url(submission), {"decision": "reject", "reason": "No source"})
        submission.refresh_from_db()
        assert (submission.moderation, submission.moderation_reason) == (
            Moderation.REJECTED,
            "No source",
        )

    def test_a_decided_submission_cannot_be_decided_again(self, manager_client, submission):
        manager_client.post(moderate_url(submission), {"decision": "accept"})
        response = manager_client.post(
            moderate_url(submission), {"decision": "reject", "reason": "x"}
        )
        assert any("Only pending" in str(m) for m in get_messages(response.wsgi_request))
        submission.refresh_from_db()
        assert submission.moderation == Moderation.ACCEPTED

    def test_bulk_reject_asks_for_one_reason(self, manager_client, submission):
        changelist = reverse("admin:findings_evidence_changelist")
        selected = {"action": "reject_selected", helpers.ACTION_CHECKBOX_NAME: [submission.pk]}
        page = manager_client.post(changelist, {**selected, "index": 0})
        assert page.status_code == 200
        manager_client.post(
            changelist, {**selected, "apply": "1", "reason": "Duplicate of an earlier one"}
        )
        submission.refresh_from_db()
        assert submission.moderation == Moderation.REJECTED

    def test_bulk_accept(self, manager_client, submission):
        manager_client.post(
            reverse("admin:findings_evidence_changelist"),
            {
                "action": "accept_selected",
                helpers.ACTION_CHECKBOX_NAME: [submission.pk],
                "index": 0,
            },
        )
        submission.refresh_from_db()
        assert submission.moderation == Moderation.ACCEPTED

    def test_evidence_cannot_be_edited_or_deleted_in_the_admin(self, manager_client, submission):
        url = reverse("admin:findings_evidence_change", args=[submission.pk])
        assert manager_client.post(url, {"text": "rewritten"}).status_code == 403
        assert (
            manager_client.get(
                reverse("admin:findings_evidence_delete", args=[submission.pk])
            ).status_code
            == 403
        )
        assert Evidence.objects.get(pk=submission.pk).text.startswith("The new law")


def test_a_reviewer_has_no_submissions_queue(submission, reviewer):
    assert login(reviewer).get(SUBMISSIONS).status_code == 403
