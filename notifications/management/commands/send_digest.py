"""``manage.py send_digest --period weekly|monthly [--dry-run]``: manager summaries, by hand."""

from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.choices import DigestPeriod
from notifications.emails import digest_email
from notifications.management.base import SendCommand
from notifications.selectors import digest_build, unsent_digest_recipients
from notifications.services import digest_deliver


class Command(SendCommand):
    help = _(
        "Send the weekly or monthly summary of the last complete period to the managers who "
        "chose it (what the schedule does). Managers who have it already are skipped."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--period",
            required=True,
            choices=DigestPeriod.values,
            help=_("Which summary: weekly (the last Monday-to-Sunday) or monthly."),
        )

    def handle(self, *args, period: str, dry_run: bool = False, **options):
        now = timezone.now()
        recipients = list(unsent_digest_recipients(period, now))
        # Built once and rendered per recipient, in each one's language.
        digest = digest_build(period=period, now=now) if recipients else None
        self.run(
            (
                (
                    digest_email(digest, recipient),
                    lambda r=recipient: digest_deliver(digest=digest, recipient=r, now=now),
                )
                for recipient in recipients
            ),
            dry_run=dry_run,
            what=_("summary email(s)"),
        )
