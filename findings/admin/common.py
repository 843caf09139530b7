"""Pieces the tracker's admins share (findings and treaties)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from simple_history.admin import SimpleHistoryAdmin


class HistoryWithoutRevertAdmin(SimpleHistoryAdmin):
    """Field history to read, never to revert: a revert would write around the services
    (and around the version check that keeps two editors from overwriting each other)."""

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


def findings_count_subquery(model, field: str) -> Coalesce:
    """How many findings point at each row, as a correlated subquery on ``model.field``
    (the finding table or a link table, by an indexed column; no GROUP BY on the list)."""
    counts = (
        model.objects.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)
