"""Local days and reporting periods, computed from an aware ``now``.

Everything the tracker sends is scheduled in the project's time zone
(``settings.TIME_ZONE``, Asia/Almaty), whatever zone ``now`` comes in.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from .choices import DigestPeriod


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_today(now: datetime.datetime) -> datetime.date:
    """The calendar day ``now`` falls on in the project's time zone."""
    return timezone.localdate(now, timezone=local_zone())


def local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=local_zone())


@dataclass(frozen=True)
class ReportingPeriod:
    """A complete calendar week (Monday to Sunday) or month, as ``[start, end)``.

    ``start`` and ``end`` are local midnights. ``key`` (the first day) names
    the period in the sent-email log.
    """

    kind: DigestPeriod
    start: datetime.datetime
    end: datetime.datetime

    @property
    def first_day(self) -> datetime.date:
        return self.start.date()

    @property
    def last_day(self) -> datetime.date:
        return self.end.date() - datetime.timedelta(days=1)

    @property
    def key(self) -> str:
        return self.first_day.isoformat()


def reporting_period(period: DigestPeriod | str, now: datetime.datetime) -> ReportingPeriod:
    """The last complete week or month before the local day of ``now``.

    Run on any day of a week, the weekly digest reports the week before it, so
    a late or repeated run reports (and is keyed by) the same period.
    """
    period = DigestPeriod(period)
    today = local_today(now)
    if period is DigestPeriod.WEEKLY:
        end = today - datetime.timedelta(days=today.weekday())
        start = end - datetime.timedelta(days=7)
    else:
        end = today.replace(day=1)
        start = (end - datetime.timedelta(days=1)).replace(day=1)
    return ReportingPeriod(kind=period, start=local_midnight(start), end=local_midnight(end))
