"""Put a notification on the wire: HTTP POST (webhook, DingTalk, WeCom, Feishu, Slack) or SMTP, tried again with
tenacity (exponential waits with jitter) while the answer says so, within a deadline.

Called by `fleet.notify`. The only module of the fleet that talks to the network (urllib.request, smtplib);
what is sent and how an answer reads is `fleet.channels`'.
"""

from __future__ import annotations

import smtplib
import ssl
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from tenacity import RetryError, Retrying, retry_if_exception, stop_after_attempt, stop_after_delay
from tenacity.wait import wait_exponential_jitter

from reconciler.fleet.channels import DELIVERY_HEADER, HttpPost, Mail, Outgoing, answer
from reconciler.fleet.model import Delivery, Smtp, TargetKind


class SendFailed(Exception):
    """A notification was not accepted; `transient` when trying again may help."""

    def __init__(self, detail: str, transient: bool) -> None:
        super().__init__(detail)
        self.transient = transient


@dataclass(frozen=True)
class Sent:
    attempts: int
    detail: str


@dataclass(frozen=True)
class SmtpLogin:
    server: Smtp
    username: str | None
    password: str | None


def deliver(item: Outgoing, kind: TargetKind, policy: Delivery, smtp: SmtpLogin | None = None) -> Sent:
    """Send `item`, trying again on transient failures; SendFailed (with the attempts made) when it was not
    accepted within `policy`'s attempts and deadline."""
    attempts = 0

    def once() -> str:
        nonlocal attempts
        attempts += 1
        if isinstance(item, Mail):
            if smtp is None:
                raise SendFailed("no smtp server configured", transient=False)
            return _mail(item, smtp, policy.timeout_seconds)
        return _post(item, kind, policy.timeout_seconds)

    retrying = Retrying(
        stop=stop_after_attempt(policy.attempts) | stop_after_delay(policy.deadline_seconds),
        wait=wait_exponential_jitter(multiplier=policy.first_wait_seconds, max=max(policy.deadline_seconds / 4, 0.1)),
        retry=retry_if_exception(lambda exc: isinstance(exc, SendFailed) and exc.transient),
        reraise=True,
        sleep=time.sleep,
    )
    try:
        detail = retrying(once)
    except SendFailed as exc:
        raise SendFailed(f"{exc} (after {attempts} attempt{'s' if attempts != 1 else ''})", exc.transient) from exc
    except RetryError as exc:  # not raised with reraise=True; kept for safety
        raise SendFailed(f"gave up after {attempts} attempts", transient=True) from exc
    return Sent(attempts, detail)


def _post(item: HttpPost, kind: TargetKind, timeout: float) -> str:
    request = urllib.request.Request(item.url, data=item.body, headers=item.headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status, body = response.status, response.read(65536)
    except urllib.error.HTTPError as exc:
        status, body = exc.code, exc.read(65536)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SendFailed(f"{_host(item.url)}: {reason}", transient=True) from exc
    read = answer(kind, status, body)
    if not read.accepted:
        raise SendFailed(f"{_host(item.url)}: {read.detail}", read.transient)
    return read.detail


def _mail(item: Mail, login: SmtpLogin, timeout: float) -> str:
    server = login.server
    mail = EmailMessage()
    mail["From"] = server.sender
    mail["To"] = ", ".join(item.to)
    mail["Subject"] = item.subject
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(idstring=item.delivery[:16], domain="reconciler")
    mail[DELIVERY_HEADER] = item.delivery
    mail.set_content(item.text, charset="utf-8")
    try:
        client: smtplib.SMTP = (
            smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=ssl.create_default_context())
            if server.security == "tls"
            else smtplib.SMTP(server.host, server.port, timeout=timeout)
        )
        with client:
            if server.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if login.username:
                client.login(login.username, login.password or "")
            refused = client.send_message(mail)
    except smtplib.SMTPResponseException as exc:
        transient = 400 <= exc.smtp_code < 500
        raise SendFailed(f"{server.host}: SMTP {exc.smtp_code} {exc.smtp_error!r}", transient) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SendFailed(f"{server.host}: {exc}", transient=True) from exc
    if refused:
        raise SendFailed(f"{server.host}: refused {', '.join(sorted(refused))}", transient=False)
    return f"SMTP {server.host}: accepted for {len(item.to)}"


def _host(url: str) -> str:
    """Where a URL points, without its path and query: robots' tokens and Slack's path stay out of every message."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else "the target"
