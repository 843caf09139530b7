"""Fixtures for the workflow tests."""

import pytest

from tests.findings.builders import Cast


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every test makes several users; the real password hasher is deliberately slow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def cast(monitor, reviewer, manager):
    """The monitor who submits, the reviewer assigned to decide, and a manager."""
    return Cast(monitor=monitor, reviewer=reviewer, manager=manager)
