"""Two people acting on the same finding at the same moment: one wins, the other gets a conflict.

Each competitor runs in its own thread, so with its own database connection
and transaction; a barrier releases them together after both have loaded the
finding. These tests commit for real (``transaction=True``).
"""

import threading

import pytest
from django.db import OperationalError, connection, connections

from findings import services
from findings.choices import Status
from findings.exceptions import StaleVersion
from findings.models import Assignment, Finding, FindingEvent
from tests.factories import UserFactory
from tests.findings.builders import NOTE, finding_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

#: What the loser of a race gets. PostgreSQL (production, CI) makes the second
#: writer wait for the first, then its compare-and-swap matches no row:
#: StaleVersion. SQLite's shared in-memory test database refuses the second
#: writer at once ("database table is locked"); the guarantee under test, one
#: winner and nothing written by the loser, is the same.
LOSES = (StaleVersion,) if connection.vendor == "postgresql" else (StaleVersion, OperationalError)


@pytest.fixture(scope="module", autouse=True)
def _reference_data_survives(django_db_setup, django_db_blocker):
    """Leave the database as migrated after the last test here.

    A transactional test ends by emptying the database; with serialized
    rollback the migrated data (role groups, permissions) comes back only when
    the *next* such test starts. Without this, later tests and the next
    ``--reuse-db`` run would find no role groups.
    """
    yield
    contents = getattr(connection, "_test_serialized_contents", None)
    if contents:
        with django_db_blocker.unblock():
            connection.creation.deserialize_db_from_string(contents)


def race(*actions):
    """Run each action in its own thread, all starting together; return what each returned or
    raised, in order."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            finding = action.load()
            barrier.wait(timeout=10)
            outcomes[index] = action.act(finding)
        except Exception as exc:  # the outcome is what the test inspects
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


class Act:
    """Load the finding fresh (in the thread's own connection), then call ``act`` on it."""

    def __init__(self, pk, act):
        self.pk = pk
        self.act = act

    def load(self):
        return Finding.objects.get(pk=self.pk)


def test_of_two_competing_transitions_exactly_one_wins(cast):
    finding = finding_in(Status.AWAITING_REVIEW, cast)
    events_before = finding.events.count()

    outcomes = race(
        Act(
            finding.pk,
            lambda f: services.finding_transition(
                finding=f, to_status=Status.IMPLEMENTED, actor=cast.reviewer
            ),
        ),
        Act(
            finding.pk,
            lambda f: services.finding_transition(
                finding=f, to_status=Status.IN_PROGRESS, actor=cast.manager, note=NOTE
            ),
        ),
    )

    winners = [o for o in outcomes if isinstance(o, FindingEvent)]
    losers = [o for o in outcomes if isinstance(o, LOSES)]
    assert (len(winners), len(losers)) == (1, 1), outcomes
    finding.refresh_from_db()
    assert finding.status == winners[0].to_status
    assert finding.events.count() == events_before + 1
    assert finding.version == 1 + 5  # triage, start, assign, submit, and one decision


def test_of_two_competing_reviewer_assignments_exactly_one_wins(cast):
    finding = finding_in(Status.TRIAGED, cast)
    first, second = UserFactory(role="reviewer"), UserFactory(role="reviewer")

    outcomes = race(
        Act(
            finding.pk,
            lambda f: services.finding_assign_reviewer(
                finding=f, reviewer=first, actor=cast.monitor
            ),
        ),
        Act(
            finding.pk,
            lambda f: services.finding_assign_reviewer(
                finding=f, reviewer=second, actor=cast.manager
            ),
        ),
    )

    winners = [o for o in outcomes if isinstance(o, Assignment)]
    assert len(winners) == 1, outcomes
    assert sum(isinstance(o, LOSES) for o in outcomes) == 1
    assert Finding.objects.get(pk=finding.pk).reviewer == winners[0].reviewer
    assert finding.assignments.count() == 1
