"""Kazakhstan's UN review record in the seed data: treaty-body concluding observations,
SPT visit reports and UPR Working Group reports, loaded as reports without findings.

Every date here is checked against the fact sheet (shared/facts/kazakhstan.md, sections
4 and 5); a symbol the fact sheet marks L must be flagged as such in the report's notes.
"""

import datetime
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import transaction

from findings.models import Report
from findings.seeding import DEFAULT_PATH, seed_data_load

pytestmark = pytest.mark.django_db

REVIEW_KINDS = ("treaty_body", "special_procedure", "upr")

#: symbol -> (monitoring body, kind, published_on); None where the fact sheet gives no
#: issue, document or (for UPR cycle 1 only) adoption date.
REVIEW_RECORD = {
    "CCPR/C/KAZ/CO/3": ("CCPR", "treaty_body", datetime.date(2025, 9, 3)),
    "CCPR/C/KAZ/CO/2": ("CCPR", "treaty_body", datetime.date(2016, 8, 9)),
    "CCPR/C/KAZ/CO/1": ("CCPR", "treaty_body", datetime.date(2011, 8, 19)),
    "E/C.12/KAZ/CO/2": ("CESCR", "treaty_body", None),
    "E/C.12/KAZ/CO/1": ("CESCR", "treaty_body", datetime.date(2010, 6, 7)),
    "CERD/C/KAZ/CO/8-10": ("CERD", "treaty_body", datetime.date(2022, 7, 4)),
    "CERD/C/KAZ/CO/6-7": ("CERD", "treaty_body", datetime.date(2014, 3, 14)),
    "CERD/C/KAZ/CO/4-5": ("CERD", "treaty_body", None),
    "CERD/C/65/CO/3": ("CERD", "treaty_body", None),
    "CEDAW/C/KAZ/CO/5": ("CEDAW", "treaty_body", None),
    "CAT/C/KAZ/CO/4": ("CAT", "treaty_body", datetime.date(2023, 6, 8)),
    "CAT/C/KAZ/CO/3": ("CAT", "treaty_body", datetime.date(2014, 12, 12)),
    "CAT/C/KAZ/CO/2": ("CAT", "treaty_body", datetime.date(2008, 12, 12)),
    "CAT/OP/KAZ/1": ("SPT", "special_procedure", datetime.date(2019, 2, 7)),
    "CAT/OP/KAZ/ROSP/1": ("SPT", "special_procedure", datetime.date(2025, 4, 7)),
    "CRC/C/KAZ/CO/4": ("CRC", "treaty_body", None),
    "CRC/C/KAZ/CO/3": ("CRC", "treaty_body", datetime.date(2007, 6, 19)),
    "CRC/C/OPSC/KAZ/CO/1": ("CRC", "treaty_body", None),
    "CRC/C/OPAC/KAZ/CO/1": ("CRC", "treaty_body", None),
    "CRPD/C/KAZ/CO/1": ("CRPD", "treaty_body", datetime.date(2024, 4, 19)),
    "CED/C/KAZ/CO/1": ("CED", "treaty_body", datetime.date(2016, 5, 26)),
    "A/HRC/14/10": ("UPR", "upr", datetime.date(2010, 2, 16)),
    "A/HRC/28/10": ("UPR", "upr", datetime.date(2014, 12, 10)),
    "A/HRC/43/10": ("UPR", "upr", None),
    "A/HRC/59/10": ("UPR", "upr", None),
}

#: Symbols the fact sheet gives as L (not seen, or written out from a confirmed pattern).
LIKELY_SYMBOLS = {
    "E/C.12/KAZ/CO/2",
    "CEDAW/C/KAZ/CO/5",
    "CRC/C/KAZ/CO/4",
    "CRC/C/OPSC/KAZ/CO/1",
    "CRC/C/OPAC/KAZ/CO/1",
    "A/HRC/43/10",
    "A/HRC/59/10",
    # The fact sheet abbreviates it as "CO/4-5" next to CERD/C/KAZ/CO/6-7.
    "CERD/C/KAZ/CO/4-5",
}

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
SHARED = Path(settings.BASE_DIR).parent / "shared"


@pytest.fixture(scope="module", autouse=True)
def seeded(django_db_setup, django_db_blocker):
    """The seed data loaded once for this module, rolled back when it ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_data_load()
        transaction.set_rollback(True)


def review_reports():
    return Report.objects.filter(kind__in=REVIEW_KINDS).select_related("monitoring_body")


def fact_sheet_date(date: datetime.date) -> str:
    """A date as the fact sheet writes it: ``3 Sep 2025``."""
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


# --- What is loaded ------------------------------------------------------------------------


def test_the_review_record_loads_19_treaty_body_2_spt_and_4_upr_reports():
    counts = {kind: review_reports().filter(kind=kind).count() for kind in REVIEW_KINDS}
    assert counts == {"treaty_body": 19, "special_procedure": 2, "upr": 4}
    assert set(review_reports().values_list("symbol", flat=True)) == set(REVIEW_RECORD)


def test_every_treaty_body_that_reviewed_kazakhstan_has_its_latest_observations_loaded():
    bodies = set(review_reports().values_list("monitoring_body__code", flat=True))
    assert bodies == {"CCPR", "CESCR", "CERD", "CEDAW", "CAT", "SPT", "CRC", "CRPD", "CED", "UPR"}


def test_review_reports_have_no_findings_yet_and_are_in_english():
    for report in review_reports():
        assert not report.findings.exists(), report.symbol
        assert report.language == "en", report.symbol


@pytest.mark.parametrize("symbol", sorted(REVIEW_RECORD))
def test_each_review_report_has_its_body_kind_and_exact_published_date(symbol):
    body, kind, published_on = REVIEW_RECORD[symbol]
    report = Report.objects.select_related("monitoring_body").get(symbol=symbol)
    assert (report.monitoring_body.code, report.kind, report.published_on) == (
        body,
        kind,
        published_on,
    )


@pytest.mark.parametrize(
    ("symbol", "phrases"),
    [
        ("CAT/C/KAZ/CO/4", ["Dialogue 2-3 May 2023", "adopted 10 May 2023", "issued 8 Jun 2023"]),
        ("CERD/C/KAZ/CO/8-10", ["adopted 26 Apr 2022", "issued 4 Jul 2022"]),
        ("CRPD/C/KAZ/CO/1", ["adopted 18-19 Mar 2024", "issued 19 Apr 2024"]),
        ("CCPR/C/KAZ/CO/3", ["Dialogue 24-25 Jun 2025", "adopted 11 Jul 2025"]),
        ("A/HRC/28/10", ["review 30 Oct 2014", "adopted 4 Nov 2014", "dated 10 Dec 2014"]),
    ],
)
def test_the_notes_give_the_dialogue_adoption_and_issue_dates_of_the_fact_sheet(symbol, phrases):
    # The notes write ranges with an en dash, as the fact sheet does.
    notes = Report.objects.get(symbol=symbol).notes.replace("\N{EN DASH}", "-")
    missing = [phrase for phrase in phrases if phrase not in notes]
    assert not missing


def test_every_published_date_is_one_the_notes_name_and_say_what_it_is():
    for report in review_reports().exclude(published_on=None):
        assert fact_sheet_date(report.published_on) in report.notes, report.symbol
        assert re.search(r"[Pp]ublished date =", report.notes), report.symbol


def test_reports_without_a_published_date_say_why():
    for report in review_reports().filter(published_on=None):
        assert re.search(r"[Nn]o published date", report.notes), report.symbol


def test_the_first_upr_report_is_dated_by_its_adoption_and_says_so():
    report = Report.objects.get(symbol="A/HRC/14/10")
    assert report.published_on == datetime.date(2010, 2, 16)
    assert "Published date = the Working Group's adoption date" in report.notes


def test_the_four_upr_cycles_are_in_order():
    cycles = list(
        Report.objects.filter(kind="upr").order_by("upr_cycle").values_list("upr_cycle", "symbol")
    )
    assert cycles == [
        (1, "A/HRC/14/10"),
        (2, "A/HRC/28/10"),
        (3, "A/HRC/43/10"),
        (4, "A/HRC/59/10"),
    ]
    assert not review_reports().exclude(kind="upr").exclude(upr_cycle=None).exists()


# --- Confidence --------------------------------------------------------------------------


def test_likely_symbols_and_only_those_are_flagged_in_the_notes():
    flagged = {r.symbol for r in review_reports() if "Symbol L:" in r.notes}
    assert flagged == LIKELY_SYMBOLS


def test_no_review_report_presents_an_unverified_fact():
    for report in review_reports():
        assert not re.search(r"\bU\b", report.notes), report.symbol
    # The cycle 2 supported/noted split is U in the fact sheet.
    assert "noted" not in Report.objects.get(symbol="A/HRC/28/10").notes


def test_every_source_the_notes_cite_is_a_source_key_of_the_fact_sheet():
    facts_file = SHARED / "facts" / "kazakhstan.md"
    if not facts_file.is_file():
        pytest.fail(f"{facts_file} not found: this check needs the fact sheet next to the repo.")
    section = facts_file.read_text(encoding="utf-8").split("## 9. Source keys", 1)[1]
    known = set(re.findall(r"\[([A-Z0-9-]+)\]", section.split("\n## ", 1)[0]))
    for report in review_reports():
        cited = set(re.findall(r"\[([A-Z0-9-]+)[\] ]", report.notes))
        assert cited, report.symbol
        assert cited <= known, (report.symbol, cited - known)


# --- Files and reloading -------------------------------------------------------------------


def test_each_review_file_holds_one_report_keyed_by_its_file_name_and_no_findings():
    files = sorted((DEFAULT_PATH / "reports").glob("un-*.yaml"))
    assert len(files) == len(REVIEW_RECORD)
    for file in files:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        assert data["report"]["key"] == file.stem
        assert data["findings"] == []


def test_loading_again_with_the_review_record_creates_and_updates_nothing():
    before = {r.pk: r for r in Report.objects.all()}

    result = seed_data_load()

    assert (result.created, result.updated) == (0, 0)
    assert result.tallies[Report].unchanged == Report.objects.count() == len(before)
    for report in Report.objects.all():
        assert report.notes == before[report.pk].notes
        assert report.published_on == before[report.pk].published_on
