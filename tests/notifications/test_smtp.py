"""A real SMTP server (aiosmtpd) receives what the tracker sends."""

import datetime
import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from celery.exceptions import Retry

from findings.models import Finding
from notifications.models import SentEmail
from notifications.tasks import send_reminder_task
from tests.factories import FindingFactory, UserFactory
from tests.notifications.conftest import almaty

pytestmark = pytest.mark.django_db

NOW = almaty(2026, 11, 25, 8)


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.DEFAULT_FROM_EMAIL = "Tracker <tracker@example.kz>"
    yield inbox
    controller.stop()


def test_a_reminder_arrives_at_a_real_smtp_server_as_text_and_html_alternatives(smtp_server):
    reviewer = UserFactory(role="reviewer", email="dana@example.kz", language="ru")
    finding = FindingFactory(due_on=datetime.date(2026, 11, 20), title="Criminalise torture")
    Finding.objects.filter(pk=finding.pk).update(status="in_progress", reviewer=reviewer)

    assert send_reminder_task.delay(reviewer.pk, NOW.isoformat()).get() is True

    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["dana@example.kz"]
    assert envelope.mail_from == "tracker@example.kz"
    message = email.message_from_bytes(envelope.content, policy=policy.default)
    assert message["To"] == "dana@example.kz"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Subject"] == "[Tracker] 1 finding needs your attention"
    assert message.get_content_type() == "multipart/alternative"
    text, html = message.get_payload()
    assert text.get_content_type() == "text/plain"
    assert html.get_content_type() == "text/html"
    assert text.get_content_charset() == html.get_content_charset() == "utf-8"
    assert "Criminalise torture" in text.get_content()
    assert "20 ноября 2026" in text.get_content()
    assert html.get_content().lstrip().startswith("<!DOCTYPE html>")
    assert "20 ноября 2026" in html.get_content()
    assert SentEmail.objects.filter(recipient=reviewer).count() == 1


def test_a_send_while_the_smtp_server_is_down_is_retried_and_not_recorded(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nobody listens there
    settings.EMAIL_TIMEOUT = 5
    reviewer = UserFactory(role="reviewer")
    finding = FindingFactory(due_on=datetime.date(2026, 11, 20))
    Finding.objects.filter(pk=finding.pk).update(status="in_progress", reviewer=reviewer)

    with pytest.raises(Retry) as retry:
        send_reminder_task.delay(reviewer.pk, NOW.isoformat())

    assert isinstance(retry.value.exc, ConnectionRefusedError)
    assert not SentEmail.objects.exists()
