"""End to end through Redis: a real Celery worker runs the fan-out and the send it queues."""

import datetime
import os
import time
from contextlib import contextmanager

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections
from kombu import pools as kombu_pools

from findings.models import Finding
from notifications.models import SentEmail
from notifications.tasks import send_reminders_task
from tests.factories import FindingFactory, UserFactory
from tests.notifications.conftest import almaty
from tracker.celery import app as celery_app

# This helper's own Redis database, unless CI gives one.
BROKER_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/12"
NOW = almaty(2026, 11, 25, 8)


def _close_worker_connections(**kwargs):
    # The worker thread opened its own database connections; close them so the
    # test database can be flushed after the test.
    connections.close_all()


def _drop_broker_pools() -> None:
    # Eager .delay() calls made earlier in the session already built a
    # (never connected) pool for the default broker; start afresh so publishing
    # uses the broker configured now.
    # kombu keeps pools in a process-wide registry keyed by broker URL, so a
    # closed pool would come back for the same URL: reset the registry itself.
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextmanager
def worker_on_redis():
    """Point the app at Redis with eager mode off and run a worker thread for the block."""
    overrides = {
        "broker_url": BROKER_URL,
        "task_always_eager": False,
        "worker_hijack_root_logger": False,
    }
    saved = {key: celery_app.conf[key] for key in overrides}
    celery_app.conf.update(overrides)
    _drop_broker_pools()
    task_postrun.connect(_close_worker_connections, weak=False)
    try:
        celery_app.control.purge()  # leftovers of an interrupted earlier run
        with start_worker(celery_app, pool="solo", perform_ping_check=False):
            yield
    finally:
        task_postrun.disconnect(_close_worker_connections)
        celery_app.conf.update(saved)
        _drop_broker_pools()


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the worker did not finish in time")
        time.sleep(0.05)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_carries_the_daily_reminders_from_the_queue_to_the_inbox(mailoutbox):
    reviewer = UserFactory(role="reviewer", email="erlan@example.kz")
    finding = FindingFactory(due_on=datetime.date(2026, 11, 20), title="Independent judiciary")
    Finding.objects.filter(pk=finding.pk).update(status="in_progress", reviewer=reviewer)

    with worker_on_redis():
        send_reminders_task.delay(NOW.isoformat())
        wait_for(lambda: len(mailoutbox) == 1)

    [message] = mailoutbox
    assert message.to == ["erlan@example.kz"]
    assert "Independent judiciary" in message.body
    sent = SentEmail.objects.get()
    assert (sent.recipient, sent.kind, sent.period_key) == (
        reviewer,
        "reviewer_reminder",
        "2026-11-25",
    )
