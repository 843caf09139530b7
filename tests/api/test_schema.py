"""The OpenAPI schema: generated without warnings, valid, and complete about errors."""

import pytest
import yaml
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        response = APIClient().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def test_the_schema_command_reports_no_warnings_or_errors(tmp_path):
    # --fail-on-warn turns any warning (an undocumented field, filter or response) into an error.
    target = tmp_path / "schema.yaml"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(target),
    )
    generated = yaml.safe_load(target.read_text())
    assert generated["openapi"].startswith("3.")


def test_the_served_schema_is_valid_openapi(schema):
    validate_schema(schema)
    assert all(path.startswith("/api/v1/") for path in schema["paths"])


def test_every_operation_documents_the_common_errors(schema):
    for path, method, operation in _operations(schema):
        responses = operation["responses"]
        for status in ("401", "403", "429"):
            ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/Error", (method, path, status)
        if "{id}" in path:
            assert "404" in responses, (method, path)
        if method == "post":
            assert "400" in responses, (method, path)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/findings/{id}/transition/",
        "/api/v1/findings/{id}/assign/",
        "/api/v1/submissions/{id}/moderate/",
    ],
)
def test_workflow_operations_document_409(schema, path):
    assert "409" in schema["paths"][path]["post"]["responses"]


def test_every_operation_is_secured_by_api_key_or_session(schema):
    assert schema["components"]["securitySchemes"]["apiKeyAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": schema["components"]["securitySchemes"]["apiKeyAuth"]["description"],
    }
    for path, method, operation in _operations(schema):
        assert {"apiKeyAuth": []} in operation["security"], (method, path)


@pytest.mark.parametrize(
    "path", ["/api/v1/findings/", "/api/v1/findings/export/", "/api/v1/summary/"]
)
def test_the_findings_filters_are_documented(schema, path):
    names = {p["name"] for p in schema["paths"][path]["get"].get("parameters", [])}
    assert {
        "status",
        "treaty",
        "theme",
        "report",
        "report_kind",
        "priority",
        "overdue",
        "due_before",
        "due_after",
        "updated_since",
        "q",
        "ordering",
    } <= names


def test_the_export_is_documented_as_csv(schema):
    ok = schema["paths"]["/api/v1/findings/export/"]["get"]["responses"]["200"]
    assert list(ok["content"]) == ["text/csv"]


def test_staff_only_fields_are_optional_in_the_schema(schema):
    detail = schema["components"]["schemas"]["FindingDetail"]
    assert "reviewer" in detail["properties"]
    assert "reviewer" not in detail["required"]
    assert "status" in detail["required"]
    assert "Staff only" in detail["properties"]["published"]["description"]


@pytest.mark.parametrize(
    ("url", "asset"), [("/api/docs/", "swagger-ui"), ("/api/docs/redoc/", "redoc")]
)
def test_the_docs_pages_load_their_assets_from_our_static_files(client, url, asset):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"/static/drf_spectacular_sidecar/{asset}" in html
    assert "cdn." not in html
    assert "unpkg" not in html
    assert "/api/schema/" in html
