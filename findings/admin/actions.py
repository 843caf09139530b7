"""Bulk actions on selected findings. Each one calls the workflow services per finding
(so the same rules apply as on the change page) and reports what it could not do."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from import_export.formats import base_formats

from ..exceptions import StaleVersion, WorkflowError
from ..models import Finding
from ..services import (
    finding_assign_reviewer,
    finding_auto_assign,
    finding_transition,
    findings_set_published,
)
from ..workflow import check_transition
from .display import status_label
from .forms import AssignReviewerForm, BulkTransitionForm

if TYPE_CHECKING:
    from .finding import FindingAdmin

#: Most findings one bulk action works on; more would make a page nobody can check.
MAX_BULK = 500
#: How many refused findings a message names before it says "and N more".
MAX_NAMED = 10


def _too_many(model_admin: FindingAdmin, request: HttpRequest, queryset: QuerySet) -> bool:
    if queryset.count() > MAX_BULK:
        model_admin.message_user(
            request,
            gettext("Select at most %(max)d findings for this action.") % {"max": MAX_BULK},
            messages.ERROR,
        )
        return True
    return False


def _name(finding: Finding) -> str:
    return f"{finding.report} {finding.reference}"


def _report_failures(
    model_admin: FindingAdmin, request: HttpRequest, failures: list[tuple[Finding, str]]
) -> None:
    if not failures:
        return
    named = "; ".join(f"{_name(f)}: {reason}" for f, reason in failures[:MAX_NAMED])
    more = len(failures) - MAX_NAMED
    if more > 0:
        named += " " + gettext("… and %(count)d more.") % {"count": more}
    model_admin.message_user(
        request,
        ngettext(
            "%(count)d finding was left unchanged: %(list)s",
            "%(count)d findings were left unchanged: %(list)s",
            len(failures),
        )
        % {"count": len(failures), "list": named},
        messages.ERROR,
    )


def _each(
    queryset: QuerySet, apply: Callable[[Finding], Any]
) -> tuple[list[Finding], list[tuple[Finding, str]]]:
    """Apply to every finding on its own (one transaction each); collect who failed and why."""
    done, failed = [], []
    for finding in queryset.select_related("report"):
        try:
            apply(finding)
        except WorkflowError as exc:
            failed.append((finding, str(exc)))
        else:
            done.append(finding)
    return done, failed


def _action_page(
    model_admin: FindingAdmin,
    request: HttpRequest,
    template: str,
    action: str,
    context: dict[str, Any],
) -> TemplateResponse:
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(
        request,
        template,
        {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.opts,
            "action": action,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
            "select_across": request.POST.get("select_across", "0"),
            **context,
        },
    )


@admin.action(description=_("Assign a reviewer"), permissions=["assign_reviewer"])
def assign_reviewer(
    model_admin: FindingAdmin, request: HttpRequest, queryset: QuerySet
) -> HttpResponse | None:
    if _too_many(model_admin, request, queryset):
        return None
    form = AssignReviewerForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        reviewer = form.cleaned_data["reviewer"]
        done, failed = _each(
            queryset,
            lambda finding: finding_assign_reviewer(
                finding=finding,
                reviewer=reviewer,
                actor=request.user,
                reason=form.cleaned_data["reason"],
            ),
        )
        if done:
            model_admin.message_user(
                request,
                ngettext(
                    "%(reviewer)s now reviews %(count)d finding.",
                    "%(reviewer)s now reviews %(count)d findings.",
                    len(done),
                )
                % {"reviewer": reviewer, "count": len(done)},
                messages.SUCCESS,
            )
        _report_failures(model_admin, request, failed)
        return None
    return _action_page(
        model_admin,
        request,
        "admin/findings/finding/bulk_assign.html",
        "assign_reviewer",
        {
            "title": _("Assign a reviewer"),
            "form": form,
            "findings": list(queryset.select_related("report", "reviewer")),
            "media": model_admin.media + form.media,
        },
    )


@admin.action(description=_("Assign a reviewer automatically"), permissions=["assign_reviewer"])
def auto_assign(model_admin: FindingAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    if _too_many(model_admin, request, queryset):
        return
    done, failed = _each(
        queryset, lambda finding: finding_auto_assign(finding=finding, actor=request.user)
    )
    if done:
        model_admin.message_user(
            request,
            ngettext(
                "Assigned a reviewer to %(count)d finding.",
                "Assigned a reviewer to %(count)d findings.",
                len(done),
            )
            % {"count": len(done)},
            messages.SUCCESS,
        )
    _report_failures(model_admin, request, failed)


def _version_of(request: HttpRequest, pk: int) -> int | None:
    try:
        return int(request.POST.get(f"version_{pk}", ""))
    except ValueError:
        return None


@admin.action(description=_("Apply a status change"), permissions=["transition"])
def apply_transition(
    model_admin: FindingAdmin, request: HttpRequest, queryset: QuerySet
) -> HttpResponse | None:
    """Three steps: choose the move; see which findings can make it and why the others
    cannot; apply it to those that can (each at the version shown), none of the others."""
    if _too_many(model_admin, request, queryset):
        return None
    step = request.POST.get("step", "")
    form = BulkTransitionForm(request.POST if step in ("preview", "apply") else None)
    if not form.is_valid():
        return _action_page(
            model_admin,
            request,
            "admin/findings/finding/bulk_transition.html",
            "apply_transition",
            {
                "title": _("Apply a status change"),
                "form": form,
                "count": queryset.count(),
                "media": model_admin.media + form.media,
            },
        )
    target = form.cleaned_data["to_status"]
    note = form.cleaned_data["note"]
    assessment = form.cleaned_data["proposed_assessment"]
    findings = list(queryset.select_related("report"))

    if step == "apply":
        ready = {int(pk) for pk in request.POST.getlist("ready") if pk.isdigit()}

        def move(finding: Finding) -> None:
            version = _version_of(request, finding.pk)
            if version is None:
                raise StaleVersion(gettext("It was not in the list you confirmed."))
            finding_transition(
                finding=finding,
                to_status=target,
                actor=request.user,
                note=note,
                proposed_assessment=assessment,
                expected_version=version,
            )

        done, failed = _each(queryset.filter(pk__in=ready), move)
        if done:
            model_admin.message_user(
                request,
                ngettext(
                    "Moved %(count)d finding to “%(status)s”.",
                    "Moved %(count)d findings to “%(status)s”.",
                    len(done),
                )
                % {"count": len(done), "status": status_label(target)},
                messages.SUCCESS,
            )
        _report_failures(model_admin, request, failed)
        if not done and not failed:
            model_admin.message_user(
                request, gettext("No finding could make this change."), messages.WARNING
            )
        return None

    able, unable = [], []
    for finding in findings:
        try:
            check_transition(
                finding, target, request.user, note=note, proposed_assessment=assessment
            )
        except WorkflowError as exc:
            unable.append((finding, str(exc)))
        else:
            able.append(finding)
    return _action_page(
        model_admin,
        request,
        "admin/findings/finding/bulk_transition_confirm.html",
        "apply_transition",
        {
            "title": _("Confirm the status change"),
            "form": form,
            "target_label": status_label(target),
            "able": able,
            "unable": unable,
        },
    )


@admin.action(description=_("Publish to partners"), permissions=["publish"])
def publish(model_admin: FindingAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    _set_published(model_admin, request, queryset, True)


@admin.action(description=_("Withdraw from partners"), permissions=["publish"])
def unpublish(model_admin: FindingAdmin, request: HttpRequest, queryset: QuerySet) -> None:
    _set_published(model_admin, request, queryset, False)


def _set_published(
    model_admin: FindingAdmin, request: HttpRequest, queryset: QuerySet, published: bool
) -> None:
    try:
        count = findings_set_published(findings=queryset, published=published, actor=request.user)
    except WorkflowError as exc:
        model_admin.message_user(request, str(exc), messages.ERROR)
        return
    message = (
        ngettext("Published %(count)d finding.", "Published %(count)d findings.", count)
        if published
        else ngettext(
            "Withdrew %(count)d finding from partners.",
            "Withdrew %(count)d findings from partners.",
            count,
        )
    )
    model_admin.message_user(request, message % {"count": count}, messages.SUCCESS)


@admin.action(description=_("Export selected findings as CSV"), permissions=["export"])
def export_csv(model_admin: FindingAdmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
    return model_admin.export_response(request, queryset, base_formats.CSV())


@admin.action(description=_("Export selected findings as Excel (XLSX)"), permissions=["export"])
def export_xlsx(
    model_admin: FindingAdmin, request: HttpRequest, queryset: QuerySet
) -> HttpResponse:
    return model_admin.export_response(request, queryset, base_formats.XLSX())


ACTIONS: Iterable[Callable] = (
    assign_reviewer,
    auto_assign,
    apply_transition,
    publish,
    unpublish,
    export_csv,
    export_xlsx,
)
