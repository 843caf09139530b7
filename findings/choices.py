"""Choice sets of the findings app.

The allowed status transitions live in :mod:`findings.workflow`; here are
only the values.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportKind(models.TextChoices):
    TREATY_BODY = "treaty_body", _("Treaty-body concluding observations")
    UPR = "upr", _("UPR outcome")
    SPECIAL_PROCEDURE = "special_procedure", _("Special procedure report")
    STATE_REPORT = "state_report", _("State report")
    FOREIGN_MINISTRY = "foreign_ministry", _("Foreign-ministry country report")
    NGO = "ngo", _("NGO report")
    NHRI = "nhri", _("NHRI report")


class FindingKind(models.TextChoices):
    RECOMMENDATION = "recommendation", _("Recommendation")
    CONCERN = "concern", _("Concern")
    OBSERVATION = "observation", _("Observation")
    POSITIVE = "positive", _("Positive development")


class Priority(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class Status(models.TextChoices):
    # Context keeps Django's own catalogue ("New" as in "add new") out of it.
    NEW = "new", pgettext_lazy("finding status", "New")
    TRIAGED = "triaged", _("Triaged")
    IN_PROGRESS = "in_progress", _("In progress")
    AWAITING_REVIEW = "awaiting_review", _("Awaiting review")
    IMPLEMENTED = "implemented", _("Implemented")
    PARTIALLY_IMPLEMENTED = "partially_implemented", _("Partially implemented")
    NOT_IMPLEMENTED = "not_implemented", _("Not implemented")
    CLOSED = "closed", _("Closed")


class Assessment(models.TextChoices):
    """An assessment of implementation: proposed by staff, decided by a reviewer, or a partner's."""

    IMPLEMENTED = "implemented", _("Implemented")
    PARTIALLY_IMPLEMENTED = "partially_implemented", _("Partially implemented")
    NOT_IMPLEMENTED = "not_implemented", _("Not implemented")


#: Statuses in which a finding is still being worked on (not assessed, not closed).
OPEN_STATUSES = (Status.NEW, Status.TRIAGED, Status.IN_PROGRESS, Status.AWAITING_REVIEW)
#: Statuses that record an assessment; each equals an Assessment value.
ASSESSED_STATUSES = (Status.IMPLEMENTED, Status.PARTIALLY_IMPLEMENTED, Status.NOT_IMPLEMENTED)


class StatePosition(models.TextChoices):
    SUPPORTED = "supported", _("Supported")
    SUPPORTED_IN_PART = "supported_in_part", _("Supported in part")
    NOTED = "noted", _("Noted")


class EvidenceKind(models.TextChoices):
    NOTE = "note", _("Note")
    EVIDENCE = "evidence", _("Evidence")
    ASSESSMENT = "assessment", _("Assessment")


class Visibility(models.TextChoices):
    INTERNAL = "internal", _("Internal")
    SHARED = "shared", _("Shared with partners")


class Moderation(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class AssignmentMethod(models.TextChoices):
    MANUAL = "manual", _("By hand")
    AUTOMATIC = "automatic", _("Automatic")
