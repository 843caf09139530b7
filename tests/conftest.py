"""Shared fixtures: one user per role, built through the factories.

Two pieces of test plumbing live here too:

- a fast password hasher for every test (the real one is slow on purpose);
- the role groups come back after a transactional test empties the tables.
  The groups are made by a data migration, and ``TransactionTestCase`` flushes
  the database after each test; Django then sends ``post_migrate`` (which is
  how it restores content types and permissions), and we restore the groups
  from the same frozen table the migration uses.
"""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db.models.signals import post_migrate

from tests.factories import UserFactory

_roles_migration = importlib.import_module("accounts.migrations.0002_roles")


def _restore_role_groups(sender, using="default", **kwargs):
    # post_migrate goes to each app in turn; by the last one every permission exists.
    if sender is not list(django_apps.get_app_configs())[-1]:
        return
    for name, codes in _roles_migration.ROLES.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        perms = []
        for code in codes:
            app_label, codename = code.split(".")
            perms.append(
                Permission.objects.using(using).get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.add(*perms)


post_migrate.connect(_restore_role_groups, dispatch_uid="tests.restore_role_groups")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty (per-process, see tests/env.py) cache."""
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def monitor(db):
    return UserFactory(username="monitor", role="monitor")


@pytest.fixture
def reviewer(db):
    return UserFactory(username="reviewer", role="reviewer")


@pytest.fixture
def manager(db):
    return UserFactory(username="manager", role="manager")


@pytest.fixture
def partner(db):
    return UserFactory(username="partner", role="partner")
