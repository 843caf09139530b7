"""Fixtures for the admin tests: a logged-in client per role and findings at each workflow step.

Findings reach their states through the real services, as staff would move them.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from findings.choices import Assessment, EvidenceKind, Status
from findings.models import Finding
from findings.services import (
    evidence_create,
    finding_assign_reviewer,
    finding_transition,
)
from tests.factories import (
    ReportFactory,
    ThemeFactory,
    TreatyFactory,
    UserFactory,
)

#: "Today" in every admin test (Asia/Almaty): findings due before it are overdue.
TODAY = datetime.date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _frozen_today():
    with time_machine.travel(datetime.datetime(2026, 3, 16, 10, 0, tzinfo=datetime.UTC), tick=True):
        yield


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """A private in-memory cache, so the cached dashboard never leaks between tests."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tests-admin",
        }
    }
    cache.clear()
    yield
    cache.clear()


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def monitor_client(monitor) -> Client:
    return login(monitor)


@pytest.fixture
def reviewer_client(reviewer) -> Client:
    return login(reviewer)


@pytest.fixture
def manager_client(manager) -> Client:
    return login(manager)


@pytest.fixture
def clients(monitor, reviewer, manager):
    return {"monitor": login(monitor), "reviewer": login(reviewer), "manager": login(manager)}


@pytest.fixture
def treaty(db):
    return TreatyFactory(code="ICCPR", title="International Covenant on Civil and Political Rights")


@pytest.fixture
def theme(db):
    return ThemeFactory(slug="fair-trial", name="Fair trial")


@pytest.fixture
def report(db):
    return ReportFactory(symbol="CCPR/C/KAZ/CO/3", title="Concluding observations 2025")


def triage(finding: Finding, actor) -> Finding:
    finding_transition(finding=finding, to_status=Status.TRIAGED, actor=actor)
    return finding


def submit_for_review(finding: Finding, *, monitor, reviewer, assessment=Assessment.IMPLEMENTED):
    """Triage, assign ``reviewer``, add sourced evidence and submit, as ``monitor``."""
    if finding.status == Status.NEW:
        triage(finding, monitor)
    finding_assign_reviewer(finding=finding, reviewer=reviewer, actor=monitor)
    evidence_create(
        finding=finding,
        author=monitor,
        kind=EvidenceKind.EVIDENCE,
        text="The law was amended.",
        source="https://adilet.zan.kz/example",
    )
    finding_transition(
        finding=finding,
        to_status=Status.AWAITING_REVIEW,
        actor=monitor,
        proposed_assessment=assessment,
    )
    finding.refresh_from_db()
    return finding
