import pytest

from accounts.roles import Role
from tests.factories import FindingFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_user_made_with_a_role_is_in_that_group_and_staff():
    user = UserFactory(role="reviewer")
    assert user.has_role(Role.REVIEWER)
    assert user.is_staff


def test_a_partner_is_not_staff_and_belongs_to_an_organisation():
    user = UserFactory(role="partner")
    assert not user.is_staff
    assert user.organisation is not None
    assert user.is_partner


def test_a_finding_starts_new_with_its_themes():
    theme = ThemeFactory()
    finding = FindingFactory(themes=[theme])
    assert finding.status == "new"
    assert list(finding.themes.all()) == [theme]
