"""Treaties Kazakhstan is (or is not) party to, their bodies, articles and obligations."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import (
    DATED_OBLIGATION_KINDS,
    BodyKind,
    ComplaintsAccepted,
    ConsentKind,
    ObligationKind,
    ParticipationStatus,
    TreatyKind,
)
from .querysets import ObligationQuerySet


class MonitoringBody(models.Model):
    """A body that monitors treaties or reviews states: a UN treaty body, the UPR, the ILO."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=BodyKind.choices)
    url = models.URLField(_("web page"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("monitoring body")
        verbose_name_plural = _("monitoring bodies")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Treaty(models.Model):
    """An international instrument: a core treaty, an optional protocol, an ILO convention...

    Protocols point at their parent treaty. Kazakhstan's relation to the
    treaty is in its :class:`Participation`, one row per treaty (also when
    Kazakhstan is not party, since reports recommend joining).
    """

    code = models.CharField(_("code"), max_length=30, unique=True, help_text=_("e.g. ICCPR-OP1"))
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=TreatyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent treaty"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="protocols",
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    monitoring_body = models.ForeignKey(
        MonitoringBody,
        verbose_name=_("monitoring body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="treaties",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("treaty")
        verbose_name_plural = _("treaties")
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="treaty_not_its_own_parent"),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        if self.kind == TreatyKind.OPTIONAL_PROTOCOL and self.parent_id is None:
            raise ValidationError({"parent": _("An optional protocol needs its parent treaty.")})
        if self.parent_id is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A treaty cannot be its own parent.")})


class Participation(models.Model):
    """Kazakhstan's participation in one treaty, with both kinds of date.

    ``deposited_on`` is the date the UN (or ILO) recorded the instrument;
    ``domestic_act`` and ``domestic_act_date`` are the Kazakh ratification law
    or decree, which usually differ. Facts not checked against a primary
    source are stored with ``verified`` off and explained in ``verification_note``.
    """

    treaty = models.OneToOneField(
        Treaty, verbose_name=_("treaty"), on_delete=models.CASCADE, related_name="participation"
    )
    status = models.CharField(_("status"), max_length=20, choices=ParticipationStatus.choices)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    consent_kind = models.CharField(
        _("ratification or accession"), max_length=20, choices=ConsentKind.choices, blank=True
    )
    deposited_on = models.DateField(
        _("deposited on"),
        null=True,
        blank=True,
        help_text=_("Date the instrument was deposited with the UN (or registered by the ILO)."),
    )
    domestic_act = models.CharField(
        _("domestic act"),
        max_length=200,
        blank=True,
        help_text=_("The Kazakh ratification law or decree, e.g. Law No. 91 of 28 Nov 2005."),
    )
    domestic_act_date = models.DateField(_("domestic act date"), null=True, blank=True)
    in_force_on = models.DateField(_("in force for Kazakhstan on"), null=True, blank=True)
    reservations = models.TextField(_("reservations and declarations"), blank=True)
    individual_complaints = models.CharField(
        _("individual complaints"),
        max_length=10,
        choices=ComplaintsAccepted.choices,
        default=ComplaintsAccepted.UNKNOWN,
    )
    source = models.TextField(_("source"), blank=True)
    verified = models.BooleanField(
        _("verified"), default=False, help_text=_("Every fact here was read in a primary source.")
    )
    verification_note = models.TextField(
        _("verification note"), blank=True, help_text=_("Which facts are unverified, and why.")
    )

    class Meta:
        ordering = ["treaty__code"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ParticipationStatus.values),
                name="participation_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True)
                | Q(deposited_on__isnull=True)
                | Q(signed_on__lte=F("deposited_on")),
                name="participation_signed_before_deposit",
            ),
            models.CheckConstraint(
                condition=Q(deposited_on__isnull=True)
                | Q(in_force_on__isnull=True)
                | Q(deposited_on__lte=F("in_force_on")),
                name="participation_deposit_before_force",
            ),
            models.CheckConstraint(
                condition=~Q(status=ParticipationStatus.NOT_PARTY) | Q(deposited_on__isnull=True),
                name="participation_not_party_has_no_deposit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.treaty.code}: {self.get_status_display()}"

    def clean(self) -> None:
        errors = {}
        if self.status == ParticipationStatus.PARTY and not self.consent_kind:
            errors["consent_kind"] = _("Say whether Kazakhstan ratified or acceded.")
        if self.status == ParticipationStatus.NOT_PARTY and self.deposited_on:
            errors["deposited_on"] = _("A state that is not party has no deposit date.")
        if self.signed_on and self.deposited_on and self.signed_on > self.deposited_on:
            errors["deposited_on"] = _("The deposit date cannot be before the signature.")
        if self.deposited_on and self.in_force_on and self.deposited_on > self.in_force_on:
            errors["in_force_on"] = _("Entry into force cannot be before the deposit.")
        if errors:
            raise ValidationError(errors)


class Provision(models.Model):
    """An article (or paragraph) of a treaty that findings and obligations cite."""

    treaty = models.ForeignKey(
        Treaty, verbose_name=_("treaty"), on_delete=models.CASCADE, related_name="provisions"
    )
    number = models.CharField(_("number"), max_length=20, help_text=_("e.g. 7 or 2(1)"))
    title = models.CharField(_("short title"), max_length=200, blank=True)
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Sort key, so article 10 comes after article 9.")
    )

    class Meta:
        ordering = ["treaty__code", "position", "number"]
        verbose_name = _("provision")
        verbose_name_plural = _("provisions")
        constraints = [
            models.UniqueConstraint(fields=["treaty", "number"], name="provision_unique_number"),
        ]

    def __str__(self) -> str:
        label = f"{self.treaty.code} art. {self.number}"
        return f"{label} — {self.title}" if self.title else label


class Obligation(models.Model):
    """Something the state must do under a treaty.

    Reporting and follow-up obligations fall due on a date (``due_on``) and,
    where they recur, every ``periodicity_months``. ``completed_on`` marks one
    as handled: until then an overdue obligation stays in every digest.
    """

    treaty = models.ForeignKey(
        Treaty, verbose_name=_("treaty"), on_delete=models.PROTECT, related_name="obligations"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ObligationKind.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    provisions = models.ManyToManyField(
        Provision, verbose_name=_("provisions"), blank=True, related_name="obligations"
    )
    reference = models.CharField(
        _("reference"),
        max_length=200,
        blank=True,
        help_text=_("Document that sets it, e.g. CCPR/C/KAZ/CO/3 para 52."),
    )
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    periodicity_months = models.PositiveSmallIntegerField(
        _("periodicity (months)"), null=True, blank=True
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    source = models.TextField(_("source"), blank=True)
    verified = models.BooleanField(_("verified"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()
    objects = ObligationQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "treaty__code", "title"]
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        indexes = [models.Index(fields=["kind", "due_on"], name="obligation_kind_due")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ObligationKind.values), name="obligation_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=DATED_OBLIGATION_KINDS) | Q(due_on__isnull=False),
                name="obligation_dated_kinds_have_due_date",
            ),
            models.CheckConstraint(
                condition=Q(last_reviewed_on__isnull=True)
                | Q(due_on__isnull=True)
                | Q(last_reviewed_on__lte=F("due_on")),
                name="obligation_reviewed_before_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.treaty.code}: {self.title}"

    def clean(self) -> None:
        if self.kind in DATED_OBLIGATION_KINDS and self.due_on is None:
            raise ValidationError(
                {"due_on": _("Reporting and follow-up obligations need a due date.")}
            )
        if self.last_reviewed_on and self.due_on and self.last_reviewed_on > self.due_on:
            raise ValidationError({"due_on": _("The due date cannot be before the last review.")})
