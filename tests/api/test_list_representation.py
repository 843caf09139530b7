"""The findings list builds its rows by hand; they must equal DRF's field-by-field output."""

import datetime

import pytest
from django.utils import timezone

from findings import selectors
from findings.api.serializers import FindingListSerializer
from findings.api.views import findings_for_list
from findings.choices import Status
from tests.factories import (
    FindingFactory,
    ObligationFactory,
    ProvisionFactory,
    ReportFactory,
    ThemeFactory,
    TreatyFactory,
)
from tests.findings.builders import finding_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied_findings(cast, partner):
    treaty = TreatyFactory()
    overdue = FindingFactory(
        published=True,
        status=Status.IN_PROGRESS,
        due_on=timezone.localdate() - datetime.timedelta(days=3),
        report=ReportFactory(published_on=None),
        themes=ThemeFactory.create_batch(2),
        treaties=[treaty],
        provisions=[ProvisionFactory(treaty=treaty)],
    )
    overdue.obligations.set(
        [
            ObligationFactory(treaty=treaty, kind="substantive", due_on=None),
            ObligationFactory(treaty=treaty, due_on=datetime.date(2030, 1, 1)),
        ]
    )
    reviewed = finding_in(Status.AWAITING_REVIEW, cast, published=True)
    bare = FindingFactory(published=False, due_on=None)
    return [overdue, reviewed, bare]


@pytest.mark.parametrize("staff", [True, False], ids=["staff", "partner"])
def test_each_list_row_equals_what_drf_would_write_for_its_fields(
    varied_findings, cast, partner, staff
):
    viewer = cast.monitor if staff else partner
    context = {"viewer_is_staff": staff, "today": timezone.localdate()}
    rows = selectors.attach_links(list(findings_for_list(viewer)))
    assert rows  # partners see the published ones
    for finding in rows:
        serializer = FindingListSerializer(context=context)
        fast = serializer.to_representation(finding)
        reference = serializer.to_representation_by_fields(finding)
        assert list(fast.items()) == list(reference.items())
    if staff:
        assert any(finding.reviewer_id for finding in rows)
