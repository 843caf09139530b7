"""``selectors.attach_links``: every link of a page of findings, in one query, in order."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from findings import selectors
from tests.factories import (
    FindingFactory,
    ObligationFactory,
    ProvisionFactory,
    ThemeFactory,
    TreatyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked():
    """A finding whose links were added out of their display order, and an unlinked one."""
    cat = TreatyFactory(code="CAT", title="Convention against Torture")
    ccpr = TreatyFactory(code="CCPR", title="Covenant on Civil and Political Rights")
    finding = FindingFactory(
        themes=[
            ThemeFactory(slug="torture", name="Torture"),
            ThemeFactory(slug="corruption", name="Corruption"),
        ],
        treaties=[ccpr, cat],
        provisions=[
            ProvisionFactory(treaty=ccpr, number="9", position=9, title="Liberty"),
            ProvisionFactory(treaty=ccpr, number="10", position=10, title="Detention"),
            ProvisionFactory(treaty=cat, number="2", position=2, title="Prevention"),
        ],
    )
    finding.obligations.set(
        [
            ObligationFactory(treaty=ccpr, title="Undated duty", due_on=None, kind="substantive"),
            ObligationFactory(
                treaty=ccpr,
                title="Second report",
                due_on=datetime.date(2028, 1, 1),
                completed_on=datetime.date(2027, 12, 20),
            ),
            ObligationFactory(treaty=cat, title="First report", due_on=datetime.date(2026, 3, 1)),
        ]
    )
    return finding, FindingFactory()


def test_links_come_in_the_order_each_model_is_shown_in(linked):
    finding, _bare = linked
    selectors.attach_links([finding])
    assert [t.name for t in finding.linked_themes] == ["Corruption", "Torture"]
    assert [t.code for t in finding.linked_treaties] == ["CAT", "CCPR"]
    # Treaty code, then position: article 10 after article 9.
    assert [(p.treaty.code, p.number) for p in finding.linked_provisions] == [
        ("CAT", "2"),
        ("CCPR", "9"),
        ("CCPR", "10"),
    ]
    # Due date first, undated last, on PostgreSQL and SQLite alike.
    assert [o.title for o in finding.linked_obligations] == [
        "First report",
        "Second report",
        "Undated duty",
    ]


def test_links_carry_what_lists_and_exports_show(linked):
    finding, _bare = linked
    selectors.attach_links([finding])
    theme = finding.linked_themes[0]
    assert (theme.slug, theme.name) == ("corruption", "Corruption")
    treaty = finding.linked_treaties[1]
    assert (treaty.code, treaty.title) == ("CCPR", "Covenant on Civil and Political Rights")
    provision = finding.linked_provisions[0]
    assert (provision.number, provision.title) == ("2", "Prevention")
    second = finding.linked_obligations[1]
    # Real dates, also on SQLite, where a raw query returns text.
    assert second.due_on == datetime.date(2028, 1, 1)
    assert second.completed_on == datetime.date(2027, 12, 20)
    assert finding.linked_obligations[2].due_on is None
    assert finding.linked_obligations[2].kind == "substantive"


def test_one_query_for_any_number_of_findings_and_empty_lists_for_unlinked_ones(linked):
    finding, bare = linked
    more = FindingFactory.create_batch(5, themes=[ThemeFactory()])
    with CaptureQueriesContext(connection) as queries:
        selectors.attach_links([finding, bare, *more])
    assert len(queries) == 1
    assert bare.linked_themes == []
    assert bare.linked_obligations == []
    assert all(len(f.linked_themes) == 1 for f in more)


def test_nothing_to_attach_runs_no_query():
    with CaptureQueriesContext(connection) as queries:
        assert selectors.attach_links([]) == []
    assert len(queries) == 0


def test_iterating_with_links_fetches_them_per_chunk(linked):
    finding, _bare = linked
    FindingFactory.create_batch(3)
    findings = list(type(finding).objects.order_by("pk"))
    with CaptureQueriesContext(connection) as queries:
        seen = list(selectors.iterate_with_links(findings, chunk_size=2))
    assert [f.pk for f in seen] == [f.pk for f in findings]
    assert len(queries) == 3  # 5 findings in chunks of 2
    assert [t.code for t in seen[0].linked_treaties] == ["CAT", "CCPR"]
