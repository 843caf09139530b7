import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from accounts.roles import Role

pytestmark = pytest.mark.django_db


def test_it_creates_one_user_per_role_and_prints_their_logins(settings, capsys):
    settings.DEBUG = True
    call_command("create_demo_users")
    out = capsys.readouterr().out
    for role in Role:
        user = User.objects.get(username=role.value)
        assert user.has_role(role)
        assert user.check_password("tracker-demo")
        assert role.value in out
    assert not User.objects.get(username="partner").is_staff
    assert "API key for 'partner'" in out


def test_running_it_twice_keeps_one_user_per_role_and_one_key(settings):
    settings.DEBUG = True
    call_command("create_demo_users")
    call_command("create_demo_users")
    assert User.objects.filter(username__in=[r.value for r in Role]).count() == 4
    assert User.objects.get(username="partner").api_keys.count() == 1


def test_it_refuses_to_run_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("create_demo_users")
    assert not User.objects.exists()
