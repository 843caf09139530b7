"""Importing a report's findings from CSV or XLSX: preview, row errors, all or nothing."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from findings.choices import Status
from findings.models import Finding
from tests.factories import FindingFactory, ProvisionFactory, ThemeFactory

IMPORT = reverse("admin:findings_finding_import")
PROCESS = reverse("admin:findings_finding_process_import")
HEADER = "report,reference,kind,title,summary,themes,treaties,provisions,priority,due_on\n"
CSV, XLSX = "0", "1"


@pytest.fixture
def vocabulary(db, report, theme, treaty):
    ThemeFactory(slug="torture", name="Torture")
    ProvisionFactory(treaty=treaty, number="14")
    return report


def csv_file(*rows: str, header: str = HEADER) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "findings.csv", (header + "\n".join(rows) + "\n").encode(), "text/csv"
    )


def xlsx_file(rows: list[list]) -> SimpleUploadedFile:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("findings.xlsx", buffer.getvalue())


GOOD_ROWS = (
    "CCPR/C/KAZ/CO/3,para 12,recommendation,Ensure fair trials,"
    '"In our words.","fair-trial,torture",ICCPR,ICCPR:14,high,2026-12-31',
    "CCPR/C/KAZ/CO/3,para 13,concern,Prison conditions,Also ours.,torture,ICCPR,,,",
)


def preview(client, upload, fmt=CSV):
    return client.post(IMPORT, {"import_file": upload, "format": fmt})


def confirm(client, page):
    initial = page.context["confirm_form"].initial
    return client.post(PROCESS, {**initial, "format": initial["format"]})


def test_the_preview_writes_nothing_and_confirming_creates_new_findings(monitor_client, vocabulary):
    page = preview(monitor_client, csv_file(*GOOD_ROWS))
    assert page.status_code == 200
    result = page.context["result"]
    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert len(result.rows) == 2
    assert not Finding.objects.exists()

    response = confirm(monitor_client, page)
    assert response.status_code == 302
    first = Finding.objects.get(reference="para 12")
    assert first.status == Status.NEW
    assert first.report == vocabulary
    assert first.priority == "high"
    assert first.due_on.isoformat() == "2026-12-31"
    assert sorted(first.themes.values_list("slug", flat=True)) == ["fair-trial", "torture"]
    assert list(first.treaties.values_list("code", flat=True)) == ["ICCPR"]
    assert [str(p.number) for p in first.provisions.all()] == ["14"]
    second = Finding.objects.get(reference="para 13")
    assert second.priority == "medium"
    assert second.due_on is None


def test_an_xlsx_file_imports_too(manager_client, vocabulary):
    page = preview(
        manager_client,
        xlsx_file(
            [
                [
                    "CCPR/C/KAZ/CO/3",
                    "para 1",
                    "Recommendation",
                    "A",
                    "Ours.",
                    "torture",
                    "ICCPR",
                    "",
                    "low",
                    None,
                ]
            ]
        ),
        fmt=XLSX,
    )
    assert not page.context["result"].has_validation_errors()
    confirm(manager_client, page)
    assert Finding.objects.get(reference="para 1").kind == "recommendation"


def test_a_bad_row_is_reported_on_its_row_and_nothing_can_be_confirmed(monitor_client, vocabulary):
    page = preview(
        monitor_client,
        csv_file(
            GOOD_ROWS[0],
            "CCPR/C/KAZ/CO/3,para 14,recommendation,Bad row,Ours.,no-such-theme,ICCPR,,,",
            "NOPE/1,para 15,concern,Unknown report,Ours.,,,,,",
        ),
    )
    result = page.context["result"]
    assert result.has_validation_errors()
    invalid = {row.number: row.error_dict for row in result.invalid_rows}
    assert set(invalid) == {2, 3}
    assert "no-such-theme" in str(invalid[2]["themes"])
    assert "NOPE/1" in str(invalid[3]["report"])
    html = page.content.decode()
    assert "Unknown theme codes: no-such-theme" in html
    assert "confirm_form" not in page.context or page.context.get("confirm_form") is None
    assert not Finding.objects.exists()


def test_confirming_a_file_with_a_bad_row_rolls_everything_back(monitor_client, vocabulary):
    """Even if a file that fails validation reaches the final step, nothing is written."""
    page = preview(monitor_client, csv_file(*GOOD_ROWS))
    initial = page.context["confirm_form"].initial
    # Between preview and confirmation the second row becomes a duplicate.
    FindingFactory(report=vocabulary, reference="para 13")
    response = monitor_client.post(PROCESS, initial)
    assert response.status_code == 302
    assert response["Location"] == IMPORT
    assert not Finding.objects.filter(reference="para 12").exists()
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("Nothing was imported: row 2")


def test_an_existing_finding_is_never_overwritten(monitor_client, vocabulary):
    existing = FindingFactory(report=vocabulary, reference="para 12", title="Kept")
    page = preview(monitor_client, csv_file(GOOD_ROWS[0]))
    assert page.context["result"].has_validation_errors()
    existing.refresh_from_db()
    assert existing.title == "Kept"


def test_missing_columns_are_named(monitor_client, vocabulary):
    page = preview(monitor_client, csv_file("CCPR/C/KAZ/CO/3,para 1", header="report,reference\n"))
    assert page.context["result"].has_errors()
    assert "kind, title, summary" in page.content.decode()
    assert not Finding.objects.exists()


def test_a_bad_choice_names_the_allowed_values(monitor_client, vocabulary):
    page = preview(monitor_client, csv_file("CCPR/C/KAZ/CO/3,para 1,wish,T,S,,,,urgent,"))
    [row] = page.context["result"].invalid_rows
    assert "recommendation" in str(row.error_dict["kind"])
    assert "high, medium, low" in str(row.error_dict["priority"])


def test_a_reviewer_may_not_import(reviewer_client, vocabulary):
    assert preview(reviewer_client, csv_file(*GOOD_ROWS)).status_code == 403
    assert not Finding.objects.exists()
