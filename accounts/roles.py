"""The four roles of the tracker, as Django groups.

The groups and their permissions are created by the data migration
``accounts/migrations/0002_roles.py``; the names here are what code uses to ask
"is this user a reviewer?".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MONITOR = "monitor", _("Monitor")
    REVIEWER = "reviewer", _("Reviewer")
    MANAGER = "manager", _("Manager")
    PARTNER = "partner", _("Partner")


STAFF_ROLES = frozenset({Role.MONITOR, Role.REVIEWER, Role.MANAGER})
