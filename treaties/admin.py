"""Admin of treaties, Kazakhstan's participation, provisions and obligations.

Treaties show Kazakhstan's participation inline and link to their findings;
obligations list the open ones first, the earliest due date first. The
Celery beat schedules are registered by django-celery-beat itself.
"""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from findings.admin.common import HistoryWithoutRevertAdmin, findings_count_subquery
from findings.models import Finding

from .models import MonitoringBody, Obligation, Participation, Provision, Treaty


@admin.register(MonitoringBody)
class MonitoringBodyAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind")
    list_filter = ("kind",)
    search_fields = ("code", "name")


class ParticipationInline(admin.StackedInline):
    model = Participation
    can_delete = False
    extra = 0
    max_num = 1
    verbose_name = _("Kazakhstan's participation")
    verbose_name_plural = _("Kazakhstan's participation")
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "status",
                    ("signed_on", "consent_kind"),
                    ("deposited_on", "in_force_on"),
                    ("domestic_act", "domestic_act_date"),
                    "individual_complaints",
                    "reservations",
                ]
            },
        ),
        (_("Sources"), {"fields": ["source", "verified", "verification_note"]}),
    ]


class ProvisionInline(admin.TabularInline):
    model = Provision
    extra = 0
    fields = ("number", "title", "position")
    show_change_link = True


@admin.register(Treaty)
class TreatyAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "title",
        "kind",
        "participation_status",
        "deposited_on",
        "in_force_on",
        "findings_link",
    )
    list_filter = ("kind", "participation__status", "monitoring_body")
    list_select_related = ("participation", "monitoring_body")
    search_fields = ("code", "title")
    autocomplete_fields = ("parent", "monitoring_body")
    inlines = [ParticipationInline, ProvisionInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(findings_count=findings_count_subquery(Finding.treaties.through, "treaty"))
        )

    def _participation(self, obj: Treaty) -> Participation | None:
        try:
            return obj.participation
        except Participation.DoesNotExist:
            return None

    @admin.display(description=_("Kazakhstan"), ordering="participation__status")
    def participation_status(self, obj: Treaty) -> str:
        participation = self._participation(obj)
        return participation.get_status_display() if participation else "—"

    @admin.display(description=_("deposited on"), ordering="participation__deposited_on")
    def deposited_on(self, obj: Treaty):
        participation = self._participation(obj)
        return participation.deposited_on if participation and participation.deposited_on else "—"

    @admin.display(description=_("in force on"), ordering="participation__in_force_on")
    def in_force_on(self, obj: Treaty):
        participation = self._participation(obj)
        return participation.in_force_on if participation and participation.in_force_on else "—"

    @admin.display(description=_("findings"), ordering="findings_count")
    def findings_link(self, obj: Treaty):
        url = reverse("admin:findings_finding_changelist")
        return format_html('<a href="{}?treaty={}">{}</a>', url, obj.pk, obj.findings_count)


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = (
        "treaty",
        "status",
        "consent_kind",
        "deposited_on",
        "domestic_act",
        "domestic_act_date",
        "in_force_on",
        "individual_complaints",
        "verified",
    )
    list_filter = ("status", "consent_kind", "individual_complaints", "verified")
    list_select_related = ("treaty",)
    search_fields = ("treaty__code", "treaty__title", "domestic_act")
    autocomplete_fields = ("treaty",)


@admin.register(Provision)
class ProvisionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "treaty", "number", "title")
    list_filter = ("treaty",)
    list_select_related = ("treaty",)
    search_fields = ("treaty__code", "number", "title")
    autocomplete_fields = ("treaty",)

    def get_queryset(self, request):
        # The treaty code is part of every provision's name (autocomplete too).
        return super().get_queryset(request).select_related("treaty")


class ObligationDueFilter(admin.SimpleListFilter):
    title = _("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("90", _("Due in the next 90 days")),
            ("open", _("Not completed")),
            ("completed", _("Completed")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        value = self.value()
        if value == "overdue":
            return queryset.overdue(today)
        if value == "90":
            return queryset.upcoming(today, 90)
        if value == "open":
            return queryset.open()
        if value == "completed":
            return queryset.filter(completed_on__isnull=False)
        return queryset


@admin.register(Obligation)
class ObligationAdmin(HistoryWithoutRevertAdmin):
    list_display = (
        "due_display",
        "treaty",
        "kind",
        "title",
        "periodicity_months",
        "completed_on",
        "verified",
    )
    list_display_links = ("title",)
    list_filter = (ObligationDueFilter, "kind", "treaty", "verified")
    list_select_related = ("treaty",)
    search_fields = ("title", "reference", "treaty__code")
    autocomplete_fields = ("treaty", "provisions")
    # Open obligations first, the earliest due date first; completed ones after.
    ordering = (F("completed_on").asc(nulls_first=True), F("due_on").asc(nulls_last=True))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("treaty")

    @admin.display(description=_("due on"), ordering="due_on")
    def due_display(self, obj: Obligation):
        if obj.due_on is None:
            return "—"
        today = timezone.localdate()
        if obj.completed_on is None and obj.due_on < today:
            return format_html('<strong style="color:var(--error-fg)">{}</strong>', obj.due_on)
        if obj.completed_on is None and obj.due_on <= today + datetime.timedelta(days=90):
            return format_html("<strong>{}</strong>", obj.due_on)
        return obj.due_on

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "provisions":
            kwargs["queryset"] = Provision.objects.select_related("treaty")
        return super().formfield_for_manytomany(db_field, request, **kwargs)
