"""Reads behind reminders, deadline alerts and digests.

Each builder takes ``now`` (an aware datetime) and runs a fixed number of SQL
queries however many findings, reviewers or managers there are: rows are
fetched with their related objects in one go, totals are aggregated in SQL,
and long lists are capped (with the full count beside them).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from django.conf import settings
from django.db import connection, models
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce

from accounts.models import User
from accounts.roles import Role
from findings.choices import ASSESSED_STATUSES, OPEN_STATUSES, Status
from findings.models import Evidence, Finding, FindingEvent
from treaties.models import Obligation, Provision, Treaty

from .choices import DigestPeriod, EmailKind
from .models import SentEmail
from .periods import ReportingPeriod, local_today, reporting_period

#: How many rows each list in a digest shows; the total is always given.
DIGEST_LIST_LIMIT = 20

T = TypeVar("T", bound=models.Model)


# --- recipients ---------------------------------------------------------------


def manager_recipients() -> models.QuerySet[User]:
    """Active managers with an email address."""
    return (
        User.objects.filter(is_active=True, groups__name=Role.MANAGER)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def digest_recipients(period: DigestPeriod | str) -> models.QuerySet[User]:
    """Active managers with an email address who chose this digest."""
    return manager_recipients().filter(digest_frequency=DigestPeriod(period).value)


def unsent_digest_recipients(
    period: DigestPeriod | str, now: datetime.datetime
) -> models.QuerySet[User]:
    """Managers who chose this digest and do not have the one for the period before ``now``."""
    period = DigestPeriod(period)
    sent = SentEmail.objects.filter(
        recipient=OuterRef("pk"),
        kind=period.email_kind,
        period_key=reporting_period(period, now).key,
    )
    return digest_recipients(period).filter(~Exists(sent))


def already_sent(kind: EmailKind, period_keys: Iterable[str]) -> set[tuple[int, str]]:
    """``(recipient id, period key)`` of the emails of that kind already sent (one query)."""
    return set(
        SentEmail.objects.filter(kind=kind, period_key__in=list(period_keys)).values_list(
            "recipient_id", "period_key"
        )
    )


# --- reviewer reminders -----------------------------------------------------------


@dataclass
class ReviewerReminder:
    """What one reviewer should hear about today.

    ``due``: open findings assigned to them that are overdue or due within
    ``TRACKER_REMINDER_DUE_WITHIN_DAYS``, soonest first (each has ``days_left``,
    negative when overdue, and ``days_overdue``). ``waiting``: findings awaiting their review for
    more than ``TRACKER_REMINDER_REVIEW_WAITING_DAYS``, longest first (each has
    ``waiting_since`` and ``waiting_days``).
    """

    reviewer: User
    today: datetime.date
    due: list[Finding] = field(default_factory=list)
    waiting: list[Finding] = field(default_factory=list)

    @property
    def period_key(self) -> str:
        return self.today.isoformat()

    @property
    def overdue_count(self) -> int:
        return sum(1 for f in self.due if f.days_left < 0)

    @property
    def item_count(self) -> int:
        return len({f.pk for f in self.due} | {f.pk for f in self.waiting})


def reviewer_reminders(
    *, now: datetime.datetime, reviewer_ids: Sequence[int] | None = None
) -> list[ReviewerReminder]:
    """Today's reminder for every reviewer who has something to hear (one query).

    Reviewers with nothing due and nothing waiting get no reminder at all.
    Only active users with an email address are included.
    """
    today = local_today(now)
    horizon = today + datetime.timedelta(days=settings.TRACKER_REMINDER_DUE_WITHIN_DAYS)
    waiting_cutoff = now - datetime.timedelta(days=settings.TRACKER_REMINDER_REVIEW_WAITING_DAYS)

    is_due = Q(due_on__lte=horizon)
    is_waiting = Q(status=Status.AWAITING_REVIEW, waiting_since__lt=waiting_cutoff)
    findings = (
        Finding.objects.open()
        .filter(reviewer__isnull=False, reviewer__is_active=True)
        .exclude(reviewer__email="")
        .annotate(waiting_since=Coalesce("submitted_for_review_at", "status_changed_at"))
        .filter(is_due | is_waiting)
        .select_related("reviewer", "report")
        .order_by("reviewer_id", "due_on", "pk")
    )
    if reviewer_ids is not None:
        findings = findings.filter(reviewer_id__in=reviewer_ids)

    reminders: dict[int, ReviewerReminder] = {}
    for finding in findings:
        reminder = reminders.get(finding.reviewer_id)
        if reminder is None:
            reminder = reminders[finding.reviewer_id] = ReviewerReminder(
                reviewer=finding.reviewer, today=today
            )
        if finding.due_on is not None and finding.due_on <= horizon:
            finding.days_left = (finding.due_on - today).days
            finding.days_overdue = max(0, -finding.days_left)
            reminder.due.append(finding)
        since = finding.waiting_since
        if finding.status == Status.AWAITING_REVIEW and since and since < waiting_cutoff:
            finding.waiting_days = (today - local_today(since)).days
            reminder.waiting.append(finding)
    for reminder in reminders.values():
        reminder.waiting.sort(key=lambda f: (f.waiting_since, f.pk))
    return list(reminders.values())


def unsent_reviewer_reminders(*, now: datetime.datetime) -> list[ReviewerReminder]:
    """Today's reminders minus those already sent today (two queries)."""
    reminders = reviewer_reminders(now=now)
    sent = already_sent(EmailKind.REVIEWER_REMINDER, {r.period_key for r in reminders})
    return [r for r in reminders if (r.reviewer.pk, r.period_key) not in sent]


# --- reporting calendar -----------------------------------------------------------


@dataclass(frozen=True)
class DeadlineAlert:
    """An open reporting or follow-up obligation that has crossed a threshold.

    ``threshold`` is the smallest of ``TRACKER_DEADLINE_THRESHOLDS`` not below
    the days left: an obligation 30 days away is at its 30-day threshold, one
    20 days away too (its 30-day alert fires late if a run was missed, and the
    90-day alert it skipped is not sent any more).
    """

    obligation: Obligation
    threshold: int
    days_left: int

    @property
    def thresholds_text(self) -> str:
        """The alert thresholds, largest first: "90, 30, 7"."""
        return ", ".join(str(t) for t in sorted(settings.TRACKER_DEADLINE_THRESHOLDS, reverse=True))

    @property
    def period_key(self) -> str:
        # The due date is part of the key: when an obligation's date moves
        # (the next reporting cycle) its thresholds fire again.
        o = self.obligation
        return f"obligation:{o.pk}:{o.due_on.isoformat()}:{self.threshold}d"


def deadline_alerts(
    *, now: datetime.datetime, obligation_ids: Sequence[int] | None = None
) -> list[DeadlineAlert]:
    """Open dated obligations falling due within the largest threshold (one query)."""
    thresholds = sorted(settings.TRACKER_DEADLINE_THRESHOLDS)
    if not thresholds:
        return []
    today = local_today(now)
    obligations = Obligation.objects.upcoming(today, thresholds[-1]).select_related("treaty")
    if obligation_ids is not None:
        obligations = obligations.filter(pk__in=obligation_ids)
    alerts = []
    for obligation in obligations.order_by("due_on", "pk"):
        days_left = (obligation.due_on - today).days
        threshold = next(t for t in thresholds if days_left <= t)
        alerts.append(
            DeadlineAlert(obligation=obligation, threshold=threshold, days_left=days_left)
        )
    return alerts


def unsent_deadline_alerts(*, now: datetime.datetime) -> list[tuple[DeadlineAlert, User]]:
    """Each (alert, manager) pair not yet emailed (three queries)."""
    alerts = deadline_alerts(now=now)
    if not alerts:
        return []
    managers = list(manager_recipients())
    sent = already_sent(EmailKind.DEADLINE_ALERT, {a.period_key for a in alerts})
    return [
        (alert, manager)
        for alert in alerts
        for manager in managers
        if (manager.pk, alert.period_key) not in sent
    ]


# --- manager digest -----------------------------------------------------------------


@dataclass(frozen=True)
class Capped(Generic[T]):
    """The first rows of a list and how many there are in all."""

    rows: list[T]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)

    def __bool__(self) -> bool:
        return self.total > 0

    def __iter__(self):
        return iter(self.rows)


def capped(queryset: models.QuerySet[T], limit: int = DIGEST_LIST_LIMIT) -> Capped[T]:
    """The first ``limit`` rows and the full count (two queries).

    A window count in the same query would save one, but makes the database
    join every matching row before the LIMIT; the count alone uses an index.
    """
    return Capped(rows=list(queryset[:limit]), total=queryset.count())


@dataclass(frozen=True)
class StatusTotal:
    """How many findings had this status at the start and the end of the period, and now."""

    status: Status
    at_start: int
    at_end: int
    now: int

    @property
    def change(self) -> int:
        return self.at_end - self.at_start


@dataclass(frozen=True)
class BarSegment:
    """One status's piece of a treaty's bar; ``width`` is a CSS percentage."""

    status: Status
    count: int
    percent: float

    @property
    def width(self) -> str:
        # Formatted here, not in the template, so a locale never writes "12,5%".
        return f"{self.percent:.1f}%"


@dataclass(frozen=True)
class ChartRow:
    """A treaty's stacked bar, scaled so the treaty with most findings fills the width."""

    treaty: "TreatyProgress"
    segments: list[BarSegment]

    @property
    def rest_width(self) -> str:
        return f"{max(0.0, 100 - sum(s.percent for s in self.segments)):.1f}%"


@dataclass
class TreatyProgress:
    """Findings linked to one treaty (directly or through its articles), by current status."""

    treaty_id: int
    code: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, *statuses: str) -> int:
        return sum(self.counts.get(s, 0) for s in statuses)

    @property
    def open(self) -> int:
        return self.count(*OPEN_STATUSES)

    @property
    def implemented(self) -> int:
        return self.count(Status.IMPLEMENTED)

    @property
    def partially_implemented(self) -> int:
        return self.count(Status.PARTIALLY_IMPLEMENTED)

    @property
    def not_implemented(self) -> int:
        return self.count(Status.NOT_IMPLEMENTED)

    @property
    def closed(self) -> int:
        return self.count(Status.CLOSED)

    @property
    def assessed_percent(self) -> int:
        """Share of the treaty's findings with an assessment, rounded down."""
        return 100 * self.count(*ASSESSED_STATUSES) // self.total if self.total else 0

    def segments(self, scale: int) -> list[BarSegment]:
        """Bar pieces by status, as percentages of ``scale`` (the largest treaty's total)."""
        return [
            BarSegment(
                status=s,
                count=self.counts[s],
                # At least half a percent, so a single finding stays visible.
                percent=max(0.5, round(100 * self.counts[s] / scale, 1)),
            )
            for s in Status
            if self.counts.get(s)
        ]


@dataclass(frozen=True)
class Digest:
    """Everything in a manager summary, language-neutral (rendered per recipient).

    Totals by status are for the start and the end of the reporting period and
    are derived from the status-change log, so a digest built late or twice
    reports the same numbers. The other sections describe the state when it
    was built (``generated_at``).
    """

    period: ReportingPeriod
    generated_at: datetime.datetime
    today: datetime.date
    escalation_days: int
    deadline_horizon_days: int
    totals: list[StatusTotal]
    status_changes: Capped[FindingEvent]
    overdue_count: int
    newly_overdue: Capped[Finding]
    escalated: Capped[Finding]
    waiting_reviews: Capped[Finding]
    treaties: list[TreatyProgress]
    upcoming_obligations: Capped[Obligation]
    overdue_obligations: Capped[Obligation]
    pending_submissions: Capped[Evidence]
    disagreements: Capped[Finding]

    @property
    def total_at_start(self) -> int:
        return sum(t.at_start for t in self.totals)

    @property
    def total_at_end(self) -> int:
        return sum(t.at_end for t in self.totals)

    @property
    def total_now(self) -> int:
        return sum(t.now for t in self.totals)

    @property
    def chart(self) -> list[ChartRow]:
        """Status by treaty as stacked bars, for the HTML email."""
        scale = max((t.total for t in self.treaties), default=0)
        return [ChartRow(treaty=t, segments=t.segments(scale)) for t in self.treaties if t.total]

    @property
    def statuses(self) -> list[Status]:
        """Every status, for the chart legend."""
        return list(Status)

    @property
    def is_weekly(self) -> bool:
        return self.period.kind == DigestPeriod.WEEKLY


def status_totals(start: datetime.datetime, end: datetime.datetime) -> list[StatusTotal]:
    """Findings by status at ``start``, at ``end`` and now (three aggregate queries).

    The status of a finding at a moment is its status now, rewound through the
    status changes logged since; findings created after the moment are left
    out. This needs every status change to be logged, which the workflow
    services guarantee.
    """
    moments = {"start": start, "end": end}
    now_counts = Finding.objects.values("status").annotate(
        now=Count("pk"),
        **{name: Count("pk", filter=Q(created_at__lt=t)) for name, t in moments.items()},
    )
    events = FindingEvent.objects.filter(created_at__gte=start)

    def event_counts(column: str):
        return events.values(column).annotate(
            **{
                name: Count("pk", filter=Q(created_at__gte=t, finding__created_at__lt=t))
                for name, t in moments.items()
            }
        )

    counts = {name: defaultdict(int) for name in [*moments, "now"]}
    for row in now_counts:
        for name in [*moments, "now"]:
            counts[name][row["status"]] += row[name]
    for row in event_counts("to_status"):
        for name in moments:
            counts[name][row["to_status"]] -= row[name]
    for row in event_counts("from_status"):
        for name in moments:
            counts[name][row["from_status"]] += row[name]
    return [
        StatusTotal(
            status=s, at_start=counts["start"][s], at_end=counts["end"][s], now=counts["now"][s]
        )
        for s in Status
    ]


def treaty_progress() -> list[TreatyProgress]:
    """Findings per treaty and current status (one aggregate query).

    A finding belongs to a treaty when it is linked to it or to one of its
    articles, and counts once per treaty however many of those links it has.
    """
    finding_treaties = Finding.treaties.through._meta.db_table
    finding_provisions = Finding.provisions.through._meta.db_table
    q = connection.ops.quote_name
    # The ORM cannot group over a UNION; the union is what makes each
    # (finding, treaty) pair count once, whichever way it is linked.
    sql = f"""
        SELECT links.treaty_id, treaty.{q("code")}, finding.{q("status")}, COUNT(*)
        FROM (
            SELECT {q("finding_id")} AS finding_id, {q("treaty_id")} AS treaty_id
            FROM {q(finding_treaties)}
            UNION
            SELECT link.{q("finding_id")}, provision.{q("treaty_id")}
            FROM {q(finding_provisions)} link
            JOIN {q(Provision._meta.db_table)} provision
                ON provision.{q("id")} = link.{q("provision_id")}
        ) links
        JOIN {q(Finding._meta.db_table)} finding ON finding.{q("id")} = links.finding_id
        JOIN {q(Treaty._meta.db_table)} treaty ON treaty.{q("id")} = links.treaty_id
        GROUP BY links.treaty_id, treaty.{q("code")}, finding.{q("status")}
    """  # noqa: S608 (only table and column names are interpolated)
    treaties: dict[int, TreatyProgress] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql)
        for treaty_id, code, status, count in cursor.fetchall():
            progress = treaties.setdefault(
                treaty_id, TreatyProgress(treaty_id=treaty_id, code=code, counts={})
            )
            progress.counts[status] = count
    return sorted(treaties.values(), key=lambda t: t.code)


def digest_build(*, period: DigestPeriod | str, now: datetime.datetime) -> Digest:
    """The manager summary for the last complete week or month before ``now``.

    Runs a fixed number of queries (21) whatever the size of the data.
    """
    span = reporting_period(period, now)
    today = local_today(now)
    escalation_cutoff = today - datetime.timedelta(days=settings.TRACKER_ESCALATION_OVERDUE_DAYS)
    horizon = max(settings.TRACKER_DEADLINE_THRESHOLDS, default=90)

    overdue = Finding.objects.overdue(today).select_related("report", "reviewer")
    newly_overdue = capped(
        overdue.filter(due_on__gte=span.first_day, due_on__lte=span.last_day).order_by(
            "due_on", "pk"
        )
    )
    escalated = capped(overdue.filter(due_on__lt=escalation_cutoff).order_by("due_on", "pk"))
    waiting = capped(
        Finding.objects.filter(status=Status.AWAITING_REVIEW)
        .annotate(waiting_since=Coalesce("submitted_for_review_at", "status_changed_at"))
        .select_related("report", "reviewer", "submitted_for_review_by")
        .order_by(F("waiting_since").asc(nulls_last=True), "pk")
    )
    for finding in waiting:
        since = finding.waiting_since
        finding.waiting_days = (today - local_today(since)).days if since else None

    return Digest(
        period=span,
        generated_at=now,
        today=today,
        escalation_days=settings.TRACKER_ESCALATION_OVERDUE_DAYS,
        deadline_horizon_days=horizon,
        totals=status_totals(span.start, span.end),
        status_changes=capped(
            FindingEvent.objects.filter(created_at__gte=span.start, created_at__lt=span.end)
            .select_related("finding__report", "actor")
            .order_by("-created_at", "-pk")
        ),
        overdue_count=Finding.objects.overdue(today).count(),
        newly_overdue=newly_overdue,
        escalated=escalated,
        waiting_reviews=waiting,
        treaties=treaty_progress(),
        upcoming_obligations=capped(
            Obligation.objects.upcoming(today, horizon)
            .select_related("treaty")
            .order_by("due_on", "pk")
        ),
        overdue_obligations=capped(
            Obligation.objects.overdue(today).select_related("treaty").order_by("due_on", "pk")
        ),
        pending_submissions=capped(
            Evidence.objects.pending()
            .select_related("finding__report", "organisation", "author")
            .order_by("created_at", "pk")
        ),
        disagreements=capped(
            Finding.objects.with_partner_disagreement()
            .select_related("report", "reviewer")
            .order_by("pk")
        ),
    )
