"""The finding detail builds its output by hand; it must equal DRF's field-by-field output."""

import pytest
from django.utils import timezone

from findings import selectors, services
from findings.api.serializers import FindingDetailSerializer
from findings.api.views import findings_for_detail
from findings.choices import Status
from tests.factories import AffectedGroupFactory, FindingFactory, InstitutionFactory, UserFactory
from tests.findings.builders import finding_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def rich_finding(cast, partner):
    """A published, assessed finding with every kind of related row a detail shows."""
    earlier = FindingFactory(published=True)
    finding = finding_in(Status.IMPLEMENTED, cast, published=True)
    finding.repeats.set([earlier, FindingFactory(published=False)])
    finding.affected_groups.set([AffectedGroupFactory()])
    finding.institutions.set([InstitutionFactory()])
    services.evidence_create(
        finding=finding, author=cast.monitor, kind="note", text="Internal only."
    )
    services.evidence_create(
        finding=finding,
        author=cast.monitor,
        kind="evidence",
        text="Shared with partners.",
        source="https://adilet.zan.kz/",
        visibility="shared",
    )
    mine = services.evidence_create(
        finding=finding,
        author=partner,
        kind="assessment",
        assessment="not_implemented",
        text="Still not applied in practice.",
    )
    services.evidence_moderate(evidence=mine, actor=cast.monitor, accept=True)
    other_partner = UserFactory(role="partner")
    services.evidence_create(
        finding=finding,
        author=other_partner,
        kind="evidence",
        text="Pending from another organisation.",
        source="https://example.org/",
    )
    return finding


@pytest.mark.parametrize("staff", [True, False], ids=["staff", "partner"])
def test_the_detail_equals_what_drf_would_write_for_its_fields(rich_finding, cast, partner, staff):
    viewer = cast.monitor if staff else partner
    context = {"viewer_is_staff": staff, "today": timezone.localdate()}
    finding = findings_for_detail(viewer, staff=staff).get(pk=rich_finding.pk)
    selectors.attach_links([finding])
    serializer = FindingDetailSerializer(context=context)
    fast = serializer.to_representation(finding)
    reference = serializer.to_representation_by_fields(finding)
    assert list(fast.items()) == list(reference.items())
    # The fixture really exercises the nested parts.
    assert fast["events"]
    assert fast["evidence"]
    assert fast["repeats"]
    assert fast["partner_assessments"][0]["differs_from_status"] is True
