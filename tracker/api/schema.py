"""OpenAPI description of the API: the error shape, API-key auth and staff-only fields.

Every operation gets the error responses it can really produce without each
view repeating them: 401, 403 and 429 everywhere, 404 wherever a path names
an object or a page is asked for, 400 wherever a body or query parameters can
be wrong. Views add 409 themselves where a workflow conflict is possible.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

ERROR_DESCRIPTIONS = {
    400: _("The request is invalid; `fields` names each bad field."),
    401: _("No valid API key or session was given."),
    403: _("Your role does not allow this, or a workflow rule forbids it for you."),
    404: _("No such object, or you may not see it."),
    409: _(
        "A workflow rule stops this change (`rule` names it), or the finding changed "
        "since you read it (`rule` is `stale_version`)."
    ),
    429: _("Too many requests; wait for the number of seconds in `Retry-After`."),
}


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Machine-readable error code, e.g. `not_found`."))
    message = serializers.CharField(help_text=_("What went wrong, in the user's language."))
    rule = serializers.CharField(
        allow_null=True,
        help_text=_("For workflow errors: the rule that stopped the change; otherwise null."),
    )
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_("For invalid input: messages per field (nested fields joined with dots)."),
    )


class ErrorSerializer(serializers.Serializer):
    """Every error response of the API has this shape."""

    error = ErrorDetailSerializer()


def error_response(status_code: int) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=ERROR_DESCRIPTIONS[status_code])


def error_responses(*status_codes: int) -> dict[int, OpenApiResponse]:
    """``{409: ...}`` for ``extend_schema(responses=...)``."""
    return {code: error_response(code) for code in status_codes}


class StaffOnlyFieldsMixin:
    """Drops ``Meta.staff_only_fields`` from the output unless the viewer is staff.

    The view puts ``viewer_is_staff`` in the serializer context (true while the
    schema is generated); without it the fields are left out, so forgetting
    the context can only hide data. In the schema those fields are optional and
    say "Staff only".
    """

    def get_fields(self):
        fields = super().get_fields()
        if self.context.get("viewer_is_staff") is not True:
            for name in getattr(self.Meta, "staff_only_fields", ()):
                fields.pop(name, None)
        return fields


class TrackerAutoSchema(AutoSchema):
    """AutoSchema that documents the common error responses and staff-only fields."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = [401, 403, 429]
        if self._needs_404():
            codes.append(404)
        if self._can_be_invalid():
            codes.append(400)
        for code in codes:
            responses.setdefault(
                str(code), self._get_response_for_code(error_response(code), str(code))
            )
        return dict(sorted(responses.items()))

    def _needs_404(self) -> bool:
        return "{" in self.path or self._is_list_view()

    def _can_be_invalid(self) -> bool:
        return self.method in ("POST", "PUT", "PATCH") or bool(self._get_filter_parameters())

    def _get_filter_parameters(self):
        return _allowing_empty(super()._get_filter_parameters())

    def _get_pagination_parameters(self):
        return _allowing_empty(super()._get_pagination_parameters())

    def get_filter_backends(self):
        # Some non-list operations (the CSV export, the summary) honour the list filters;
        # other actions that answer a list (e.g. available transitions) do not.
        action = getattr(self.view, "action", None)
        if getattr(self.view, "schema_filters", False) or action in getattr(
            self.view, "filtered_actions", ()
        ):
            return getattr(self.view, "filter_backends", [])
        if action not in (None, "list"):
            return []
        return super().get_filter_backends()

    def _map_basic_serializer(self, serializer, direction):
        schema = super()._map_basic_serializer(serializer, direction)
        staff_only = getattr(getattr(serializer, "Meta", None), "staff_only_fields", ())
        if staff_only and direction == "response":
            # Serializers built for the schema have no viewer, so build the full field set.
            required = [name for name in schema.get("required", []) if name not in staff_only]
            if required:
                schema["required"] = required
            else:
                schema.pop("required", None)
            for name in staff_only:
                prop = schema["properties"].get(name)
                if prop is not None and "$ref" not in prop:
                    prop["description"] = (
                        f"{_('Staff only.')} {prop.get('description', '')}".strip()
                    )
        return schema


def _allowing_empty(parameters: list[dict]) -> list[dict]:
    """Query parameters given empty (``?status=``) are ignored, as in an HTML form; say so."""
    for parameter in parameters:
        if parameter.get("in") == "query":
            parameter["allowEmptyValue"] = True
    return parameters


class APIKeyScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.authentication.APIKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": str(
                _(
                    "A personal API key created by staff in the admin, sent as "
                    "`Authorization: Api-Key <key>`."
                )
            ),
        }
