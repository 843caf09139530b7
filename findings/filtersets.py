"""Filters for reports, themes, findings and partner submissions (one FilterSet per model).

The findings filterset is shared by the API list, the CSV export and
anything else that lists findings; give it ``request`` so that staff-only
filters answer 400 for partners (a partner cannot find out who reviews what
by filtering on it).
"""

import operator
from functools import reduce

from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters

from accounts.models import User
from tracker.api.filters import (
    ExistsMultipleChoiceFilter,
    IdFilter,
    IdMultipleChoiceFilter,
    MultipleChoiceFilter,
    RefusedFilter,
    StableOrderingFilter,
    StrictBooleanFilter,
    TrackerFilterSet,
)
from tracker.api.permissions import is_staff_member
from treaties.models import MonitoringBody, Obligation, Provision, Treaty

from .choices import (
    OPEN_STATUSES,
    EvidenceKind,
    FindingKind,
    Moderation,
    Priority,
    ReportKind,
    Status,
    Visibility,
)
from .models import Evidence, Finding, Report, Theme
from .querysets import partner_disagreement_q

PRIORITY_RANK = Case(
    When(priority=Priority.HIGH, then=Value(0)),
    When(priority=Priority.MEDIUM, then=Value(1)),
    When(priority=Priority.LOW, then=Value(2)),
    default=Value(3),
)


class ThemeFilterSet(TrackerFilterSet):
    slug = filters.CharFilter(label=_("Code"))

    class Meta:
        model = Theme
        fields = ["slug"]


class ReportFilterSet(TrackerFilterSet):
    kind = MultipleChoiceFilter(choices=ReportKind.choices, label=_("Kind"))
    monitoring_body = IdMultipleChoiceFilter(
        queryset=MonitoringBody.objects.all(), label=_("Monitoring body (id)")
    )
    published_after = filters.DateFilter(
        field_name="published_on", lookup_expr="gte", label=_("Published on or after")
    )
    published_before = filters.DateFilter(
        field_name="published_on", lookup_expr="lte", label=_("Published on or before")
    )

    class Meta:
        model = Report
        fields = ["kind", "monitoring_body", "published_after", "published_before"]


def _links(field_name: str):
    """The link table of ``Finding.<field_name>`` and its two foreign keys."""
    field = Finding._meta.get_field(field_name)
    through = field.remote_field.through
    return {
        "field_name": field_name,
        "through": through,
        "link_field": field.m2m_field_name(),
        "target_field": field.m2m_reverse_field_name(),
    }


class FindingFilterSet(TrackerFilterSet):
    """Every filter a partner or staff member can put on a findings list or export."""

    status = MultipleChoiceFilter(choices=Status.choices, label=_("Status"))
    kind = MultipleChoiceFilter(choices=FindingKind.choices, label=_("Kind"))
    priority = MultipleChoiceFilter(choices=Priority.choices, label=_("Priority"))
    report = IdMultipleChoiceFilter(queryset=Report.objects.all(), label=_("Report (id)"))
    report_kind = MultipleChoiceFilter(
        field_name="report__kind", choices=ReportKind.choices, label=_("Report kind")
    )
    monitoring_body = IdMultipleChoiceFilter(
        field_name="report__monitoring_body",
        queryset=MonitoringBody.objects.all(),
        label=_("Monitoring body of the report (id)"),
    )
    treaty = ExistsMultipleChoiceFilter(
        queryset=Treaty.objects.all(), label=_("Linked treaty (id)"), **_links("treaties")
    )
    provision = ExistsMultipleChoiceFilter(
        queryset=Provision.objects.all(), label=_("Linked provision (id)"), **_links("provisions")
    )
    obligation = ExistsMultipleChoiceFilter(
        queryset=Obligation.objects.all(),
        label=_("Linked obligation (id)"),
        **_links("obligations"),
    )
    theme = ExistsMultipleChoiceFilter(
        queryset=Theme.objects.all(), label=_("Theme (id)"), **_links("themes")
    )
    overdue = StrictBooleanFilter(
        method="filter_overdue",
        label=_("Overdue: still open and the next assessment date is before today (Almaty time)"),
    )
    due_before = filters.DateFilter(
        field_name="due_on", lookup_expr="lte", label=_("Next assessment due on or before")
    )
    due_after = filters.DateFilter(
        field_name="due_on", lookup_expr="gte", label=_("Next assessment due on or after")
    )
    updated_since = filters.IsoDateTimeFilter(
        method="filter_updated_since",
        label=_(
            "Changed at or after this time (ISO 8601): the finding, its status, or evidence "
            "you can see. For incremental sync."
        ),
    )
    disagreement = StrictBooleanFilter(
        method="filter_disagreement",
        label=_("A partner organisation's latest accepted assessment differs from the status"),
    )
    q = filters.CharFilter(
        method="search", label=_("Words that must all appear in the title or summary")
    )
    # Staff only: refused for partners in __init__.
    published = StrictBooleanFilter(label=_("Published to partners (staff only)"))
    reviewer = IdMultipleChoiceFilter(
        queryset=User.objects.all(), label=_("Assigned reviewer (id; staff only)")
    )
    ordering = StableOrderingFilter(
        fields=(
            ("due_on", "due_on"),
            ("updated_at", "updated_at"),
            ("created_at", "created_at"),
            ("priority", "priority"),
            ("status", "status"),
            ("title", "title"),
            ("id", "id"),
        ),
        expressions={"priority": PRIORITY_RANK},
        label=_("Order by (comma-separated; prefix - for descending; id breaks ties)"),
    )

    STAFF_ONLY = ("published", "reviewer")

    class Meta:
        model = Finding
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        self.viewer_is_staff = is_staff_member(user)
        self.viewer_organisation_id = getattr(user, "organisation_id", None)
        if not self.viewer_is_staff:
            for name in self.STAFF_ONLY:
                if name not in self.filters:
                    continue  # not given (see TrackerFilterSet)
                refused = RefusedFilter(field_name=name)
                refused.model, refused.parent = Finding, self
                self.filters[name] = refused

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status__in=OPEN_STATUSES, due_on__lt=timezone.localdate())
        return queryset.filter(overdue) if value else queryset.exclude(overdue)

    def filter_updated_since(self, queryset, name, value):
        # Status and reviewer changes, edits, publication and every evidence change partners
        # can see set the finding's updated_at (findings.services), so one index range serves.
        if not self.viewer_is_staff:
            return queryset.filter(updated_at__gte=value)
        # Internal notes leave updated_at alone (partners must not see them as changes), so
        # staff add the findings with notes since then: a UNION of two index range scans
        # (an OR would make PostgreSQL read every finding).
        changed = (
            Finding.objects.filter(updated_at__gte=value)
            .order_by()
            .values("pk")
            .union(
                Evidence.objects.filter(visibility=Visibility.INTERNAL, created_at__gte=value)
                .order_by()
                .values("finding_id")
            )
        )
        return queryset.filter(pk__in=changed)

    def filter_disagreement(self, queryset, name, value):
        if value:
            # A semi-join: the few disagreeing findings are found from the evidence side.
            return queryset.filter(partner_disagreement_q())
        # Computed once and hashed: a correlated NOT EXISTS per row costs more over the whole
        # table, and its cost estimate makes PostgreSQL spend ~250 ms compiling it (JIT).
        return queryset.exclude(pk__in=Finding.objects.with_partner_disagreement().values("pk"))

    def search(self, queryset, name, value):
        words = value.split()
        if not words:
            return queryset
        return queryset.filter(
            reduce(
                operator.and_,
                (Q(title__icontains=word) | Q(summary__icontains=word) for word in words),
            )
        )


class SubmissionFilterSet(TrackerFilterSet):
    """Partner submissions (evidence and assessments) by moderation state."""

    moderation = MultipleChoiceFilter(choices=Moderation.choices, label=_("Moderation"))
    kind = MultipleChoiceFilter(
        choices=[(k.value, k.label) for k in (EvidenceKind.EVIDENCE, EvidenceKind.ASSESSMENT)],
        label=_("Kind"),
    )
    # A plain number, not a model choice: a partner must not learn which ids exist.
    finding = IdFilter(field_name="finding_id", label=_("Finding (id)"))
    submitted_since = filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", label=_("Submitted at or after")
    )

    class Meta:
        model = Evidence
        fields = ["moderation", "kind", "finding", "submitted_since"]
