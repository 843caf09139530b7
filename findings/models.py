"""Reports that assess Kazakhstan, the findings in them, and the record of work on each finding.

Findings change status only through :mod:`findings.services`; every change
writes a :class:`FindingEvent`, and every reviewer change an :class:`Assignment`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from treaties.models import MonitoringBody, Obligation, Provision, Treaty

from .choices import (
    Assessment,
    AssignmentMethod,
    EvidenceKind,
    FindingKind,
    Moderation,
    Priority,
    ReportKind,
    StatePosition,
    Status,
    Visibility,
)
from .exceptions import AppendOnly
from .querysets import EvidenceQuerySet, FindingQuerySet


class Theme(models.Model):
    """A subject in the managed vocabulary (torture, fair trial, ...).

    ``reviewers`` are the reviewers with expertise in it; automatic reviewer
    assignment prefers them.
    """

    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewers with expertise"),
        blank=True,
        related_name="expertise_themes",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class AffectedGroup(models.Model):
    """A group of people a finding concerns (women, children, detainees, ...)."""

    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name = _("affected group")
        verbose_name_plural = _("affected groups")

    def __str__(self) -> str:
        return self.name


class Institution(models.Model):
    """A state institution responsible for acting on findings."""

    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("state institution")
        verbose_name_plural = _("state institutions")

    def __str__(self) -> str:
        return self.name


class Report(models.Model):
    """A document that assesses Kazakhstan: concluding observations, a UPR outcome,
    a foreign-ministry or NGO country report...
    """

    title = models.CharField(_("title"), max_length=300)
    issuer = models.CharField(_("issuer"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=ReportKind.choices)
    monitoring_body = models.ForeignKey(
        MonitoringBody,
        verbose_name=_("monitoring body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    symbol = models.CharField(
        _("document symbol"), max_length=100, blank=True, help_text=_("e.g. CCPR/C/KAZ/CO/3")
    )
    period_start = models.DateField(_("period covered from"), null=True, blank=True)
    period_end = models.DateField(_("period covered to"), null=True, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10, help_text=_("e.g. en, sv, ru"))
    url = models.URLField(_("URL"), max_length=500, blank=True)
    upr_cycle = models.PositiveSmallIntegerField(_("UPR cycle"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ReportKind.values), name="report_kind_valid"
            ),
            models.UniqueConstraint(
                fields=["symbol"], condition=~Q(symbol=""), name="report_unique_symbol"
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_start__lte=F("period_end")),
                name="report_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(upr_cycle__isnull=True) | Q(kind=ReportKind.UPR),
                name="report_upr_cycle_only_for_upr",
            ),
        ]

    def __str__(self) -> str:
        return self.symbol or self.title

    def clean(self) -> None:
        errors = {}
        if self.period_start and self.period_end and self.period_start > self.period_end:
            errors["period_end"] = _("The period cannot end before it starts.")
        if self.upr_cycle is not None and self.kind != ReportKind.UPR:
            errors["upr_cycle"] = _("Only UPR outcomes have a UPR cycle.")
        if errors:
            raise ValidationError(errors)


class Finding(models.Model):
    """A recommendation, concern or observation in a report, and where work on it stands.

    ``status`` is changed only by :func:`findings.services.finding_transition`,
    which compares and bumps ``version`` so that two people acting at once
    cannot both win. ``summary`` is always in our own words.
    """

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.PROTECT, related_name="findings"
    )
    reference = models.CharField(
        _("reference"),
        max_length=60,
        help_text=_("Paragraph or section in the report, e.g. para 12"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=FindingKind.choices)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), help_text=_("In our own words; never pasted."))
    themes = models.ManyToManyField(
        Theme, verbose_name=_("themes"), blank=True, related_name="findings"
    )
    affected_groups = models.ManyToManyField(
        AffectedGroup, verbose_name=_("affected groups"), blank=True, related_name="findings"
    )
    treaties = models.ManyToManyField(
        Treaty, verbose_name=_("treaties"), blank=True, related_name="findings"
    )
    provisions = models.ManyToManyField(
        Provision, verbose_name=_("provisions"), blank=True, related_name="findings"
    )
    obligations = models.ManyToManyField(
        Obligation, verbose_name=_("obligations"), blank=True, related_name="findings"
    )
    institutions = models.ManyToManyField(
        Institution,
        verbose_name=_("responsible institutions"),
        blank=True,
        related_name="findings",
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.MEDIUM
    )
    due_on = models.DateField(_("next assessment due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=30, choices=Status.choices, default=Status.NEW, editable=False
    )
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, editable=False)
    proposed_assessment = models.CharField(
        _("proposed assessment"),
        max_length=30,
        choices=Assessment.choices,
        blank=True,
        editable=False,
    )
    submitted_for_review_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted for review by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    submitted_for_review_at = models.DateTimeField(
        _("submitted for review at"), null=True, blank=True, editable=False
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="assigned_findings",
    )
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Visible to partner organisations.")
    )
    recommending_states = models.JSONField(
        _("recommending states"),
        default=list,
        blank=True,
        help_text=_("For UPR recommendations: the states that made it."),
    )
    state_position = models.CharField(
        _("state's position"), max_length=20, choices=StatePosition.choices, blank=True
    )
    repeats = models.ManyToManyField(
        "self",
        verbose_name=_("repeats earlier findings"),
        symmetrical=False,
        blank=True,
        related_name="repeated_by",
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, db_index=True)

    # Field history; link changes (which simple-history does not diff) are written into
    # each record's change reason by findings.services.finding_update, hence a text field.
    history = HistoricalRecords(
        excluded_fields=["version", "updated_at"],
        history_change_reason_field=models.TextField(null=True),
    )
    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["-report__published_on", "report_id", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        permissions = [
            ("triage_finding", _("Can triage, progress and submit findings for review")),
            ("review_finding", _("Can decide reviews assigned to them")),
            ("manage_finding", _("Can decide any review, close and reopen findings")),
            ("assign_reviewer", _("Can assign reviewers")),
            ("publish_finding", _("Can publish findings to partners")),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"], name="finding_status_due"),
            models.Index(fields=["reviewer", "status"], name="finding_reviewer_status"),
            models.Index(fields=["published", "status"], name="finding_published_status"),
            models.Index(fields=["due_on"], name="finding_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "reference"], name="finding_unique_reference_per_report"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="finding_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=FindingKind.values), name="finding_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(priority__in=Priority.values), name="finding_priority_valid"
            ),
            models.CheckConstraint(
                condition=Q(proposed_assessment="") | Q(proposed_assessment__in=Assessment.values),
                name="finding_proposed_assessment_valid",
            ),
            models.CheckConstraint(
                condition=Q(state_position="") | Q(state_position__in=StatePosition.values),
                name="finding_state_position_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.AWAITING_REVIEW) | Q(reviewer__isnull=False),
                name="finding_review_has_reviewer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.reference}: {self.title}"

    def clean(self) -> None:
        errors = {}
        if self.state_position and self.report_id and self.report.kind != ReportKind.UPR:
            errors["state_position"] = _("Only UPR recommendations carry the state's position.")
        if self.recommending_states and self.report_id and self.report.kind != ReportKind.UPR:
            errors["recommending_states"] = _("Only UPR recommendations have recommending states.")
        if not isinstance(self.recommending_states, list) or not all(
            isinstance(s, str) and s.strip() for s in self.recommending_states
        ):
            errors["recommending_states"] = _("Give the recommending states as a list of names.")
        if errors:
            raise ValidationError(errors)


def _append_only(model: type[models.Model], *, deleting: bool) -> AppendOnly:
    message = (
        _("%(records)s are append-only: they cannot be deleted.")
        if deleting
        else _("%(records)s are append-only: they cannot be changed.")
    )
    return AppendOnly(message % {"records": capfirst(model._meta.verbose_name_plural)})


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses bulk ``update()`` and ``delete()``: the rows are an audit trail."""

    def update(self, **kwargs):
        raise _append_only(self.model, deleting=False)

    def delete(self):
        raise _append_only(self.model, deleting=True)


class AppendOnlyModel(models.Model):
    """A record that can be written once and never changed or deleted.

    ``save()`` of an existing row, ``delete()``, and queryset ``update()`` /
    ``delete()`` raise :class:`findings.exceptions.AppendOnly`; the finding
    they belong to is protected from deletion while they exist.
    """

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise _append_only(type(self), deleting=False)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _append_only(type(self), deleting=True)


class FindingEvent(AppendOnlyModel):
    """One status transition of a finding: append-only, never edited or deleted.

    It is both the audit trail and the source of "what changed this week" in
    digests.
    """

    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), on_delete=models.PROTECT, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=30, choices=Status.choices)
    to_status = models.CharField(_("to"), max_length=30, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="finding_events",
    )
    created_at = models.DateTimeField(_("at"), db_index=True)
    note = models.TextField(_("note"), blank=True)
    proposed_assessment = models.CharField(
        _("proposed assessment"), max_length=30, choices=Assessment.choices, blank=True
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [models.Index(fields=["finding", "created_at"], name="event_finding_time")]

    def __str__(self) -> str:
        return f"{self.finding_id}: {self.from_status} → {self.to_status}"


class Assignment(AppendOnlyModel):
    """A change of a finding's reviewer: who assigned whom, when and why (append-only).

    ``reviewer`` is empty when the reviewer was removed.
    """

    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), on_delete=models.PROTECT, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_assignments",
    )
    previous_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("previous reviewer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    method = models.CharField(_("method"), max_length=20, choices=AssignmentMethod.choices)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("reviewer assignment")
        verbose_name_plural = _("reviewer assignments")

    def __str__(self) -> str:
        return f"{self.finding_id} → {self.reviewer or '—'}"


class Evidence(models.Model):
    """A note, an evidence item or a partner's assessment attached to a finding.

    Staff entries are accepted when written. Partner submissions start
    ``pending`` and count only once staff accept them; a rejection keeps its
    reason. ``visibility`` decides whether partners can read it.
    """

    finding = models.ForeignKey(
        Finding, verbose_name=_("finding"), on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EvidenceKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("partner organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
        help_text=_("Empty for staff entries."),
    )
    text = models.TextField(_("text"))
    source = models.CharField(
        _("source"),
        max_length=500,
        blank=True,
        help_text=_("A URL or a citation, e.g. a law number."),
    )
    evidence_date = models.DateField(_("date"), null=True, blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    assessment = models.CharField(
        _("assessment"), max_length=30, choices=Assessment.choices, blank=True
    )
    moderation = models.CharField(
        _("moderation"), max_length=10, choices=Moderation.choices, default=Moderation.ACCEPTED
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    moderation_reason = models.TextField(_("moderation reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("note or evidence")
        verbose_name_plural = _("notes and evidence")
        permissions = [("moderate_evidence", _("Can accept or reject partner submissions"))]
        indexes = [
            models.Index(fields=["finding", "moderation"], name="evidence_finding_moderation"),
            models.Index(fields=["moderation", "created_at"], name="evidence_moderation_queue"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EvidenceKind.values), name="evidence_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(moderation__in=Moderation.values), name="evidence_moderation_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind=EvidenceKind.ASSESSMENT) | ~Q(assessment=""),
                name="evidence_assessment_has_value",
            ),
            models.CheckConstraint(
                condition=~Q(moderation=Moderation.REJECTED) | ~Q(moderation_reason=""),
                name="evidence_rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.finding_id}"
