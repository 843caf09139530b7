"""Changelist filters for findings.

Each filter costs at most one small query for its options and filters with an
indexed condition or a single join, never ``DISTINCT``: a finding appears once
per treaty or theme link, so filtering by one treaty cannot duplicate rows.

Treaties and themes are short lists. Reports and reviewers grow with the
archive (thousands of reports, hundreds of reviewers), so their sidebars list
a bounded number (:data:`SIDEBAR_LIMIT`): the most recent reports, and the
reviewers with the most findings awaiting their review, plus whichever one is selected. Any
other report or reviewer is one click away from its own page (a report's
"findings" link) or by ``?report=<id>`` / ``?reviewer=<id>``.
"""

from __future__ import annotations

import calendar
import datetime

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.roles import Role
from treaties.models import Treaty

from ..choices import OPEN_STATUSES, ReportKind, Status
from ..models import Finding, Report, Theme

#: How many reports and reviewers the changelist sidebar lists at most (plus the selected one).
SIDEBAR_LIMIT = 30


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class TreatyFilter(admin.SimpleListFilter):
    title = _("treaty")
    parameter_name = "treaty"

    def lookups(self, request, model_admin):
        return list(Treaty.objects.order_by("code").values_list("pk", "code"))

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        pk = _int_or_none(self.value())
        return queryset.filter(treaties=pk) if pk is not None else queryset


class ThemeFilter(admin.SimpleListFilter):
    title = _("theme")
    parameter_name = "theme"

    def lookups(self, request, model_admin):
        return list(Theme.objects.order_by("name").values_list("pk", "name"))

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        pk = _int_or_none(self.value())
        return queryset.filter(themes=pk) if pk is not None else queryset


class ReportFilter(admin.SimpleListFilter):
    """The most recent reports (:data:`SIDEBAR_LIMIT`), plus the selected one."""

    title = _("report")
    parameter_name = "report"

    def lookups(self, request, model_admin):
        recent = Report.objects.order_by("-published_on", "title", "pk")[:SIDEBAR_LIMIT]
        selected = _int_or_none(self.value())
        if selected is not None:
            recent = Report.objects.filter(Q(pk__in=recent.values("pk")) | Q(pk=selected)).order_by(
                "-published_on", "title", "pk"
            )
        return [
            (pk, symbol or title)
            for pk, symbol, title in recent.values_list("pk", "symbol", "title")
        ]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        pk = _int_or_none(self.value())
        return queryset.filter(report_id=pk) if pk is not None else queryset


class ReportKindFilter(admin.SimpleListFilter):
    title = _("report kind")
    parameter_name = "report_kind"

    def lookups(self, request, model_admin):
        return ReportKind.choices

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        value = self.value()
        return queryset.filter(report__kind=value) if value in ReportKind.values else queryset


class ReviewerFilter(admin.SimpleListFilter):
    """ "Assigned to me", "Unassigned", or one reviewer."""

    title = _("reviewer")
    parameter_name = "reviewer"
    ME = "me"
    NONE = "none"

    def lookups(self, request, model_admin):
        # The reviewers with the most findings awaiting their review (SIDEBAR_LIMIT), plus
        # the selected one: counted on the findings awaiting review, a small indexed set.
        busiest = (
            Finding.objects.filter(status=Status.AWAITING_REVIEW, reviewer__isnull=False)
            .values("reviewer_id")
            .annotate(waiting=Count("*"))  # COUNT(*): an index-only scan; COUNT(id) reads rows
            .order_by("-waiting", "reviewer_id")
            .values("reviewer_id")[:SIDEBAR_LIMIT]
        )
        shown = Q(pk__in=busiest)
        selected = _int_or_none(self.value())
        if selected is not None:
            shown |= Q(pk=selected)
        reviewers = (
            User.objects.filter(shown, groups__name=Role.REVIEWER, is_active=True)
            .order_by("username")
            .values_list("pk", "username", "first_name", "last_name")
        )
        return [
            (self.ME, _("Assigned to me")),
            (self.NONE, _("Unassigned")),
            *(
                (pk, f"{first} {last}".strip() or username)
                for pk, username, first, last in reviewers
            ),
        ]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        value = self.value()
        if value == self.ME:
            return queryset.filter(reviewer=request.user)
        if value == self.NONE:
            return queryset.filter(reviewer__isnull=True)
        pk = _int_or_none(value)
        return queryset.filter(reviewer_id=pk) if pk is not None else queryset


class DueFilter(admin.SimpleListFilter):
    """When the next assessment of an open finding falls due (today in the project's time zone)."""

    title = _("next assessment due")
    parameter_name = "due"
    OVERDUE = "overdue"
    THIS_MONTH = "this_month"
    NEXT_30_DAYS = "next_30_days"
    NO_DATE = "none"

    def lookups(self, request, model_admin):
        return [
            (self.OVERDUE, _("Overdue")),
            (self.THIS_MONTH, _("Due this month")),
            (self.NEXT_30_DAYS, _("Due in the next 30 days")),
            (self.NO_DATE, _("No due date")),
        ]

    def queryset(self, request, queryset: QuerySet) -> QuerySet:
        today = timezone.localdate()
        value = self.value()
        if value == self.OVERDUE:
            return queryset.overdue(today)
        if value == self.THIS_MONTH:
            first = today.replace(day=1)
            last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
            return queryset.filter(status__in=OPEN_STATUSES, due_on__range=(first, last))
        if value == self.NEXT_30_DAYS:
            return queryset.filter(
                status__in=OPEN_STATUSES,
                due_on__range=(today, today + datetime.timedelta(days=30)),
            )
        if value == self.NO_DATE:
            return queryset.filter(due_on__isnull=True)
        return queryset
