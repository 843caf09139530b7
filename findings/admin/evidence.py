"""Notes and evidence, and the queue of partner submissions waiting for moderation.

Entries are never edited or deleted here: staff add them from the finding
(through :func:`~findings.services.evidence_create`), and partner submissions
are accepted or rejected with a reason through
:func:`~findings.services.evidence_moderate`.
"""

from __future__ import annotations

from functools import update_wrapper
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from ..exceptions import WorkflowError
from ..models import Evidence
from ..services import evidence_moderate
from .forms import RejectForm


class OriginFilter(admin.SimpleListFilter):
    title = _("origin")
    parameter_name = "origin"

    def lookups(self, request, model_admin):
        return [("staff", _("Staff")), ("partner", _("Partner organisation"))]

    def queryset(self, request, queryset):
        if self.value() == "staff":
            return queryset.filter(organisation__isnull=True)
        if self.value() == "partner":
            return queryset.filter(organisation__isnull=False)
        return queryset


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "finding",
        "kind",
        "short_text",
        "author",
        "organisation",
        "visibility",
        "moderation",
    )
    list_filter = ("moderation", "kind", "visibility", OriginFilter)
    list_select_related = ("finding__report", "author", "organisation")
    search_fields = ("text", "source", "finding__reference", "finding__title")
    ordering = ("-created_at", "-id")
    show_full_result_count = False
    actions = ["accept_selected", "reject_selected"]
    readonly_fields = (
        "finding",
        "kind",
        "author",
        "organisation",
        "text",
        "source",
        "evidence_date",
        "visibility",
        "assessment",
        "moderation",
        "moderated_by",
        "moderated_at",
        "moderation_reason",
        "created_at",
    )

    @admin.display(description=_("text"))
    def short_text(self, obj: Evidence) -> str:
        return Truncator(obj.text).chars(80)

    def has_add_permission(self, request) -> bool:
        # Added from the finding, so that it goes through evidence_create().
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_moderate_permission(self, request) -> bool:
        return request.user.has_perm("findings.moderate_evidence")

    # --- actions ----------------------------------------------------------------------

    @admin.action(description=_("Accept selected partner submissions"), permissions=["moderate"])
    def accept_selected(self, request: HttpRequest, queryset) -> None:
        self._moderate_each(request, queryset, accept=True, reason="")

    @admin.action(description=_("Reject selected partner submissions…"), permissions=["moderate"])
    def reject_selected(self, request: HttpRequest, queryset) -> HttpResponse | None:
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            self._moderate_each(request, queryset, accept=False, reason=form.cleaned_data["reason"])
            return None
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            "admin/findings/evidence/reject.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Reject partner submissions"),
                "form": form,
                "items": list(queryset.select_related("finding__report", "organisation")),
                "action": "reject_selected",
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
                "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across", "0"),
            },
        )

    def _moderate_each(self, request: HttpRequest, queryset, *, accept: bool, reason: str):
        done, failed = 0, []
        for evidence in queryset:
            try:
                evidence_moderate(
                    evidence=evidence, actor=request.user, accept=accept, reason=reason
                )
            except WorkflowError as exc:
                failed.append(f"#{evidence.pk}: {exc}")
            else:
                done += 1
        if done:
            message = (
                ngettext("Accepted %(count)d submission.", "Accepted %(count)d submissions.", done)
                if accept
                else ngettext(
                    "Rejected %(count)d submission.", "Rejected %(count)d submissions.", done
                )
            )
            self.message_user(request, message % {"count": done}, messages.SUCCESS)
        if failed:
            self.message_user(
                request,
                gettext("Left unchanged: %(list)s") % {"list": "; ".join(failed[:10])},
                messages.ERROR,
            )

    # --- the submissions queue ------------------------------------------------------------

    def get_urls(self):
        def wrap(view):
            def wrapper(*args: Any, **kwargs: Any):
                return self.admin_site.admin_view(view)(*args, **kwargs)

            return update_wrapper(wrapper, view)

        return [
            path(
                "submissions/",
                wrap(self.submissions_view),
                name="findings_evidence_submissions",
            ),
            path(
                "<path:object_id>/moderate/",
                wrap(self.moderate_view),
                name="findings_evidence_moderate",
            ),
            *super().get_urls(),
        ]

    def submissions_view(self, request: HttpRequest) -> HttpResponse:
        """Pending partner submissions, the oldest first, each to accept or reject."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        pending = list(
            Evidence.objects.pending()
            .select_related("finding__report", "author", "organisation")
            .order_by("created_at", "pk")[:200]
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request,
            "admin/findings/evidence/submissions.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Partner submissions to moderate"),
                "pending": pending,
            },
        )

    def moderate_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Accept (``decision=accept``) or reject (``decision=reject``, with a reason) one
        submission."""
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:findings_evidence_submissions"))
        evidence = Evidence.objects.filter(pk=object_id if object_id.isdigit() else None).first()
        if evidence is None:
            raise Http404(gettext("No such submission."))
        accept = request.POST.get("decision") == "accept"
        try:
            evidence_moderate(
                evidence=evidence,
                actor=request.user,
                accept=accept,
                reason=request.POST.get("reason", ""),
            )
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                gettext("Accepted the submission.")
                if accept
                else gettext("Rejected the submission."),
            )
        return HttpResponseRedirect(reverse("admin:findings_evidence_submissions"))

    def changelist_view(self, request: HttpRequest, extra_context=None):
        extra_context = {
            "can_moderate": self.has_moderate_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)
