"""The findings admin: the changelist monitoring staff work from, and the change page.

Nothing here writes a finding's status, reviewer or publication itself: the
buttons, forms and actions call :mod:`findings.services`. Edits through the
change form go through :func:`~findings.services.finding_update` with the
version the form was opened at, so a concurrent change is refused and
nothing is written.

Speed: the changelist and the change page run a fixed number of queries
whatever the number of findings, events or links (see
``tests/admin/test_query_counts.py``).
"""

from __future__ import annotations

from functools import partial, update_wrapper

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ExportForm

from treaties.models import Obligation, Provision

from ..exceptions import StaleVersion, WorkflowError
from ..models import Finding
from ..resources import FindingExportResource, FindingImportResource
from ..services import finding_update
from ..workflow import available_transitions
from . import actions, views
from .common import HistoryWithoutRevertAdmin
from .display import is_overdue, status_badge
from .filters import (
    DueFilter,
    ReportFilter,
    ReportKindFilter,
    ReviewerFilter,
    ThemeFilter,
    TreatyFilter,
)
from .forms import STALE_MESSAGE, FindingAdminForm, NewEvidenceFormSet
from .inlines import AssignmentInline, EvidenceInline, FindingEventInline, NewEvidenceInline
from .paginator import EstimatedCountPaginator

TRANSITION_PERMISSIONS = (
    "findings.triage_finding",
    "findings.review_finding",
    "findings.manage_finding",
)


def _import_problems(result) -> str:
    problems = [str(error.error) for error in result.base_errors]
    for number, errors in result.row_errors():
        problems.extend(
            gettext("row %(row)s: %(error)s") % {"row": number, "error": error.error}
            for error in errors
        )
    for row in result.invalid_rows:
        for field, field_errors in row.error_dict.items():
            problems.append(
                gettext("row %(row)s, %(field)s: %(error)s")
                % {"row": row.number, "field": field, "error": " ".join(map(str, field_errors))}
            )
    return "; ".join(problems[:10])


@admin.register(Finding)
class FindingAdmin(ImportExportMixin, HistoryWithoutRevertAdmin):
    form = FindingAdminForm
    list_display = (
        "reference",
        "short_title",
        "report_short",
        "status_badge",
        "priority",
        "reviewer_name",
        "due_display",
        "last_change",
    )
    list_display_links = ("reference",)
    list_filter = (
        "status",
        TreatyFilter,
        ThemeFilter,
        ReportFilter,
        ReportKindFilter,
        ReviewerFilter,
        DueFilter,
        "priority",
        "published",
    )
    search_fields = ("reference", "title", "summary", "report__symbol")
    search_help_text = _("Search the reference, title, summary and the report's document symbol.")
    ordering = ("-updated_at",)
    list_per_page = 50
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = EstimatedCountPaginator
    autocomplete_fields = (
        "report",
        "themes",
        "affected_groups",
        "treaties",
        "provisions",
        "obligations",
        "institutions",
        "repeats",
    )
    readonly_fields = (
        "status_badge",
        "proposed_assessment",
        "reviewer",
        "submitted_for_review_by",
        "submitted_for_review_at",
        "status_changed_at",
        "published",
        "version",
        "created_at",
        "updated_at",
        "report_link",
        "treaty_links",
        "repeats_links",
        "repeated_by_links",
    )
    actions = actions.ACTIONS
    change_form_template = "admin/findings/finding/change_form.html"
    import_export_change_list_template = "admin/findings/finding/change_list.html"
    import_template_name = "admin/findings/finding/import.html"
    formats = (base_formats.CSV, base_formats.XLSX)
    export_form_class = ExportForm
    import_error_display = ("message", "row")

    # --- columns -------------------------------------------------------------------

    @admin.display(description=_("title"), ordering="title")
    def short_title(self, obj: Finding) -> str:
        return Truncator(obj.title).chars(70)

    @admin.display(description=_("report"), ordering="report__published_on")
    def report_short(self, obj: Finding):
        # A document symbol is short; a report without one (a ministry's or an NGO's) would
        # fill the column with its title, so that is shortened, whole on hover.
        report = obj.report
        if report.symbol:
            return report.symbol
        return format_html(
            '<span title="{}">{}</span>', report.title, Truncator(report.title).chars(40)
        )

    @admin.display(description=_("reviewer"), ordering="reviewer__username")
    def reviewer_name(self, obj: Finding) -> str:
        if obj.reviewer is None:
            return "—"
        return obj.reviewer.get_full_name() or obj.reviewer.get_username()

    @admin.display(description=_("last change"), ordering="updated_at")
    def last_change(self, obj: Finding) -> str:
        return date_format(timezone.localtime(obj.updated_at), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("status"), ordering="status")
    def status_badge(self, obj: Finding):
        return status_badge(obj.status)

    @admin.display(description=_("due"), ordering="due_on")
    def due_display(self, obj: Finding):
        if obj.due_on is None:
            return "—"
        if is_overdue(obj.status, obj.due_on, timezone.localdate()):
            return format_html(
                '<span class="tracker-overdue" title="{}">{}</span>',
                _("Overdue"),
                obj.due_on.isoformat(),
            )
        return obj.due_on.isoformat()

    @admin.display(description=_("report"))
    def report_link(self, obj: Finding):
        url = reverse("admin:findings_report_change", args=[obj.report_id])
        return format_html('<a href="{}">{}</a> — {}', url, obj.report, obj.report.title)

    @admin.display(description=_("treaties (their findings)"))
    def treaty_links(self, obj: Finding):
        changelist = reverse("admin:findings_finding_changelist")
        return (
            format_html_join(
                ", ",
                '<a href="{}?treaty={}">{}</a>',
                ((changelist, t.pk, t.code) for t in obj.treaties.all()),
            )
            or "—"
        )

    @admin.display(description=_("repeats earlier findings"))
    def repeats_links(self, obj: Finding):
        return self._finding_links(obj.repeats.all())

    @admin.display(description=_("repeated by later findings"))
    def repeated_by_links(self, obj: Finding):
        return self._finding_links(obj.repeated_by.all())

    def _finding_links(self, findings: QuerySet) -> str:
        return (
            format_html_join(
                ", ",
                '<a href="{}">{} {}</a>',
                (
                    (reverse("admin:findings_finding_change", args=[f.pk]), f.report, f.reference)
                    for f in findings
                ),
            )
            or "—"
        )

    # --- permissions ----------------------------------------------------------------

    def has_delete_permission(self, request, obj=None) -> bool:
        # Nothing is lost: a finding keeps its events, assignments and evidence forever.
        return False

    def has_assign_reviewer_permission(self, request) -> bool:
        return request.user.has_perm("findings.assign_reviewer")

    def has_publish_permission(self, request) -> bool:
        return request.user.has_perm("findings.publish_finding")

    def has_transition_permission(self, request) -> bool:
        return any(request.user.has_perm(perm) for perm in TRANSITION_PERMISSIONS)

    def has_import_permission(self, request) -> bool:
        return request.user.has_perm("findings.add_finding")

    def has_export_permission(self, request) -> bool:
        return self.has_view_permission(request)

    # --- queries --------------------------------------------------------------------

    def get_queryset(self, request):
        # Set here rather than by list_select_related, which the changelist ignores once a
        # queryset has any select_related; the report is also in every finding's name
        # (autocomplete results).
        return super().get_queryset(request).select_related("report", "reviewer")

    def get_object(self, request, object_id, from_field=None):
        queryset = (
            self.get_queryset(request)
            .select_related("reviewer", "submitted_for_review_by")
            .prefetch_related(
                "themes",
                "affected_groups",
                "treaties",
                "institutions",
                Prefetch("provisions", Provision.objects.select_related("treaty")),
                Prefetch("obligations", Obligation.objects.select_related("treaty")),
                Prefetch("repeats", Finding.objects.select_related("report")),
                Prefetch("repeated_by", Finding.objects.select_related("report")),
            )
        )
        field = self.opts.pk if from_field is None else self.opts.get_field(from_field)
        try:
            return queryset.get(**{field.name: field.to_python(object_id)})
        except (Finding.DoesNotExist, ValidationError, ValueError):
            return None

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Selected options are rendered by name; the names need the treaty / report.
        related = {"provisions": "treaty", "obligations": "treaty", "repeats": "report"}
        if db_field.name in related:
            kwargs["queryset"] = db_field.related_model._default_manager.select_related(
                related[db_field.name]
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_export_queryset(self, request):
        return self.with_export_relations(super().get_export_queryset(request))

    @staticmethod
    def with_export_relations(queryset: QuerySet) -> QuerySet:
        return queryset.select_related("report", "reviewer").prefetch_related(
            "themes", "treaties", Prefetch("provisions", Provision.objects.select_related("treaty"))
        )

    # --- import and export ------------------------------------------------------------

    def get_import_resource_classes(self, request):
        return [FindingImportResource]

    def get_export_resource_classes(self, request):
        return [FindingExportResource]

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        # All or nothing: a row that fails validation rolls the whole file back.
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            # The transaction was rolled back: say so, and which rows failed.
            self.message_user(
                request,
                gettext("Nothing was imported: %(problems)s")
                % {"problems": _import_problems(result)},
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:findings_finding_import"))
        return super().process_result(result, request)

    def get_export_filename(self, request, queryset, file_format):
        return f"findings-{timezone.localdate().isoformat()}.{file_format.get_extension()}"

    def export_response(self, request, queryset: QuerySet, file_format) -> HttpResponse:
        """The selected findings as a file in ``file_format`` (used by the export actions)."""
        data = self.get_export_data(
            file_format, request, self.with_export_relations(queryset), encoding=self.to_encoding
        )
        response = HttpResponse(data, content_type=file_format.get_content_type())
        response["Content-Disposition"] = (
            f'attachment; filename="{self.get_export_filename(request, queryset, file_format)}"'
        )
        return response

    # --- the change page --------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        main = ["report", "reference", "kind", "title", "summary", "priority", "due_on"]
        links = [
            "themes",
            "affected_groups",
            "treaties",
            "provisions",
            "obligations",
            "institutions",
            "repeats",
        ]
        upr = ["recommending_states", "state_position"]
        if obj is None:
            return [
                (None, {"fields": main}),
                (_("Links"), {"fields": links}),
                (_("UPR recommendations"), {"fields": upr, "classes": ["collapse"]}),
            ]
        return [
            (None, {"fields": [*main, "expected_version"]}),
            (
                _("Workflow"),
                {
                    "fields": [
                        "status_badge",
                        "proposed_assessment",
                        "reviewer",
                        ("submitted_for_review_by", "submitted_for_review_at"),
                        "status_changed_at",
                        "published",
                        ("version", "created_at", "updated_at"),
                    ]
                },
            ),
            (_("Links"), {"fields": links}),
            (
                _("Related"),
                {"fields": ["report_link", "treaty_links", "repeats_links", "repeated_by_links"]},
            ),
            (_("UPR recommendations"), {"fields": upr, "classes": ["collapse"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return self.readonly_fields

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        inlines = [FindingEventInline, AssignmentInline, EvidenceInline]
        if self.has_change_permission(request, obj):
            inlines.append(NewEvidenceInline)
        return inlines

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            user = request.user
            context.update(
                transitions=available_transitions(obj, user),
                can_assign=self.has_assign_reviewer_permission(request),
                can_publish=self.has_publish_permission(request),
                can_add_evidence=user.has_perm("findings.add_evidence"),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except StaleVersion:
            # Raised inside the admin's transaction, which has rolled back: nothing written.
            self.message_user(request, STALE_MESSAGE, messages.ERROR)
        except WorkflowError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        data = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name != "expected_version" and name in form.cleaned_data
        }
        if data:
            finding_update(
                finding=Finding.objects.get(pk=obj.pk),
                actor=request.user,
                data=data,
                expected_version=form.cleaned_data["expected_version"],
            )

    def save_related(self, request, form, formsets, change):
        if not change:
            form.save_m2m()
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        if isinstance(formset, NewEvidenceFormSet):
            formset.save_new_entries(author=request.user)
        else:
            super().save_formset(request, form, formset, change)

    # --- extra pages -------------------------------------------------------------------

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(update_wrapper(partial(view, self), view))

        name = "findings_finding"
        return [
            path("my-reviews/", wrap(views.my_reviews_view), name=f"{name}_my_reviews"),
            path(
                "auto-assign-unassigned/",
                wrap(views.auto_assign_unassigned_view),
                name=f"{name}_auto_assign_unassigned",
            ),
            path(
                "<path:object_id>/transition/<str:target>/",
                wrap(views.transition_view),
                name=f"{name}_transition",
            ),
            path("<path:object_id>/assign/", wrap(views.assign_view), name=f"{name}_assign"),
            path(
                "<path:object_id>/add-evidence/",
                wrap(views.add_evidence_view),
                name=f"{name}_add_evidence",
            ),
            path("<path:object_id>/publish/", wrap(views.publish_view), name=f"{name}_publish"),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        user = request.user
        extra_context = {
            "can_review": user.has_perm("findings.review_finding")
            or user.has_perm("findings.manage_finding"),
            "can_assign": self.has_assign_reviewer_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)
