"""Every error answers in one JSON shape with the right status."""

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.test import APIRequestFactory
from rest_framework.throttling import SimpleRateThrottle

from findings.exceptions import (
    ConditionFailed,
    MissingInput,
    NotPermitted,
    StaleVersion,
    TransitionNotAllowed,
)
from tests.api.conftest import client_for
from tracker.api.exceptions import exception_handler

pytestmark = pytest.mark.django_db


def _handle(exc):
    request = APIRequestFactory().get("/api/v1/findings/")
    return exception_handler(exc, {"request": request, "view": None})


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (NotPermitted("Only managers may close findings."), 403, "permission_denied"),
        (MissingInput("A note is required.", rule="note_required"), 400, "invalid"),
        (TransitionNotAllowed("No such move."), 409, "transition_not_allowed"),
        (ConditionFailed("Needs a theme.", rule="needs_theme"), 409, "condition_failed"),
        (StaleVersion("Reload."), 409, "stale_version"),
    ],
)
def test_workflow_errors_keep_their_status_rule_and_message(error, status, code):
    response = _handle(error)
    assert response.status_code == status
    assert response.data["error"]["code"] == code
    assert response.data["error"]["rule"] == error.rule
    assert response.data["error"]["message"] == error.message


def test_a_missing_input_names_the_field_it_is_about():
    response = _handle(MissingInput("Give a reason.", rule="reason_required"))
    assert response.data["error"]["fields"] == {"reason": ["Give a reason."]}


def test_a_django_validation_error_answers_400_with_its_fields():
    response = _handle(DjangoValidationError({"due_on": ["Bad date."], "__all__": ["Broken."]}))
    assert response.status_code == 400
    assert response.data["error"]["fields"] == {"due_on": ["Bad date."]}
    assert response.data["error"]["message"] == "Broken."


def test_a_django_validation_error_without_fields_becomes_the_message():
    response = _handle(DjangoValidationError("Nope."))
    assert response.status_code == 400
    assert response.data["error"] == {
        "code": "invalid",
        "message": "Nope.",
        "rule": None,
        "fields": {},
    }


def test_an_unexpected_error_is_left_to_django():
    assert _handle(RuntimeError("boom")) is None


def test_no_credentials_answers_401_with_the_scheme_to_use(anonymous_client):
    response = anonymous_client.get("/api/v1/findings/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert response.json()["error"]["code"] == "not_authenticated"


def test_a_wrong_key_answers_401(anonymous_client):
    anonymous_client.credentials(HTTP_AUTHORIZATION="Api-Key not.a-real-key")
    response = anonymous_client.get("/api/v1/findings/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_nested_field_errors_are_flattened_with_dots():
    error = exceptions.ValidationError(
        {"provisions": [{}, {"number": ["Bad."]}], "report": {"symbol": ["Taken."]}}
    )
    assert _handle(error).data["error"]["fields"] == {
        "provisions.1.number": ["Bad."],
        "report.symbol": ["Taken."],
    }


def test_a_malformed_json_body_answers_400(monitor, published_finding):
    response = client_for(monitor).post(
        f"/api/v1/findings/{published_finding.pk}/transition/",
        data="{not json",
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_too_many_requests_answers_429_with_retry_after(partner, monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {**SimpleRateThrottle.THROTTLE_RATES, "user": "3/hour"},
    )
    client = client_for(partner)
    statuses = [client.get("/api/v1/themes/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/themes/")
    assert response.json()["error"]["code"] == "throttled"
    assert 0 < int(response["Retry-After"]) <= 3600


def test_the_throttle_counts_per_user(partner, other_partner, monkeypatch):
    monkeypatch.setattr(
        SimpleRateThrottle,
        "THROTTLE_RATES",
        {**SimpleRateThrottle.THROTTLE_RATES, "user": "1/hour"},
    )
    first, second = client_for(partner), client_for(other_partner)
    assert first.get("/api/v1/themes/").status_code == 200
    assert first.get("/api/v1/themes/").status_code == 429
    assert second.get("/api/v1/themes/").status_code == 200


def test_an_unknown_api_address_answers_json_404(monitor, client, settings):
    settings.DEBUG = False
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_other_unknown_addresses_keep_djangos_404_page(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
