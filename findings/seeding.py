"""Load the Kazakhstan seed data: the YAML files under ``fixtures/``.

:func:`seed_data_load` is the one entry point. It guarantees that

* every record is validated: ``full_clean()`` on the model instance, plus the
  resolution of every natural key it refers to (treaty code, body code, theme
  slug, ``"ICCPR art. 7"``...); each problem is reported as
  ``<file>: <record>: <problem>`` and all problems of a stage are reported
  together;
* everything runs in one transaction: if any record is bad,
  :class:`SeedDataError` is raised and nothing at all is written;
* records are upserted by natural key, many-to-many links are set exactly, and
  a row is saved only when a value differs, so loading the same files again
  creates and updates nothing (``updated_at`` stays as it was);
* the workflow state of existing findings is never touched: status, reviewer
  and events are not seed data, ``published`` is applied only when a finding is
  created, and an obligation's ``completed_on`` only when the file gives one;
* nothing is deleted: a record removed from the files stays in the database.

Natural keys: monitoring body ``code``; treaty ``code``; participation: its
treaty; provision: treaty + ``number``; obligation: treaty + ``title``; theme
and affected group ``slug``; institution ``name``; report ``symbol``, or
``title`` + ``issuer`` when it has no symbol; finding: report + ``reference``.

Layout of the directory (``fixtures/`` by default)::

    monitoring_bodies.yaml   monitoring_bodies: [...]
    vocabularies.yaml        themes: [...], affected_groups: [...], institutions: [...]
    treaties.yaml            treaties: [...], each with its participation
    provisions.yaml          provisions: [{treaty, articles: [...]}]
    obligations.yaml         obligations: [...]
    reports/*.yaml           report: {...}, findings: [...]
"""

from __future__ import annotations

import contextlib
import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from treaties.models import MonitoringBody, Obligation, Participation, Provision, Treaty

from .models import AffectedGroup, Finding, Institution, Report, Theme

__all__ = ["DEFAULT_PATH", "SeedDataError", "SeedResult", "Tally", "seed_data_load"]

#: Where ``load_seed_data`` looks when no ``--path`` is given.
DEFAULT_PATH = Path(settings.BASE_DIR) / "fixtures"

#: The models the loader writes, in the order it writes them (and reports counts).
SEEDED_MODELS: tuple[type[models.Model], ...] = (
    MonitoringBody,
    Theme,
    AffectedGroup,
    Institution,
    Treaty,
    Participation,
    Provision,
    Obligation,
    Report,
    Finding,
)

#: Text written into django-simple-history records made by the loader.
HISTORY_REASON = "load_seed_data"

_PROVISION_KEY = re.compile(r"^(?P<treaty>\S+)\s+art\.\s*(?P<number>\S+)$")


class SeedDataError(Exception):
    """The seed data is bad; nothing was written.

    ``errors`` holds one line per problem, each naming the file and the record.
    """

    def __init__(self, errors: Iterable[str]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


class _RecordError(Exception):
    """A problem with one record; the loader prefixes the file and record names."""


@dataclass
class Tally:
    """How many rows of one model a load created, updated or left unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class SeedResult:
    """What a load did: one :class:`Tally` per model, in load order."""

    path: Path
    tallies: dict[type[models.Model], Tally] = field(default_factory=dict)

    @property
    def created(self) -> int:
        return sum(t.created for t in self.tallies.values())

    @property
    def updated(self) -> int:
        return sum(t.updated for t in self.tallies.values())


def seed_data_load(*, path: Path | str | None = None) -> SeedResult:
    """Validate and load every seed-data file under ``path`` (default ``fixtures/``).

    One transaction: on any bad record raises :class:`SeedDataError` listing
    the problems, and writes nothing. Idempotent: a second load of the same
    files reports only unchanged rows. See the module docstring for the keys
    and for what is never overwritten.
    """
    loader = _Loader(Path(path) if path is not None else DEFAULT_PATH)
    with transaction.atomic():
        loader.run()
    return SeedResult(path=loader.path, tallies=loader.tallies)


# --- Reading records ---------------------------------------------------------------------


class _Fields:
    """Typed access to one record; unknown and missing fields are errors."""

    def __init__(self, data: Any, *, required: Iterable[str] = (), optional: Iterable[str] = ()):
        if not isinstance(data, Mapping):
            raise _RecordError(_("expected a mapping of fields, got %(value)r") % {"value": data})
        required = tuple(required)
        unknown = sorted(str(k) for k in set(data) - set(required) - set(optional))
        if unknown:
            raise _RecordError(_("unknown field(s): %(names)s") % {"names": ", ".join(unknown)})
        missing = [k for k in required if data.get(k) in (None, "", [], {})]
        if missing:
            raise _RecordError(_("missing field(s): %(names)s") % {"names": ", ".join(missing)})
        self.data = data

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise _RecordError(
                _('%(field)s must be text, not %(value)r (quote values such as "yes")')
                % {"field": key, "value": value}
            )
        return str(value).strip()

    def date(self, key: str) -> datetime.date | None:
        value = self.data.get(key)
        if value is None or (
            isinstance(value, datetime.date) and not isinstance(value, datetime.datetime)
        ):
            return value
        if isinstance(value, str):
            with contextlib.suppress(ValueError):
                return datetime.date.fromisoformat(value.strip())
        raise _RecordError(
            _("%(field)s must be a date written YYYY-MM-DD, not %(value)r")
            % {"field": key, "value": value}
        )

    def boolean(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise _RecordError(
                _("%(field)s must be true or false, not %(value)r") % {"field": key, "value": value}
            )
        return value

    def integer(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise _RecordError(
                _("%(field)s must be a whole number, not %(value)r")
                % {"field": key, "value": value}
            )
        return value

    def names(self, key: str) -> list[str]:
        """A list of natural keys (text); an absent field is an empty list."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(
            isinstance(v, str | int) and not isinstance(v, bool) for v in value
        ):
            raise _RecordError(
                _("%(field)s must be a list of names, not %(value)r")
                % {"field": key, "value": value}
            )
        return [str(v).strip() for v in value]

    def items(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise _RecordError(
                _("%(field)s must be a list, not %(value)r") % {"field": key, "value": value}
            )
        return value


def _record_name(raw: Any, key: str, index: int) -> str:
    if isinstance(raw, Mapping) and isinstance(raw.get(key), str | int) and raw.get(key) != "":
        return str(raw[key]).strip()
    return f"#{index}"


def _format_validation(exc: ValidationError) -> str:
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    parts = []
    for name, errors in exc.message_dict.items():
        text = " ".join(errors)
        parts.append(text if name == NON_FIELD_ERRORS else f"{name}: {text}")
    return "; ".join(parts)


def _article_position(number: str) -> int:
    match = re.match(r"\d+", number)
    return int(match.group()) if match else 0


def _m2m_links(
    model: type[models.Model], name: str, sources: Iterable[int] | None = None
) -> dict[int, set[int]]:
    """Current links of a many-to-many field (of ``sources`` only, if given), in one query."""
    m2m = model._meta.get_field(name)
    rows = m2m.remote_field.through.objects.all()
    if sources is not None:
        rows = rows.filter(**{f"{m2m.m2m_field_name()}__in": list(sources)})
    links: dict[int, set[int]] = defaultdict(set)
    for source, target in rows.values_list(m2m.m2m_field_name(), m2m.m2m_reverse_field_name()):
        links[source].add(target)
    return links


# --- The loader --------------------------------------------------------------------------


class _Loader:
    """One load: caches of existing rows by natural key, error list, counts."""

    FINDING_LINKS = (
        "themes",
        "affected_groups",
        "treaties",
        "provisions",
        "obligations",
        "institutions",
        "repeats",
    )

    def __init__(self, path: Path) -> None:
        self.path = path
        self.errors: list[str] = []
        self.tallies = {model: Tally() for model in SEEDED_MODELS}

    def run(self) -> None:
        if not self.path.is_dir():
            raise SeedDataError([_("%(path)s: directory not found") % {"path": self.path}])
        self._load_bodies()
        self._load_vocabularies()
        self._load_treaties()
        self._load_provisions()
        self._load_obligations()
        self._load_reports()

    # -- plumbing -------------------------------------------------------------------------

    def _label(self, file: Path) -> str:
        return f"{self.path.name}/{file.relative_to(self.path).as_posix()}"

    def _read(self, file: Path) -> tuple[str, Any]:
        label = self._label(file)
        if not file.is_file():
            raise SeedDataError([f"{label}: " + _("file not found")])
        try:
            return label, yaml.safe_load(file.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise SeedDataError(
                [f"{label}: " + _("not valid YAML: %(error)s") % {"error": exc}]
            ) from exc

    def _section(self, label: str, data: Any, name: str, *, required: bool = True) -> list[Any]:
        value = data.get(name) if isinstance(data, Mapping) else None
        if value is None and not required:
            return []
        if not isinstance(value, list):
            self.errors.append(
                f"{label}: " + _("expected a list under '%(name)s'") % {"name": name}
            )
            return []
        return value

    @contextlib.contextmanager
    def _record(self, label: str, what: str, name: str) -> Iterator[None]:
        """Report a problem in this record and carry on with the next one."""
        try:
            yield
        except _RecordError as exc:
            self.errors.append(f"{label}: {what} '{name}': {exc}")

    def _check(self) -> None:
        if self.errors:
            raise SeedDataError(self.errors)

    @staticmethod
    def _unique(seen: set, key: Any, message: str) -> None:
        if key in seen:
            raise _RecordError(message)
        seen.add(key)

    @staticmethod
    def _lookup(cache: Mapping, key: Any, what: str) -> Any:
        try:
            return cache[key]
        except KeyError:
            raise _RecordError(
                _("%(what)s '%(key)s' not found") % {"what": what, "key": key}
            ) from None

    @staticmethod
    def _ids(cache: Mapping, keys: Iterable, what: str) -> set[int]:
        keys = list(keys)
        missing = [str(k) for k in keys if k not in cache]
        if missing:
            raise _RecordError(
                _("%(what)s not found: %(keys)s")
                % {"what": what, "keys": ", ".join(f"'{k}'" for k in missing)}
            )
        return {cache[k].pk for k in keys}

    @staticmethod
    def _differs(obj: models.Model, name: str, value: Any) -> bool:
        model_field = obj._meta.get_field(name)
        if model_field.many_to_one or model_field.one_to_one:
            return getattr(obj, model_field.attname) != (value.pk if value is not None else None)
        return getattr(obj, name) != value

    @staticmethod
    def _validate(obj: models.Model, *, as_stored: bool = False) -> None:
        """``full_clean()`` the record; ``as_stored`` when its fields equal the stored row.

        A row that is stored unchanged already satisfies the database's
        constraints and points at rows that exist, so only the field and model
        validation runs for it; re-checking constraints costs three queries
        each and would make a no-op reload several times slower.
        """
        try:
            if as_stored:
                obj.full_clean(
                    exclude=[f.name for f in obj._meta.concrete_fields if f.is_relation],
                    validate_unique=False,
                    validate_constraints=False,
                )
            else:
                obj.full_clean()
        except ValidationError as exc:
            raise _RecordError(_format_validation(exc)) from exc

    @staticmethod
    def _save(obj: models.Model, update_fields: list[str] | None = None) -> None:
        obj._change_reason = HISTORY_REASON  # read by django-simple-history
        try:
            # A savepoint, so a database error leaves the transaction usable for
            # reporting the remaining records (PostgreSQL aborts it otherwise).
            with transaction.atomic():
                obj.save(update_fields=update_fields)
        except DatabaseError as exc:
            raise _RecordError(str(exc).strip()) from exc

    def _upsert(
        self,
        model: type[models.Model],
        cache: dict,
        key: Any,
        *,
        lookup: Mapping[str, Any],
        values: Mapping[str, Any],
        create_only: Mapping[str, Any] | None = None,
        links: Mapping[str, set[int]] | None = None,
        current_links: Mapping[str, dict[int, set[int]]] | None = None,
        before_update: Callable[[Any], None] | None = None,
    ) -> Any:
        """Create or update one row by natural key, saving only if something differs."""
        tally = self.tallies[model]
        links = links or {}
        obj = cache.get(key)
        if obj is None:
            obj = model(**lookup, **values, **(create_only or {}))
            self._validate(obj)
            self._save(obj)
            for name, ids in links.items():
                if ids:
                    getattr(obj, name).set(ids)
            cache[key] = obj
            tally.created += 1
            return obj

        changed = [name for name, value in values.items() if self._differs(obj, name, value)]
        for name in changed:
            setattr(obj, name, values[name])
        self._validate(obj, as_stored=not changed)
        current_links = current_links or {}
        changed_links = {
            name: ids
            for name, ids in links.items()
            if ids != current_links.get(name, {}).get(obj.pk, set())
        }
        if not changed and not changed_links:
            tally.unchanged += 1
            return obj
        if before_update is not None:
            before_update(obj)
        update_fields = list(changed)
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            update_fields.append("updated_at")
        if update_fields:
            self._save(obj, update_fields=update_fields)
        for name, ids in changed_links.items():
            getattr(obj, name).set(ids)
        tally.updated += 1
        return obj

    # -- stages ---------------------------------------------------------------------------

    def _load_bodies(self) -> None:
        label, data = self._read(self.path / "monitoring_bodies.yaml")
        self.bodies = {b.code: b for b in MonitoringBody.objects.all()}
        seen: set[str] = set()
        for index, raw in enumerate(self._section(label, data, "monitoring_bodies"), 1):
            with self._record(label, _("monitoring body"), _record_name(raw, "code", index)):
                f = _Fields(raw, required=("code", "name", "kind"), optional=("url",))
                code = f.text("code")
                self._unique(seen, code, _("the code is used twice in this file"))
                self._upsert(
                    MonitoringBody,
                    self.bodies,
                    code,
                    lookup={"code": code},
                    values={"name": f.text("name"), "kind": f.text("kind"), "url": f.text("url")},
                )
        self._check()

    def _load_vocabularies(self) -> None:
        label, data = self._read(self.path / "vocabularies.yaml")
        self.themes = {t.slug: t for t in Theme.objects.all()}
        self.groups = {g.slug: g for g in AffectedGroup.objects.all()}
        self.institutions = {i.name: i for i in Institution.objects.all()}

        seen: set[str] = set()
        for index, raw in enumerate(self._section(label, data, "themes"), 1):
            with self._record(label, _("theme"), _record_name(raw, "slug", index)):
                f = _Fields(raw, required=("slug", "name"), optional=("description",))
                slug = f.text("slug")
                self._unique(seen, slug, _("the slug is used twice in this file"))
                self._upsert(
                    Theme,
                    self.themes,
                    slug,
                    lookup={"slug": slug},
                    values={"name": f.text("name"), "description": f.text("description")},
                )
        seen = set()
        for index, raw in enumerate(self._section(label, data, "affected_groups"), 1):
            with self._record(label, _("affected group"), _record_name(raw, "slug", index)):
                f = _Fields(raw, required=("slug", "name"))
                slug = f.text("slug")
                self._unique(seen, slug, _("the slug is used twice in this file"))
                self._upsert(
                    AffectedGroup,
                    self.groups,
                    slug,
                    lookup={"slug": slug},
                    values={"name": f.text("name")},
                )
        seen = set()
        for index, raw in enumerate(self._section(label, data, "institutions"), 1):
            with self._record(label, _("institution"), _record_name(raw, "name", index)):
                f = _Fields(raw, required=("name",))
                name = f.text("name")
                self._unique(seen, name, _("the name is used twice in this file"))
                self._upsert(Institution, self.institutions, name, lookup={"name": name}, values={})
        self._check()

    def _load_treaties(self) -> None:
        label, data = self._read(self.path / "treaties.yaml")
        self.treaties = {t.code: t for t in Treaty.objects.all()}
        participations = {p.treaty_id: p for p in Participation.objects.all()}
        what = _("treaty")

        parsed: dict[str, _Fields] = {}
        for index, raw in enumerate(self._section(label, data, "treaties"), 1):
            with self._record(label, what, _record_name(raw, "code", index)):
                f = _Fields(
                    raw,
                    required=("code", "title", "kind", "participation"),
                    optional=("parent", "adopted_on", "monitoring_body"),
                )
                code = f.text("code")
                if code in parsed:
                    raise _RecordError(_("the code is used twice in this file"))
                parsed[code] = f

        for code in self._parents_first(label, parsed):
            with self._record(label, what, code):
                f = parsed[code]
                body_code = f.text("monitoring_body")
                parent_code = f.text("parent")
                self._upsert(
                    Treaty,
                    self.treaties,
                    code,
                    lookup={"code": code},
                    values={
                        "title": f.text("title"),
                        "kind": f.text("kind"),
                        "parent": (
                            self._lookup(self.treaties, parent_code, _("parent"))
                            if parent_code
                            else None
                        ),
                        "adopted_on": f.date("adopted_on"),
                        "monitoring_body": (
                            self._lookup(self.bodies, body_code, _("monitoring body"))
                            if body_code
                            else None
                        ),
                    },
                )

        for code, f in parsed.items():
            treaty = self.treaties.get(code)
            if treaty is None:
                continue  # its own error is already reported
            with self._record(label, _("participation in"), code):
                p = _Fields(
                    f.data["participation"],
                    required=("status",),
                    optional=(
                        "signed_on",
                        "consent_kind",
                        "deposited_on",
                        "domestic_act",
                        "domestic_act_date",
                        "in_force_on",
                        "reservations",
                        "individual_complaints",
                        "source",
                        "verified",
                        "verification_note",
                    ),
                )
                verified = p.boolean("verified", False)
                note = p.text("verification_note")
                if not verified and not note:
                    raise _RecordError(
                        _("unverified facts need a verification_note saying which they are")
                    )
                self._upsert(
                    Participation,
                    participations,
                    treaty.pk,
                    lookup={"treaty": treaty},
                    values={
                        "status": p.text("status"),
                        "signed_on": p.date("signed_on"),
                        "consent_kind": p.text("consent_kind"),
                        "deposited_on": p.date("deposited_on"),
                        "domestic_act": p.text("domestic_act"),
                        "domestic_act_date": p.date("domestic_act_date"),
                        "in_force_on": p.date("in_force_on"),
                        "reservations": p.text("reservations"),
                        "individual_complaints": p.text("individual_complaints") or "unknown",
                        "source": p.text("source"),
                        "verified": verified,
                        "verification_note": note,
                    },
                )
        self._check()

    def _parents_first(self, label: str, parsed: Mapping[str, _Fields]) -> list[str]:
        """Treaty codes ordered so that a parent in the file comes before its protocols."""
        ordered: list[str] = []
        placed: set[str] = set()
        pending = list(parsed)
        while pending:
            ready = [
                code
                for code in pending
                if (parent := parsed[code].text("parent")) not in parsed or parent in placed
            ]
            if not ready:
                for code in pending:
                    self.errors.append(
                        f"{label}: {_('treaty')} '{code}': "
                        + _("its parent chain loops back to itself")
                    )
                break
            for code in ready:
                ordered.append(code)
                placed.add(code)
                pending.remove(code)
        return ordered

    def _load_provisions(self) -> None:
        label, data = self._read(self.path / "provisions.yaml")
        self.provisions = {
            (p.treaty.code, p.number): p for p in Provision.objects.select_related("treaty")
        }
        what = _("provision")
        seen: set[tuple[str, str]] = set()
        for index, raw in enumerate(self._section(label, data, "provisions"), 1):
            code = _record_name(raw, "treaty", index)
            articles: list[Any] = []
            treaty = None
            with self._record(label, _("provisions of"), code):
                f = _Fields(raw, required=("treaty", "articles"))
                treaty = self._lookup(self.treaties, f.text("treaty"), _("treaty"))
                articles = f.items("articles")
            if treaty is None:
                continue
            for article_index, article in enumerate(articles, 1):
                number_name = _record_name(article, "number", article_index)
                with self._record(label, what, f"{code} art. {number_name}"):
                    a = _Fields(article, required=("number",), optional=("title", "position"))
                    number = a.text("number")
                    key = (code, number)
                    self._unique(seen, key, _("the article is listed twice in this file"))
                    position = a.integer("position")
                    self._upsert(
                        Provision,
                        self.provisions,
                        key,
                        lookup={"treaty": treaty, "number": number},
                        values={
                            "title": a.text("title"),
                            "position": position
                            if position is not None
                            else _article_position(number),
                        },
                    )
        self._check()

    def _provision_ids(self, keys: Iterable[str]) -> set[int]:
        parsed = []
        for key in keys:
            match = _PROVISION_KEY.match(key)
            if match is None:
                raise _RecordError(
                    _("provision '%(key)s' should be written like 'ICCPR art. 7'") % {"key": key}
                )
            parsed.append((match["treaty"], match["number"]))
        missing = [f"'{t} art. {n}'" for t, n in parsed if (t, n) not in self.provisions]
        if missing:
            raise _RecordError(_("provision not found: %(keys)s") % {"keys": ", ".join(missing)})
        return {self.provisions[k].pk for k in parsed}

    def _load_obligations(self) -> None:
        label, data = self._read(self.path / "obligations.yaml")
        self.obligations = {
            (o.treaty.code, o.title): o for o in Obligation.objects.select_related("treaty")
        }
        current = {"provisions": _m2m_links(Obligation, "provisions")}
        what = _("obligation")
        seen: set[tuple[str, str]] = set()
        for index, raw in enumerate(self._section(label, data, "obligations"), 1):
            name = f"{_record_name(raw, 'treaty', index)}: {_record_name(raw, 'title', index)}"
            with self._record(label, what, name):
                f = _Fields(
                    raw,
                    required=("treaty", "kind", "title"),
                    optional=(
                        "description",
                        "provisions",
                        "reference",
                        "last_reviewed_on",
                        "due_on",
                        "periodicity_months",
                        "completed_on",
                        "source",
                        "verified",
                    ),
                )
                treaty = self._lookup(self.treaties, f.text("treaty"), _("treaty"))
                key = (treaty.code, f.text("title"))
                self._unique(seen, key, _("the title is used twice for this treaty"))
                values = {
                    "treaty": treaty,
                    "kind": f.text("kind"),
                    "description": f.text("description"),
                    "reference": f.text("reference"),
                    "last_reviewed_on": f.date("last_reviewed_on"),
                    "due_on": f.date("due_on"),
                    "periodicity_months": f.integer("periodicity_months"),
                    "source": f.text("source"),
                    "verified": f.boolean("verified", False),
                }
                # Staff record completions; only a date given here is seed data.
                if f.data.get("completed_on") is not None:
                    values["completed_on"] = f.date("completed_on")
                self._upsert(
                    Obligation,
                    self.obligations,
                    key,
                    lookup={"title": key[1]},
                    values=values,
                    links={"provisions": self._provision_ids(f.names("provisions"))},
                    current_links=current,
                )
        self._check()

    def _load_reports(self) -> None:
        folder = self.path / "reports"
        files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
        if not files:
            raise SeedDataError([f"{self._label(folder)}: " + _("no report files (*.yaml)")])

        self.reports_by_symbol = {r.symbol: r for r in Report.objects.exclude(symbol="")}
        self.reports_by_title = {(r.title, r.issuer): r for r in Report.objects.filter(symbol="")}
        reports: list[tuple[Report, str, list[Any]]] = []
        keys: dict[str, str] = {}
        naturals: dict[Any, str] = {}
        self.report_keys: dict[str, Report] = {}
        for file in files:
            label, data = self._read(file)
            name = _record_name(data.get("report") if isinstance(data, Mapping) else None, "key", 1)
            with self._record(label, _("report"), name):
                top = _Fields(data, required=("report",), optional=("findings",))
                f = _Fields(
                    top.data["report"],
                    required=("key", "title", "issuer", "kind", "language"),
                    optional=(
                        "monitoring_body",
                        "symbol",
                        "period_start",
                        "period_end",
                        "published_on",
                        "url",
                        "upr_cycle",
                        "notes",
                    ),
                )
                key = f.text("key")
                if key in keys:
                    raise _RecordError(_("the key is also used in %(file)s") % {"file": keys[key]})
                keys[key] = label
                symbol = f.text("symbol")
                body_code = f.text("monitoring_body")
                values = {
                    "kind": f.text("kind"),
                    "monitoring_body": (
                        self._lookup(self.bodies, body_code, _("monitoring body"))
                        if body_code
                        else None
                    ),
                    "period_start": f.date("period_start"),
                    "period_end": f.date("period_end"),
                    "published_on": f.date("published_on"),
                    "language": f.text("language"),
                    "url": f.text("url"),
                    "upr_cycle": f.integer("upr_cycle"),
                    "notes": f.text("notes"),
                }
                if symbol:
                    cache, natural = self.reports_by_symbol, symbol
                    lookup = {"symbol": symbol}
                    values |= {"title": f.text("title"), "issuer": f.text("issuer")}
                else:
                    natural = (f.text("title"), f.text("issuer"))
                    cache, lookup = (
                        self.reports_by_title,
                        {"title": natural[0], "issuer": natural[1]},
                    )
                    values |= {"symbol": ""}
                if natural in naturals:
                    raise _RecordError(
                        _("the same report (symbol, or title and issuer) is in %(file)s")
                        % {"file": naturals[natural]}
                    )
                naturals[natural] = label
                report = self._upsert(Report, cache, natural, lookup=lookup, values=values)
                self.report_keys[key] = report
                reports.append((report, label, top.items("findings")))
        self._check()

        self.findings = {
            (f.report_id, f.reference): f
            for f in Finding.objects.filter(report__in=[report for report, *_rest in reports])
        }
        ids = [f.pk for f in self.findings.values()]
        self.finding_links = {name: _m2m_links(Finding, name, ids) for name in self.FINDING_LINKS}
        self.loaded_reports: set[int] = set()
        # Earlier reports first, so that `repeats` can only point backwards in time.
        reports.sort(key=lambda r: (r[0].published_on or datetime.date.max, r[0].pk))
        for report, label, findings in reports:
            self._load_findings(report, label, findings)
            self.loaded_reports.add(report.pk)
        self._check()

    def _load_findings(self, report: Report, label: str, records: list[Any]) -> None:
        seen: set[str] = set()
        for index, raw in enumerate(records, 1):
            with self._record(label, _("finding"), _record_name(raw, "reference", index)):
                f = _Fields(
                    raw,
                    required=("reference", "kind", "title", "summary", "themes"),
                    optional=(
                        "affected_groups",
                        "treaties",
                        "provisions",
                        "obligations",
                        "institutions",
                        "priority",
                        "published",
                        "repeats",
                    ),
                )
                reference = f.text("reference")
                self._unique(seen, reference, _("the reference is used twice in this report"))
                treaty_ids = self._ids(self.treaties, f.names("treaties"), _("treaty"))
                provision_ids = self._provision_ids(f.names("provisions"))
                if not treaty_ids and not provision_ids:
                    raise _RecordError(_("link at least one treaty or provision"))
                links = {
                    "themes": self._ids(self.themes, f.names("themes"), _("theme")),
                    "affected_groups": self._ids(
                        self.groups, f.names("affected_groups"), _("affected group")
                    ),
                    "treaties": treaty_ids,
                    "provisions": provision_ids,
                    "obligations": self._obligation_ids(f.names("obligations")),
                    "institutions": self._ids(
                        self.institutions, f.names("institutions"), _("institution")
                    ),
                    "repeats": self._repeat_ids(f.items("repeats")),
                }
                self._upsert(
                    Finding,
                    self.findings,
                    (report.pk, reference),
                    lookup={"report": report, "reference": reference},
                    values={
                        "kind": f.text("kind"),
                        "title": f.text("title"),
                        "summary": f.text("summary"),
                        "priority": f.text("priority") or "medium",
                    },
                    # Publication is workflow state once the finding exists.
                    create_only={"published": f.boolean("published", False)},
                    links=links,
                    current_links=self.finding_links,
                    before_update=self._claim_finding,
                )

    def _obligation_ids(self, keys: Iterable[str]) -> set[int]:
        ids = set()
        for key in keys:
            code, sep, title = key.partition(": ")
            if not sep:
                raise _RecordError(
                    _("obligation '%(key)s' should be written '<treaty code>: <title>'")
                    % {"key": key}
                )
            ids.add(self._lookup(self.obligations, (code, title), _("obligation")).pk)
        return ids

    def _repeat_ids(self, items: list[Any]) -> set[int]:
        ids = set()
        for item in items:
            r = _Fields(item, required=("report", "reference"))
            report = self._lookup(self.report_keys, r.text("report"), _("report"))
            finding = self.findings.get((report.pk, r.text("reference")))
            if report.pk not in self.loaded_reports or finding is None:
                raise _RecordError(
                    _(
                        "repeats: finding '%(reference)s' of report '%(report)s' not found "
                        "(it must be in a report published earlier)"
                    )
                    % {"reference": r.text("reference"), "report": r.text("report")}
                )
            ids.add(finding.pk)
        return ids

    @staticmethod
    def _claim_finding(finding: Finding) -> None:
        """Bump the version with a compare-and-swap, as the workflow services do."""
        claimed = Finding.objects.filter(pk=finding.pk, version=finding.version).update(
            version=F("version") + 1
        )
        if claimed != 1:
            raise _RecordError(
                _("the finding was changed while the seed data was loading; run it again")
            )
        finding.version += 1
