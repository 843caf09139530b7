"""Reports and findings keep their simple rules in the database and explain the others."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from findings.models import Finding, Report
from tests.factories import FindingFactory, ReportFactory

pytestmark = pytest.mark.django_db


def test_two_findings_of_one_report_cannot_share_a_reference():
    finding = FindingFactory(reference="para 12")
    with pytest.raises(IntegrityError), transaction.atomic():
        FindingFactory(report=finding.report, reference="para 12")
    assert Finding.objects.count() == 1


def test_the_same_reference_in_two_reports_is_fine():
    FindingFactory(reference="para 12")
    FindingFactory(reference="para 12")
    assert Finding.objects.filter(reference="para 12").count() == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "done"),
        ("kind", "rumour"),
        ("priority", "urgent"),
        ("proposed_assessment", "maybe"),
    ],
)
def test_values_outside_the_choices_are_refused_by_the_database(field, value):
    finding = FindingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Finding.objects.filter(pk=finding.pk).update(**{field: value})


def test_a_finding_cannot_await_review_without_a_reviewer():
    finding = FindingFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Finding.objects.filter(pk=finding.pk).update(status="awaiting_review")


def test_two_reports_cannot_share_a_document_symbol_but_many_may_have_none():
    ReportFactory(symbol="CCPR/C/KAZ/CO/3")
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportFactory(symbol="CCPR/C/KAZ/CO/3")
    ReportFactory(symbol="")
    ReportFactory(symbol="")
    assert Report.objects.filter(symbol="").count() == 2


def test_a_report_period_must_end_after_it_starts():
    report = ReportFactory.build(
        period_start=datetime.date(2020, 12, 31), period_end=datetime.date(2020, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert "before it starts" in str(error.value.message_dict["period_end"])
    with pytest.raises(IntegrityError), transaction.atomic():
        report.save()


def test_only_upr_outcomes_have_a_upr_cycle():
    report = ReportFactory.build(kind="treaty_body", upr_cycle=3)
    with pytest.raises(ValidationError) as error:
        report.full_clean()
    assert "upr_cycle" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        report.save()


def test_state_position_and_recommending_states_belong_to_upr_recommendations():
    finding = FindingFactory.build(
        report=ReportFactory(kind="treaty_body"),
        state_position="supported",
        recommending_states=["Norway"],
    )
    with pytest.raises(ValidationError) as error:
        finding.full_clean()
    assert {"state_position", "recommending_states"} <= set(error.value.message_dict)


def test_a_upr_recommendation_keeps_its_states_and_position():
    report = ReportFactory(kind="upr", upr_cycle=4, symbol="A/HRC/59/10")
    finding = FindingFactory.build(
        report=report, state_position="noted", recommending_states=["Norway", "Chile"]
    )
    finding.full_clean()


def test_recommending_states_must_be_a_list_of_names():
    report = ReportFactory(kind="upr", upr_cycle=4)
    finding = FindingFactory.build(report=report, recommending_states="Norway")
    with pytest.raises(ValidationError) as error:
        finding.full_clean()
    assert "list of names" in str(error.value.message_dict["recommending_states"])
