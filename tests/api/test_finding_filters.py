"""Each findings filter, the ordering and the pagination of the list."""

import datetime

import pytest
import time_machine
from django.test import Client

from findings import services
from findings.choices import Assessment, Priority, ReportKind, Status
from findings.filtersets import FindingFilterSet
from findings.models import Finding
from tests.api.conftest import client_for
from tests.factories import (
    EvidenceFactory,
    FindingFactory,
    MonitoringBodyFactory,
    ObligationFactory,
    OrganisationFactory,
    ProvisionFactory,
    ReportFactory,
    ThemeFactory,
    TreatyFactory,
    UserFactory,
)
from tests.findings.builders import finding_in
from tracker.api.pagination import StandardPagination

pytestmark = pytest.mark.django_db

ALMATY_NOON = datetime.datetime(2026, 6, 1, 7, 0, tzinfo=datetime.UTC)


def _ids(client, query=""):
    response = client.get(f"/api/v1/findings/?{query}")
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def _set_status(finding, status):
    Finding.objects.filter(pk=finding.pk).update(status=status)


def test_status_filter_accepts_several_statuses(monitor_client):
    new, triaged, closed = FindingFactory(), FindingFactory(), FindingFactory()
    _set_status(triaged, Status.TRIAGED)
    _set_status(closed, Status.CLOSED)
    assert set(_ids(monitor_client, "status=new&status=closed")) == {new.pk, closed.pk}


def test_treaty_filter_matches_any_linked_treaty_without_duplicates(monitor_client):
    iccpr, cat = TreatyFactory(), TreatyFactory()
    both = FindingFactory(treaties=[iccpr, cat])
    only_cat = FindingFactory(treaties=[cat])
    FindingFactory()
    assert sorted(_ids(monitor_client, f"treaty={iccpr.pk}&treaty={cat.pk}")) == sorted(
        [both.pk, only_cat.pk]
    )
    assert _ids(monitor_client, f"treaty={iccpr.pk}") == [both.pk]


def test_theme_filter(monitor_client):
    torture = ThemeFactory()
    match = FindingFactory(themes=[torture, ThemeFactory()])
    FindingFactory(themes=[ThemeFactory()])
    assert _ids(monitor_client, f"theme={torture.pk}") == [match.pk]


def test_provision_and_obligation_filters(monitor_client):
    provision = ProvisionFactory()
    obligation = ObligationFactory()
    by_provision = FindingFactory(provisions=[provision])
    by_obligation = FindingFactory()
    by_obligation.obligations.set([obligation])
    assert _ids(monitor_client, f"provision={provision.pk}") == [by_provision.pk]
    assert _ids(monitor_client, f"obligation={obligation.pk}") == [by_obligation.pk]


def test_report_report_kind_and_monitoring_body_filters(monitor_client):
    body = MonitoringBodyFactory()
    upr = ReportFactory(kind=ReportKind.UPR, monitoring_body=body)
    in_upr = FindingFactory(report=upr)
    in_ngo_report = FindingFactory(report=ReportFactory(kind=ReportKind.NGO))
    assert _ids(monitor_client, f"report={upr.pk}") == [in_upr.pk]
    assert _ids(monitor_client, "report_kind=ngo") == [in_ngo_report.pk]
    assert _ids(monitor_client, f"monitoring_body={body.pk}") == [in_upr.pk]


def test_priority_and_kind_filters(monitor_client):
    high = FindingFactory(priority=Priority.HIGH, kind="concern")
    FindingFactory(priority=Priority.LOW)
    assert _ids(monitor_client, "priority=high") == [high.pk]
    assert _ids(monitor_client, "kind=concern") == [high.pk]


@time_machine.travel(ALMATY_NOON, tick=False)
def test_overdue_filter_splits_open_findings_past_their_date_from_the_rest(monitor_client):
    overdue = FindingFactory(due_on=datetime.date(2026, 5, 31))
    due_later = FindingFactory(due_on=datetime.date(2026, 6, 1))
    no_date = FindingFactory(due_on=None)
    closed_and_late = FindingFactory(due_on=datetime.date(2020, 1, 1))
    _set_status(closed_and_late, Status.CLOSED)
    assert _ids(monitor_client, "overdue=true") == [overdue.pk]
    assert set(_ids(monitor_client, "overdue=false")) == {
        due_later.pk,
        no_date.pk,
        closed_and_late.pk,
    }


def test_due_before_and_due_after_include_the_day_itself(monitor_client):
    may = FindingFactory(due_on=datetime.date(2026, 5, 1))
    june = FindingFactory(due_on=datetime.date(2026, 6, 1))
    july = FindingFactory(due_on=datetime.date(2026, 7, 1))
    assert _ids(monitor_client, "due_before=2026-06-01&ordering=due_on") == [may.pk, june.pk]
    assert _ids(monitor_client, "due_after=2026-06-01&ordering=due_on") == [june.pk, july.pk]


def test_q_searches_every_word_in_title_or_summary(monitor_client):
    match = FindingFactory(title="Torture in pre-trial detention", summary="Ombudsman visits")
    FindingFactory(title="Torture prevention", summary="Training of police")
    FindingFactory(title="Freedom of assembly", summary="Notification regime")
    assert _ids(monitor_client, "q=torture ombudsman") == [match.pk]
    assert _ids(monitor_client, "q=TORTURE&ordering=id")[0] == match.pk


def test_disagreement_filter(cast, partner, monitor_client):
    disputed = finding_in(Status.IMPLEMENTED, cast)
    finding_in(Status.IMPLEMENTED, cast)
    assessment = EvidenceFactory(
        finding=disputed,
        author=partner,
        organisation=partner.organisation,
        kind="assessment",
        assessment=Assessment.NOT_IMPLEMENTED,
    )
    assert assessment.moderation == "accepted"
    assert _ids(monitor_client, "disagreement=true") == [disputed.pk]
    assert disputed.pk not in _ids(monitor_client, "disagreement=false")


def test_staff_only_filters_answer_400_to_partners(reviewer, partner):
    assigned = FindingFactory(published=True)
    Finding.objects.filter(pk=assigned.pk).update(reviewer=reviewer)
    FindingFactory(published=True)
    assert _ids(client_for(reviewer), f"reviewer={reviewer.pk}") == [assigned.pk]
    # A partner cannot find out who reviews what by filtering on it.
    for query in (f"reviewer={reviewer.pk}", "published=false"):
        response = client_for(partner).get(f"/api/v1/findings/?{query}")
        assert response.status_code == 400
        assert list(response.json()["error"]["fields"]) == [query.split("=")[0]]


def test_an_empty_filter_value_means_no_filter(monitor_client):
    findings = FindingFactory.create_batch(2)
    assert _ids(monitor_client, "status=&updated_since=&overdue=&ordering=") == [
        f.pk for f in findings
    ]


def test_an_invalid_filter_value_answers_400_naming_the_field(monitor_client):
    response = monitor_client.get("/api/v1/findings/?status=nonsense&due_before=yesterday")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"status", "due_before"}


class TestUpdatedSince:
    """Incremental sync: everything that changed at or after the given time, nothing else."""

    def test_it_returns_findings_edited_or_moved_since(self, cast):
        with time_machine.travel(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), tick=False):
            untouched = FindingFactory(published=True)
            moved = finding_in(Status.TRIAGED, cast, published=True)
            edited = FindingFactory(published=True)
        with time_machine.travel(datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC), tick=False):
            services.finding_transition(
                finding=moved, to_status=Status.IN_PROGRESS, actor=cast.monitor
            )
            services.finding_update(
                finding=edited, actor=cast.monitor, data={"title": "New title"}, expected_version=1
            )
        client = client_for(cast.monitor)
        assert set(_ids(client, "updated_since=2026-01-15T00:00:00Z")) == {moved.pk, edited.pk}
        assert untouched.pk in _ids(client, "updated_since=2025-12-31T00:00:00Z")

    def test_it_counts_newly_accepted_evidence_the_partner_can_see(self, monitor, partner):
        with time_machine.travel(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), tick=False):
            finding = FindingFactory(published=True)
            other_org_user = UserFactory(
                username="o", role="partner", organisation=OrganisationFactory()
            )
            submission = services.evidence_create(
                finding=finding, author=other_org_user, kind="evidence", text="Seen."
            )
        client = client_for(partner)
        assert _ids(client, "updated_since=2026-01-15T00:00:00Z") == []
        with time_machine.travel(datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC), tick=False):
            services.evidence_moderate(evidence=submission, actor=monitor, accept=True)
        assert _ids(client, "updated_since=2026-01-15T00:00:00Z") == [finding.pk]

    def test_internal_notes_do_not_show_up_as_changes_to_partners(self, monitor, partner):
        with time_machine.travel(datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), tick=False):
            finding = FindingFactory(published=True)
        with time_machine.travel(datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC), tick=False):
            services.evidence_create(finding=finding, author=monitor, kind="note", text="Internal")
        assert _ids(client_for(partner), "updated_since=2026-01-15T00:00:00Z") == []
        assert _ids(client_for(monitor), "updated_since=2026-01-15T00:00:00Z") == [finding.pk]

    def test_a_time_without_offset_is_read_as_almaty_time(self, monitor_client):
        with time_machine.travel(
            datetime.datetime(2026, 1, 1, 12, 0, tzinfo=datetime.UTC), tick=False
        ):
            finding = FindingFactory()  # 17:00 in Almaty
        assert _ids(monitor_client, "updated_since=2026-01-01T16:59:00") == [finding.pk]
        assert _ids(monitor_client, "updated_since=2026-01-01T17:01:00") == []


class TestOrdering:
    def test_priority_orders_high_medium_low_not_alphabetically(self, monitor_client):
        low = FindingFactory(priority=Priority.LOW)
        high = FindingFactory(priority=Priority.HIGH)
        medium = FindingFactory(priority=Priority.MEDIUM)
        assert _ids(monitor_client, "ordering=priority") == [high.pk, medium.pk, low.pk]
        assert _ids(monitor_client, "ordering=-priority") == [low.pk, medium.pk, high.pk]

    def test_findings_without_a_due_date_come_last_either_way(self, monitor_client):
        undated = FindingFactory(due_on=None)
        early = FindingFactory(due_on=datetime.date(2026, 1, 1))
        late = FindingFactory(due_on=datetime.date(2027, 1, 1))
        assert _ids(monitor_client, "ordering=due_on") == [early.pk, late.pk, undated.pk]
        assert _ids(monitor_client, "ordering=-due_on") == [late.pk, early.pk, undated.pk]

    def test_ties_are_broken_by_id(self, monitor_client):
        findings = [FindingFactory(due_on=datetime.date(2026, 1, 1)) for _ in range(4)]
        assert _ids(monitor_client, "ordering=due_on") == [f.pk for f in findings]

    def test_several_keys(self, monitor_client):
        a = FindingFactory(priority=Priority.HIGH, due_on=datetime.date(2027, 1, 1))
        b = FindingFactory(priority=Priority.HIGH, due_on=datetime.date(2026, 1, 1))
        c = FindingFactory(priority=Priority.LOW, due_on=datetime.date(2025, 1, 1))
        assert _ids(monitor_client, "ordering=priority,due_on") == [b.pk, a.pk, c.pk]

    def test_an_unknown_ordering_answers_400(self, monitor_client):
        response = monitor_client.get("/api/v1/findings/?ordering=reviewer__password")
        assert response.status_code == 400
        assert "ordering" in response.json()["error"]["fields"]


class TestPagination:
    def test_pages_cover_every_finding_once_even_when_sort_keys_tie(self, monitor_client):
        findings = [FindingFactory(priority=Priority.MEDIUM) for _ in range(7)]
        seen = []
        url = "/api/v1/findings/?ordering=priority&page_size=3"
        while url:
            page = monitor_client.get(url).json()
            seen += [row["id"] for row in page["results"]]
            url = page["next"]
        assert seen == [f.pk for f in findings]

    def test_the_page_size_is_capped(self, monitor_client, monkeypatch):
        assert StandardPagination.max_page_size == 200
        monkeypatch.setattr(StandardPagination, "max_page_size", 2)
        FindingFactory.create_batch(3)
        page = monitor_client.get("/api/v1/findings/?page_size=100").json()
        assert len(page["results"]) == 2
        assert page["next"] is not None

    def test_a_page_past_the_end_answers_404_in_the_error_shape(self, monitor_client):
        FindingFactory()
        response = monitor_client.get("/api/v1/findings/?page=5")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_a_request_builds_only_the_filters_it_gives(rf, monitor):
    # Absent filters filter nothing; building them costs every request (TrackerFilterSet).
    request = rf.get("/", {"status": "new", "ordering": "due_on", "page": "2", "q": ""})
    request.user = monitor
    filterset = FindingFilterSet(request.GET, queryset=Finding.objects.all(), request=request)
    assert set(filterset.filters) == {"status", "ordering"}
    assert filterset.is_valid()
    complete = FindingFilterSet(
        request.GET, queryset=Finding.objects.all(), request=request, all_filters=True
    )
    assert set(complete.filters) == set(FindingFilterSet.base_filters)


def test_the_browsable_api_form_offers_every_filter_whatever_the_request_gives(monitor):
    client = Client()
    client.force_login(monitor)
    response = client.get("/api/v1/findings/?status=new", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("status", "theme", "treaty", "overdue", "updated_since", "reviewer"):
        assert f'name="{name}"' in page, name
