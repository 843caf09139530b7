"""The summary's counts are cached briefly, per audience, language and filters."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import client_for
from tests.factories import FindingFactory

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 6, 1, 6, 0, tzinfo=datetime.UTC)


def _total(user, query=""):
    response = client_for(user).get(f"/api/v1/summary/?{query}")
    assert response.status_code == 200, response.content
    return response.json()["total"]


def test_counts_may_be_up_to_the_cache_time_old_and_then_refresh(monitor, settings):
    settings.TRACKER_SUMMARY_CACHE_SECONDS = 60
    FindingFactory()
    with time_machine.travel(START, tick=False) as traveller:
        assert _total(monitor) == 1
        FindingFactory()
        assert _total(monitor) == 1
        traveller.shift(datetime.timedelta(seconds=61))
        assert _total(monitor) == 2


def test_a_cached_summary_runs_no_counting_queries(monitor):
    FindingFactory()
    client = client_for(monitor)
    client.get("/api/v1/summary/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/summary/").status_code == 200
    assert not [q for q in queries.captured_queries if "findings_finding" in q["sql"]]


def test_partners_never_get_the_staff_counts_from_the_cache(monitor, partner):
    FindingFactory(published=True)
    FindingFactory(published=False)
    assert _total(monitor) == 2
    assert _total(partner) == 1


def test_each_filter_set_is_cached_on_its_own(monitor):
    FindingFactory(priority="high")
    FindingFactory(priority="low")
    assert _total(monitor) == 2
    assert _total(monitor, "priority=high") == 1
    assert _total(monitor, "priority=low") == 1


def test_bad_filters_answer_400_even_when_counts_are_cached(monitor):
    client = client_for(monitor)
    assert client.get("/api/v1/summary/").status_code == 200
    assert client.get("/api/v1/summary/?overdue=perhaps").status_code == 400


def test_with_caching_off_every_request_counts_afresh(monitor, settings):
    settings.TRACKER_SUMMARY_CACHE_SECONDS = 0
    FindingFactory()
    assert _total(monitor) == 1
    FindingFactory()
    assert _total(monitor) == 2


def test_a_cached_json_summary_is_the_same_document_as_a_fresh_one(monitor, settings):
    FindingFactory()
    client = client_for(monitor)
    fresh = client.get("/api/v1/summary/")
    cached = client.get("/api/v1/summary/")
    assert cached["Content-Type"] == fresh["Content-Type"] == "application/json"
    assert cached.content == fresh.content
    settings.TRACKER_SUMMARY_CACHE_SECONDS = 0
    cache_off = client.get("/api/v1/summary/?priority=medium")
    assert cache_off.json()["total"] == fresh.json()["total"]


def test_the_browsable_summary_page_still_renders(monitor):
    FindingFactory()
    client = client_for(monitor)
    for _ in range(2):
        response = client.get("/api/v1/summary/", HTTP_ACCEPT="text/html")
        assert response.status_code == 200
        assert b"total" in response.content
