"""``manage.py send_reminders [--dry-run]``: today's reviewer reminders, by hand."""

from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.emails import reminder_email
from notifications.management.base import SendCommand
from notifications.selectors import unsent_reviewer_reminders
from notifications.services import reviewer_reminder_deliver


class Command(SendCommand):
    help = _(
        "Send today's reminders to reviewers with findings due, overdue or waiting for review "
        "(what the daily schedule does). Reviewers already reminded today are skipped."
    )

    def handle(self, *args, dry_run: bool = False, **options):
        now = timezone.now()
        self.run(
            (
                (reminder_email(r), lambda r=r: reviewer_reminder_deliver(reminder=r, now=now))
                for r in unsent_reviewer_reminders(now=now)
            ),
            dry_run=dry_run,
            what=_("reminder(s)"),
        )
