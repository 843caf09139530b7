"""Fixtures for the workflow tests."""

import pytest

from tests.findings.builders import Cast


@pytest.fixture
def cast(monitor, reviewer, manager):
    """The monitor who submits, the reviewer assigned to decide, and a manager."""
    return Cast(monitor=monitor, reviewer=reviewer, manager=manager)
