"""``manage.py seed_synthetic --findings N [--seed S]``: synthetic data at scale, for benchmarks."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from findings.models import Theme
from findings.seeding import SeedDataError, seed_data_load
from findings.synthetic import (
    DEFAULT_BATCH_SIZE,
    SyntheticDataError,
    synthetic_data_create,
)
from treaties.models import Treaty


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = gettext_lazy(
        "Add N synthetic findings with reports, users, links, status timelines, assignments, "
        "notes and partner submissions on top of the seed data (loaded first if missing). "
        "For benchmarks and load tests, never for production. Same --seed, same data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--findings",
            type=_positive,
            required=True,
            help=gettext_lazy("How many findings to create (at least 1)."),
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help=gettext_lazy("Random seed; the same seed gives the same data (default 1)."),
        )
        parser.add_argument(
            "--batch-size",
            type=_positive,
            default=DEFAULT_BATCH_SIZE,
            help=gettext_lazy(
                "Rows per INSERT where COPY is not available (not PostgreSQL; default %(default)s)."
            ),
        )

    def handle(self, *args, findings: int, seed: int, batch_size: int, **options):
        started = time.perf_counter()
        if not (Treaty.objects.exists() and Theme.objects.exists()):
            self.stdout.write(_("No seed data in the database: loading it first (load_seed_data)."))
            try:
                seed_data_load()
            except SeedDataError as exc:
                raise CommandError(
                    _("The seed data could not be loaded:\n%(errors)s")
                    % {"errors": "\n".join(exc.errors)}
                ) from exc
        try:
            result = synthetic_data_create(findings=findings, seed=seed, batch_size=batch_size)
        except SyntheticDataError as exc:
            raise CommandError(
                _("No synthetic data was written: %(reason)s") % {"reason": exc}
            ) from exc
        written = time.perf_counter() - started
        if connection.vendor == "postgresql":
            # Fresh planner statistics, and the visibility map autovacuum would have set
            # on a live database (index-only scans for counts). VACUUM cannot run inside a
            # transaction (as under the tests); ANALYZE alone then.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        for name, count in result.counts.items():
            self.stdout.write(f"  {name:<32}{count:>10,}")
        self.stdout.write(
            self.style.SUCCESS(
                _("%(rows)s rows written in %(seconds).1f s (seed %(seed)s).")
                % {"rows": f"{result.total:,}", "seconds": written, "seed": seed}
            )
        )
