"""Admins of reports and the managed vocabularies, and the read-only audit lists."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role

from ..models import AffectedGroup, Assignment, Finding, FindingEvent, Institution, Report, Theme
from .common import findings_count_subquery


def _changelist_link(parameter: str, pk: int, count: int):
    url = reverse("admin:findings_finding_changelist")
    return format_html('<a href="{}?{}={}">{}</a>', url, parameter, pk, count)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("__str__", "title", "kind", "issuer", "published_on", "findings_link")
    list_filter = ("kind", "monitoring_body")
    search_fields = ("symbol", "title", "issuer")
    autocomplete_fields = ("monitoring_body",)
    list_select_related = ("monitoring_body",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(findings_count=findings_count_subquery(Finding, "report"))
        )

    @admin.display(description=_("findings"), ordering="findings_count")
    def findings_link(self, obj: Report):
        return _changelist_link("report", obj.pk, obj.findings_count)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "findings_link")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("reviewers",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(findings_count=findings_count_subquery(Finding.themes.through, "theme"))
        )

    @admin.display(description=_("findings"), ordering="findings_count")
    def findings_link(self, obj: Theme):
        return _changelist_link("theme", obj.pk, obj.findings_count)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "reviewers":
            kwargs["queryset"] = db_field.related_model.objects.filter(groups__name=Role.REVIEWER)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(AffectedGroup)
class AffectedGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


class AppendOnlyAdmin(admin.ModelAdmin):
    """A list to read: nobody adds, changes or deletes these rows, superusers included."""

    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FindingEvent)
class FindingEventAdmin(AppendOnlyAdmin):
    list_display = ("created_at", "finding", "from_status", "to_status", "actor", "note")
    list_filter = ("to_status", "from_status")
    list_select_related = ("finding__report", "actor")
    search_fields = ("finding__reference", "finding__title", "note", "actor__username")
    ordering = ("-created_at", "-id")


@admin.register(Assignment)
class AssignmentAdmin(AppendOnlyAdmin):
    list_display = (
        "created_at",
        "finding",
        "reviewer",
        "previous_reviewer",
        "assigned_by",
        "method",
    )
    list_filter = ("method",)
    list_select_related = ("finding__report", "reviewer", "previous_reviewer", "assigned_by")
    search_fields = ("finding__reference", "finding__title", "reviewer__username")
    ordering = ("-created_at", "-id")
