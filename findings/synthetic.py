"""Synthetic data at scale, for benchmarks and load tests: :func:`synthetic_data_create`.

It builds, on top of the seed data (treaties, provisions, obligations,
vocabularies), what a national tracker holds after years of use: reports of
every kind, findings linked to themes, treaties, articles and obligations,
reviewers, monitors, managers and partner organisations, the status timeline
of each finding, reviewer assignments, staff notes and evidence, and partner
submissions in every moderation state. It guarantees that

* the data obeys the workflow: every status has the chain of
  :class:`~findings.models.FindingEvent` rows that leads to it, in time order,
  by people allowed to make each move (the two-person rule included); a
  finding awaiting review has a reviewer, a proposed assessment and an
  accepted evidence item with a source; ``version`` counts the changes;
* the same ``seed`` (and the same ``now``) gives the same data, row for row;
* it writes in one transaction, in bulk, never one query per row: on
  PostgreSQL one ``COPY`` per table and chunk of 5,000 findings (keys taken
  from the sequences first), elsewhere ``bulk_create`` in batches; 100,000
  findings (1.1 million rows) take about 35 s on two cores;
* it writes one django-simple-history record per finding (its creation, in
  the state it was created in) and none for the later changes: the status
  changes are in the append-only events and assignments, which is what the
  tracker reads them from.

Synthetic users are named ``syn-<role>-<n>`` and can never log in (unusable
passwords); their addresses are under the reserved ``.invalid`` domain.
"""

from __future__ import annotations

import contextlib
import datetime
import itertools
import json
import random
import string
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.roles import Role
from treaties.choices import BodyKind, ParticipationStatus
from treaties.models import MonitoringBody, Obligation, Provision, Treaty

from .choices import (
    ASSESSED_STATUSES,
    Assessment,
    AssignmentMethod,
    EvidenceKind,
    FindingKind,
    Moderation,
    Priority,
    ReportKind,
    StatePosition,
    Status,
    Visibility,
)
from .models import (
    AffectedGroup,
    Assignment,
    Evidence,
    Finding,
    FindingEvent,
    Institution,
    Report,
    Theme,
)

__all__ = ["USERNAME_PREFIX", "SyntheticDataError", "SyntheticResult", "synthetic_data_create"]

#: Every synthetic user's username starts with this; it marks a database as seeded.
USERNAME_PREFIX = "syn-"
#: Written into the history record of each synthetic finding.
HISTORY_REASON = "seed_synthetic"
#: Findings are generated and written this many at a time (bounded memory).
CHUNK = 5_000
DEFAULT_BATCH_SIZE = 2_000


@dataclass(frozen=True)
class _Weights:
    """Values and their cumulative weights, for ``random.choices``."""

    values: tuple
    cumulative: tuple

    @classmethod
    def of(cls, weights: dict) -> _Weights:
        return cls(tuple(weights), tuple(itertools.accumulate(weights.values())))

    def draw(self, rng: random.Random) -> Any:
        return rng.choices(self.values, cum_weights=self.cumulative)[0]


# How statuses are spread: most findings are still being worked on.
STATUS_WEIGHTS = _Weights.of(
    {
        Status.NEW: 18,
        Status.TRIAGED: 16,
        Status.IN_PROGRESS: 26,
        Status.AWAITING_REVIEW: 7,
        Status.IMPLEMENTED: 6,
        Status.PARTIALLY_IMPLEMENTED: 10,
        Status.NOT_IMPLEMENTED: 8,
        Status.CLOSED: 9,
    }
)
REPORT_KIND_WEIGHTS = _Weights.of(
    {
        ReportKind.TREATY_BODY: 34,
        ReportKind.UPR: 14,
        ReportKind.SPECIAL_PROCEDURE: 9,
        ReportKind.STATE_REPORT: 9,
        ReportKind.FOREIGN_MINISTRY: 12,
        ReportKind.NGO: 16,
        ReportKind.NHRI: 6,
    }
)
PUBLISHED_SHARE = 0.6
FINDING_KIND_WEIGHTS = _Weights.of(
    {
        FindingKind.RECOMMENDATION: 70,
        FindingKind.CONCERN: 15,
        FindingKind.OBSERVATION: 10,
        FindingKind.POSITIVE: 5,
    }
)
PRIORITY_WEIGHTS = _Weights.of({Priority.HIGH: 20, Priority.MEDIUM: 55, Priority.LOW: 25})
STATE_POSITION_WEIGHTS = _Weights.of(
    {
        StatePosition.SUPPORTED: 6,
        StatePosition.SUPPORTED_IN_PART: 2,
        StatePosition.NOTED: 3,
    }
)
#: Where a closed finding stood before it was closed.
CLOSED_FROM_WEIGHTS = _Weights.of(
    {Status.NEW: 3, Status.TRIAGED: 2, Status.IN_PROGRESS: 2, Status.IMPLEMENTED: 3}
)
ASSIGNMENT_METHOD_WEIGHTS = _Weights.of({AssignmentMethod.MANUAL: 2, AssignmentMethod.AUTOMATIC: 1})
MODERATION_WEIGHTS = _Weights.of(
    {Moderation.PENDING: 35, Moderation.ACCEPTED: 55, Moderation.REJECTED: 10}
)
DIGEST_WEIGHTS = _Weights.of({User.DigestFrequency.WEEKLY: 3, User.DigestFrequency.MONTHLY: 1})
USER_LANGUAGE_WEIGHTS = _Weights.of({"ru": 5, "en": 3, "kk": 2})
REPORT_LANGUAGE_WEIGHTS = _Weights.of({"en": 7, "ru": 2, "kk": 1})

_FIRST_NAMES = (
    "Aigerim", "Aliya", "Arman", "Asel", "Aibek", "Dana", "Daniyar", "Dinara", "Erlan", "Gulnara",
    "Kairat", "Madina", "Marat", "Nurlan", "Saule", "Timur", "Yerlan", "Zhanar", "Olga", "Sergei",
)  # fmt: skip
_LAST_NAMES = (
    "Abenova", "Akhmetov", "Baimukhanova", "Dzhaksybekov", "Ermekova", "Iskakov", "Kassymova",
    "Nurpeisov", "Omarova", "Sadykov", "Seitkali", "Tokayeva", "Utepov", "Zhumabayeva", "Ivanova",
)  # fmt: skip
_ORGANISATIONS = (
    ("Almaty Human Rights Bureau", Organisation.Kind.NGO),
    ("Legal Aid Network of the Steppe", Organisation.Kind.NGO),
    ("Coalition against Torture", Organisation.Kind.NGO),
    ("Embassy Observer Group", Organisation.Kind.EMBASSY),
    ("Ombudsman Liaison Office", Organisation.Kind.NHRI),
    ("Regional Rights Monitor", Organisation.Kind.INTERNATIONAL),
    ("Children's Rights Forum", Organisation.Kind.NGO),
    ("Free Media Watch", Organisation.Kind.NGO),
)
_ISSUERS = {
    ReportKind.SPECIAL_PROCEDURE: ("Special Rapporteur on torture", "Special Rapporteur on freedom "
                                   "of expression", "Working Group on Arbitrary Detention"),
    ReportKind.STATE_REPORT: ("Government of Kazakhstan",),
    ReportKind.FOREIGN_MINISTRY: ("U.S. Department of State", "Government Offices of Sweden",
                                  "Foreign, Commonwealth & Development Office"),
    ReportKind.NGO: ("Kazakhstan International Bureau for Human Rights", "Human Rights Watch",
                     "Amnesty International", "Freedom House"),
    ReportKind.NHRI: ("Commissioner for Human Rights of Kazakhstan",),
}  # fmt: skip
_STATES = (
    "Austria", "Brazil", "Canada", "Chile", "Czechia", "Estonia", "France", "Germany", "Ireland",
    "Japan", "Lithuania", "Mexico", "Netherlands", "Norway", "Poland", "Portugal", "Spain",
    "Sweden", "Switzerland", "United Kingdom", "Uruguay",
)  # fmt: skip
_VERBS = (
    "Ensure", "Adopt measures to guarantee", "Strengthen", "Amend the legislation on",
    "Establish an independent mechanism on", "Allocate adequate resources to",
    "Review the practice of", "Bring into line with international standards",
)  # fmt: skip
_OBJECTS = (
    "effective safeguards on {theme}",
    "the protection of victims of violations concerning {theme}",
    "training for judges, prosecutors and police on {theme}",
    "data collection on {theme}, disaggregated by sex, age and region",
    "access to remedies in matters of {theme}",
    "the oversight of state bodies responsible for {theme}",
)
_QUALIFIERS = (
    "", " in all regions, including rural areas", " by the next reporting cycle",
    " and report on the results", " with the participation of civil society",
)  # fmt: skip
_SUMMARY = (
    "The {body} is concerned about {theme} and asks the State to act.",
    "It notes the steps taken since the previous review but finds them insufficient.",
    "Reports of uneven implementation between regions persist.",
    "The recommendation repeats concerns raised in earlier cycles.",
    "It asks for information on the number of complaints, investigations and outcomes.",
    "Legislative amendments were announced but have not been adopted.",
    "Civil society organisations report obstacles in practice.",
)
_NOTES = (
    "Checked the ministry's annual report; no figures on implementation yet.",
    "Discussed with the responsible institution; draft law expected next year.",
    "Partner organisations confirm the situation has not changed in the regions.",
    "Official statistics show a modest improvement compared with the previous period.",
)
_SOURCES = (
    "https://adilet.zan.kz/eng/docs/Z{n}",
    "Law No. {n}-VII of the Republic of Kazakhstan",
    "Government decree No. {n}",
    "https://www.gov.kz/memleket/entities/{n}",
)
_CLOSE_NOTES = (
    "Superseded by a later recommendation of the same body.",
    "Duplicate of another finding; work continues there.",
    "No longer relevant after the law was repealed.",
)
_REJECTIONS = (
    "The source does not support the claim.",
    "Duplicate of an earlier submission.",
    "Outside the scope of this finding.",
)


class SyntheticDataError(Exception):
    """The database is not ready for synthetic data; nothing was written."""


@dataclass
class SyntheticResult:
    """What :func:`synthetic_data_create` wrote: rows per table (in writing order)."""

    counts: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, number: int) -> None:
        self.counts[name] = self.counts.get(name, 0) + number

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class _Refs:
    """The seed data the generator links to, in a stable order (by natural key)."""

    bodies: list[MonitoringBody]
    treaties: list[Treaty]
    treaties_by_body: dict[int, list[Treaty]]
    party_treaties: list[Treaty]
    provisions_by_treaty: dict[int, list[int]]
    obligations_by_treaty: dict[int, list[int]]
    themes: list[Theme]
    groups: list[int]
    institutions: list[int]


@dataclass
class _People:
    monitors: list[int]
    reviewers: list[int]
    managers: list[int]
    partners_by_org: dict[int, list[int]]
    organisations: list[int]


@dataclass
class _ReportPlan:
    report: Report
    body_code: str
    treaties: list[Treaty]
    published_at: datetime.datetime


@dataclass
class _Plan:
    """The decisions for one finding, made before its id is known."""

    finding: Finding
    themes: list[int]
    treaties: list[int]
    provisions: list[int]
    obligations: list[int]
    groups: list[int]
    institutions: list[int]
    repeats: int | None  # index of an earlier finding
    events: list[FindingEvent]
    assignments: list[Assignment]
    evidence: list[Evidence]


@contextlib.contextmanager
def _timestamps_as_given(*fields: models.DateTimeField) -> Iterator[None]:
    """Let bulk inserts write the ``auto_now``/``auto_now_add`` dates we give.

    Synthetic findings were "created" years ago; without this every row
    would carry the time of the run, and the digest (which counts findings
    by creation time) would see none of them in earlier periods.
    """
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _copy(model: type[models.Model], rows: Sequence[models.Model], *, with_pk: bool) -> None:
    """``COPY`` ``rows`` into the table of ``model`` (PostgreSQL).

    With ``with_pk`` the rows carry their primary keys (see :func:`_reserve_pks`);
    otherwise the table's sequence numbers them.
    """
    fields = [
        f
        for f in model._meta.concrete_fields
        if with_pk or not (f.primary_key and f.get_internal_type() in ("AutoField", "BigAutoField"))
    ]
    attnames = [f.attname for f in fields]
    json_columns = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
    quote = connection.ops.quote_name
    sql = "COPY {} ({}) FROM STDIN".format(
        quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields)
    )
    started = time.monotonic()
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            values = [getattr(row, name) for name in attnames]
            for i in json_columns:
                values[i] = json.dumps(values[i])
            copy.write_row(values)
    if connection.queries_logged:
        # COPY bypasses Django's cursor wrapper; log it so query counts include it.
        connection.queries_log.append(
            {"sql": f"{sql} -- {len(rows)} rows", "time": f"{time.monotonic() - started:.3f}"}
        )


def _reserve_pks(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    """Take primary keys for ``rows`` from the table's sequence (PostgreSQL), in order."""
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(rows)],
        )
        for row, (value,) in zip(rows, cursor.fetchall(), strict=True):
            setattr(row, pk.attname, value)


class _Rows:
    """Builds unsaved instances of ``model`` through ``Model(*values)``.

    Positional arguments are Django's fast path (the one ``Model.from_db``
    uses); keyword construction costs several times more, which adds up over
    a million rows.
    """

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        fields = model._meta.concrete_fields
        self.index = {f.attname: i for i, f in enumerate(fields)}
        self.template = [None if f.primary_key else f.get_default() for f in fields]
        self.callable_defaults = [
            (i, f.default) for i, f in enumerate(fields) if f.has_default() and callable(f.default)
        ]

    def __call__(self, **values: Any) -> models.Model:
        row = list(self.template)
        for i, default in self.callable_defaults:
            row[i] = default()
        index = self.index
        for name, value in values.items():
            row[index[name]] = value
        return self.model(*row)


def synthetic_data_create(
    *,
    findings: int,
    seed: int = 1,
    now: datetime.datetime | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> SyntheticResult:
    """Write ``findings`` synthetic findings and everything around them; one transaction.

    Needs the seed data (at least one theme and one treaty) and a database
    without synthetic data: otherwise :class:`SyntheticDataError` is raised
    and nothing is written. Dates are spread around ``now`` (default: the
    current time). Deterministic for a given ``seed`` and ``now``.
    """
    if findings < 1:
        raise SyntheticDataError(_("Ask for at least one finding."))
    now = now or timezone.now()
    with transaction.atomic():
        if User.objects.filter(username__startswith=USERNAME_PREFIX).exists():
            raise SyntheticDataError(
                _(
                    "The database already holds synthetic data (users named %(prefix)s...); "
                    "start from a fresh database."
                )
                % {"prefix": USERNAME_PREFIX}
            )
        refs = _load_refs()
        generator = _Generator(
            rng=random.Random(seed),  # noqa: S311  (synthetic data, not secrets)
            refs=refs,
            now=now,
            batch_size=batch_size,
            size=findings,
        )
        with _timestamps_as_given(
            Finding._meta.get_field("created_at"),
            Finding._meta.get_field("updated_at"),
            Evidence._meta.get_field("created_at"),
        ):
            generator.run()
    return generator.result


def _load_refs() -> _Refs:
    treaties = list(
        Treaty.objects.select_related("participation")
        .order_by("code")
        .only("id", "code", "monitoring_body_id", "participation__status")
    )
    themes = list(Theme.objects.order_by("slug").only("id", "slug", "name"))
    if not treaties or not themes:
        raise SyntheticDataError(
            _(
                "Load the seed data first (python manage.py load_seed_data): synthetic "
                "findings link to its treaties and themes."
            )
        )
    by_body: dict[int, list[Treaty]] = {}
    for treaty in treaties:
        if treaty.monitoring_body_id:
            by_body.setdefault(treaty.monitoring_body_id, []).append(treaty)
    party = [
        t
        for t in treaties
        if getattr(getattr(t, "participation", None), "status", None) == ParticipationStatus.PARTY
    ]
    provisions: dict[int, list[int]] = {}
    for pk, treaty_id in Provision.objects.order_by(
        "treaty__code", "position", "number"
    ).values_list("pk", "treaty_id"):
        provisions.setdefault(treaty_id, []).append(pk)
    obligations: dict[int, list[int]] = {}
    for pk, treaty_id in Obligation.objects.order_by("treaty__code", "title").values_list(
        "pk", "treaty_id"
    ):
        obligations.setdefault(treaty_id, []).append(pk)
    return _Refs(
        bodies=list(MonitoringBody.objects.order_by("code")),
        treaties=treaties,
        treaties_by_body=by_body,
        party_treaties=party or treaties,
        provisions_by_treaty=provisions,
        obligations_by_treaty=obligations,
        themes=themes,
        groups=list(AffectedGroup.objects.order_by("slug").values_list("pk", flat=True)),
        institutions=list(Institution.objects.order_by("name").values_list("pk", flat=True)),
    )


def _link_rows(
    field_name: str, pairs: list[tuple[int, int]]
) -> tuple[type[models.Model], list[models.Model]]:
    """The link table of ``Finding.<field_name>`` and its rows for (finding id, target id) pairs."""
    m2m = Finding._meta.get_field(field_name)
    through = m2m.remote_field.through
    source, target = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
    make = _Rows(through)
    return through, [make(**{source: a, target: b}) for a, b in pairs]


class _Generator:
    def __init__(
        self, *, rng: random.Random, refs: _Refs, now: datetime.datetime, batch_size: int, size: int
    ) -> None:
        self.rng = rng
        self.refs = refs
        self.now = now
        self.today = timezone.localdate(now)
        self.zone = timezone.get_current_timezone()
        self.batch_size = batch_size
        self.size = size
        self.result = SyntheticResult()
        self.finding_ids: list[int] = []
        # Each access to ``Finding.history`` builds a new manager: look the model up once.
        self.history_model = Finding.history.model
        self.new_finding = _Rows(Finding)
        self.new_event = _Rows(FindingEvent)
        self.new_assignment = _Rows(Assignment)
        self.new_evidence = _Rows(Evidence)
        self.new_history = _Rows(self.history_model)

    # --- helpers ------------------------------------------------------------------------

    def _insert(
        self,
        model: type[models.Model],
        rows: Sequence[models.Model],
        name: str,
        *,
        returning: bool = False,
    ) -> None:
        """Write ``rows``; with ``returning`` their primary keys are set on them.

        On PostgreSQL the rows go through COPY, about five times faster than
        ``bulk_create`` for the million rows of a large run (keys, when
        needed, are taken from the sequence first); elsewhere ``bulk_create``
        in batches, which sets the keys itself.
        """
        if rows:
            if connection.vendor != "postgresql":
                model._default_manager.bulk_create(rows, batch_size=self.batch_size)
            else:
                if returning:
                    _reserve_pks(model, rows)
                _copy(model, rows, with_pk=returning)
        self.result.add(name, len(rows))

    def _weighted(self, weights: _Weights) -> Any:
        return weights.draw(self.rng)

    def _between(self, start: datetime.datetime, end: datetime.datetime) -> datetime.datetime:
        if end <= start:
            return start
        span = (end - start).total_seconds()
        return start + datetime.timedelta(seconds=int(self.rng.random() * span))

    def _moments(self, start: datetime.datetime, count: int) -> list[datetime.datetime]:
        """``count`` strictly increasing moments after ``start`` and before now."""
        span = max((self.now - start).total_seconds(), float(count + 1))
        offsets = sorted(self.rng.random() for _n in range(count))
        moments, previous = [], start
        for offset in offsets:
            moment = max(start + datetime.timedelta(seconds=int(offset * span)), previous)
            moment += datetime.timedelta(seconds=1)
            moments.append(moment)
            previous = moment
        return moments

    def _password(self) -> str:
        # An unusable password, as set_unusable_password() writes, but reproducible.
        return "!" + "".join(self.rng.choices(string.ascii_letters + string.digits, k=40))

    # --- the run ------------------------------------------------------------------------

    def run(self) -> None:
        self.people = self._create_people()
        reports = self._create_reports()
        # (report, paragraph number, index of the report's first finding)
        chunk: list[tuple[_ReportPlan, int, int]] = []
        index = 0
        for report, count in zip(reports, self._allocate(reports), strict=True):
            report_start = index
            for number in range(1, count + 1):
                chunk.append((report, number, report_start))
                index += 1
                if len(chunk) == CHUNK:
                    self._write_findings(chunk)
                    chunk = []
        if chunk:
            self._write_findings(chunk)

    def _create_people(self) -> _People:
        rng, size = self.rng, self.size
        groups = {g.name: g.pk for g in Group.objects.filter(name__in=[r.value for r in Role])}
        missing = [r.value for r in Role if r.value not in groups]
        if missing:
            raise SyntheticDataError(
                _("The role groups are missing (%(groups)s): run migrate.")
                % {"groups": ", ".join(missing)}
            )

        organisations = [
            Organisation(
                name=f"{name} (synthetic {i + 1})"
                if i >= len(_ORGANISATIONS)
                else f"{name} (synthetic)",
                kind=kind,
                website=f"https://partner{i + 1}.example.org",
            )
            for i, (name, kind) in enumerate(
                _ORGANISATIONS[j % len(_ORGANISATIONS)] for j in range(max(2, size // 5_000))
            )
        ]
        self._insert(Organisation, organisations, "organisations", returning=True)

        counts = {
            Role.REVIEWER: max(2, size // 200),
            Role.MONITOR: max(2, size // 2_000),
            Role.MANAGER: max(2, size // 20_000),
        }
        users: list[User] = []
        roles: list[str] = []
        joined = self.now - datetime.timedelta(days=5 * 365)
        for role, count in counts.items():
            for n in range(1, count + 1):
                users.append(self._user(f"{role}-{n:04d}", joined, staff=True))
                roles.append(role)
        partner_orgs: list[int] = []
        for org_index, _organisation in enumerate(organisations):
            for n in range(1, rng.randint(1, 3) + 1):
                users.append(self._user(f"partner-{org_index + 1:03d}-{n}", joined, staff=False))
                roles.append(Role.PARTNER)
                partner_orgs.append(org_index)
        partner_iter = iter(partner_orgs)
        for user, role in zip(users, roles, strict=True):
            if role == Role.MANAGER:
                user.digest_frequency = self._weighted(DIGEST_WEIGHTS)
            if role == Role.PARTNER:
                user.organisation_id = organisations[next(partner_iter)].pk
        self._insert(User, users, "users", returning=True)

        memberships = [
            User.groups.through(user_id=user.pk, group_id=groups[role])
            for user, role in zip(users, roles, strict=True)
        ]
        self._insert(User.groups.through, memberships, "role memberships")

        by_role: dict[str, list[int]] = {r.value: [] for r in Role}
        partners_by_org: dict[int, list[int]] = {}
        for user, role in zip(users, roles, strict=True):
            by_role[role].append(user.pk)
            if role == Role.PARTNER:
                partners_by_org.setdefault(user.organisation_id, []).append(user.pk)
        theme_ids = [t.pk for t in self.refs.themes]
        expertise = [
            Theme.reviewers.through(theme_id=theme_id, user_id=reviewer)
            for reviewer in by_role[Role.REVIEWER]
            for theme_id in rng.sample(theme_ids, k=min(len(theme_ids), rng.randint(1, 3)))
        ]
        self._insert(Theme.reviewers.through, expertise, "reviewer expertise links")
        return _People(
            monitors=by_role[Role.MONITOR],
            reviewers=by_role[Role.REVIEWER],
            managers=by_role[Role.MANAGER],
            partners_by_org=partners_by_org,
            organisations=[o.pk for o in organisations],
        )

    def _user(self, name: str, joined: datetime.datetime, *, staff: bool) -> User:
        rng = self.rng
        return User(
            username=f"{USERNAME_PREFIX}{name}",
            first_name=rng.choice(_FIRST_NAMES),
            last_name=rng.choice(_LAST_NAMES),
            email=f"{USERNAME_PREFIX}{name}@synthetic.invalid",
            password=self._password(),
            is_staff=staff,
            language=self._weighted(USER_LANGUAGE_WEIGHTS),
            date_joined=joined,
        )

    def _create_reports(self) -> list[_ReportPlan]:
        rng, refs = self.rng, self.refs
        kinds = list(ReportKind)
        count = max(len(kinds), self.size // 40)
        treaty_bodies = [b for b in refs.bodies if b.kind == BodyKind.TREATY_BODY and
                         refs.treaties_by_body.get(b.pk)]  # fmt: skip
        upr = next((b for b in refs.bodies if b.kind == BodyKind.UPR), None)
        plans = []
        for i in range(count):
            # The first reports take every kind once; then by weight.
            kind = kinds[i] if i < len(kinds) else self._weighted(REPORT_KIND_WEIGHTS)
            published_on = self.today - datetime.timedelta(days=rng.randint(20, 12 * 365))
            period_end = published_on - datetime.timedelta(days=rng.randint(60, 400))
            period_start = period_end - datetime.timedelta(days=rng.randint(365, 4 * 365))
            body = None
            symbol = ""
            upr_cycle = None
            treaties = []
            if kind in (ReportKind.TREATY_BODY, ReportKind.STATE_REPORT) and treaty_bodies:
                body = rng.choice(treaty_bodies)
                treaties = refs.treaties_by_body[body.pk]
                suffix = "CO" if kind == ReportKind.TREATY_BODY else "SR"
                symbol = f"{body.code}/C/KAZ/{suffix}/SYN-{i + 1}"
                issuer = body.name
                title = (
                    f"Concluding observations of {body.code} on Kazakhstan ({published_on.year})"
                    if kind == ReportKind.TREATY_BODY
                    else f"Periodic report of Kazakhstan to {body.code} ({published_on.year})"
                )
            elif kind == ReportKind.UPR:
                body = upr
                upr_cycle = rng.randint(1, 4)
                symbol = f"A/HRC/SYN/{i + 1}"
                issuer = "Human Rights Council"
                title = f"Report of the Working Group on the UPR: Kazakhstan, cycle {upr_cycle}"
            else:
                issuer = rng.choice(_ISSUERS[kind])
                title = f"{issuer}: Kazakhstan {published_on.year} (synthetic {i + 1})"
            report = Report(
                title=title[:300],
                issuer=issuer[:200],
                kind=kind,
                monitoring_body=body,
                symbol=symbol,
                period_start=period_start,
                period_end=period_end,
                published_on=published_on,
                language=self._weighted(REPORT_LANGUAGE_WEIGHTS),
                upr_cycle=upr_cycle,
            )
            published_at = datetime.datetime.combine(
                published_on, datetime.time(9), tzinfo=self.zone
            )
            plans.append(
                _ReportPlan(
                    report=report,
                    body_code=body.code if body else issuer,
                    treaties=treaties,
                    published_at=published_at,
                )
            )
        plans.sort(key=lambda p: (p.report.published_on, p.report.title))
        self._insert(Report, [p.report for p in plans], "reports", returning=True)
        return plans

    def _allocate(self, reports: list[_ReportPlan]) -> list[int]:
        """How many findings each report has: uneven, as in life, adding up to ``size``."""
        weights = [self.rng.uniform(0.2, 2.0) for _report in reports]
        total = sum(weights)
        counts = [int(self.size * w / total) for w in weights]
        for i in range(self.size - sum(counts)):
            counts[i % len(counts)] += 1
        return counts

    # --- findings -----------------------------------------------------------------------

    def _write_findings(self, chunk: list[tuple[_ReportPlan, int, int]]) -> None:
        # Earlier findings a new one may repeat: those of earlier reports already written.
        written = len(self.finding_ids)
        plans = [
            self._plan(report, number, earlier=min(report_start, written))
            for report, number, report_start in chunk
        ]
        findings = [p.finding for p in plans]
        self._insert(Finding, findings, "findings", returning=True)
        self.finding_ids.extend(f.pk for f in findings)

        links: dict[str, list[tuple[int, int]]] = {
            "themes": [],
            "treaties": [],
            "provisions": [],
            "obligations": [],
            "affected_groups": [],
            "institutions": [],
            "repeats": [],
        }
        events, assignments, evidence = [], [], []
        for plan in plans:
            pk = plan.finding.pk
            for name in ("themes", "treaties", "provisions", "obligations"):
                links[name].extend((pk, target) for target in getattr(plan, name))
            links["affected_groups"].extend((pk, g) for g in plan.groups)
            links["institutions"].extend((pk, i) for i in plan.institutions)
            if plan.repeats is not None:
                links["repeats"].append((pk, self.finding_ids[plan.repeats]))
            for row in (*plan.events, *plan.assignments, *plan.evidence):
                row.finding_id = pk
            events.extend(plan.events)
            assignments.extend(plan.assignments)
            evidence.extend(plan.evidence)
        for name, pairs in links.items():
            through, rows = _link_rows(name, pairs)
            self._insert(through, rows, f"finding {name.replace('_', ' ')} links")
        self._insert(FindingEvent, events, "status changes")
        self._insert(Assignment, assignments, "reviewer assignments")
        self._insert(Evidence, evidence, "notes and evidence")
        self._insert(self.history_model, [self._history(p) for p in plans], "history records")

    def _history(self, plan: _Plan) -> models.Model:
        """The finding as it was created: new, unassigned, first version."""
        finding = plan.finding
        return self.new_history(
            id=finding.pk,
            report_id=finding.report_id,
            reference=finding.reference,
            kind=finding.kind,
            title=finding.title,
            summary=finding.summary,
            priority=finding.priority,
            due_on=finding.due_on,
            status=Status.NEW,
            status_changed_at=None,
            proposed_assessment="",
            submitted_for_review_at=None,
            submitted_for_review_by_id=None,
            reviewer_id=None,
            published=finding.published,
            recommending_states=finding.recommending_states,
            state_position=finding.state_position,
            created_at=finding.created_at,
            history_date=finding.created_at,
            history_change_reason=HISTORY_REASON,
            history_type="+",
            history_user_id=None,  # an import, not a person
        )

    def _plan(self, report: _ReportPlan, number: int, *, earlier: int) -> _Plan:
        """Decide everything about paragraph ``number`` of ``report``.

        ``earlier``: how many findings (the first ones written) it may repeat.
        """
        rng, refs = self.rng, self.refs
        kind_of_report = report.report.kind
        is_upr = kind_of_report == ReportKind.UPR
        status = self._weighted(STATUS_WEIGHTS)
        created_at = min(
            report.published_at + datetime.timedelta(days=rng.randint(1, 45), seconds=number),
            self.now - datetime.timedelta(hours=rng.randint(2, 72)),
        )

        # Links. A new finding may have none yet; triage needs a theme and a treaty.
        needs_links = status != Status.NEW or rng.random() < 0.6
        themes = [t.pk for t in rng.sample(refs.themes, k=min(len(refs.themes), rng.randint(1, 3)))]
        theme_names = [t.name for t in refs.themes if t.pk == themes[0]]
        if not needs_links:
            themes = []
        treaties: list[Treaty] = []
        if needs_links:
            if report.treaties:
                treaties.append(rng.choice(report.treaties))
            if not treaties or rng.random() < 0.3:
                extra = rng.choice(refs.party_treaties)
                if extra not in treaties:
                    treaties.append(extra)
        provisions, obligations = [], []
        for treaty in treaties:
            candidates = refs.provisions_by_treaty.get(treaty.pk, [])
            if candidates and rng.random() < 0.6:
                provisions.extend(rng.sample(candidates, k=min(len(candidates), rng.randint(1, 2))))
            candidates = refs.obligations_by_treaty.get(treaty.pk, [])
            if candidates and rng.random() < 0.25:
                obligations.append(rng.choice(candidates))
        groups = rng.sample(refs.groups, k=min(len(refs.groups), rng.choice((0, 0, 1, 1, 2))))
        institutions = rng.sample(
            refs.institutions, k=min(len(refs.institutions), rng.choice((0, 1, 1, 2)))
        )
        repeats = rng.randrange(0, earlier) if earlier and rng.random() < 0.08 else None

        theme_text = (theme_names[0] if theme_names else "human rights").lower()
        title = (
            f"{rng.choice(_VERBS)} {rng.choice(_OBJECTS).format(theme=theme_text)}"
            f"{rng.choice(_QUALIFIERS)}"
        )
        summary = " ".join(
            s.format(body=report.body_code, theme=theme_text)
            for s in [_SUMMARY[0], *rng.sample(_SUMMARY[1:], k=rng.randint(1, 3))]
        )
        finding = self.new_finding(
            report_id=report.report.pk,
            reference=f"{report.report.upr_cycle or 1}0.{number}" if is_upr else f"para {number}",
            kind=FindingKind.RECOMMENDATION if is_upr else self._weighted(FINDING_KIND_WEIGHTS),
            title=title[:300],
            summary=summary,
            priority=self._weighted(PRIORITY_WEIGHTS),
            published=rng.random() < PUBLISHED_SHARE,
            recommending_states=sorted(rng.sample(_STATES, k=rng.randint(1, 3))) if is_upr else [],
            state_position=self._weighted(STATE_POSITION_WEIGHTS) if is_upr else "",
            created_at=created_at,
        )
        plan = _Plan(
            finding=finding,
            themes=themes,
            treaties=[t.pk for t in treaties],
            provisions=provisions,
            obligations=obligations,
            groups=groups,
            institutions=institutions,
            repeats=repeats,
            events=[],
            assignments=[],
            evidence=[],
        )
        self._timeline(plan, status)
        self._due_date(finding)
        self._partner_submissions(plan)
        finding.version = 1 + len(plan.events) + len(plan.assignments)
        last_change = max(
            [
                created_at,
                *(e.created_at for e in plan.events),
                *(a.created_at for a in plan.assignments),
            ]
        )
        finding.updated_at = last_change
        return plan

    def _path(self, status: str) -> list[str]:
        """The statuses a finding went through to reach ``status`` (ending with it)."""
        rng = self.rng
        to_review = [Status.TRIAGED, Status.IN_PROGRESS, Status.AWAITING_REVIEW]
        if status == Status.NEW:
            return []
        if status == Status.TRIAGED:
            return [Status.TRIAGED]
        if status == Status.IN_PROGRESS:
            if rng.random() < 0.15:  # sent back once by the reviewer
                return [*to_review, Status.IN_PROGRESS]
            return [Status.TRIAGED, Status.IN_PROGRESS]
        if status == Status.AWAITING_REVIEW:
            return to_review if rng.random() < 0.75 else [Status.TRIAGED, Status.AWAITING_REVIEW]
        if status in ASSESSED_STATUSES:
            return [*to_review, status]
        # Closed, from wherever it stood.
        before = self._weighted(CLOSED_FROM_WEIGHTS)
        return [*self._path(before), Status.CLOSED]

    def _timeline(self, plan: _Plan, status: str) -> None:
        rng, people = self.rng, self.people
        finding = plan.finding
        path = self._path(status)
        moments = self._moments(finding.created_at, len(path))
        monitor = rng.choice(people.monitors)
        reviewer: int | None = None
        proposed = ""
        needs_review = Status.AWAITING_REVIEW in path
        if needs_review or (status in (Status.TRIAGED, Status.IN_PROGRESS) and rng.random() < 0.3):
            reviewer = rng.choice(people.reviewers)
        previous = Status.NEW
        for target, moment in zip(path, moments, strict=True):
            note, assessment, actor = "", "", monitor
            if target == Status.AWAITING_REVIEW:
                proposed = (
                    target_status
                    if (target_status := path[-1]) in ASSESSED_STATUSES and rng.random() < 0.85
                    else rng.choice(list(Assessment))
                )
                assessment = proposed
                finding.submitted_for_review_by_id = monitor
                finding.submitted_for_review_at = moment
                finding.proposed_assessment = proposed
            elif previous == Status.AWAITING_REVIEW and target in ASSESSED_STATUSES:
                actor = reviewer
                assessment = proposed
                if target != proposed:
                    note = "The evidence supports a different assessment than the one proposed."
            elif previous == Status.AWAITING_REVIEW:  # sent back
                actor = reviewer
                note = "Please add evidence from the regions before this is assessed."
            elif target == Status.CLOSED:
                actor = rng.choice(people.managers)
                note = rng.choice(_CLOSE_NOTES)
            elif previous in ASSESSED_STATUSES:
                note = "Reopened: new information from partners."
            plan.events.append(
                self.new_event(
                    from_status=previous,
                    to_status=target,
                    actor_id=actor,
                    created_at=moment,
                    note=note,
                    proposed_assessment=assessment,
                )
            )
            previous = target
        finding.status = status
        finding.status_changed_at = moments[-1] if moments else None
        if reviewer is not None:
            self._assign(plan, reviewer, monitor, path, moments)
        self._staff_evidence(plan, status, path, moments, monitor, needs_review)

    def _assign(self, plan, reviewer: int, monitor: int, path, moments) -> None:
        """One assignment before the review (sometimes a reassignment before it)."""
        rng = self.rng
        finding = plan.finding
        start = moments[0] if moments else finding.created_at
        end = (
            moments[path.index(Status.AWAITING_REVIEW)]
            if Status.AWAITING_REVIEW in path
            else self.now
        )
        first = self._between(start, end - datetime.timedelta(seconds=2))
        method = self._weighted(ASSIGNMENT_METHOD_WEIGHTS)
        previous = None
        if rng.random() < 0.1 and len(self.people.reviewers) > 1:
            previous = rng.choice(
                [r for r in self.people.reviewers[:50] if r != reviewer] or [None]
            )
        if previous is not None:
            plan.assignments.append(
                self.new_assignment(
                    reviewer_id=previous,
                    assigned_by_id=monitor,
                    method=method,
                    created_at=first,
                )
            )
            first += datetime.timedelta(seconds=1)
        plan.assignments.append(
            self.new_assignment(
                reviewer_id=reviewer,
                previous_reviewer_id=previous,
                assigned_by_id=monitor,
                method=AssignmentMethod.MANUAL if previous else method,
                reason="Workload rebalanced." if previous else "",
                created_at=first,
            )
        )
        finding.reviewer_id = reviewer

    def _staff_evidence(self, plan, status, path, moments, monitor, needs_review) -> None:
        rng = self.rng
        finding = plan.finding
        if needs_review:
            count = rng.randint(1, 3)
        elif status in (Status.IN_PROGRESS, Status.CLOSED):
            count = rng.choice((0, 1, 1, 2))
        elif status == Status.TRIAGED:
            count = rng.choice((0, 0, 1))
        else:
            count = 0
        if not count:
            return
        start = moments[0] if moments else finding.created_at
        end = finding.submitted_for_review_at or self.now
        for n in range(count):
            sourced = (needs_review and n == 0) or rng.random() < 0.6
            plan.evidence.append(
                self.new_evidence(
                    kind=EvidenceKind.EVIDENCE if sourced else EvidenceKind.NOTE,
                    author_id=monitor,
                    text=rng.choice(_NOTES),
                    source=rng.choice(_SOURCES).format(n=rng.randint(100, 99_999))
                    if sourced
                    else "",
                    evidence_date=self._between(start, end).date() if sourced else None,
                    visibility=Visibility.SHARED if rng.random() < 0.5 else Visibility.INTERNAL,
                    moderation=Moderation.ACCEPTED,
                    created_at=self._between(start, end - datetime.timedelta(seconds=1)),
                )
            )

    def _partner_submissions(self, plan: _Plan) -> None:
        """Evidence and assessments from partners on published findings, in every state."""
        rng, people = self.rng, self.people
        finding = plan.finding
        if not finding.published or finding.status == Status.NEW or rng.random() > 0.15:
            return
        for _submission in range(rng.choice((1, 1, 2))):
            organisation = rng.choice(people.organisations)
            author = rng.choice(people.partners_by_org[organisation])
            created = self._between(finding.created_at, self.now - datetime.timedelta(hours=1))
            moderation = self._weighted(MODERATION_WEIGHTS)
            is_assessment = rng.random() < 0.5
            if is_assessment:
                # Mostly agreeing with an official assessment; sometimes not.
                agrees = finding.status in ASSESSED_STATUSES and rng.random() < 0.7
                assessment = finding.status if agrees else rng.choice(list(Assessment))
            else:
                assessment = ""
            moderated = moderation != Moderation.PENDING
            plan.evidence.append(
                self.new_evidence(
                    kind=EvidenceKind.ASSESSMENT if is_assessment else EvidenceKind.EVIDENCE,
                    author_id=author,
                    organisation_id=organisation,
                    text=rng.choice(_NOTES),
                    source=rng.choice(_SOURCES).format(n=rng.randint(100, 99_999)),
                    evidence_date=created.date(),
                    visibility=Visibility.SHARED,
                    assessment=assessment,
                    moderation=moderation,
                    moderated_by_id=rng.choice(people.monitors) if moderated else None,
                    moderated_at=self._between(created, self.now) if moderated else None,
                    moderation_reason=rng.choice(_REJECTIONS)
                    if moderation == Moderation.REJECTED
                    else "",
                    created_at=created,
                )
            )

    def _due_date(self, finding: Finding) -> None:
        """Open findings fall due around today (a quarter overdue); assessed ones later."""
        rng = self.rng
        if rng.random() < 0.1:
            finding.due_on = None
        elif finding.status in ASSESSED_STATUSES:
            finding.due_on = self.today + datetime.timedelta(days=rng.randint(30, 730))
        elif finding.status == Status.CLOSED:
            finding.due_on = None
        else:
            finding.due_on = self.today + datetime.timedelta(days=rng.randint(-150, 450))
