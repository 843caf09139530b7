"""Serializers for reports, themes, findings, their timeline and evidence, and submissions.

Fields listed in ``Meta.staff_only_fields`` are left out for partners: who
reviews or moderated what, internal notes, the proposed assessment and
publication state. The views prefetch everything these serializers read, so
they run no queries of their own.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organisation, User
from tracker.api.schema import StaffOnlyFieldsMixin
from treaties.api.serializers import (
    MonitoringBodyBriefSerializer,
    ObligationBriefSerializer,
    ProvisionBriefSerializer,
    TreatyBriefSerializer,
)

from ..choices import (
    ASSESSED_STATUSES,
    OPEN_STATUSES,
    Assessment,
    EvidenceKind,
    Status,
    Visibility,
)
from ..models import (
    AffectedGroup,
    Evidence,
    Finding,
    FindingEvent,
    Institution,
    Report,
    Theme,
)

# --- Small pieces ------------------------------------------------------------------------


class UserBriefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_full_name", read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "name"]


class OrganisationBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]


class ThemeBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "slug", "name"]


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "slug", "name", "description"]


class AffectedGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = AffectedGroup
        fields = ["id", "slug", "name"]


class InstitutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Institution
        fields = ["id", "name"]


class ReportBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = ["id", "symbol", "title", "kind", "published_on"]


class ReportSerializer(StaffOnlyFieldsMixin, serializers.ModelSerializer):
    monitoring_body = MonitoringBodyBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "title",
            "issuer",
            "kind",
            "monitoring_body",
            "symbol",
            "period_start",
            "period_end",
            "published_on",
            "language",
            "url",
            "upr_cycle",
            "notes",
        ]
        staff_only_fields = ("notes",)


# --- Findings ----------------------------------------------------------------------------


class FindingBriefSerializer(serializers.ModelSerializer):
    report = serializers.SlugRelatedField(slug_field="symbol", read_only=True)

    class Meta:
        model = Finding
        fields = ["id", "report", "reference", "title", "status"]


class FindingEventSerializer(StaffOnlyFieldsMixin, serializers.ModelSerializer):
    """One status change. Partners see what changed and when, never who or why."""

    actor = UserBriefSerializer(read_only=True)

    class Meta:
        model = FindingEvent
        fields = [
            "id",
            "from_status",
            "to_status",
            "created_at",
            "actor",
            "note",
            "proposed_assessment",
        ]
        staff_only_fields = ("actor", "note", "proposed_assessment")


class EvidenceSerializer(StaffOnlyFieldsMixin, serializers.ModelSerializer):
    """A note, evidence item or assessment on a finding.

    ``organisation`` is the partner organisation that submitted it (null for
    staff entries); ``moderation`` is pending, accepted or rejected.
    """

    organisation = OrganisationBriefSerializer(read_only=True, allow_null=True)
    author = UserBriefSerializer(read_only=True)
    moderated_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "kind",
            "text",
            "source",
            "evidence_date",
            "assessment",
            "organisation",
            "moderation",
            "created_at",
            "visibility",
            "author",
            "moderated_by",
            "moderated_at",
            "moderation_reason",
        ]
        staff_only_fields = (
            "visibility",
            "author",
            "moderated_by",
            "moderated_at",
            "moderation_reason",
        )


class PartnerAssessmentSerializer(serializers.Serializer):
    """A partner organisation's latest accepted assessment of a finding."""

    organisation = OrganisationBriefSerializer()
    assessment = serializers.ChoiceField(choices=Assessment.choices)
    reason = serializers.CharField(source="text")
    evidence_date = serializers.DateField(allow_null=True)
    submitted_at = serializers.DateTimeField(source="created_at")
    differs_from_status = serializers.SerializerMethodField(
        help_text=_("The finding has an official assessment and this one differs from it.")
    )

    def get_differs_from_status(self, evidence: Evidence) -> bool:
        status = evidence.finding_status
        return status in ASSESSED_STATUSES and evidence.assessment != status


class TransitionSerializer(serializers.Serializer):
    """A move the current user may make now (conditions are checked when it is made)."""

    name = serializers.CharField()
    to_status = serializers.ChoiceField(source="target", choices=Status.choices)
    label = serializers.CharField()
    needs_note = serializers.BooleanField()
    needs_assessment = serializers.BooleanField()


class FindingListSerializer(StaffOnlyFieldsMixin, serializers.ModelSerializer):
    """A finding in a list: its links, status and the version to send back with changes."""

    report = ReportBriefSerializer(read_only=True)
    # The views attach the links as these lists (``findings.selectors.attach_links``).
    themes = ThemeBriefSerializer(many=True, read_only=True, source="linked_themes")
    treaties = TreatyBriefSerializer(many=True, read_only=True, source="linked_treaties")
    provisions = ProvisionBriefSerializer(many=True, read_only=True, source="linked_provisions")
    obligations = ObligationBriefSerializer(many=True, read_only=True, source="linked_obligations")
    overdue = serializers.SerializerMethodField(
        help_text=_("Still open and the next assessment date is before today (Almaty time).")
    )
    partner_disagreement = serializers.BooleanField(
        read_only=True,
        help_text=_(
            "Some partner organisation's latest accepted assessment differs from the status."
        ),
    )
    reviewer = UserBriefSerializer(read_only=True, allow_null=True)
    proposed_assessment = serializers.ChoiceField(
        choices=Assessment.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("The assessment proposed when the finding was submitted for review."),
    )

    class Meta:
        model = Finding
        fields = [
            "id",
            "report",
            "reference",
            "kind",
            "title",
            "summary",
            "status",
            "status_changed_at",
            "priority",
            "due_on",
            "overdue",
            "themes",
            "treaties",
            "provisions",
            "obligations",
            "partner_disagreement",
            "version",
            "created_at",
            "updated_at",
            "published",
            "reviewer",
            "proposed_assessment",
        ]
        staff_only_fields = ("published", "reviewer", "proposed_assessment")
        extra_kwargs = {
            "version": {
                "help_text": _("Send this back as `version` with a change; it rises with each.")
            }
        }

    def get_overdue(self, finding: Finding) -> bool:
        today = self.context.get("today") or timezone.localdate()
        return (
            finding.status in OPEN_STATUSES
            and finding.due_on is not None
            and finding.due_on < today
        )

    def to_representation(self, finding: Finding) -> dict:
        """The same dict as DRF's field-by-field serialisation, built directly.

        A page of 50 findings with four nested lists is ~2,000 field objects
        walked by DRF; building the dicts here takes a fraction of that. The
        declared fields above still define the schema, and
        ``tests/api/test_list_representation.py`` checks that both ways give
        the same output for staff and partners.
        """
        today = self.context.get("today") or timezone.localdate()
        tz = self._time_zone()
        report = finding.report
        data = {
            "id": finding.pk,
            "report": {
                "id": report.pk,
                "symbol": report.symbol,
                "title": report.title,
                "kind": report.kind,
                "published_on": _date(report.published_on),
            },
            "reference": finding.reference,
            "kind": finding.kind,
            "title": finding.title,
            "summary": finding.summary,
            "status": finding.status,
            "status_changed_at": _datetime(finding.status_changed_at, tz),
            "priority": finding.priority,
            "due_on": _date(finding.due_on),
            "overdue": (
                finding.status in OPEN_STATUSES
                and finding.due_on is not None
                and finding.due_on < today
            ),
            "themes": [{"id": t.id, "slug": t.slug, "name": t.name} for t in finding.linked_themes],
            "treaties": [
                {"id": t.id, "code": t.code, "title": t.title} for t in finding.linked_treaties
            ],
            "provisions": [
                {"id": p.id, "treaty": p.treaty.code, "number": p.number, "title": p.title}
                for p in finding.linked_provisions
            ],
            "obligations": [
                {
                    "id": o.id,
                    "treaty": o.treaty.code,
                    "kind": o.kind,
                    "title": o.title,
                    "due_on": _date(o.due_on),
                    "completed_on": _date(o.completed_on),
                }
                for o in finding.linked_obligations
            ],
            "partner_disagreement": bool(finding.partner_disagreement),
            "version": finding.version,
            "created_at": _datetime(finding.created_at, tz),
            "updated_at": _datetime(finding.updated_at, tz),
        }
        if self.context.get("viewer_is_staff") is True:
            reviewer = finding.reviewer
            data["published"] = finding.published
            data["reviewer"] = (
                None
                if reviewer is None
                else {
                    "id": reviewer.pk,
                    "username": reviewer.username,
                    "name": reviewer.get_full_name(),
                }
            )
            data["proposed_assessment"] = finding.proposed_assessment
        return data

    def _time_zone(self):
        # Serializers live for one request, so the zone cannot change under them.
        if "_tz" not in self.__dict__:
            self._tz = timezone.get_current_timezone()
        return self._tz

    def to_representation_by_fields(self, finding: Finding) -> dict:
        """DRF's own serialisation of the declared fields (the reference for the one above)."""
        return serializers.ModelSerializer.to_representation(self, finding)


_date = serializers.DateField().to_representation
_drf_datetime = serializers.DateTimeField().to_representation


def _datetime(value, tz=None) -> str | None:
    """DRF's ISO 8601 output for an aware datetime, without its per-value field checks.

    ``tz`` is the current time zone, looked up once per serializer (the lookup
    goes through a context-local and cost more than the formatting).
    """
    if not value:
        return None
    if timezone.is_naive(value):
        return _drf_datetime(value)
    text = value.astimezone(tz or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class FindingDetailSerializer(FindingListSerializer):
    """A finding with its timeline, evidence, earlier findings it repeats and partner views."""

    affected_groups = AffectedGroupSerializer(many=True, read_only=True)
    institutions = InstitutionSerializer(many=True, read_only=True)
    repeats = FindingBriefSerializer(
        many=True,
        read_only=True,
        source="visible_repeats",
        help_text=_("Earlier findings this one repeats."),
    )
    events = FindingEventSerializer(
        many=True, read_only=True, help_text=_("The status timeline, oldest first.")
    )
    evidence = EvidenceSerializer(
        many=True,
        read_only=True,
        source="visible_evidence",
        help_text=_(
            "Staff: every note and submission. Partners: accepted shared items and their own "
            "organisation's submissions."
        ),
    )
    partner_assessments = serializers.SerializerMethodField(
        help_text=_("The latest accepted assessment of each partner organisation.")
    )
    submitted_for_review_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta(FindingListSerializer.Meta):
        fields = [
            *FindingListSerializer.Meta.fields,
            "recommending_states",
            "state_position",
            "affected_groups",
            "institutions",
            "repeats",
            "events",
            "evidence",
            "partner_assessments",
            "submitted_for_review_by",
            "submitted_for_review_at",
        ]
        staff_only_fields = (
            *FindingListSerializer.Meta.staff_only_fields,
            "submitted_for_review_by",
            "submitted_for_review_at",
        )

    def to_representation(self, finding: Finding) -> dict:
        """As the list's: DRF's field-by-field output, built directly from the prefetched rows.

        Building the ~40 field objects of this serializer and its nested ones
        took a sixth of a detail request.
        """
        staff = self.context.get("viewer_is_staff") is True
        tz = self._time_zone()
        data = super().to_representation(finding)
        data["recommending_states"] = finding.recommending_states
        data["state_position"] = finding.state_position
        data["affected_groups"] = [
            {"id": g.pk, "slug": g.slug, "name": g.name} for g in finding.affected_groups.all()
        ]
        data["institutions"] = [{"id": i.pk, "name": i.name} for i in finding.institutions.all()]
        data["repeats"] = [
            {
                "id": r.pk,
                "report": r.report.symbol,
                "reference": r.reference,
                "title": r.title,
                "status": r.status,
            }
            for r in finding.visible_repeats
        ]
        data["events"] = [_event(e, staff, tz) for e in finding.events.all()]
        data["evidence"] = [_evidence(e, staff, tz) for e in finding.visible_evidence]
        data["partner_assessments"] = [
            {
                "organisation": _organisation(e.organisation),
                "assessment": e.assessment,
                "reason": e.text,
                "evidence_date": _date(e.evidence_date),
                "submitted_at": _datetime(e.created_at, tz),
                "differs_from_status": (
                    finding.status in ASSESSED_STATUSES and e.assessment != finding.status
                ),
            }
            for e in _latest_per_organisation(finding)
        ]
        if staff:
            data["submitted_for_review_by"] = _user(finding.submitted_for_review_by)
            data["submitted_for_review_at"] = _datetime(finding.submitted_for_review_at, tz)
        return data

    def to_representation_by_fields(self, finding: Finding) -> dict:
        return serializers.ModelSerializer.to_representation(self, finding)

    @extend_schema_field(PartnerAssessmentSerializer(many=True))
    def get_partner_assessments(self, finding: Finding):
        ordered = _latest_per_organisation(finding)
        return PartnerAssessmentSerializer(ordered, many=True, context=self.context).data


def _latest_per_organisation(finding: Finding) -> list[Evidence]:
    """Each partner organisation's latest accepted assessment, by organisation name."""
    latest: dict[int, Evidence] = {}
    # Prefetched newest first per organisation: the first seen is the latest.
    for evidence in finding.accepted_partner_assessments:
        if evidence.organisation_id not in latest:
            evidence.finding_status = finding.status
            latest[evidence.organisation_id] = evidence
    return sorted(latest.values(), key=lambda e: (e.organisation.name, e.organisation_id))


def _user(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "username": user.username, "name": user.get_full_name()}


def _organisation(organisation) -> dict | None:
    return None if organisation is None else {"id": organisation.pk, "name": organisation.name}


def _event(event: FindingEvent, staff: bool, tz) -> dict:
    data = {
        "id": event.pk,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "created_at": _datetime(event.created_at, tz),
    }
    if staff:
        data["actor"] = _user(event.actor)
        data["note"] = event.note
        data["proposed_assessment"] = event.proposed_assessment
    return data


def _evidence(evidence: Evidence, staff: bool, tz) -> dict:
    data = {
        "id": evidence.pk,
        "kind": evidence.kind,
        "text": evidence.text,
        "source": evidence.source,
        "evidence_date": _date(evidence.evidence_date),
        "assessment": evidence.assessment,
        "organisation": _organisation(evidence.organisation),
        "moderation": evidence.moderation,
        "created_at": _datetime(evidence.created_at, tz),
    }
    if staff:
        data["visibility"] = evidence.visibility
        data["author"] = _user(evidence.author)
        data["moderated_by"] = _user(evidence.moderated_by)
        data["moderated_at"] = _datetime(evidence.moderated_at, tz)
        data["moderation_reason"] = evidence.moderation_reason
    return data


# --- Submissions (partner evidence and assessments) -----------------------------------------


class SubmissionSerializer(StaffOnlyFieldsMixin, serializers.ModelSerializer):
    """Evidence or an assessment submitted through the API, with its moderation state."""

    finding = FindingBriefSerializer(read_only=True)
    organisation = OrganisationBriefSerializer(read_only=True, allow_null=True)
    author = UserBriefSerializer(read_only=True)
    moderated_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "finding",
            "kind",
            "text",
            "source",
            "evidence_date",
            "assessment",
            "visibility",
            "organisation",
            "moderation",
            "moderation_reason",
            "moderated_at",
            "created_at",
            "author",
            "moderated_by",
        ]
        staff_only_fields = ("author", "moderated_by")
        extra_kwargs = {
            "moderation_reason": {"help_text": _("Why staff rejected it, if they did.")},
        }


# --- Request bodies ---------------------------------------------------------------------------


class EvidenceCreateSerializer(serializers.Serializer):
    """Evidence or an assessment of implementation. Partners' submissions start pending."""

    kind = serializers.ChoiceField(
        choices=EvidenceKind.choices,
        help_text=_(
            "`evidence` (text plus a source) or `assessment` (a value plus the reason in "
            "`text`). Only staff may add a `note`."
        ),
    )
    text = serializers.CharField(
        max_length=20_000, help_text=_("What the evidence shows, or the reason for the assessment.")
    )
    source = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("A URL or a citation, e.g. a law number and date."),
    )
    evidence_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text=_("When it happened.")
    )
    assessment = serializers.ChoiceField(
        choices=Assessment.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required for an assessment: implemented, partially or not implemented."),
    )
    visibility = serializers.ChoiceField(
        choices=Visibility.choices,
        required=False,
        default=Visibility.INTERNAL,
        help_text=_("Staff only: whether partners can read it. Partner submissions are shared."),
    )

    def validate_text(self, value: str) -> str:
        if not value.strip():
            raise serializers.ValidationError(_("Write something."))
        return value.strip()

    def validate_evidence_date(self, value):
        if value is not None and value > self.context["today"]:
            raise serializers.ValidationError(_("The date cannot be in the future."))
        return value

    def validate(self, attrs):
        if attrs["kind"] == EvidenceKind.ASSESSMENT and not attrs.get("assessment"):
            raise serializers.ValidationError(
                {"assessment": _("An assessment needs a value: implemented, partially or not.")}
            )
        if attrs["kind"] != EvidenceKind.ASSESSMENT and attrs.get("assessment"):
            raise serializers.ValidationError(
                {"assessment": _("Only an assessment carries an assessment value.")}
            )
        return attrs


class FindingTransitionSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Status.choices, help_text=_("The target status."))
    note = serializers.CharField(
        max_length=20_000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required when sending back, reopening, closing, or deciding differently."),
    )
    proposed_assessment = serializers.ChoiceField(
        choices=Assessment.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required when submitting for review."),
    )
    version = serializers.IntegerField(
        min_value=1, help_text=_("The finding's `version` as you last read it.")
    )


class FindingAssignSerializer(serializers.Serializer):
    reviewer = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text=_("Id of the reviewer to assign; null removes the reviewer."),
    )
    auto = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Pick the best-placed reviewer automatically instead."),
    )
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    version = serializers.IntegerField(
        min_value=1, help_text=_("The finding's `version` as you last read it.")
    )

    def validate(self, attrs):
        if attrs["auto"] and attrs.get("reviewer") is not None:
            raise serializers.ValidationError(
                {"reviewer": _("Give either a reviewer or auto: true, not both.")}
            )
        if not attrs["auto"] and "reviewer" not in attrs:
            raise serializers.ValidationError(
                {"reviewer": _("Give a reviewer id, null to remove the reviewer, or auto: true.")}
            )
        return attrs


class ModerationSerializer(serializers.Serializer):
    accept = serializers.BooleanField(help_text=_("true to accept, false to reject."))
    reason = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Required when rejecting; the partner sees it."),
    )


# --- Summary -----------------------------------------------------------------------------------


class StatusCountSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    label = serializers.CharField()
    count = serializers.IntegerField()


class TreatyCountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    count = serializers.IntegerField()


class ThemeCountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class ReportCountSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    symbol = serializers.CharField()
    title = serializers.CharField()
    count = serializers.IntegerField()


class SummarySerializer(serializers.Serializer):
    """Counts over the findings you may see (and the filters given)."""

    total = serializers.IntegerField()
    open = serializers.IntegerField(help_text=_("Not yet assessed or closed."))
    overdue = serializers.IntegerField()
    partner_disagreement = serializers.IntegerField(
        help_text=_(
            "Assessed findings where some partner organisation's latest accepted assessment "
            "differs from the status."
        )
    )
    by_status = StatusCountSerializer(many=True)
    by_treaty = TreatyCountSerializer(many=True)
    by_theme = ThemeCountSerializer(many=True)
    by_report = ReportCountSerializer(many=True)
