"""CSV/XLSX import and export of findings (django-import-export resources).

The import reads a new report's findings, one row each. It only ever creates:
a row whose report and reference already exist is an error, so an import can
never overwrite work on a finding or its status. Every row is validated
(unknown report symbol, theme slug, treaty code or provision is an error on
that row) and the file is written in one transaction, all or nothing.
Imported findings start as ``new``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model, Q
from django.utils.encoding import force_str
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import fields, resources, widgets

from treaties.models import Provision, Treaty

from .choices import FindingKind, Priority
from .models import Finding, Report, Theme

#: Columns every import file must have (the others may be left out).
REQUIRED_COLUMNS = ("report", "reference", "kind", "title", "summary")
#: Separator of several values in one cell (themes, treaties, provisions).
SEPARATOR = ","


def _split(value: Any) -> list[str]:
    """Cell text split on commas, trimmed, empty parts and repeats dropped, order kept."""
    if value in (None, ""):
        return []
    parts = [part.strip() for part in force_str(value).split(SEPARATOR)]
    return list(dict.fromkeys(part for part in parts if part))


class ReportBySymbolWidget(widgets.ForeignKeyWidget):
    """The report named by its document symbol; an unknown symbol is an error on the row."""

    def __init__(self) -> None:
        super().__init__(Report, field="symbol")
        self._cache: dict[str, Report] = {}

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Report:
        symbol = force_str(value or "").strip()
        if not symbol:
            raise ValueError(gettext("Give the report's document symbol."))
        if symbol not in self._cache:
            report = Report.objects.filter(symbol=symbol).first()
            if report is None:
                raise ValueError(
                    gettext("No report has the symbol “%(symbol)s”; add the report first.")
                    % {"symbol": symbol}
                )
            self._cache[symbol] = report
        return self._cache[symbol]


class StrictManyToManyWidget(widgets.ManyToManyWidget):
    """Comma-separated natural keys (slugs, codes); any unknown value is an error on the row.

    django-import-export's own widget silently drops values it cannot find,
    which would lose a theme or treaty without anyone noticing.
    """

    def __init__(self, model: type[Model], field: str, unknown_message: str) -> None:
        super().__init__(model, separator=SEPARATOR, field=field)
        self.unknown_message = unknown_message

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> list[Model]:
        keys = _split(value)
        if not keys:
            return []
        found = {
            getattr(obj, self.field): obj
            for obj in self.model.objects.filter(**{f"{self.field}__in": keys})
        }
        missing = [key for key in keys if key not in found]
        if missing:
            raise ValueError(str(self.unknown_message) % {"values": ", ".join(missing)})
        return [found[key] for key in keys]


class ProvisionWidget(widgets.ManyToManyWidget):
    """Provisions written ``TREATY:article``, e.g. ``ICCPR:7, ICCPR:14``."""

    def __init__(self) -> None:
        super().__init__(Provision, separator=SEPARATOR, field="number")

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> list[Provision]:
        keys = _split(value)
        if not keys:
            return []
        pairs = []
        for key in keys:
            code, sep, number = key.partition(":")
            if not sep or not code.strip() or not number.strip():
                raise ValueError(
                    gettext("Write provisions as TREATY:article, e.g. ICCPR:7 (not “%(value)s”).")
                    % {"value": key}
                )
            pairs.append((code.strip(), number.strip()))
        query = Q()
        for code, number in pairs:
            query |= Q(treaty__code=code, number=number)
        found = {
            (p.treaty.code, p.number): p
            for p in Provision.objects.filter(query).select_related("treaty")
        }
        missing = [f"{code}:{number}" for code, number in pairs if (code, number) not in found]
        if missing:
            raise ValueError(
                gettext("Unknown provisions: %(values)s.") % {"values": ", ".join(missing)}
            )
        return [found[pair] for pair in pairs]

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        if value is None:
            return ""
        return SEPARATOR.join(f"{p.treaty.code}:{p.number}" for p in value.all())


class ChoiceWidget(widgets.Widget):
    """A choice given by its code or its (English or translated) label, any case."""

    def __init__(self, choices: type, *, default: str | None = None) -> None:
        super().__init__()
        self.choices = choices
        self.default = default

    def clean(self, value: Any, row: Any = None, **kwargs: Any) -> str:
        text = force_str(value or "").strip()
        if not text:
            if self.default is not None:
                return self.default
            raise ValueError(gettext("This column is required."))
        lookup = {}
        for code, label in self.choices.choices:
            lookup[code.lower()] = code
            lookup[force_str(label).lower()] = code
        try:
            return lookup[text.lower()]
        except KeyError:
            raise ValueError(
                gettext("“%(value)s” is not one of: %(codes)s.")
                % {"value": text, "codes": ", ".join(self.choices.values)}
            ) from None

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> str:
        return force_str(value or "")


class FindingImportResource(resources.ModelResource):
    """Rows of a report's findings → new findings (status ``new``), all or nothing."""

    report = fields.Field(attribute="report", column_name="report", widget=ReportBySymbolWidget())
    reference = fields.Field(attribute="reference", column_name="reference")
    kind = fields.Field(attribute="kind", column_name="kind", widget=ChoiceWidget(FindingKind))
    title = fields.Field(attribute="title", column_name="title")
    summary = fields.Field(attribute="summary", column_name="summary")
    themes = fields.Field(
        attribute="themes",
        column_name="themes",
        widget=StrictManyToManyWidget(Theme, "slug", _("Unknown theme codes: %(values)s.")),
    )
    treaties = fields.Field(
        attribute="treaties",
        column_name="treaties",
        widget=StrictManyToManyWidget(Treaty, "code", _("Unknown treaty codes: %(values)s.")),
    )
    provisions = fields.Field(
        attribute="provisions", column_name="provisions", widget=ProvisionWidget()
    )
    priority = fields.Field(
        attribute="priority",
        column_name="priority",
        widget=ChoiceWidget(Priority, default=Priority.MEDIUM),
    )
    due_on = fields.Field(
        attribute="due_on",
        column_name="due_on",
        widget=widgets.DateWidget(),
    )

    class Meta:
        model = Finding
        fields = (
            "report",
            "reference",
            "kind",
            "title",
            "summary",
            "themes",
            "treaties",
            "provisions",
            "priority",
            "due_on",
        )
        import_order = (
            "report",
            "reference",
            "kind",
            "title",
            "summary",
            "themes",
            "treaties",
            "provisions",
            "priority",
            "due_on",
        )
        # Never look up an existing finding: an import only creates.
        force_init_instance = True
        use_transactions = True
        clean_model_instances = True
        skip_unchanged = False
        report_skipped = True

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        headers = [force_str(h).strip() for h in (dataset.headers or [])]
        missing = [column for column in REQUIRED_COLUMNS if column not in headers]
        if missing:
            raise ValidationError(
                gettext("The file is missing the columns: %(columns)s.")
                % {"columns": ", ".join(missing)}
            )

    def import_instance(self, instance: Finding, row: Any, **kwargs: Any) -> None:
        """Set the plain fields and check the many-to-many cells, so that an unknown
        theme or treaty is reported on its row with the other errors."""
        errors: dict[str, Any] = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in self.get_import_fields():
            if isinstance(field.widget, widgets.ManyToManyWidget) and field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as exc:
                    errors[field.attribute] = ValidationError(force_str(exc), code="invalid")
        if errors:
            raise ValidationError(errors)


class FindingExportResource(FindingImportResource):
    """Findings as rows: the import columns plus where work on each stands."""

    id = fields.Field(attribute="id", column_name="id", readonly=True)
    status = fields.Field(attribute="status", column_name="status", readonly=True)
    proposed_assessment = fields.Field(
        attribute="proposed_assessment", column_name="proposed_assessment", readonly=True
    )
    reviewer = fields.Field(attribute="reviewer__username", column_name="reviewer", readonly=True)
    published = fields.Field(
        attribute="published",
        column_name="published",
        widget=widgets.BooleanWidget(),
        readonly=True,
    )
    updated_at = fields.Field(
        attribute="updated_at",
        column_name="updated_at",
        widget=widgets.DateTimeWidget(),
        readonly=True,
    )

    class Meta(FindingImportResource.Meta):
        fields = (
            "id",
            *FindingImportResource.Meta.fields,
            "status",
            "proposed_assessment",
            "reviewer",
            "published",
            "updated_at",
        )
        export_order = (
            "id",
            *FindingImportResource.Meta.fields,
            "status",
            "proposed_assessment",
            "reviewer",
            "published",
            "updated_at",
        )

    def dehydrate_report(self, finding: Finding) -> str:
        return finding.report.symbol or finding.report.title
