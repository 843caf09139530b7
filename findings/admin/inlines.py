"""Inlines of the finding change page: the read-only timeline and notes, and "add a note"."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from ..models import Assignment, Evidence, FindingEvent
from .forms import EvidenceForm, NewEvidenceFormSet


class ReadOnlyInline(admin.TabularInline):
    """Rows shown, never added, changed or deleted here (the audit trail is append-only)."""

    extra = 0
    can_delete = False
    show_change_link = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class FindingEventInline(ReadOnlyInline):
    model = FindingEvent
    verbose_name = _("status change")
    verbose_name_plural = _("Timeline: status changes")
    fields = ("created_at", "from_status", "to_status", "actor", "proposed_assessment", "note")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class AssignmentInline(ReadOnlyInline):
    model = Assignment
    verbose_name = _("reviewer assignment")
    verbose_name_plural = _("Timeline: reviewer assignments")
    fields = ("created_at", "reviewer", "previous_reviewer", "assigned_by", "method", "reason")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("reviewer", "previous_reviewer", "assigned_by")
        )


class EvidenceInline(ReadOnlyInline):
    model = Evidence
    verbose_name = _("note or evidence")
    verbose_name_plural = _("Notes and evidence")
    fields = (
        "created_at",
        "kind",
        "author",
        "organisation",
        "text",
        "source",
        "evidence_date",
        "visibility",
        "assessment",
        "moderation",
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author", "organisation")


class NewEvidenceInline(admin.StackedInline):
    """One empty form to add a note or evidence item while editing; saved by ``evidence_create``."""

    model = Evidence
    form = EvidenceForm
    formset = NewEvidenceFormSet
    fields = ("kind", "text", "source", "evidence_date", "visibility", "assessment")
    extra = 1
    max_num = 1
    can_delete = False
    verbose_name = _("new note or evidence")
    verbose_name_plural = _("Add a note or evidence")

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def has_add_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("findings.add_evidence")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_add_permission(request, obj)
