"""Endpoints for reports, themes, findings, partner submissions and the summary.

Reads are scoped by :func:`findings.selectors.findings_visible_to` (partners:
published findings only; anything else answers 404). Every change goes
through :mod:`findings.services`, so the API obeys exactly the rules, permissions
and version checks of the admin; the exception handler turns the services'
errors into 400/403/409 responses naming the rule.

List and detail queries are built here with ``select_related``, ``Prefetch``
and :func:`findings.selectors.attach_links` (every link of a page in one query)
so that their number does not grow with the page size or the number of links
(pinned in ``tests/api/test_query_counts.py``).
"""

from hashlib import sha256
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Prefetch, Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from tracker.api.filters import FilterBackend
from tracker.api.permissions import (
    HasDjangoPermission,
    HasTrackerRole,
    IsPartnerOrCanAddEvidence,
    IsStaffMember,
    is_partner,
)
from tracker.api.renderers import csv_response
from tracker.api.schema import error_responses
from tracker.api.views import TrackerAPIMixin, TrackerViewSet

from .. import selectors, services
from ..choices import OPEN_STATUSES, EvidenceKind, Moderation, Status
from ..exceptions import StaleVersion
from ..filtersets import FindingFilterSet, ReportFilterSet, SubmissionFilterSet, ThemeFilterSet
from ..models import Evidence, Finding, FindingEvent, Report, Theme
from ..workflow import available_transitions
from .serializers import (
    EvidenceCreateSerializer,
    FindingAssignSerializer,
    FindingDetailSerializer,
    FindingListSerializer,
    FindingTransitionSerializer,
    ModerationSerializer,
    ReportSerializer,
    SubmissionSerializer,
    SummarySerializer,
    ThemeSerializer,
    TransitionSerializer,
)
from .visibility import partner_evidence_q

STAFF_ONLY = [IsAuthenticated, HasTrackerRole, IsStaffMember]


# --- Reference data ------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary=_("List themes")), retrieve=extend_schema(summary=_("Get a theme"))
)
@extend_schema(tags=["findings"])
class ThemeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TrackerViewSet):
    """The managed vocabulary of subjects."""

    queryset = Theme.objects.order_by("name", "id")
    serializer_class = ThemeSerializer
    filter_backends = [FilterBackend]
    filterset_class = ThemeFilterSet


@extend_schema_view(
    list=extend_schema(summary=_("List reports")), retrieve=extend_schema(summary=_("Get a report"))
)
@extend_schema(tags=["findings"])
class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TrackerViewSet):
    """Documents that assess Kazakhstan: concluding observations, UPR outcomes, NGO reports..."""

    queryset = Report.objects.select_related("monitoring_body").order_by(
        F("published_on").desc(nulls_last=True), "title", "id"
    )
    serializer_class = ReportSerializer
    filter_backends = [FilterBackend]
    filterset_class = ReportFilterSet


# --- Findings ------------------------------------------------------------------------------


def findings_for_list(user):
    """The findings ``user`` may see, with the columns the list serializer reads.

    Their links are not prefetched: :func:`findings.selectors.attach_links` adds them to a
    page (or a chunk of the export) in one query once it has been fetched.
    """
    return (
        selectors.findings_visible_to(user)
        .select_related("report", "reviewer")
        .annotate(partner_disagreement=selectors.partner_disagreement_annotation())
        .order_by(F("report__published_on").desc(nulls_last=True), "report_id", "id")
    )


def findings_for_detail(user, *, staff: bool):
    """As :func:`findings_for_list`, plus the timeline, evidence, repeats and partner views.

    Attach the links with :func:`findings.selectors.attach_links` after fetching.
    """
    organisation_id = getattr(user, "organisation_id", None)
    evidence = Evidence.objects.select_related("organisation", "author", "moderated_by")
    assessments = Evidence.objects.filter(
        kind=EvidenceKind.ASSESSMENT,
        moderation=Moderation.ACCEPTED,
        organisation__isnull=False,
    ).select_related("organisation")
    events = FindingEvent.objects.order_by("created_at", "id")
    if staff:
        events = events.select_related("actor")
    else:
        evidence = evidence.filter(partner_evidence_q(organisation_id))
        assessments = assessments.filter(partner_evidence_q(organisation_id))
    repeats = selectors.findings_visible_to(user).order_by("report__published_on", "id")
    return (
        findings_for_list(user)
        .select_related("report__monitoring_body", "submitted_for_review_by")
        .prefetch_related(
            "affected_groups",
            "institutions",
            Prefetch("events", queryset=events),
            Prefetch("repeats", queryset=repeats, to_attr="visible_repeats"),
            Prefetch(
                "evidence",
                queryset=evidence.order_by("created_at", "id"),
                to_attr="visible_evidence",
            ),
            Prefetch(
                "evidence",
                queryset=assessments.order_by("organisation_id", "-created_at", "-id"),
                to_attr="accepted_partner_assessments",
            ),
        )
    )


@extend_schema_view(
    list=extend_schema(
        summary=_("List findings"),
        description=_(
            "Staff see every finding; partners only published ones. For incremental sync, "
            "pass `updated_since` (the time of your last sync) and `ordering=updated_at`."
        ),
    ),
    retrieve=extend_schema(summary=_("Get a finding with its timeline and evidence")),
)
@extend_schema(tags=["findings"])
class FindingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TrackerViewSet):
    """Findings: read by staff and partners, moved through the workflow by staff."""

    serializer_class = FindingListSerializer
    filter_backends = [FilterBackend]
    filterset_class = FindingFilterSet
    filtered_actions = ("list", "export")

    def get_queryset(self):
        user = self.request.user
        if self.action == "list" or self.action == "export":
            return findings_for_list(user)
        if self.action == "retrieve":
            return findings_for_detail(user, staff=self.viewer_is_staff)
        return selectors.findings_visible_to(user).order_by("id")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return page if page is None else selectors.attach_links(page)

    def retrieve(self, request, *args, **kwargs):
        finding = selectors.attach_links([self.get_object()])[0]
        return Response(self.get_serializer(finding).data)

    def filter_queryset(self, queryset):
        # Only the list and the export take filters; a detail or an action on one finding
        # would otherwise build and run the whole filterset for nothing.
        if self.action in self.filtered_actions:
            return super().filter_queryset(queryset)
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return FindingDetailSerializer
        return super().get_serializer_class()

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action == "evidence":
            throttles.append(ScopedRateThrottle())
        return throttles

    def perform_content_negotiation(self, request, force=False):
        # The export answers CSV whatever the Accept header says; errors stay JSON.
        return super().perform_content_negotiation(request, force=force or self.action == "export")

    def _detail_response(self, finding_id: int, status_code=status.HTTP_200_OK) -> Response:
        finding = findings_for_detail(self.request.user, staff=self.viewer_is_staff).get(
            pk=finding_id
        )
        selectors.attach_links([finding])
        context = self.get_serializer_context()
        return Response(FindingDetailSerializer(finding, context=context).data, status=status_code)

    @extend_schema(
        summary=_("Export findings as CSV"),
        description=_("The same filters and ordering as the list, every row, streamed."),
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description=_("CSV file"))},
    )
    @action(detail=False, methods=["get"], url_path="export", pagination_class=None)
    def export(self, request):
        findings = self.filter_queryset(self.get_queryset())
        return csv_response(
            "findings.csv",
            _csv_header(self.viewer_is_staff),
            (
                _csv_row(f, self.viewer_is_staff, timezone.localdate())
                for f in selectors.iterate_with_links(findings.iterator(chunk_size=500))
            ),
        )

    @extend_schema(
        summary=_("Moves you may make on this finding now"),
        responses=TransitionSerializer(many=True),
    )
    @action(detail=True, methods=["get"], permission_classes=STAFF_ONLY, pagination_class=None)
    def transitions(self, request, pk=None):
        finding = self.get_object()
        moves = available_transitions(finding, request.user)
        return Response(TransitionSerializer(moves, many=True).data)

    @extend_schema(
        summary=_("Move a finding to another status"),
        request=FindingTransitionSerializer,
        responses={200: FindingDetailSerializer, **error_responses(409)},
    )
    @action(detail=True, methods=["post"], permission_classes=STAFF_ONLY)
    def transition(self, request, pk=None):
        finding = self.get_object()
        data = self._valid(FindingTransitionSerializer)
        services.finding_transition(
            finding=finding,
            to_status=data["to_status"],
            actor=request.user,
            note=data["note"],
            proposed_assessment=data["proposed_assessment"],
            expected_version=data["version"],
        )
        return self._detail_response(finding.pk)

    @extend_schema(
        summary=_("Assign, change or remove the reviewer"),
        request=FindingAssignSerializer,
        responses={200: FindingDetailSerializer, **error_responses(409)},
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[*STAFF_ONLY, HasDjangoPermission],
        required_permission="findings.assign_reviewer",
    )
    def assign(self, request, pk=None):
        finding = self.get_object()
        data = self._valid(FindingAssignSerializer)
        if data["auto"]:
            # The automatic service has no version argument; check it here, and the
            # service's compare-and-swap still catches a change in between.
            if data["version"] != finding.version:
                raise StaleVersion(
                    gettext(
                        "Someone else changed this finding in the meantime; reload it and try "
                        "again."
                    )
                )
            services.finding_auto_assign(finding=finding, actor=request.user)
        else:
            services.finding_assign_reviewer(
                finding=finding,
                reviewer=data["reviewer"],
                actor=request.user,
                reason=data["reason"],
                expected_version=data["version"],
            )
        return self._detail_response(finding.pk)

    @extend_schema(
        summary=_("Submit evidence or an assessment"),
        description=_(
            "Partners: on a published finding; the submission starts `pending` until staff "
            "moderate it. Staff entries are accepted at once. Throttled by the `submissions` "
            "rate."
        ),
        request=EvidenceCreateSerializer,
        responses={201: SubmissionSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[IsAuthenticated, HasTrackerRole, IsPartnerOrCanAddEvidence],
        throttle_scope="submissions",
    )
    def evidence(self, request, pk=None):
        finding = self.get_object()
        data = self._valid(EvidenceCreateSerializer)
        if is_partner(request.user):
            data.pop("visibility")  # the service shares partner submissions
        evidence = services.evidence_create(finding=finding, author=request.user, **data)
        evidence = Evidence.objects.select_related(
            "finding__report", "organisation", "author", "moderated_by"
        ).get(pk=evidence.pk)
        return Response(
            SubmissionSerializer(evidence, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED,
        )

    def _valid(self, serializer_class) -> dict:
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def _csv_header(staff: bool) -> list[str]:
    header = [
        "id",
        "report",
        "report_title",
        "reference",
        "kind",
        "title",
        "summary",
        "status",
        "priority",
        "due_on",
        "overdue",
        "treaties",
        "provisions",
        "obligations",
        "themes",
        "partner_disagreement",
        "version",
        "updated_at",
    ]
    if staff:
        header += ["published", "reviewer"]
    return header


def _csv_row(finding: Finding, staff: bool, today) -> list:
    row = [
        finding.pk,
        finding.report.symbol,
        finding.report.title,
        finding.reference,
        finding.kind,
        finding.title,
        finding.summary,
        finding.status,
        finding.priority,
        finding.due_on.isoformat() if finding.due_on else "",
        finding.status in OPEN_STATUSES and finding.due_on is not None and finding.due_on < today,
        "; ".join(t.code for t in finding.linked_treaties),
        "; ".join(f"{p.treaty.code} art. {p.number}" for p in finding.linked_provisions),
        "; ".join(f"{o.treaty.code}: {o.title}" for o in finding.linked_obligations),
        "; ".join(t.slug for t in finding.linked_themes),
        finding.partner_disagreement,
        finding.version,
        timezone.localtime(finding.updated_at).isoformat(),
    ]
    if staff:
        row += [finding.published, finding.reviewer.get_username() if finding.reviewer else ""]
    return row


# --- Submissions ---------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary=_("List partner submissions"),
        description=_(
            "Partners: their own organisation's submissions on published findings, with the "
            "moderation state. Staff: every partner submission (the moderation queue is "
            "`?moderation=pending`)."
        ),
    ),
    retrieve=extend_schema(summary=_("Get a partner submission")),
)
@extend_schema(tags=["submissions"])
class SubmissionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TrackerViewSet):
    """Evidence and assessments partners submitted, and their moderation."""

    serializer_class = SubmissionSerializer
    filter_backends = [FilterBackend]
    filterset_class = SubmissionFilterSet

    def get_queryset(self):
        user = self.request.user
        submissions = (
            Evidence.objects.filter(organisation__isnull=False)
            .select_related("finding__report", "organisation", "author", "moderated_by")
            .order_by("-created_at", "-id")
        )
        if self.viewer_is_staff:
            return submissions
        if is_partner(user) and user.organisation_id is not None:
            return submissions.filter(organisation_id=user.organisation_id, finding__published=True)
        return submissions.none()

    @extend_schema(
        summary=_("Accept or reject a pending submission"),
        request=ModerationSerializer,
        responses={200: SubmissionSerializer, **error_responses(409)},
    )
    @action(
        detail=True,
        methods=["post"],
        permission_classes=[*STAFF_ONLY, HasDjangoPermission],
        required_permission="findings.moderate_evidence",
    )
    def moderate(self, request, pk=None):
        submission = self.get_object()
        serializer = ModerationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.evidence_moderate(
            evidence=submission,
            actor=request.user,
            accept=serializer.validated_data["accept"],
            reason=serializer.validated_data["reason"],
        )
        submission = self.get_queryset().get(pk=submission.pk)
        return Response(self.get_serializer(submission).data)


# --- Summary -------------------------------------------------------------------------------


def _link_counts(findings, field_name: str, *names: str):
    """Findings per linked object, counted on the link table itself.

    Each (finding, object) pair is unique there, so a plain COUNT needs no
    DISTINCT and no join back to the findings rows.
    """
    field = Finding._meta.get_field(field_name)
    through = field.remote_field.through
    target = field.m2m_reverse_field_name()
    return (
        through.objects.filter(**{f"{field.m2m_field_name()}__in": findings.values("pk")})
        .values(f"{target}_id", *names)
        .annotate(count=Count("*"))
    )


def _report_counts(findings) -> list[dict]:
    """Findings per report: grouped on the findings' report_id alone (an index-only scan),
    then the names of those reports in a second query, ordered by title as before."""
    counts = dict(findings.values_list("report_id").annotate(count=Count("pk")).order_by())
    reports = Report.objects.filter(pk__in=list(counts)).order_by("title", "pk")
    return [
        {"id": pk, "symbol": symbol, "title": title, "count": counts[pk]}
        for pk, symbol, title in reports.values_list("pk", "symbol", "title")
    ]


class SummaryView(TrackerAPIMixin, GenericAPIView):
    """Counts of the findings you may see, narrowed by the same filters as the list."""

    filter_backends = [FilterBackend]
    filterset_class = FindingFilterSet
    schema_filters = True
    serializer_class = SummarySerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.findings_visible_to(self.request.user).order_by()

    @extend_schema(
        summary=_("Counts by status, treaty, theme and report"),
        description=_(
            "Counts are cached for TRACKER_SUMMARY_CACHE_SECONDS (60 by default) per "
            "audience (staff or partners), language and filter set, so they may be up to "
            "that many seconds old. The findings list is never cached."
        ),
        tags=["findings"],
    )
    def get(self, request):
        # Filters are validated first, so bad input answers 400 whatever the cache holds.
        findings = self.filter_queryset(self.get_queryset()).order_by()
        today = timezone.localdate()
        audience = selectors.audience_of(request.user)
        query = urlencode(sorted(request.query_params.lists()), doseq=True)
        renderer = request.accepted_renderer
        key = (
            "api-summary:"
            + sha256(
                f"{audience}|{get_language()}|{today}|{query}|{renderer.format}".encode()
            ).hexdigest()
        )
        if renderer.format != "json":  # the browsable API renders a whole page around it
            data = cache.get(key)
            if data is None:
                data = self._counts(findings, today)
                cache.set(key, data, settings.TRACKER_SUMMARY_CACHE_SECONDS)
            return Response(data)
        # JSON is cached rendered: with many reports the body is large, and rendering it
        # again on every request would make the cached summary grow with the data.
        body = cache.get(key)
        if body is None:
            data = self._counts(findings, today)
            body = renderer.render(data, request.accepted_media_type, self.get_renderer_context())
            cache.set(key, body, settings.TRACKER_SUMMARY_CACHE_SECONDS)
        return HttpResponse(body, content_type=request.accepted_media_type)

    def _counts(self, findings, today) -> dict:
        open_q = Q(status__in=OPEN_STATUSES)
        totals = findings.aggregate(
            total=Count("pk"),
            open=Count("pk", filter=open_q),
            overdue=Count("pk", filter=open_q & Q(due_on__lt=today)),
            # Over the whole table the disagreeing findings are computed once and hashed (a
            # per-row correlated EXISTS would cost more, JIT compilation included).
            partner_disagreement=Count(
                "pk", filter=Q(pk__in=Finding.objects.with_partner_disagreement().values("pk"))
            ),
        )
        by_status = dict(findings.values_list("status").annotate(count=Count("pk")))
        data = {
            **totals,
            "by_status": [
                {"status": value, "label": str(label), "count": by_status.get(value, 0)}
                for value, label in Status.choices
            ],
            "by_treaty": [
                {
                    "id": row["treaty_id"],
                    "code": row["treaty__code"],
                    "title": row["treaty__title"],
                    "count": row["count"],
                }
                for row in _link_counts(
                    findings, "treaties", "treaty__code", "treaty__title"
                ).order_by("treaty__code")
            ],
            "by_theme": [
                {
                    "id": row["theme_id"],
                    "slug": row["theme__slug"],
                    "name": row["theme__name"],
                    "count": row["count"],
                }
                for row in _link_counts(findings, "themes", "theme__slug", "theme__name").order_by(
                    "theme__name", "theme_id"
                )
            ],
            "by_report": _report_counts(findings),
        }
        return SummarySerializer(data).data
