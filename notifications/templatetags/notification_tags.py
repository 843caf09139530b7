"""Template helpers for the emails: absolute links into the admin, status colours."""

from django import template
from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse

from findings.choices import Status

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


@register.filter
def admin_url(obj: models.Model) -> str:
    """Absolute URL of the object's change page in the admin."""
    opts = obj._meta
    return settings.SITE_URL + _admin_path(opts.app_label, opts.model_name, "change", obj.pk)


@register.filter
def admin_list_url(label: str) -> str:
    """Absolute URL of a changelist, from ``"app_label.model_name"``."""
    app_label, model_name = label.split(".")
    return settings.SITE_URL + _admin_path(app_label, model_name, "changelist")


@register.filter
def status_colour(status: str) -> str:
    return STATUS_COLOURS.get(status, "#9e9e9e")


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
