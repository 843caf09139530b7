"""Forms of the findings admin: the change form with its version, and the small
forms of transitions, assignments, notes and moderation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role

from ..choices import Assessment, Status, Visibility
from ..models import Evidence, Finding
from ..services import evidence_create
from ..workflow import Transition

STALE_MESSAGE = _(
    "Someone else changed this finding after you opened it. Reload the page to see their "
    "changes, then make yours again."
)


def reviewer_choices() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Reviewer"),
        queryset=User.objects.filter(groups__name=Role.REVIEWER, is_active=True).order_by(
            "username"
        ),
    )


class FindingAdminForm(forms.ModelForm):
    """The finding's own fields plus the version the editor started from.

    The version travels in a hidden field; saving compares it with the
    database (here for a clear form error, and again atomically in
    :func:`findings.services.finding_update`).
    """

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Finding
        # Not ``published``: publishing goes through findings_set_published().
        fields = [
            "report",
            "reference",
            "kind",
            "title",
            "summary",
            "themes",
            "affected_groups",
            "treaties",
            "provisions",
            "obligations",
            "institutions",
            "priority",
            "due_on",
            "recommending_states",
            "state_position",
            "repeats",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
            self.fields["expected_version"].required = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("expected_version") != self.instance.version:
            raise forms.ValidationError(STALE_MESSAGE, code="stale_version")
        return cleaned


class TransitionForm(forms.Form):
    """What one transition needs: a note when the table asks for one, a proposed assessment
    when submitting for review, and the version the user saw."""

    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    proposed_assessment = forms.ChoiceField(
        label=_("Proposed assessment"),
        choices=[("", "---------"), *Assessment.choices],
        required=False,
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, transition: Transition, finding: Finding, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["expected_version"].initial = finding.version
        if transition.needs_note:
            self.fields["note"].required = True
            self.fields["note"].help_text = _("Required: say why.")
        elif transition.note_unless_proposed:
            self.fields["note"].help_text = _(
                "Required if your decision differs from the proposed assessment (%(proposed)s)."
            ) % {"proposed": finding.get_proposed_assessment_display() or "—"}
        if transition.needs_assessment:
            self.fields["proposed_assessment"].required = True
        else:
            del self.fields["proposed_assessment"]


class BulkTransitionForm(forms.Form):
    """A transition to apply to many findings, with the note and assessment it may need."""

    to_status = forms.ChoiceField(
        label=_("Move to"),
        choices=[(value, label) for value, label in Status.choices if value != Status.NEW],
    )
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    proposed_assessment = forms.ChoiceField(
        label=_("Proposed assessment"),
        choices=[("", "---------"), *Assessment.choices],
        required=False,
        help_text=_("Needed when submitting for review."),
    )


class AssignReviewerForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {"reviewer": reviewer_choices(), **self.fields}


class EvidenceForm(forms.ModelForm):
    """A staff note or evidence item; saved through :func:`evidence_create`."""

    class Meta:
        model = Evidence
        fields = ["kind", "text", "source", "evidence_date", "visibility", "assessment"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejecting"), widget=forms.Textarea(attrs={"rows": 2})
    )


class NewEvidenceFormSet(BaseInlineFormSet):
    """The "add a note" inline: only adds, and every entry goes through :func:`evidence_create`.

    The admin calls :meth:`save_new_entries` instead of ``save()``; the
    attributes the admin's change message reads are filled in the same way.
    """

    def get_queryset(self):
        return Evidence.objects.none()

    def save_new_entries(self, *, author: User) -> list[Evidence]:
        created = []
        for form in self.extra_forms:
            if not form.has_changed() or form.cleaned_data.get("DELETE"):
                continue
            data = form.cleaned_data
            created.append(
                evidence_create(
                    finding=self.instance,
                    author=author,
                    kind=data["kind"],
                    text=data["text"],
                    source=data.get("source") or "",
                    evidence_date=data.get("evidence_date"),
                    visibility=data.get("visibility") or Visibility.INTERNAL,
                    assessment=data.get("assessment") or "",
                )
            )
        self.new_objects = created
        self.changed_objects = []
        self.deleted_objects = []
        return created

    def save(self, commit: bool = True):
        raise NotImplementedError("New evidence is saved through save_new_entries().")
