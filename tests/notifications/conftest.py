"""Helpers for the notification tests: local time, findings moved through statuses."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connections
from pytest_django.plugin import blocking_manager_key

from findings.models import Finding, FindingEvent
from tests.factories import UserFactory

ALMATY = ZoneInfo("Asia/Almaty")


def almaty(*args: int) -> datetime.datetime:
    """An aware datetime in Asia/Almaty: ``almaty(2026, 11, 25, 8)``."""
    return datetime.datetime(*args, tzinfo=ALMATY)


def move(finding: Finding, to_status: str, *, actor, at: datetime.datetime, **fields) -> None:
    """Change a finding's status as the workflow would: the row and its logged event."""
    FindingEvent.objects.create(
        finding=finding,
        from_status=finding.status,
        to_status=to_status,
        actor=actor,
        created_at=at,
    )
    Finding.objects.filter(pk=finding.pk).update(status=to_status, status_changed_at=at, **fields)
    finding.refresh_from_db()


def submit_for_review(finding: Finding, *, reviewer, by, at: datetime.datetime) -> None:
    """Put a finding in awaiting_review with ``reviewer``, submitted by ``by`` at ``at``."""
    move(
        finding,
        "awaiting_review",
        actor=by,
        at=at,
        reviewer=reviewer,
        submitted_for_review_by=by,
        submitted_for_review_at=at,
        proposed_assessment="implemented",
    )


@pytest.fixture
def manager_weekly(db):
    return UserFactory(
        username="weekly_manager", role="manager", digest_frequency="weekly", first_name="Aigerim"
    )


@pytest.fixture
def manager_monthly(db):
    return UserFactory(username="monthly_manager", role="manager", digest_frequency="monthly")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put back the migration data (role groups, schedules) a transactional test flushed.

    A ``transaction=True`` test ends by emptying every table. With
    ``--reuse-db`` that emptied database is what the next run starts from, and
    the role groups created by a data migration would be gone for good
    (pytest-django issues #329, #613). ``serialized_rollback`` keeps a copy of
    that data; load it back once the test's own teardown has flushed.
    """
    result = yield
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("serialized_rollback"):
        with item.config.stash[blocking_manager_key].unblock():
            connection = connections["default"]
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)
    return result
