"""``manage.py load_seed_data``: load the Kazakhstan seed data from ``fixtures/``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from findings.seeding import DEFAULT_PATH, SeedDataError, seed_data_load


class Command(BaseCommand):
    help = gettext_lazy(
        "Load the seed data (monitoring bodies, treaties and Kazakhstan's participation, "
        "provisions, obligations, vocabularies, reports and their findings) from YAML files. "
        "All or nothing; running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--path",
            type=Path,
            default=DEFAULT_PATH,
            help=gettext_lazy("Directory with the seed-data files (default: %(default)s)."),
        )

    def handle(self, *args, path: Path, **options):
        try:
            result = seed_data_load(path=path)
        except SeedDataError as exc:
            raise CommandError(
                _("The seed data was not loaded and nothing was written:\n%(errors)s")
                % {"errors": "\n".join(f"  {line}" for line in exc.errors)}
            ) from exc

        self.stdout.write(_("Seed data loaded from %(path)s") % {"path": result.path})
        header = (_("model"), _("created"), _("updated"), _("unchanged"))
        self.stdout.write(f"  {header[0]:<24}{header[1]:>9}{header[2]:>9}{header[3]:>11}")
        for model, tally in result.tallies.items():
            name = str(model._meta.verbose_name_plural)
            self.stdout.write(
                f"  {name:<24}{tally.created:>9}{tally.updated:>9}{tally.unchanged:>11}"
            )
        if result.created or result.updated:
            message = _("%(created)d created, %(updated)d updated.") % {
                "created": result.created,
                "updated": result.updated,
            }
        else:
            message = _("Nothing to change: the database already holds this seed data.")
        self.stdout.write(self.style.SUCCESS(message))
