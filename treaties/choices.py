"""Choice sets of the treaties app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BodyKind(models.TextChoices):
    TREATY_BODY = "treaty_body", _("UN treaty body")
    UPR = "upr", _("Universal Periodic Review")
    ILO = "ilo", _("ILO supervisory body")
    OTHER = "other", _("Other")


class TreatyKind(models.TextChoices):
    CORE = "core", _("Core human rights treaty")
    OPTIONAL_PROTOCOL = "optional_protocol", _("Optional protocol")
    ILO = "ilo", _("ILO convention")
    REFUGEE_STATELESSNESS = "refugee", _("Refugee or statelessness instrument")
    OTHER = "other", _("Other")


class ParticipationStatus(models.TextChoices):
    PARTY = "party", _("Party")
    SIGNATORY = "signatory", _("Signatory only")
    NOT_PARTY = "not_party", _("Not party")


class ConsentKind(models.TextChoices):
    RATIFICATION = "ratification", _("Ratification")
    ACCESSION = "accession", _("Accession")
    SUCCESSION = "succession", _("Succession")


class ComplaintsAccepted(models.TextChoices):
    YES = "yes", _("Accepted")
    NO = "no", _("Not accepted")
    NOT_APPLICABLE = "n/a", _("No procedure")
    UNKNOWN = "unknown", _("Unknown")


class ObligationKind(models.TextChoices):
    SUBSTANTIVE = "substantive", _("Substantive")
    REPORTING = "reporting", _("Reporting")
    FOLLOW_UP = "follow_up", _("Follow-up")
    PROCEDURAL = "procedural", _("Procedural")


#: Obligation kinds that fall due on a date and appear in the reporting calendar.
DATED_OBLIGATION_KINDS = (ObligationKind.REPORTING, ObligationKind.FOLLOW_UP)
