"""What the three sending commands share: ``--dry-run`` and the send loop."""

import smtplib
from collections.abc import Callable, Iterable

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from ..emails import RenderedEmail
from ..models import SentEmail


class SendCommand(BaseCommand):
    """A command that builds emails and sends each at most once, or prints them."""

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Print the emails (subject and text) instead of sending; record nothing."),
        )

    def print_email(self, email: RenderedEmail) -> None:
        self.stdout.write("=" * 72)
        self.stdout.write(f"To: {email.to}")
        self.stdout.write(f"Subject: {email.subject}")
        self.stdout.write("")
        self.stdout.write(email.text)

    def run(
        self,
        items: Iterable[tuple[RenderedEmail, Callable[[], SentEmail | None]]],
        *,
        dry_run: bool,
        what: str,
    ) -> None:
        """Print or send each ``(email, send)``; report failures at the end.

        One address failing does not stop the others; the command then fails
        naming them, and those emails stay unrecorded so a rerun sends them.
        """
        sent = skipped = 0
        failures = []
        for email, send in items:
            if dry_run:
                self.print_email(email)
                sent += 1
                continue
            try:
                record = send()
            except (smtplib.SMTPException, OSError) as exc:
                failures.append(f"{email.to}: {exc}")
                continue
            if record is None:
                skipped += 1
            else:
                sent += 1
                self.stdout.write(f"{email.to}: {email.subject}")
        if dry_run:
            self.stdout.write(
                _("Dry run: %(count)d %(what)s would be sent; nothing was sent or recorded.")
                % {"count": sent, "what": what}
            )
            return
        self.stdout.write(
            _("Sent %(sent)d %(what)s (%(skipped)d already sent).")
            % {"sent": sent, "what": what, "skipped": skipped}
        )
        if failures:
            raise CommandError(
                _("Could not send %(count)d email(s); run the command again to retry:\n%(list)s")
                % {"count": len(failures), "list": "\n".join(failures)}
            )
