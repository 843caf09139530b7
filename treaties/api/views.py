"""Read-only endpoints for monitoring bodies, treaties, provisions and obligations.

Everyone with a role reads all of it: the treaty reference data is public.
"""

from django.db.models import F, Prefetch
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from tracker.api.filters import FilterBackend
from tracker.api.views import TrackerViewSet

from ..filtersets import (
    MonitoringBodyFilterSet,
    ObligationFilterSet,
    ProvisionFilterSet,
    TreatyFilterSet,
)
from ..models import MonitoringBody, Obligation, Provision, Treaty
from .serializers import (
    MonitoringBodySerializer,
    ObligationSerializer,
    ProvisionSerializer,
    TreatySerializer,
)


class ReadOnlyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TrackerViewSet):
    filter_backends = [FilterBackend]


@extend_schema_view(
    list=extend_schema(summary=_("List monitoring bodies")),
    retrieve=extend_schema(summary=_("Get a monitoring body")),
)
@extend_schema(tags=["treaties"])
class MonitoringBodyViewSet(ReadOnlyViewSet):
    """UN treaty bodies, the UPR, ILO supervisory bodies."""

    queryset = MonitoringBody.objects.order_by("code")
    serializer_class = MonitoringBodySerializer
    filterset_class = MonitoringBodyFilterSet


@extend_schema_view(
    list=extend_schema(summary=_("List treaties with Kazakhstan's participation")),
    retrieve=extend_schema(summary=_("Get a treaty with Kazakhstan's participation")),
)
@extend_schema(tags=["treaties"])
class TreatyViewSet(ReadOnlyViewSet):
    """Treaties and protocols, each with Kazakhstan's participation nested."""

    queryset = Treaty.objects.select_related("parent", "monitoring_body", "participation").order_by(
        "code"
    )
    serializer_class = TreatySerializer
    filterset_class = TreatyFilterSet


@extend_schema_view(
    list=extend_schema(summary=_("List treaty provisions")),
    retrieve=extend_schema(summary=_("Get a treaty provision")),
)
@extend_schema(tags=["treaties"])
class ProvisionViewSet(ReadOnlyViewSet):
    """Articles of treaties that findings and obligations cite."""

    queryset = Provision.objects.select_related("treaty").order_by("treaty__code", "position", "id")
    serializer_class = ProvisionSerializer
    filterset_class = ProvisionFilterSet


@extend_schema_view(
    list=extend_schema(summary=_("List obligations with their due dates")),
    retrieve=extend_schema(summary=_("Get an obligation")),
)
@extend_schema(tags=["treaties"])
class ObligationViewSet(ReadOnlyViewSet):
    """What the state must do under each treaty; reporting obligations fall due on a date."""

    queryset = (
        Obligation.objects.select_related("treaty")
        .prefetch_related(
            Prefetch("provisions", queryset=Provision.objects.select_related("treaty"))
        )
        .order_by(F("due_on").asc(nulls_last=True), "treaty__code", "id")
    )
    serializer_class = ObligationSerializer
    filterset_class = ObligationFilterSet
