"""The Kazakhstan seed data: what it holds, and that its texts are our own words.

The database tests share one load per module (rolled back at the end), since
every test here only reads it; the text tests read the YAML files directly.
"""

import datetime
import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import transaction

from findings.choices import Status
from findings.models import Finding, Report
from findings.seeding import DEFAULT_PATH, seed_data_load
from treaties.choices import ObligationKind, ParticipationStatus
from treaties.models import MonitoringBody, Obligation, Participation, Treaty

SE_TITLE = "Mänskliga rättigheter i Kazakstan 2010"
US_TITLE = "2020 Country Reports on Human Rights Practices: Kazakhstan"

UN_CORE_INSTRUMENTS = {
    "ICCPR",
    "ICCPR-OP1",
    "ICCPR-OP2",
    "ICESCR",
    "ICESCR-OP",
    "CERD",
    "CEDAW",
    "CEDAW-OP",
    "CAT",
    "OPCAT",
    "CRC",
    "CRC-OPAC",
    "CRC-OPSC",
    "CRC-OPIC",
    "CRPD",
    "CRPD-OP",
    "CED",
    "ICRMW",
}
OTHER_INSTRUMENTS = {
    "REFUGEE-1951",
    "REFUGEE-1967",
    "STATELESS-1954",
    "STATELESS-1961",
    "ROME-STATUTE",
}
ILO_INSTRUMENTS = {
    "C029",
    "C087",
    "C098",
    "C100",
    "C105",
    "C111",
    "C138",
    "C182",
    "C155",
    "C187",
    "P029",
}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The seed data loaded once for this module, rolled back when it ends."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_data_load()
        transaction.set_rollback(True)


def participation(code: str) -> Participation:
    return Participation.objects.select_related("treaty").get(treaty__code=code)


# --- Treaties and participation ------------------------------------------------------------


@pytest.mark.django_db
def test_every_required_treaty_is_loaded_with_one_participation_each(seeded):
    codes = set(Treaty.objects.values_list("code", flat=True))
    assert codes == UN_CORE_INSTRUMENTS | OTHER_INSTRUMENTS | ILO_INSTRUMENTS
    assert Participation.objects.count() == Treaty.objects.count() == 34


@pytest.mark.django_db
def test_the_monitoring_bodies_cover_the_treaty_bodies_the_upr_and_the_ilo(seeded):
    codes = set(MonitoringBody.objects.values_list("code", flat=True))
    assert {"CCPR", "CESCR", "CERD", "CEDAW", "CAT", "SPT", "CRC", "CRPD", "CED", "CMW"} <= codes
    assert {"UPR", "CEACR", "CAS"} <= codes
    assert Treaty.objects.get(code="OPCAT").monitoring_body.code == "SPT"
    assert Treaty.objects.get(code="ICRMW").monitoring_body.code == "CMW"


@pytest.mark.django_db
def test_protocols_point_at_their_parent_treaty(seeded):
    parents = dict(Treaty.objects.filter(parent__isnull=False).values_list("code", "parent__code"))
    assert parents["ICCPR-OP2"] == "ICCPR"
    assert parents["OPCAT"] == "CAT"
    assert parents["CRC-OPIC"] == "CRC"
    assert parents["P029"] == "C029"


@pytest.mark.django_db
def test_the_iccpr_keeps_the_un_deposit_and_the_domestic_law_date_apart(seeded):
    iccpr = participation("ICCPR")
    assert iccpr.status == ParticipationStatus.PARTY
    assert iccpr.consent_kind == "ratification"
    assert iccpr.deposited_on == datetime.date(2006, 1, 24)
    assert iccpr.domestic_act_date == datetime.date(2005, 11, 28)
    assert "No. 91" in iccpr.domestic_act
    assert iccpr.in_force_on == datetime.date(2006, 4, 24)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "field", "expected"),
    [
        ("ICCPR-OP1", "deposited_on", datetime.date(2009, 6, 30)),
        ("ICCPR-OP1", "domestic_act_date", datetime.date(2009, 2, 11)),
        ("ICCPR-OP2", "signed_on", datetime.date(2020, 9, 23)),
        ("ICCPR-OP2", "domestic_act_date", datetime.date(2021, 1, 2)),
        ("ICCPR-OP2", "deposited_on", datetime.date(2022, 3, 24)),
        ("ICCPR-OP2", "in_force_on", datetime.date(2022, 6, 24)),
        ("OPCAT", "deposited_on", datetime.date(2008, 10, 22)),
        ("OPCAT", "domestic_act_date", datetime.date(2008, 6, 26)),
        ("CAT", "deposited_on", datetime.date(1998, 8, 26)),
        ("CRPD", "deposited_on", datetime.date(2015, 4, 21)),
        ("CRPD", "in_force_on", datetime.date(2015, 5, 21)),
        ("CED", "deposited_on", datetime.date(2009, 2, 27)),
        ("REFUGEE-1951", "deposited_on", datetime.date(1999, 1, 15)),
        ("REFUGEE-1951", "domestic_act_date", datetime.date(1998, 12, 15)),
        ("REFUGEE-1967", "deposited_on", datetime.date(1999, 1, 15)),
        ("CRC", "signed_on", datetime.date(1994, 2, 16)),
        ("CRC-OPIC", "signed_on", datetime.date(2023, 2, 7)),
        ("C182", "deposited_on", datetime.date(2003, 2, 26)),
        ("C029", "domestic_act_date", datetime.date(2000, 12, 14)),
    ],
)
def test_participation_dates_match_the_fact_sheet(seeded, code, field, expected):
    assert getattr(participation(code), field) == expected


@pytest.mark.django_db
def test_the_second_optional_protocol_records_the_removed_wartime_reservation(seeded):
    op2 = participation("ICCPR-OP2")
    assert "29 Dec 2021" in op2.domestic_act
    assert "without reservations" in op2.reservations


@pytest.mark.django_db
def test_the_unverified_crc_un_date_is_not_stored_or_presented_as_checked(seeded):
    crc = participation("CRC")
    assert crc.deposited_on is None
    assert not crc.verified
    assert "UN ratification date" in crc.verification_note
    # The conflicting domestic dates are both named, not silently resolved.
    assert "8 July 1994" in crc.verification_note


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code",
    ["ICCPR", "ICESCR", "CERD", "CEDAW", "CEDAW-OP", "CRC-OPSC", "CRC-OPIC", "CRPD-OP", "CED"],
)
def test_participations_with_likely_or_unverified_facts_are_marked_unverified(seeded, code):
    row = participation(code)
    assert not row.verified
    assert re.search(r"\b[LU]\b", row.verification_note), row.verification_note


@pytest.mark.django_db
def test_every_unverified_participation_says_which_facts_are_unverified(seeded):
    unexplained = Participation.objects.filter(verified=False, verification_note="")
    assert not unexplained.exists()
    assert Participation.objects.filter(verified=True).exists()
    assert participation("OPCAT").verified
    assert participation("REFUGEE-1951").verified


@pytest.mark.django_db
def test_protocols_ratified_at_home_but_not_confirmed_at_the_un_are_not_shown_as_party(seeded):
    for code in ("CRC-OPIC", "CRPD-OP"):
        row = participation(code)
        assert row.status == ParticipationStatus.SIGNATORY
        assert row.domestic_act_date is not None
        assert row.deposited_on is None


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["ROME-STATUTE", "STATELESS-1954", "STATELESS-1961", "ICRMW"])
def test_treaties_kazakhstan_has_not_joined_are_rows_marked_not_party(seeded, code):
    row = participation(code)
    assert row.status == ParticipationStatus.NOT_PARTY
    assert row.deposited_on is None
    assert row.signed_on is None


# --- Obligations ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_dated_obligations_all_have_a_due_date_and_the_crc_one_matches_the_facts(seeded):
    dated = Obligation.objects.filter(kind__in=[ObligationKind.REPORTING, ObligationKind.FOLLOW_UP])
    assert dated.exists()
    assert not dated.filter(due_on__isnull=True).exists()
    crc = Obligation.objects.get(treaty__code="CRC", kind=ObligationKind.REPORTING)
    assert crc.due_on == datetime.date(2026, 2, 15)
    assert crc.reference == "CRC/C/KAZ/Q/5-6"


@pytest.mark.django_db
def test_follow_up_due_dates_worked_out_from_the_general_rule_are_unverified(seeded):
    cat = Obligation.objects.get(treaty__code="CAT", kind=ObligationKind.FOLLOW_UP)
    assert cat.last_reviewed_on == datetime.date(2023, 5, 10)
    assert cat.completed_on == datetime.date(2024, 5, 13)
    assert not cat.verified
    assert "worked out" in cat.description


@pytest.mark.django_db
def test_substantive_obligations_are_linked_to_their_articles(seeded):
    prevent = Obligation.objects.get(
        treaty__code="CAT", title__startswith="Prevent torture through"
    )
    assert [str(p.number) for p in prevent.provisions.all()] == ["2"]


# --- Reports and findings ------------------------------------------------------------------


@pytest.mark.django_db
def test_both_seed_reports_are_loaded_with_their_real_dates(seeded):
    se = Report.objects.get(title=SE_TITLE)
    us = Report.objects.get(title=US_TITLE)
    assert (se.kind, us.kind) == ("foreign_ministry", "foreign_ministry")
    assert se.published_on == datetime.date(2011, 7, 7)
    assert us.published_on == datetime.date(2021, 3, 30)
    assert (se.language, us.language) == ("sv", "en")
    assert (se.period_start, se.period_end) == (
        datetime.date(2010, 1, 1),
        datetime.date(2010, 12, 31),
    )
    assert (us.period_start, us.period_end) == (
        datetime.date(2020, 1, 1),
        datetime.date(2020, 12, 31),
    )
    # The uncertain parts are said, not hidden.
    assert re.search(r"\bL\b", se.notes)
    assert re.search(r"\bU\b", se.notes)
    assert us.url.startswith("https://www.state.gov/")
    assert "(L)" in us.notes


@pytest.mark.django_db
@pytest.mark.parametrize("title", [SE_TITLE, US_TITLE])
def test_each_report_has_at_least_15_findings(seeded, title):
    assert Finding.objects.filter(report__title=title).count() >= 15


@pytest.mark.django_db
def test_every_finding_is_referenced_summarised_themed_and_linked(seeded):
    findings = Finding.objects.prefetch_related("themes", "treaties", "provisions")
    assert findings.exists()
    for finding in findings:
        assert finding.reference.strip(), finding
        assert len(finding.summary) > 80, finding
        assert finding.themes.exists(), finding
        assert finding.treaties.exists() or finding.provisions.exists(), finding
        assert finding.status == Status.NEW


@pytest.mark.django_db
def test_seed_findings_are_a_mix_of_published_and_internal(seeded):
    assert Finding.objects.filter(published=True).exists()
    assert Finding.objects.filter(published=False).exists()


@pytest.mark.django_db
def test_torture_in_detention_is_linked_to_cat_and_iccpr_articles(seeded):
    torture = Finding.objects.get(report__title=SE_TITLE, reference="Avsnitt 3 (torture)")
    articles = {f"{p.treaty.code} art. {p.number}" for p in torture.provisions.all()}
    assert {"CAT art. 2", "CAT art. 16", "ICCPR art. 7"} <= articles


@pytest.mark.django_db
def test_the_2020_assembly_law_finding_cites_article_21_and_repeats_the_2010_concern(seeded):
    law = Finding.objects.get(
        report__title=US_TITLE, reference="Section 2.b, Peaceful Assembly (2020 law)"
    )
    assert law.provisions.filter(treaty__code="ICCPR", number="21").exists()
    assert list(law.repeats.values_list("reference", flat=True)) == ["Avsnitt 8 (assembly)"]


@pytest.mark.django_db
def test_repeats_only_point_from_the_later_report_to_the_earlier_one(seeded):
    links = Finding.repeats.through.objects.values_list(
        "from_finding__report__published_on", "to_finding__report__published_on"
    )
    assert links
    assert all(later > earlier for later, earlier in links)


@pytest.mark.django_db
def test_the_swedish_claim_about_the_disappearance_convention_is_corrected(seeded):
    finding = Finding.objects.get(report__title=SE_TITLE, reference="Avsnitt 2 (CED)")
    assert participation("CED").status == ParticipationStatus.PARTY
    assert "27 Feb 2009" in finding.summary
    assert "official record" in finding.summary


# --- The texts are our own words -----------------------------------------------------------

SHARED = Path(settings.BASE_DIR).parent / "shared"
SOURCES = {"se-ud-2010": "000_*.txt", "us-dos-2020": "002_*.txt"}
# A number: "63,125", "2 700", "95,5", "3.5" or "2021"; compared with the separators removed.
NUMBER = re.compile(r"\d{1,3}(?:[ ,.\u00a0]\d{3})+(?!\d)|\d+(?:[.,]\d+)?")


def _read_shared(pattern: str) -> str:
    matches = sorted(SHARED.glob(pattern))
    if not matches:
        pytest.fail(
            f"{SHARED / pattern} not found: the seed-data text checks need the source "
            "reports and the fact sheet next to the repository (../shared/)."
        )
    return matches[0].read_text(encoding="utf-8")


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _runs(words: list[str], length: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + length]) for i in range(len(words) - length + 1)}


def _numbers(text: str) -> set[str]:
    return {re.sub(r"\D", "", match) for match in NUMBER.findall(text)}


def _report_files() -> dict[str, dict]:
    files = sorted((DEFAULT_PATH / "reports").glob("*.yaml"))
    loaded = [yaml.safe_load(f.read_text(encoding="utf-8")) for f in files]
    return {data["report"]["key"]: data for data in loaded}


REPORT_FILES = _report_files()


def _texts(key: str):
    for finding in REPORT_FILES[key]["findings"]:
        for field in ("title", "summary"):
            yield f"{finding['reference']} ({field})", finding[field]


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_no_finding_text_repeats_eight_words_of_its_source(key):
    source_runs = _runs(_words(_read_shared(f"seeds/{SOURCES[key]}")), 8)
    copied = {
        where: " ".join(run)
        for where, text in _texts(key)
        for run in _runs(_words(text), 8)
        if run in source_runs
    }
    assert not copied, copied


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_every_figure_in_a_finding_appears_in_its_source_or_the_fact_sheet(key):
    allowed = _numbers(_read_shared(f"seeds/{SOURCES[key]}")) | _numbers(
        _read_shared("facts/kazakhstan.md")
    )
    unsupported = {
        where: sorted(_numbers(text) - allowed)
        for where, text in _texts(key)
        if _numbers(text) - allowed
    }
    assert not unsupported, unsupported


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_finding_texts_contain_no_quotations(key):
    quoted = [where for where, text in _texts(key) if re.search(r"[\"“”„«»]", text)]
    assert not quoted
