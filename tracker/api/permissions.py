"""Who may call the API: staff roles, partners, and nobody else.

A user needs a role to use the API at all; staff (monitor, reviewer, manager)
see everything, partners only what is published. Finer rules (who may move a
finding where) belong to :mod:`findings.workflow` and the services, which the
endpoints call; the classes here only turn away requests that can never
succeed.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from accounts.roles import STAFF_ROLES


def is_staff_member(user) -> bool:
    """Monitor, reviewer or manager (or a superuser): sees unpublished findings and notes."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or any(user.has_role(role) for role in STAFF_ROLES)


def is_partner(user) -> bool:
    """A partner-organisation member without a staff role: sees published findings only."""
    return bool(user and user.is_authenticated and user.is_active and user.is_partner)


class HasTrackerRole(BasePermission):
    """Staff or partner; a signed-in user without a role gets 403 everywhere."""

    message = _("Your account has no role in the tracker; ask the monitoring staff for one.")

    def has_permission(self, request, view) -> bool:
        return is_staff_member(request.user) or is_partner(request.user)


class IsStaffMember(BasePermission):
    message = _("Only monitoring staff may do this.")

    def has_permission(self, request, view) -> bool:
        return is_staff_member(request.user)


class IsPartnerOrCanAddEvidence(BasePermission):
    """Partners submit evidence for moderation; staff need ``findings.add_evidence``."""

    message = _("Your role may not add evidence.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return is_partner(user) or (
            is_staff_member(user) and user.has_perm("findings.add_evidence")
        )


class HasDjangoPermission(BasePermission):
    """Staff holding the Django permission named by the view's ``required_permission``."""

    message = _("Your role does not have the permission for this.")

    def has_permission(self, request, view) -> bool:
        permission = getattr(view, "required_permission", None)
        user = request.user
        return bool(permission) and is_staff_member(user) and user.has_perm(permission)
