"""Rendering the emails: each is three templates (subject, text body, HTML body).

Templates live in ``notifications/templates/notifications/emails/`` as
``<name>-subject.txt``, ``<name>-body.txt`` and ``<name>-body.html``. They are
rendered in the recipient's language and in the project's time zone, so dates
read as the recipient expects ("25 ноября 2026" or "Nov. 25, 2026").
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from accounts.models import User

from .selectors import DeadlineAlert, Digest, ReviewerReminder


@dataclass(frozen=True)
class RenderedEmail:
    """A rendered email for one recipient, ready to send or to print in a dry run."""

    to: str
    subject: str
    text: str
    html: str

    def message(self) -> EmailMultiAlternatives:
        """A multipart/alternative message: the text body first, the HTML alternative second."""
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.text,
            to=[self.to],
            # RFC 3834: tells auto-responders not to answer.
            headers={"Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(self.html, "text/html")
        return message


def render(name: str, context: dict, *, recipient: User) -> RenderedEmail:
    """Render the three templates of email ``name`` for ``recipient``."""
    language = recipient.language or settings.LANGUAGE_CODE
    context = {"SITE_URL": settings.SITE_URL, "recipient": recipient, **context}
    with translation.override(language), timezone.override(settings.TIME_ZONE):
        subject = render_to_string(f"notifications/emails/{name}-subject.txt", context)
        text = render_to_string(f"notifications/emails/{name}-body.txt", context)
        html = render_to_string(f"notifications/emails/{name}-body.html", context)
    # A subject is one line, whatever the template's line breaks.
    return RenderedEmail(
        to=recipient.email, subject=" ".join(subject.split()), text=text, html=html
    )


def reminder_email(reminder: ReviewerReminder) -> RenderedEmail:
    return render("reminder", {"reminder": reminder}, recipient=reminder.reviewer)


def digest_email(digest: Digest, recipient: User) -> RenderedEmail:
    return render("digest", {"digest": digest}, recipient=recipient)


def deadline_alert_email(alert: DeadlineAlert, recipient: User) -> RenderedEmail:
    return render("deadline_alert", {"alert": alert}, recipient=recipient)
