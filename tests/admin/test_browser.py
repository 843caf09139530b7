"""End to end in a real headless Chromium: a monitor filters the overdue findings, opens
one, starts work on it with a note, and finds the note in the finding's timeline.

Needs Debian's Chromium at /usr/bin/chromium (``apt-get install chromium``; CI's
``.ci/run`` installs it). Without it the test fails; it never skips.
"""

from __future__ import annotations

import datetime
import os
import re
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from findings.choices import Status
from findings.models import FindingEvent
from tests.admin.conftest import triage
from tests.factories import FindingFactory, ThemeFactory, TreatyFactory, UserFactory

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "correct-horse-battery"
NOTE = "Asked the Ministry of Justice for the 2026 statistics."

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _frozen_today():
    """Real time here: the browser keeps the session cookie only if its expiry is in the future."""


@pytest.fixture(scope="module", autouse=True)
def _reference_data_survives(django_db_setup, django_db_blocker):
    """Put back the migrated data (role groups, permissions) the transactional test flushed."""
    yield
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(contents)


@pytest.fixture
def page():
    """A page in a fresh headless Chromium, closed again before the database is flushed."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: the browser test needs it. "
            "Install it with `apt-get install -y chromium` (CI's .ci/run does this)."
        )
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still plain synchronous code.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            context = browser.new_context(locale="en-GB")
            page = context.new_page()
            page.set_default_timeout(15_000)
            yield page
            context.close()
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def test_a_monitor_filters_overdue_findings_and_starts_work_with_a_note(
    page, live_server, transactional_db
):
    from playwright.sync_api import expect

    monitor = UserFactory(username="monitor", role="monitor", password=PASSWORD)
    theme = ThemeFactory(slug="fair-trial", name="Fair trial")
    treaty = TreatyFactory(code="ICCPR")
    today = timezone.localdate()
    late = FindingFactory(
        reference="para 21",
        title="Guarantee access to a lawyer from the first hour",
        themes=[theme],
        treaties=[treaty],
        due_on=today - datetime.timedelta(days=20),
    )
    triage(late, monitor)
    FindingFactory(
        reference="para 22",
        title="Not due yet",
        themes=[theme],
        treaties=[treaty],
        due_on=today + datetime.timedelta(days=60),
    )

    page.goto(f"{live_server.url}/admin/login/?next=/admin/findings/finding/")
    page.fill("#id_username", "monitor")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#result_list")).to_be_visible()
    expect(page.locator("#result_list tbody tr")).to_have_count(2)

    # Filter: only the overdue finding is left, its due date highlighted.
    page.locator("#changelist-filter").get_by_role("link", name="Overdue", exact=True).click()
    expect(page).to_have_url(re.compile(r"due=overdue"))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("para 21")
    expect(rows.first.locator(".tracker-overdue")).to_be_visible()

    # Open it and start work, with a note.
    rows.first.get_by_role("link", name="para 21").click()
    expect(page.locator("#tracker-workflow")).to_contain_text("Triaged")
    page.locator("#tracker-workflow").get_by_role("link", name="Start work").click()
    page.fill("#id_note", NOTE)
    page.get_by_role("button", name="Start work").click()

    # Back on the finding: a success message, the new status, and the note in the timeline.
    expect(page.locator(".messagelist")).to_contain_text("moved to “In progress”")
    expect(page.locator("#tracker-workflow")).to_contain_text("In progress")
    timeline = page.locator("#events-group")
    expect(timeline).to_contain_text(NOTE)
    expect(timeline).to_contain_text("monitor")

    event = FindingEvent.objects.get(finding=late, to_status=Status.IN_PROGRESS)
    assert (event.actor, event.note) == (monitor, NOTE)
