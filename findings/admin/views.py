"""The finding admin's own pages: one transition, assign a reviewer, add a note,
publish, and "My reviews". Every change goes through :mod:`findings.services`;
a refused change shows the service's message and writes nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..choices import Status
from ..exceptions import StaleVersion, WorkflowError
from ..models import Finding
from ..selectors import reviewer_queue
from ..services import (
    evidence_create,
    finding_assign_reviewer,
    finding_auto_assign,
    finding_transition,
    findings_auto_assign_unassigned,
    findings_set_published,
)
from ..workflow import available_transitions, check_transition, transition_for
from .display import status_label
from .forms import STALE_MESSAGE, AssignReviewerForm, EvidenceForm, TransitionForm

if TYPE_CHECKING:
    from .finding import FindingAdmin


def _change_url(finding: Finding) -> str:
    return reverse("admin:findings_finding_change", args=[finding.pk])


def _load(model_admin: FindingAdmin, request: HttpRequest, object_id: str) -> Finding:
    """The finding, if this user may see it (404 if it does not exist, 403 if not theirs to see)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    try:
        pk = int(unquote(object_id))
    except ValueError:
        raise Http404(gettext("No such finding.")) from None
    finding = (
        model_admin.get_queryset(request)
        .select_related("report", "reviewer", "submitted_for_review_by")
        .filter(pk=pk)
        .first()
    )
    if finding is None:
        raise Http404(gettext("No such finding."))
    return finding


def _render(
    model_admin: FindingAdmin, request: HttpRequest, template: str, context: dict
) -> TemplateResponse:
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(
        request,
        template,
        {**model_admin.admin_site.each_context(request), "opts": model_admin.opts, **context},
    )


def _conflict(request: HttpRequest) -> None:
    messages.error(request, STALE_MESSAGE)


def transition_view(
    model_admin: FindingAdmin, request: HttpRequest, object_id: str, target: str
) -> HttpResponse:
    """Ask for what one transition needs, then make it through ``finding_transition``."""
    finding = _load(model_admin, request, object_id)
    transition = transition_for(finding.status, target)
    if transition is None or transition not in available_transitions(finding, request.user):
        # Not open to this user now. The workflow's own check says why (not in the table,
        # not theirs to make, the two-person rule): it tests those before any input.
        try:
            check_transition(finding, target, request.user)
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:  # unreachable while available_transitions and check_transition agree
            messages.error(request, gettext("This status change is not open to you."))
        return HttpResponseRedirect(_change_url(finding))

    form = TransitionForm(
        request.POST if request.method == "POST" else None,
        transition=transition,
        finding=finding,
    )
    if request.method == "POST" and form.is_valid():
        try:
            finding_transition(
                finding=finding,
                to_status=target,
                actor=request.user,
                note=form.cleaned_data["note"],
                proposed_assessment=form.cleaned_data.get("proposed_assessment", ""),
                expected_version=form.cleaned_data["expected_version"],
            )
        except StaleVersion:
            _conflict(request)
            return HttpResponseRedirect(_change_url(finding))
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                gettext("“%(finding)s” moved to “%(status)s”.")
                % {"finding": finding.reference, "status": status_label(target)},
            )
            return HttpResponseRedirect(_change_url(finding))
    return _render(
        model_admin,
        request,
        "admin/findings/finding/transition.html",
        {
            "title": transition.label,
            "finding": finding,
            "original": finding,
            "transition": transition,
            "target_label": status_label(target),
            "form": form,
            "media": model_admin.media + form.media,
        },
    )


def assign_view(model_admin: FindingAdmin, request: HttpRequest, object_id: str) -> HttpResponse:
    """Assign a reviewer by hand, or automatically, to one finding."""
    finding = _load(model_admin, request, object_id)
    if not model_admin.has_assign_reviewer_permission(request):
        raise PermissionDenied
    form = AssignReviewerForm(
        request.POST if request.method == "POST" and "_auto" not in request.POST else None,
        initial={"expected_version": finding.version, "reviewer": finding.reviewer_id},
    )
    if request.method == "POST":
        try:
            if "_auto" in request.POST:
                assignment = finding_auto_assign(finding=finding, actor=request.user)
            elif form.is_valid():
                assignment = finding_assign_reviewer(
                    finding=finding,
                    reviewer=form.cleaned_data["reviewer"],
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    expected_version=form.cleaned_data["expected_version"],
                )
            else:
                assignment = None
        except StaleVersion:
            _conflict(request)
            return HttpResponseRedirect(_change_url(finding))
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            if assignment is not None:
                messages.success(
                    request,
                    gettext("%(reviewer)s now reviews “%(finding)s”.")
                    % {"reviewer": assignment.reviewer, "finding": finding.reference},
                )
                return HttpResponseRedirect(_change_url(finding))
    return _render(
        model_admin,
        request,
        "admin/findings/finding/assign.html",
        {
            "title": _("Assign a reviewer"),
            "finding": finding,
            "original": finding,
            "form": form,
            "media": model_admin.media + form.media,
        },
    )


def add_evidence_view(
    model_admin: FindingAdmin, request: HttpRequest, object_id: str
) -> HttpResponse:
    """Add a staff note or evidence item (also for reviewers, who cannot edit the finding)."""
    finding = _load(model_admin, request, object_id)
    if not request.user.has_perm("findings.add_evidence"):
        raise PermissionDenied
    form = EvidenceForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evidence_create(
                finding=finding,
                author=request.user,
                kind=data["kind"],
                text=data["text"],
                source=data["source"],
                evidence_date=data["evidence_date"],
                visibility=data["visibility"],
                assessment=data["assessment"],
            )
        except WorkflowError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, gettext("Added to “%(finding)s”.") % {"finding": finding.reference}
            )
            return HttpResponseRedirect(_change_url(finding))
    return _render(
        model_admin,
        request,
        "admin/findings/finding/add_evidence.html",
        {
            "title": _("Add a note or evidence"),
            "finding": finding,
            "original": finding,
            "form": form,
            "media": model_admin.media + form.media,
        },
    )


def publish_view(model_admin: FindingAdmin, request: HttpRequest, object_id: str) -> HttpResponse:
    """Publish a finding to partners, or withdraw it (POST ``published`` = 1 or 0)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    finding = _load(model_admin, request, object_id)
    if not model_admin.has_publish_permission(request):
        raise PermissionDenied
    published = request.POST.get("published") == "1"
    try:
        findings_set_published(findings=[finding], published=published, actor=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        message = (
            gettext("“%(finding)s” is now visible to partners.")
            if published
            else gettext("“%(finding)s” is no longer visible to partners.")
        )
        messages.success(request, message % {"finding": finding.reference})
    return HttpResponseRedirect(_change_url(finding))


def auto_assign_unassigned_view(model_admin: FindingAdmin, request: HttpRequest) -> HttpResponse:
    """Give every triaged finding without a reviewer the best-placed reviewer (POST)."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not model_admin.has_assign_reviewer_permission(request):
        raise PermissionDenied
    try:
        assignments = findings_auto_assign_unassigned(actor=request.user)
    except WorkflowError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            gettext("Assigned a reviewer to %(count)d triaged findings.")
            % {"count": len(assignments)},
        )
    return HttpResponseRedirect(reverse("admin:findings_finding_changelist"))


def my_reviews_view(model_admin: FindingAdmin, request: HttpRequest) -> HttpResponse:
    """Findings awaiting the signed-in reviewer's decision, the longest waiting first."""
    user = request.user
    if not (user.has_perm("findings.review_finding") or user.has_perm("findings.manage_finding")):
        raise PermissionDenied
    findings = list(reviewer_queue(user))
    all_waiting_url = (
        reverse("admin:findings_finding_changelist") + f"?status__exact={Status.AWAITING_REVIEW}"
    )
    return _render(
        model_admin,
        request,
        "admin/findings/finding/my_reviews.html",
        {
            "title": _("My reviews"),
            "findings": findings,
            "is_manager": user.has_perm("findings.manage_finding"),
            "all_waiting_url": all_waiting_url,
        },
    )
