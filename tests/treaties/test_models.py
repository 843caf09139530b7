"""Treaty data keeps its rules in the database and says clearly what is wrong."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import ObligationFactory, ParticipationFactory, ProvisionFactory, TreatyFactory
from treaties.models import Obligation, Participation, Provision, Treaty

pytestmark = pytest.mark.django_db


def test_an_optional_protocol_without_its_parent_treaty_is_refused_with_a_message():
    protocol = Treaty(code="XX-OP", title="Protocol", kind="optional_protocol")
    with pytest.raises(ValidationError) as error:
        protocol.full_clean()
    assert "parent treaty" in str(error.value.message_dict["parent"])


def test_a_treaty_cannot_be_its_own_parent_in_the_database():
    treaty = TreatyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Treaty.objects.filter(pk=treaty.pk).update(parent=treaty)


def test_a_deposit_before_the_signature_is_refused_by_validation_and_the_database():
    participation = ParticipationFactory.build(
        treaty=TreatyFactory(),
        signed_on=datetime.date(2008, 1, 1),
        deposited_on=datetime.date(2007, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        participation.full_clean()
    assert "before the signature" in str(error.value.message_dict["deposited_on"])
    with pytest.raises(IntegrityError), transaction.atomic():
        participation.save()
    assert not Participation.objects.exists()


def test_entry_into_force_before_the_deposit_is_refused():
    participation = ParticipationFactory.build(
        treaty=TreatyFactory(),
        deposited_on=datetime.date(2006, 1, 24),
        in_force_on=datetime.date(2006, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        participation.full_clean()
    assert "in_force_on" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        participation.save()


def test_a_state_that_is_not_party_has_no_deposit_date():
    participation = ParticipationFactory.build(
        treaty=TreatyFactory(),
        status="not_party",
        consent_kind="",
        deposited_on=datetime.date(2001, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        participation.full_clean()
    assert "not party" in str(error.value.message_dict["deposited_on"])
    with pytest.raises(IntegrityError), transaction.atomic():
        participation.save()


def test_a_party_must_say_whether_it_ratified_or_acceded():
    participation = ParticipationFactory.build(treaty=TreatyFactory(), consent_kind="")
    with pytest.raises(ValidationError) as error:
        participation.full_clean()
    assert "consent_kind" in error.value.message_dict


def test_an_unknown_participation_status_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipationFactory(status="ratified-maybe")


def test_two_provisions_of_one_treaty_cannot_share_a_number():
    provision = ProvisionFactory(number="7")
    with pytest.raises(IntegrityError), transaction.atomic():
        Provision.objects.create(treaty=provision.treaty, number="7")
    assert Provision.objects.count() == 1


def test_reporting_obligations_need_a_due_date():
    obligation = ObligationFactory.build(treaty=TreatyFactory(), kind="reporting", due_on=None)
    with pytest.raises(ValidationError) as error:
        obligation.full_clean()
    assert "due date" in str(error.value.message_dict["due_on"])
    with pytest.raises(IntegrityError), transaction.atomic():
        obligation.save()
    assert not Obligation.objects.exists()


def test_a_substantive_obligation_needs_no_due_date():
    obligation = ObligationFactory(kind="substantive", due_on=None)
    obligation.full_clean()


def test_an_obligation_cannot_fall_due_before_its_last_review():
    obligation = ObligationFactory.build(
        treaty=TreatyFactory(),
        last_reviewed_on=datetime.date(2025, 6, 1),
        due_on=datetime.date(2025, 1, 1),
    )
    with pytest.raises(ValidationError):
        obligation.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        obligation.save()


def test_obligation_edits_are_kept_in_their_history():
    obligation = ObligationFactory(due_on=datetime.date(2027, 7, 1))
    obligation.due_on = datetime.date(2028, 7, 1)
    obligation.save()
    assert [h.due_on for h in obligation.history.order_by("history_id")] == [
        datetime.date(2027, 7, 1),
        datetime.date(2028, 7, 1),
    ]


def test_the_calendar_lists_open_dated_obligations_by_window():
    today = datetime.date(2026, 11, 25)
    soon = ObligationFactory(kind="reporting", due_on=datetime.date(2026, 12, 20))
    overdue = ObligationFactory(kind="follow_up", due_on=datetime.date(2026, 2, 15))
    ObligationFactory(kind="follow_up", due_on=datetime.date(2026, 2, 1), completed_on=today)
    ObligationFactory(kind="substantive", due_on=datetime.date(2026, 12, 1))
    assert list(Obligation.objects.upcoming(today, 30)) == [soon]
    assert list(Obligation.objects.overdue(today)) == [overdue]
