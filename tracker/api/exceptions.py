"""One JSON shape for every API error.

``{"error": {"code": ..., "message": ..., "rule": ..., "fields": {...}}}``:
``code`` is machine-readable (``invalid``, ``not_authenticated``,
``permission_denied``, ``not_found``, ``conflict``, ``throttled``...),
``message`` is for people, ``rule`` names the workflow rule that refused a
change (else null) and ``fields`` holds per-field messages for invalid input.

Workflow errors from :mod:`findings.exceptions` keep their meaning:
NotPermitted → 403, MissingInput → 400, TransitionNotAllowed, ConditionFailed
and StaleVersion → 409. Django's ``ValidationError`` (raised by
``full_clean`` in the services) → 400 with its field messages.
"""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from findings.exceptions import (
    ConditionFailed,
    MissingInput,
    NotPermitted,
    StaleVersion,
    TransitionNotAllowed,
    WorkflowError,
)

NON_FIELD_KEYS = ("non_field_errors", "__all__")

WORKFLOW_STATUS = {
    NotPermitted: (status.HTTP_403_FORBIDDEN, "permission_denied"),
    MissingInput: (status.HTTP_400_BAD_REQUEST, "invalid"),
    TransitionNotAllowed: (status.HTTP_409_CONFLICT, "transition_not_allowed"),
    ConditionFailed: (status.HTTP_409_CONFLICT, "condition_failed"),
    StaleVersion: (status.HTTP_409_CONFLICT, "stale_version"),
}


#: The request field a missing-input rule is about, so a 400 names it in ``fields``.
MISSING_INPUT_FIELDS = {
    "note_required": "note",
    "note_required_when_differing": "note",
    "proposed_assessment_required": "proposed_assessment",
    "reason_required": "reason",
    "assessment_required": "assessment",
}


class WorkflowRefused(exceptions.APIException):
    """A :class:`findings.exceptions.WorkflowError` on its way to the client."""

    def __init__(self, error: WorkflowError):
        for cls in type(error).__mro__:
            if cls in WORKFLOW_STATUS:
                self.status_code, code = WORKFLOW_STATUS[cls]
                break
        else:
            self.status_code, code = status.HTTP_409_CONFLICT, "conflict"
        self.rule = error.rule
        field = MISSING_INPUT_FIELDS.get(error.rule) if isinstance(error, MissingInput) else None
        self.fields = {field: [error.message]} if field else {}
        super().__init__(detail=error.message, code=code)


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as ``{"field.sub": ["message", ...]}``."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for sub_key, messages in _flatten(value, name).items():
                flat.setdefault(sub_key, []).extend(messages)
        return flat
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix: [str(item) for item in detail]}
        flat = {}
        for index, item in enumerate(detail):
            if not item:
                continue
            name = f"{prefix}.{index}" if prefix else str(index)
            for sub_key, messages in _flatten(item, name).items():
                flat.setdefault(sub_key, []).extend(messages)
        return flat
    return {prefix: [str(detail)]}


def _from_django(exc: Exception) -> Exception:
    if isinstance(exc, WorkflowError):
        return WorkflowRefused(exc)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            return exceptions.ValidationError(exc.message_dict)
        return exceptions.ValidationError({"non_field_errors": exc.messages})
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    return exc


def _code(exc: exceptions.APIException) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    codes = exc.get_codes()
    return codes if isinstance(codes, str) else exc.default_code


def error_body(
    code: str, message: str, *, rule: str | None = None, fields: dict | None = None
) -> dict:
    return {"error": {"code": code, "message": message, "rule": rule, "fields": fields or {}}}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF exception handler: map the exception, then wrap it in the error shape."""
    exc = _from_django(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # an unexpected error: let Django log it and answer 500
    fields: dict[str, list[str]] = getattr(exc, "fields", {})
    if isinstance(exc, exceptions.ValidationError):
        flat = _flatten(exc.detail)
        non_field = [m for key in (*NON_FIELD_KEYS, "") for m in flat.pop(key, [])]
        fields = flat
        message = " ".join(non_field) if non_field else str(_("Some fields are invalid."))
    else:
        message = str(exc.detail)
    response.data = error_body(_code(exc), message, rule=getattr(exc, "rule", None), fields=fields)
    return response
