"""``manage.py load_seed_data``: idempotent, all-or-nothing, and clear about bad records.

The seed data is loaded once per module (rolled back at the end); each test
runs in its own savepoint on top of it. Broken inputs are copies of
``fixtures/`` in a temporary directory with one record spoiled.
"""

import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import transaction

from findings.choices import Status
from findings.models import Finding, Report
from findings.seeding import DEFAULT_PATH, SEEDED_MODELS, seed_data_load
from tests.factories import UserFactory
from treaties.models import MonitoringBody, Obligation, Participation, Provision, Treaty

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module", autouse=True)
def seeded(django_db_setup, django_db_blocker):
    """The seed data loaded once for this module, rolled back when it ends.

    Every test here starts from the loaded data (a module fixture stays set up
    until the module ends, so mixing in empty-database tests would depend on
    their order).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_data_load()
        transaction.set_rollback(True)


@pytest.fixture
def fixtures_copy(tmp_path) -> Path:
    """A writable copy of ``fixtures/`` (named ``fixtures`` so messages read the same)."""
    return Path(shutil.copytree(DEFAULT_PATH, tmp_path / "fixtures"))


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def snapshot() -> dict:
    """Every seeded row with all its values, to prove a failed load wrote nothing."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values()) for model in SEEDED_MODELS
    }


def run(*args) -> str:
    out = StringIO()
    call_command("load_seed_data", *args, stdout=out)
    return out.getvalue()


def finding(reference: str) -> Finding:
    return Finding.objects.get(reference=reference)


# --- Loading and reloading -----------------------------------------------------------------


def test_the_first_load_creates_every_record(seeded):
    created = {model: tally.created for model, tally in seeded.tallies.items()}
    assert created[Treaty] == 34
    assert created[Participation] == 34
    assert created[MonitoringBody] == 13
    assert created[Report] == 2 + 25  # the two seed reports and the UN review record
    assert created[Finding] == Finding.objects.count() >= 30
    assert created[Provision] == Provision.objects.count()
    assert created[Obligation] == Obligation.objects.count()
    assert seeded.updated == 0


def test_loading_again_changes_nothing(seeded):
    counts = {model: model.objects.count() for model in SEEDED_MODELS}
    stamps = dict(Finding.objects.values_list("pk", "updated_at"))
    obligation_stamps = dict(Obligation.objects.values_list("pk", "updated_at"))
    versions = dict(Finding.objects.values_list("pk", "version"))
    history = Finding.history.count()

    out = run()

    assert "Nothing to change" in out
    assert {model: model.objects.count() for model in SEEDED_MODELS} == counts
    assert dict(Finding.objects.values_list("pk", "updated_at")) == stamps
    assert dict(Obligation.objects.values_list("pk", "updated_at")) == obligation_stamps
    assert dict(Finding.objects.values_list("pk", "version")) == versions
    assert Finding.history.count() == history


def test_it_prints_created_updated_and_unchanged_counts_per_model(seeded):
    out = run()
    findings_line = next(line for line in out.splitlines() if line.strip().startswith("findings"))
    assert findings_line.split()[1:] == ["0", "0", str(Finding.objects.count())]
    for label in ("treaties", "participations", "provisions", "obligations", "reports"):
        assert any(line.strip().startswith(label) for line in out.splitlines()), label


def test_a_reload_of_unchanged_data_needs_only_a_few_queries(seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        result = seed_data_load()
    assert result.created == result.updated == 0


def test_a_changed_record_is_updated_and_its_links_set_exactly(seeded, fixtures_copy):
    reference = "Avsnitt 4"
    before = finding(reference)

    def change(data):
        record = next(f for f in data["findings"] if f["reference"] == reference)
        record["summary"] = "A rewritten summary of the death penalty section of the report."
        record["themes"] = ["death-penalty", "treaty-ratification"]

    edit_yaml(fixtures_copy / "reports" / "se-ud-2010.yaml", change)
    result = seed_data_load(path=fixtures_copy)

    after = finding(reference)
    assert result.tallies[Finding].updated == 1
    assert result.updated == 1
    assert after.summary.startswith("A rewritten summary")
    assert set(after.themes.values_list("slug", flat=True)) == {
        "death-penalty",
        "treaty-ratification",
    }
    assert after.version == before.version + 1
    assert after.updated_at > before.updated_at
    assert after.history.first().history_change_reason == "load_seed_data"


def test_a_reload_keeps_the_workflow_state_of_existing_findings(seeded, fixtures_copy):
    reviewer = UserFactory(role="reviewer")
    target = finding("Avsnitt 3 (torture)")
    assert target.published
    # Staff have moved the finding on and withdrawn it from partners.
    Finding.objects.filter(pk=target.pk).update(
        status=Status.IN_PROGRESS, reviewer=reviewer, published=False
    )

    def change(data):
        record = next(f for f in data["findings"] if f["reference"] == target.reference)
        record["title"] = "Torture in remand centres and prisons (edited)"

    edit_yaml(fixtures_copy / "reports" / "se-ud-2010.yaml", change)
    seed_data_load(path=fixtures_copy)

    target.refresh_from_db()
    assert target.title.endswith("(edited)")
    assert target.status == Status.IN_PROGRESS
    assert target.reviewer == reviewer
    assert not target.published
    assert not target.events.exists()


def test_a_completion_recorded_by_staff_survives_a_reload(seeded):
    crc = Obligation.objects.get(treaty__code="CRC", kind="reporting")
    Obligation.objects.filter(pk=crc.pk).update(completed_on="2026-02-10")
    seed_data_load()
    crc.refresh_from_db()
    assert str(crc.completed_on) == "2026-02-10"


# --- Bad input: a clear error naming the record, and nothing written -----------------------


def unknown_treaty_in_a_finding(path: Path) -> None:
    def change(data):
        data["findings"][0]["treaties"].append("ICCPR-OP9")

    edit_yaml(path / "reports" / "us-dos-2020.yaml", change)


def entry_into_force_before_deposit(path: Path) -> None:
    def change(data):
        iccpr = next(t for t in data["treaties"] if t["code"] == "ICCPR")
        iccpr["participation"]["in_force_on"] = iccpr["participation"]["deposited_on"].replace(
            year=2005
        )

    edit_yaml(path / "treaties.yaml", change)


def duplicate_reference(path: Path) -> None:
    def change(data):
        data["findings"][1]["reference"] = data["findings"][0]["reference"]

    edit_yaml(path / "reports" / "se-ud-2010.yaml", change)


def unknown_parent(path: Path) -> None:
    def change(data):
        opcat = next(t for t in data["treaties"] if t["code"] == "OPCAT")
        opcat["parent"] = "XYZ"

    edit_yaml(path / "treaties.yaml", change)


def unknown_provision_in_an_obligation(path: Path) -> None:
    def change(data):
        data["obligations"][0]["provisions"] = ["CAT art. 99"]

    edit_yaml(path / "obligations.yaml", change)


@pytest.mark.parametrize(
    ("spoil", "expected"),
    [
        (
            unknown_treaty_in_a_finding,
            "fixtures/reports/us-dos-2020.yaml: finding 'Section 1, Political Prisoners and "
            "Detainees': treaty not found: 'ICCPR-OP9'",
        ),
        (
            entry_into_force_before_deposit,
            "fixtures/treaties.yaml: participation in 'ICCPR': in_force_on: "
            "Entry into force cannot be before the deposit.",
        ),
        (
            duplicate_reference,
            "fixtures/reports/se-ud-2010.yaml: finding 'Avsnitt 2 (ratifications)': "
            "the reference is used twice in this report",
        ),
        (unknown_parent, "fixtures/treaties.yaml: treaty 'OPCAT': parent 'XYZ' not found"),
        (
            unknown_provision_in_an_obligation,
            "fixtures/obligations.yaml: obligation 'CAT: Prevent torture through effective "
            "legislative, administrative and judicial measures': provision not found: "
            "'CAT art. 99'",
        ),
    ],
    ids=lambda v: getattr(v, "__name__", None),
)
def test_a_bad_record_is_named_and_nothing_is_written(seeded, fixtures_copy, spoil, expected):
    # A valid change in the same load must not be written either.
    edit_yaml(
        fixtures_copy / "monitoring_bodies.yaml",
        lambda data: data["monitoring_bodies"][0].update(name="Renamed committee"),
    )
    spoil(fixtures_copy)
    before = snapshot()

    with pytest.raises(CommandError) as excinfo:
        run("--path", str(fixtures_copy))

    assert expected in str(excinfo.value)
    assert "nothing was written" in str(excinfo.value)
    assert excinfo.value.returncode == 1
    assert snapshot() == before


def test_every_bad_record_of_a_file_is_reported_at_once(fixtures_copy):
    def change(data):
        data["themes"][0]["name"] = ""
        data["institutions"].append({"name": "Ministry of Justice"})

    edit_yaml(fixtures_copy / "vocabularies.yaml", change)
    before = snapshot()
    with pytest.raises(CommandError) as excinfo:
        run("--path", str(fixtures_copy))
    message = str(excinfo.value)
    assert "theme 'torture-ill-treatment': missing field(s): name" in message
    assert "institution 'Ministry of Justice': the name is used twice in this file" in message
    assert snapshot() == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("treaties: [unclosed", "fixtures/treaties.yaml: not valid YAML"),
        ("treaties:\n  - code: X\n    titel: typo\n", "unknown field(s): titel"),
    ],
)
def test_malformed_files_are_rejected_with_the_file_named(fixtures_copy, content, expected):
    (fixtures_copy / "treaties.yaml").write_text(content, encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError, match=re.escape(expected)):
        run("--path", str(fixtures_copy))
    assert snapshot() == before


def test_a_missing_directory_is_reported(tmp_path):
    with pytest.raises(CommandError, match="directory not found"):
        run("--path", str(tmp_path / "nowhere"))
