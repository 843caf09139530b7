import datetime

import pytest

from findings.models import Evidence, Finding
from tests.factories import EvidenceFactory, FindingFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _assessment(finding, organisation, value, *, when, moderation="accepted"):
    evidence = EvidenceFactory(
        finding=finding,
        kind="assessment",
        assessment=value,
        organisation=organisation,
        author=UserFactory(role="partner", organisation=organisation),
        moderation=moderation,
    )
    Evidence.objects.filter(pk=evidence.pk).update(created_at=when)
    return evidence


def test_a_finding_disagrees_when_a_partners_latest_accepted_assessment_differs():
    finding = FindingFactory()
    Finding.objects.filter(pk=finding.pk).update(status="implemented")
    ngo = OrganisationFactory()
    _assessment(
        finding, ngo, "not_implemented", when=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    assert list(Finding.objects.with_partner_disagreement()) == [finding]


def test_a_newer_agreeing_assessment_from_the_same_partner_ends_the_disagreement():
    finding = FindingFactory()
    Finding.objects.filter(pk=finding.pk).update(status="implemented")
    ngo = OrganisationFactory()
    _assessment(
        finding, ngo, "not_implemented", when=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    )
    _assessment(
        finding, ngo, "implemented", when=datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC)
    )
    assert not Finding.objects.with_partner_disagreement().exists()


def test_pending_assessments_and_open_findings_do_not_count_as_disagreement():
    assessed = FindingFactory()
    Finding.objects.filter(pk=assessed.pk).update(status="implemented")
    still_open = FindingFactory()
    ngo = OrganisationFactory()
    when = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    _assessment(assessed, ngo, "not_implemented", when=when, moderation="pending")
    _assessment(still_open, ngo, "not_implemented", when=when)
    assert not Finding.objects.with_partner_disagreement().exists()
