"""Filters for treaties, provisions and obligations (one FilterSet per model)."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from tracker.api.filters import (
    IdMultipleChoiceFilter,
    MultipleChoiceFilter,
    StableOrderingFilter,
    StrictBooleanFilter,
    TrackerFilterSet,
)

from .choices import BodyKind, ObligationKind, ParticipationStatus, TreatyKind
from .models import MonitoringBody, Obligation, Provision, Treaty


class MonitoringBodyFilterSet(TrackerFilterSet):
    kind = MultipleChoiceFilter(choices=BodyKind.choices, label=_("Kind"))

    class Meta:
        model = MonitoringBody
        fields = ["kind"]


class TreatyFilterSet(TrackerFilterSet):
    kind = MultipleChoiceFilter(choices=TreatyKind.choices, label=_("Kind"))
    participation = MultipleChoiceFilter(
        field_name="participation__status",
        choices=ParticipationStatus.choices,
        label=_("Kazakhstan's participation"),
    )
    monitoring_body = IdMultipleChoiceFilter(
        queryset=MonitoringBody.objects.all(), label=_("Monitoring body (id)")
    )
    q = filters.CharFilter(method="search", label=_("Code or title contains"))

    class Meta:
        model = Treaty
        fields = ["kind", "participation", "monitoring_body", "q"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(title__icontains=value))


class ProvisionFilterSet(TrackerFilterSet):
    treaty = IdMultipleChoiceFilter(queryset=Treaty.objects.all(), label=_("Treaty (id)"))

    class Meta:
        model = Provision
        fields = ["treaty"]


class ObligationFilterSet(TrackerFilterSet):
    treaty = IdMultipleChoiceFilter(queryset=Treaty.objects.all(), label=_("Treaty (id)"))
    kind = MultipleChoiceFilter(choices=ObligationKind.choices, label=_("Kind"))
    due_before = filters.DateFilter(
        field_name="due_on", lookup_expr="lte", label=_("Due on or before")
    )
    due_after = filters.DateFilter(
        field_name="due_on", lookup_expr="gte", label=_("Due on or after")
    )
    completed = StrictBooleanFilter(
        field_name="completed_on", lookup_expr="isnull", exclude=True, label=_("Completed")
    )
    overdue = StrictBooleanFilter(
        method="filter_overdue",
        label=_("Overdue: a dated obligation, not completed, due before today (Almaty time)"),
    )
    ordering = StableOrderingFilter(
        fields=(("due_on", "due_on"), ("updated_at", "updated_at"), ("id", "id")),
        label=_("Order by"),
    )

    class Meta:
        model = Obligation
        fields = ["treaty", "kind", "due_before", "due_after", "completed", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = Obligation.objects.overdue(timezone.localdate())
        if value:
            return queryset.filter(pk__in=overdue.values("pk"))
        return queryset.exclude(pk__in=overdue.values("pk"))
