"""Editing and publishing findings, and the reads scoped to a user."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import ValidationError

from findings import services
from findings.choices import Priority, Status
from findings.exceptions import NotPermitted, StaleVersion
from findings.models import Finding
from findings.selectors import findings_visible_to, reviewer_queue
from tests.factories import (
    EvidenceFactory,
    FindingFactory,
    InstitutionFactory,
    ThemeFactory,
    TreatyFactory,
    UserFactory,
)
from tests.findings.builders import finding_in, triageable_finding

pytestmark = pytest.mark.django_db


# --- finding_update ---------------------------------------------------------------------


def test_an_edit_changes_fields_and_links_and_is_recorded_with_the_editor(monitor):
    finding = FindingFactory(priority=Priority.MEDIUM)
    torture, ministry = ThemeFactory(), InstitutionFactory()

    services.finding_update(
        finding=finding,
        actor=monitor,
        data={
            "title": "End torture in pre-trial detention",
            "priority": Priority.HIGH,
            "due_on": datetime.date(2027, 6, 30),
            "themes": [torture],
            "institutions": [ministry.pk],
        },
        expected_version=1,
    )

    assert finding.version == 2
    assert finding.title == "End torture in pre-trial detention"
    assert finding.priority == Priority.HIGH
    assert list(finding.themes.all()) == [torture]
    assert list(finding.institutions.all()) == [ministry]
    latest = finding.history.order_by("-history_id").first()
    assert (latest.title, latest.priority, latest.history_user) == (
        "End torture in pre-trial detention",
        Priority.HIGH,
        monitor,
    )
    previous = latest.prev_record
    assert [change.field for change in latest.diff_against(previous).changes] == [
        "due_on",
        "priority",
        "title",
    ]


def test_an_edit_records_the_links_it_adds_and_removes_in_the_history(monitor):
    torture, corruption = ThemeFactory(name="Torture"), ThemeFactory(name="Corruption")
    cat, ccpr = TreatyFactory(code="CAT"), TreatyFactory(code="CCPR")
    finding = FindingFactory(themes=[torture], treaties=[ccpr])

    services.finding_update(
        finding=finding,
        actor=monitor,
        data={"treaties": [cat.pk], "themes": [torture, corruption], "title": "Renamed"},
        expected_version=1,
    )

    latest = finding.history.order_by("-history_id").first()
    assert latest.history_user == monitor
    assert latest.history_change_reason == "treaties: +CAT, -CCPR; themes: +Corruption"


def test_an_edit_that_leaves_the_links_as_they_were_gives_no_link_reason(monitor):
    torture = ThemeFactory()
    finding = FindingFactory(themes=[torture])
    services.finding_update(
        finding=finding,
        actor=monitor,
        data={"themes": [torture], "title": "Renamed"},
        expected_version=1,
    )
    assert finding.history.order_by("-history_id").first().history_change_reason is None


def test_an_edit_from_a_stale_version_is_refused_and_writes_nothing(monitor, manager):
    finding = FindingFactory(title="Original")
    other_copy = Finding.objects.get(pk=finding.pk)
    services.finding_update(
        finding=other_copy, actor=manager, data={"title": "Manager's"}, expected_version=1
    )
    with pytest.raises(StaleVersion):
        services.finding_update(
            finding=finding, actor=monitor, data={"title": "Monitor's"}, expected_version=1
        )
    with pytest.raises(StaleVersion):
        services.finding_update(
            finding=other_copy, actor=monitor, data={"title": "Monitor's"}, expected_version=1
        )
    row = Finding.objects.get(pk=finding.pk)
    assert (row.title, row.version, row.history.count()) == ("Manager's", 2, 2)


def test_an_edit_does_not_undo_a_status_change_made_since_the_copy_was_loaded(cast):
    finding = triageable_finding()
    services.finding_transition(finding=finding, to_status=Status.TRIAGED, actor=cast.monitor)
    copy_without_status = Finding.objects.get(pk=finding.pk)
    copy_without_status.status = Status.NEW  # whatever the caller holds, status is not theirs
    services.finding_update(
        finding=copy_without_status,
        actor=cast.monitor,
        data={"title": "Renamed"},
        expected_version=finding.version,
    )
    assert Finding.objects.get(pk=finding.pk).status == Status.TRIAGED


@pytest.mark.parametrize("field", ["status", "reviewer", "version", "proposed_assessment"])
def test_workflow_fields_cannot_be_edited(field, monitor):
    finding = FindingFactory()
    with pytest.raises(ValidationError) as excinfo:
        services.finding_update(
            finding=finding, actor=monitor, data={field: "x"}, expected_version=1
        )
    assert field in excinfo.value.message_dict
    assert Finding.objects.get(pk=finding.pk).version == 1


def test_an_invalid_edit_writes_nothing(monitor):
    finding = FindingFactory(title="Original")
    with pytest.raises(ValidationError) as excinfo:
        services.finding_update(
            finding=finding,
            actor=monitor,
            data={"title": "", "state_position": "supported", "themes": [ThemeFactory()]},
            expected_version=1,
        )
    assert set(excinfo.value.message_dict) == {"title", "state_position"}
    row = Finding.objects.get(pk=finding.pk)
    assert (row.title, row.version, row.themes.count()) == ("Original", 1, 0)


@pytest.mark.parametrize("role", ["reviewer", "partner"])
def test_only_monitors_and_managers_edit_findings(role):
    finding = FindingFactory(title="Original")
    with pytest.raises(NotPermitted):
        services.finding_update(
            finding=finding,
            actor=UserFactory(role=role),
            data={"title": "Changed"},
            expected_version=1,
        )
    assert Finding.objects.get(pk=finding.pk).title == "Original"


def test_publishing_through_an_edit_needs_the_publish_permission():
    editor = UserFactory(is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="change_finding"))
    finding = FindingFactory()
    with pytest.raises(NotPermitted):
        services.finding_update(
            finding=finding, actor=editor, data={"published": True}, expected_version=1
        )
    services.finding_update(
        finding=finding, actor=editor, data={"published": False, "title": "T"}, expected_version=1
    )
    assert (finding.published, finding.title) == (False, "T")


# --- findings_set_published -------------------------------------------------------------


def test_publishing_changes_only_what_needs_changing_and_records_it(monitor):
    already, first, second = FindingFactory(published=True), FindingFactory(), FindingFactory()
    changed = services.findings_set_published(
        findings=Finding.objects.all(), published=True, actor=monitor
    )
    assert changed == 2
    assert Finding.objects.filter(published=True).count() == 3
    for finding in (first, second):
        finding.refresh_from_db()
        assert finding.version == 2
        latest = finding.history.order_by("-history_id").first()
        assert (latest.published, latest.history_user) == (True, monitor)
    assert Finding.objects.get(pk=already.pk).version == 1
    assert services.findings_set_published(findings=[first], published=True, actor=monitor) == 0


def test_withdrawing_publication(manager):
    finding = FindingFactory(published=True)
    assert services.findings_set_published(findings=[finding], published=False, actor=manager)
    assert not Finding.objects.get(pk=finding.pk).published


@pytest.mark.parametrize("role", ["reviewer", "partner"])
def test_only_monitors_and_managers_publish(role):
    finding = FindingFactory()
    with pytest.raises(NotPermitted):
        services.findings_set_published(
            findings=[finding], published=True, actor=UserFactory(role=role)
        )
    assert not Finding.objects.get(pk=finding.pk).published


# --- Selectors --------------------------------------------------------------------------


def test_staff_see_every_finding_and_partners_only_published_ones(reviewer, partner):
    published, unpublished = FindingFactory(published=True), FindingFactory()
    assert set(findings_visible_to(reviewer)) == {published, unpublished}
    assert set(findings_visible_to(UserFactory(is_superuser=True))) == {published, unpublished}
    assert list(findings_visible_to(partner)) == [published]


@pytest.mark.parametrize(
    "user",
    [
        pytest.param(lambda: AnonymousUser(), id="anonymous"),
        pytest.param(lambda: UserFactory(), id="no role"),
        pytest.param(lambda: UserFactory(role="partner", is_active=False), id="inactive"),
    ],
)
def test_anyone_else_sees_nothing(user):
    FindingFactory(published=True)
    assert list(findings_visible_to(user())) == []


def test_the_reviewer_queue_holds_their_pending_reviews_oldest_first(cast):
    other_reviewer = UserFactory(role="reviewer")
    queue = []
    for day in (3, 1, 2):
        finding = finding_in(Status.IN_PROGRESS, cast)
        services.finding_assign_reviewer(
            finding=finding, reviewer=cast.reviewer, actor=cast.monitor
        )
        EvidenceFactory(finding=finding)
        services.finding_transition(
            finding=finding,
            to_status=Status.AWAITING_REVIEW,
            actor=cast.monitor,
            proposed_assessment="implemented",
            now=datetime.datetime(2026, 4, day, tzinfo=datetime.UTC),
        )
        queue.append((day, finding))
    not_theirs = finding_in(Status.TRIAGED, cast)
    services.finding_assign_reviewer(
        finding=not_theirs, reviewer=other_reviewer, actor=cast.monitor
    )
    assigned_but_not_submitted = finding_in(Status.IN_PROGRESS, cast)
    services.finding_assign_reviewer(
        finding=assigned_but_not_submitted, reviewer=cast.reviewer, actor=cast.monitor
    )

    assert list(reviewer_queue(cast.reviewer)) == [f for _, f in sorted(queue)]
    assert list(reviewer_queue(other_reviewer)) == []
