"""``manage.py send_deadline_alerts [--dry-run]``: reporting-calendar alerts, by hand."""

from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.emails import deadline_alert_email
from notifications.management.base import SendCommand
from notifications.selectors import unsent_deadline_alerts
from notifications.services import deadline_alert_deliver


class Command(SendCommand):
    help = _(
        "Alert managers to reporting and follow-up obligations that reached a deadline "
        "threshold (what the daily schedule does). Each alert goes out once."
    )

    def handle(self, *args, dry_run: bool = False, **options):
        now = timezone.now()
        self.run(
            (
                (
                    deadline_alert_email(alert, manager),
                    lambda a=alert, m=manager: deadline_alert_deliver(
                        alert=a, recipient=m, now=now
                    ),
                )
                for alert, manager in unsent_deadline_alerts(now=now)
            ),
            dry_run=dry_run,
            what=_("alert(s)"),
        )
