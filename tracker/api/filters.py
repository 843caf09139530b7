"""Filter pieces shared by the filtersets of every app."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Exists, F, OuterRef, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.template import loader
from django.utils.translation import gettext_lazy as _
from django_filters import fields as filter_fields
from django_filters import rest_framework as filters
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

TRUE_VALUES = ("true", "1")
FALSE_VALUES = ("false", "0")


class TrackerFilterSet(filters.FilterSet):
    """A FilterSet where a parameter given empty (``?status=``) means "no filter".

    An HTML form sends empty fields, and scripts often send an unset variable;
    without this a multiple-choice filter would reject the empty value.

    Bound to request data, it builds only the filters the data names: a filter
    that is not given filters nothing, and django-filter deep-copies every
    filter and builds and validates a form field for each on every request
    (~2 ms for the 20 findings filters, a tenth of a findings page). Pass
    ``all_filters=True`` for a form that shows them all (the browsable API's).
    """

    def __init__(self, data=None, *args, all_filters=False, **kwargs):
        if data is not None:
            data = data.copy()
            for key in list(data.keys()):
                values = [value for value in data.getlist(key) if value != ""]
                if values:
                    data.setlist(key, values)
                else:
                    del data[key]
            if not all_filters and not kwargs.get("prefix"):
                # Read by django-filter's __init__, which copies the filters from it.
                self.base_filters = _given(type(self).base_filters, data)
        super().__init__(data, *args, **kwargs)


def _given(base_filters: dict, data) -> dict:
    """The filters of ``base_filters`` that ``data`` gives a value for.

    A filter's parameter is its name, or its name and a suffix for filters of
    several inputs (``due_min``/``due_max`` of a range filter).
    """
    return {
        name: filter_
        for name, filter_ in base_filters.items()
        if any(key == name or key.startswith(name + "_") for key in data)
    }


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend; the browsable API's filter form offers every filter."""

    def to_html(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return None
        kwargs = self.get_filterset_kwargs(request, queryset, view)
        context = {"filter": filterset_class(**kwargs, all_filters=True)}
        return loader.get_template(self.template).render(context, request)


class StrictNullBooleanField(forms.NullBooleanField):
    """``true``/``false`` (or 1/0); anything else is an error, not "no filter"."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in TRUE_VALUES:
            return True
        if text in FALSE_VALUES:
            return False
        raise ValidationError(_("Use true or false."), code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(filters.BooleanFilter):
    """A boolean query parameter that rejects values other than true/false with a 400.

    django-filter's own maps anything it does not recognise to "no filter",
    which would silently return the unfiltered list.
    """

    field_class = StrictNullBooleanField

    def __init__(self, *args, **kwargs):
        kwargs["widget"] = forms.TextInput
        super().__init__(*args, **kwargs)


class StableOrderingFilter(filters.OrderingFilter):
    """``?ordering=due_on,-updated_at``, always ending with the primary key.

    The primary key as the last key makes every ordering total, so a page
    boundary never splits or repeats rows. Empty values sort last in both
    directions (the same on PostgreSQL and SQLite). ``expressions`` maps a
    parameter name to an expression to sort by instead of a field (e.g. a
    rank for ``priority``).

    ``NULLS LAST`` is added only where a column can hold NULL: on a NOT NULL
    column it changes nothing in the result but stops PostgreSQL from reading
    a descending order backwards off the column's index (it sorts every row).
    """

    def __init__(self, *args, expressions=None, **kwargs):
        self.expressions = expressions or {}
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = []
        for param in value:
            descending = param.startswith("-")
            name = param.lstrip("-")
            if name in self.expressions:
                expression, nullable = self.expressions[name], True
            else:
                path = self.param_map[name]
                expression, nullable = F(path), _nullable(qs.model, path)
            nulls_last = True if nullable else None
            ordering.append(
                expression.desc(nulls_last=nulls_last)
                if descending
                else expression.asc(nulls_last=nulls_last)
            )
        return qs.order_by(*ordering, "pk")


def _nullable(model, path: str) -> bool:
    """Whether ``path`` (``field`` or ``relation__field``) can be NULL for some row."""
    for name in path.split(LOOKUP_SEP):
        field = model._meta.get_field(name)
        if field.null:
            return True
        model = field.related_model
        if model is None:
            return False
        if field.many_to_many or field.one_to_many:
            return True
    return False


#: Largest value of a 64-bit signed primary key (PostgreSQL bigint; SQLite INTEGER).
MAX_ID = 2**63 - 1


class IdMultipleChoiceField(filter_fields.ModelMultipleChoiceField):
    """Object ids; an id no database column can hold is "not a valid choice", not a crash."""

    def _check_values(self, value):
        for pk in value:
            try:
                number = int(pk)
            except (TypeError, ValueError):
                continue  # the parent reports it as an invalid value
            if not 0 < number <= MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)


class MultipleChoiceFilter(filters.MultipleChoiceFilter):
    """Any of several values of a column (``?status=new&status=triaged``).

    django-filter adds DISTINCT by default, for to-many lookups; on a column of
    the filtered table it only makes the database sort whole rows (seconds at
    100,000 findings), so it is off here.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)


class IdMultipleChoiceFilter(filters.ModelMultipleChoiceFilter):
    """One or more object ids (``?treaty=3&treaty=7``): any of them.

    For a foreign key of the filtered table, so no DISTINCT (see
    :class:`MultipleChoiceFilter`); to-many links use :class:`ExistsMultipleChoiceFilter`.
    """

    field_class = IdMultipleChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("distinct", False)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if _no_choice(value):
            return qs
        return super().filter(qs, value)


def _no_choice(value) -> bool:
    """Whether a cleaned multiple-choice value chooses nothing.

    An absent parameter cleans to ``queryset.none()``; ``not value`` would run
    it through the ORM's compiler to find out it is empty, once per filter.
    """
    if isinstance(value, QuerySet):
        return value.query.is_empty()
    return not value


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(filters.Filter):
    """A single object id, checked to be a whole number a primary key can hold."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class ExistsMultipleChoiceFilter(IdMultipleChoiceFilter):
    """Any of the chosen related objects, matched with EXISTS on the link table.

    Unlike a join this never duplicates rows, so the query needs no DISTINCT
    and the count and the pages agree. ``through`` is the link model,
    ``link_field`` its foreign key to the filtered model and ``target_field``
    its foreign key to the chosen objects.
    """

    def __init__(self, *args, through, link_field, target_field, **kwargs):
        self.through = through
        self.link_field = link_field
        self.target_field = target_field
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if _no_choice(value):
            return qs
        links = self.through.objects.filter(
            **{self.link_field: OuterRef("pk"), f"{self.target_field}__in": value}
        )
        return qs.filter(Exists(links))


class RefusedField(forms.CharField):
    def __init__(self, *args, message, **kwargs):
        self.message = message
        super().__init__(*args, **kwargs)

    def clean(self, value):
        if value not in (None, ""):
            raise ValidationError(self.message, code="forbidden")
        return None


class RefusedFilter(filters.Filter):
    """Stands in for a filter the viewer may not use: any value answers 400 naming it.

    Better than ignoring the parameter, which would return an unfiltered list
    the caller would take for a filtered one.
    """

    field_class = RefusedField

    def __init__(self, *args, message=None, **kwargs):
        message = message or _("Only staff may filter by this.")
        super().__init__(*args, message=message, **kwargs)

    def filter(self, qs, value):
        return qs
