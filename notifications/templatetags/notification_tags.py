"""Template helpers for the emails: absolute links into the admin, status colours, and the
per-finding sentences of the reminders.

The sentences are tags written in Python rather than ``{% blocktranslate %}`` in the
templates: a daily run renders one for each of up to tens of thousands of rows, and this is a
fraction of the template tag's cost. Their message ids are the ones the templates used.
"""

import functools

from django import template
from django.conf import settings
from django.contrib.admin.utils import quote
from django.db import models
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.formats import date_format
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext

from findings.choices import Assessment, Status

register = template.Library()

#: Bar colours in the digest chart, one per status (readable on white, distinct in greyscale).
STATUS_COLOURS = {
    Status.NEW: "#9e9e9e",
    Status.TRIAGED: "#78909c",
    Status.IN_PROGRESS: "#1e88e5",
    Status.AWAITING_REVIEW: "#fb8c00",
    Status.IMPLEMENTED: "#2e7d32",
    Status.PARTIALLY_IMPLEMENTED: "#c0ca33",
    Status.NOT_IMPLEMENTED: "#e53935",
    Status.CLOSED: "#424242",
}


def _admin_path(app_label: str, model_name: str, view: str, *args) -> str:
    try:
        return reverse(f"admin:{app_label}_{model_name}_{view}", args=args)
    except NoReverseMatch:
        # The model's admin page is registered by another app; the path is the
        # one the admin would give it, so links stay right once it is.
        suffix = f"{args[0]}/change/" if view == "change" else ""
        return f"{reverse('admin:index')}{app_label}/{model_name}/{suffix}"


#: Stands for the primary key when a change page's path is reversed once per model.
_PK = "2147483647"


@functools.lru_cache(maxsize=64)
def _change_path_parts(urlconf: str, script_prefix: str, app_label: str, model_name: str):
    """The path of a model's admin change page before and after the primary key.

    Reversing costs more than the rest of a reminder's row; the path differs
    only by the key, so it is reversed once per URL configuration and model.
    """
    path = _admin_path(app_label, model_name, "change", _PK)
    head, _sep, tail = path.rpartition(f"/{_PK}/")
    return head + "/", "/" + tail


@register.filter
def admin_url(obj: models.Model) -> str:
    """Absolute URL of the object's change page in the admin."""
    opts = obj._meta
    head, tail = _change_path_parts(
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        opts.app_label,
        opts.model_name,
    )
    return f"{settings.SITE_URL}{head}{quote(str(obj.pk))}{tail}"


@register.filter
def admin_list_url(label: str) -> str:
    """Absolute URL of a changelist, from ``"app_label.model_name"``."""
    app_label, model_name = label.split(".")
    return settings.SITE_URL + _admin_path(app_label, model_name, "changelist")


@register.filter
def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "#9e9e9e")


@register.filter
def assessment_label(assessment: str) -> str:
    """The translated label of an assessment value (empty for none)."""
    try:
        return Assessment(assessment).label
    except ValueError:
        return assessment


@register.filter
def status_label(status: str) -> str:
    """The translated label of a status value."""
    try:
        return Status(status).label
    except ValueError:
        return status


@register.filter
def signed(number: int) -> str:
    """``+3``, ``-2`` or ``0``."""
    return f"{number:+d}" if number else "0"


def _date(value) -> str:
    return date_format(template_localtime(value), "DATE_FORMAT")


@register.simple_tag
def due_note(finding) -> str:
    """When an assigned finding is due (it has ``due_on``, ``days_left`` and ``days_overdue``)."""
    if finding.days_left < 0:
        days = finding.days_overdue
        return ngettext(
            "Overdue since %(date)s (%(days)s day).",
            "Overdue since %(date)s (%(days)s days).",
            days,
        ) % {"date": _date(finding.due_on), "days": days}
    if finding.days_left == 0:
        return gettext("Due today.")
    days = finding.days_left
    return ngettext("Due %(date)s (in %(days)s day).", "Due %(date)s (in %(days)s days).", days) % {
        "date": _date(finding.due_on),
        "days": days,
    }


@register.simple_tag
def waiting_note(finding) -> str:
    """How long a finding has waited for review (``waiting_since``, ``waiting_days``)."""
    days = finding.waiting_days
    return ngettext(
        "Submitted %(date)s, waiting %(days)s day.",
        "Submitted %(date)s, waiting %(days)s days.",
        days,
    ) % {"date": _date(finding.waiting_since), "days": days}
