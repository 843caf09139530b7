"""Small pieces of HTML the findings admin shows in several places (no queries)."""

from __future__ import annotations

import datetime

from django.utils.html import format_html
from django.utils.safestring import SafeString

from ..choices import OPEN_STATUSES, Status

#: Badge colours per status (background); white text on each passes WCAG AA.
STATUS_COLOURS: dict[str, str] = {
    Status.NEW: "#5c636a",
    Status.TRIAGED: "#0a58ca",
    Status.IN_PROGRESS: "#6f42c1",
    Status.AWAITING_REVIEW: "#b35900",
    Status.IMPLEMENTED: "#146c43",
    Status.PARTIALLY_IMPLEMENTED: "#0f6674",
    Status.NOT_IMPLEMENTED: "#b02a37",
    Status.CLOSED: "#343a40",
}


def status_label(status: str) -> str:
    try:
        return str(Status(status).label)
    except ValueError:
        return status


def status_badge(status: str) -> SafeString:
    """The status as a coloured pill, readable without colour too (it carries the label)."""
    return format_html(
        '<span class="tracker-badge" data-status="{}" style="background:{}">{}</span>',
        status,
        STATUS_COLOURS.get(status, "#5c636a"),
        status_label(status),
    )


def is_overdue(status: str, due_on: datetime.date | None, today: datetime.date) -> bool:
    """Open and past its next assessment date: the rule of ``FindingQuerySet.overdue``."""
    return due_on is not None and status in OPEN_STATUSES and due_on < today
