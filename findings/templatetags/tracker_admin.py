"""Template tags of the tracker admin: the dashboard data and the status badge."""

from django import template

from ..admin.dashboard import dashboard_data, personal_data
from ..admin.display import status_badge as _status_badge

register = template.Library()


@register.simple_tag(takes_context=True)
def tracker_dashboard(context):
    """The dashboard for the signed-in user, or ``None`` if they may not see findings."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("findings.view_finding"):
        return None
    return {**dashboard_data(), **personal_data(user)}


@register.simple_tag
def status_badge(status):
    """A finding's status as a coloured badge: ``{% status_badge finding.status %}``."""
    return _status_badge(status)
