"""The SMTP path end to end: a real SMTP server (aiosmtpd) on a free loopback port receives
the notification Django's SMTP backend sends (TLS settings aside)."""

import email
import email.header
import socket

import pytest
from aiosmtpd.controller import Controller

from notifications import kinds, services

pytestmark = pytest.mark.django_db


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_a_notification_travels_through_a_real_smtp_server(tenants, settings, smtp_server):
    world = tenants
    controller, inbox = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    (row,) = services.notify(
        kinds.PLAN_APPROVED,
        recipients=[world["coordinator"]],
        target=world["plan_a"],
        url="/plans/1/",
        message="Godkendt",
    )
    assert services.deliver([row.pk]) == 1
    (envelope,) = inbox.messages
    assert envelope.rcpt_tos == [world["coordinator"].email]
    parsed = email.message_from_bytes(envelope.content)
    parts = {part.get_content_type() for part in parsed.walk()}
    assert {"text/plain", "text/html"} <= parts
    assert (
        "kompetenceplan"
        in email.header.make_header(email.header.decode_header(parsed["Subject"])).__str__()
    )
    row.refresh_from_db()
    assert row.emailed_at is not None


def test_a_server_that_refuses_leaves_the_message_for_the_sweep(tenants, settings):
    world = tenants
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_TIMEOUT = 2
    (row,) = services.notify(
        kinds.PLAN_APPROVED, recipients=[world["coordinator"]], target=world["plan_a"], url="/"
    )
    assert services.deliver([row.pk]) == 0
    row.refresh_from_db()
    assert row.emailed_at is None and row.email_attempts == 1 and row.email_error
