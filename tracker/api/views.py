"""The base every API view builds on, the ``me`` endpoint and JSON 404/500 pages for /api/."""

from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults as django_defaults
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from accounts.roles import Role

from .exceptions import error_body
from .permissions import HasTrackerRole, is_staff_member
from .schema import TrackerAutoSchema


class TrackerAPIMixin:
    """Authentication, the role check and the schema class shared by every endpoint.

    Serializers get ``viewer_is_staff`` in their context, which decides
    whether staff-only fields (reviewers, internal notes...) are written out,
    and ``today`` for "overdue".
    """

    permission_classes = [IsAuthenticated, HasTrackerRole]
    # Request bodies are JSON only: form encoding would turn a missing boolean into false.
    parser_classes = [JSONParser]
    schema = TrackerAutoSchema()

    @property
    def viewer_is_staff(self) -> bool:
        if getattr(self, "swagger_fake_view", False):
            return True  # the schema documents every field
        return is_staff_member(self.request.user)

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["viewer_is_staff"] = self.viewer_is_staff
        # One "today" per request, in the site's time zone (Asia/Almaty).
        context["today"] = timezone.localdate()
        return context


class TrackerViewSet(TrackerAPIMixin, GenericViewSet):
    #: Set per action (``@action(required_permission=...)``) for :class:`HasDjangoPermission`.
    required_permission: str | None = None
    #: Set per action for DRF's ScopedRateThrottle (e.g. ``"submissions"``).
    throttle_scope: str | None = None


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=Role.choices),
        help_text=gettext_lazy("The user's roles in the tracker."),
    )
    is_staff_member = serializers.BooleanField(
        help_text=gettext_lazy("Sees unpublished findings and internal notes.")
    )
    organisation = serializers.CharField(allow_null=True)
    language = serializers.CharField()


class MeView(TrackerAPIMixin, APIView):
    """Who the API key (or session) belongs to, for checking a key works."""

    @extend_schema(responses=MeSerializer, tags=["me"], operation_id="me_retrieve")
    def get(self, request):
        user = request.user
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "roles": [role.value for role in Role if user.has_role(role)],
            "is_staff_member": is_staff_member(user),
            "organisation": user.organisation.name if user.organisation_id else None,
            "language": user.language,
        }
        return Response(MeSerializer(data).data)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def page_not_found(request, exception):
    """The site's 404 handler: the API's error shape under /api/, Django's page elsewhere."""
    if _is_api(request):
        return JsonResponse(error_body("not_found", _("Not found.")), status=404)
    return django_defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse(
            error_body("server_error", _("Something went wrong on our side.")), status=500
        )
    return django_defaults.server_error(request)
