"""What each kind of target is sent for one event, and whether its answer accepts it: the vendors' formats and
signing rules, without any I/O (so tests can check them byte for byte, and `--dry-run` can show them).

Called by `fleet.notify`; `fleet.senders` puts the result on the wire. Signing rules:
- webhook: JSON body; header X-Reconciler-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>.
- DingTalk robot (加签): `timestamp` (ms) and `sign` = urlencode(base64(HMAC-SHA256(key=secret,
  msg="timestamp\\nsecret"))) as query parameters; answer {"errcode": 0}.
- WeCom robot: the webhook URL's `key` is the credential, nothing is signed; answer {"errcode": 0}.
- Feishu robot (签名校验): `timestamp` (s) and `sign` = base64(HMAC-SHA256(key="timestamp\\nsecret", msg=""))
  in the JSON body; answer {"code": 0}.
- Slack incoming webhook: {"text": ...}; answer 200 "ok".
- e-mail: one plain-text UTF-8 message per event.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

from reconciler.base.formats import Lang
from reconciler.base.messages import message, say, to_json
from reconciler.fleet.events import Event
from reconciler.fleet.model import TargetKind

SIGNATURE_HEADER: Final = "X-Reconciler-Signature-256"
DELIVERY_HEADER: Final = "X-Reconciler-Delivery"
WECOM_LIMIT: Final = 2048
"""Bytes a WeCom text message may hold."""


@dataclass(frozen=True)
class HttpPost:
    url: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    subject: str
    text: str
    delivery: str


Outgoing = HttpPost | Mail


@dataclass(frozen=True)
class Wording:
    """An event in the target's language: its title, its sentence and the line with the report's link."""

    title: str
    sentence: str
    link: str | None
    link_line: str | None

    @property
    def text(self) -> str:
        return "\n".join(part for part in (self.title, self.sentence, self.link_line) if part)


def wording(event: Event, lang: Lang, link: str | None) -> Wording:
    contract = event.message.values["contract"]
    title = say(message("notice_subject", contract=contract), lang)
    link_line = None if link is None else say(message("notice_report", url=link), lang)
    return Wording(title, say(event.message, lang), link, link_line)


def outgoing(
    event: Event,
    kind: TargetKind,
    lang: Lang,
    link: str | None,
    sent_at: datetime,
    *,
    url: str = "",
    secret: str | None = None,
    to: tuple[str, ...] = (),
) -> Outgoing:
    """What `kind` is sent for `event` at `sent_at` (its timestamps and signatures are of that instant)."""
    words = wording(event, lang, link)
    if kind == "email":
        return Mail(to, words.title, words.text + "\n", event.key)
    headers = {"Content-Type": "application/json; charset=utf-8", DELIVERY_HEADER: event.key}
    if kind == "webhook":
        body = _json(_webhook_body(event, words, lang, sent_at))
        if secret:
            headers[SIGNATURE_HEADER] = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return HttpPost(url, body, headers)
    if kind == "dingtalk":
        if secret:
            timestamp = str(int(sent_at.timestamp() * 1000))
            url = _with_query(url, {"timestamp": timestamp, "sign": dingtalk_sign(timestamp, secret)})
        return HttpPost(url, _json({"msgtype": "text", "text": {"content": words.text}}), headers)
    if kind == "wecom":
        content = _cut(words.text, WECOM_LIMIT)
        return HttpPost(url, _json({"msgtype": "text", "text": {"content": content}}), headers)
    if kind == "feishu":
        data: dict[str, object] = {"msg_type": "text", "content": {"text": words.text}}
        if secret:
            timestamp = str(int(sent_at.timestamp()))
            data = {"timestamp": timestamp, "sign": feishu_sign(timestamp, secret), **data}
        return HttpPost(url, _json(data), headers)
    text = "\n".join(p for p in (words.title, words.sentence) if p)
    if link is not None:
        text += f"\n<{link}|{words.link_line}>"
    return HttpPost(url, _json({"text": text}), headers)


def dingtalk_sign(timestamp: str, secret: str) -> str:
    """DingTalk's `sign`: HMAC-SHA256 keyed by the secret over "timestamp\\nsecret", base64, URL-encoded (the
    value as it stands in the query string)."""
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest).decode())


def feishu_sign(timestamp: str, secret: str) -> str:
    """Feishu's `sign`: HMAC-SHA256 keyed by "timestamp\\nsecret" over an empty message, base64."""
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def webhook_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Answer:
    """What a target's answer means: accepted, or refused for good, or worth trying again."""

    accepted: bool
    transient: bool
    detail: str


def answer(kind: TargetKind, status: int, body: bytes) -> Answer:
    """Read a target's HTTP answer: 2xx with the vendor's own success code is accepted; 429 and 5xx are tried
    again; anything else is refused (a wrong signature, a revoked robot) and not tried again."""
    text = body.decode("utf-8", "replace").strip()
    shown = " ".join(text.split())[:300]
    if status == 429 or status >= 500:
        return Answer(False, True, f"HTTP {status}: {shown}")
    if not 200 <= status < 300:
        return Answer(False, False, f"HTTP {status}: {shown}")
    if kind in ("dingtalk", "wecom", "feishu"):
        try:
            data = json.loads(text)
        except ValueError:
            return Answer(False, True, f"not a JSON answer: {shown}")
        code = data.get("errcode", data.get("code", data.get("StatusCode"))) if isinstance(data, dict) else None
        if code != 0:
            # DingTalk 130101 and WeCom 45009: sent too often this minute
            return Answer(False, code in (130101, 45009), f"code {code}: {shown}")
    return Answer(True, False, f"HTTP {status}")


def _webhook_body(event: Event, words: Wording, lang: Lang, sent_at: datetime) -> dict[str, object]:
    return {
        "schema": "contract-reconciler/notification",
        "version": 1,
        "delivery": event.key,
        "contract": event.contract,
        "subject": event.subject,
        "previous": event.previous,
        "state": event.state,
        "lang": lang,
        "title": words.title,
        "text": words.sentence,
        "report_url": words.link,
        "message": to_json(event.message),
        "sent_at": sent_at.isoformat(),
    }


def _json(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _with_query(url: str, extra: dict[str, str]) -> str:
    """`url` with `extra` appended to its query; the values are given already encoded."""
    parts = urlsplit(url)
    query = urlencode(parse_qsl(parts.query, keep_blank_values=True))
    added = "&".join(f"{k}={v}" for k, v in extra.items())
    return urlunsplit(parts._replace(query=f"{query}&{added}" if query else added))


def _cut(text: str, limit: int) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    return data[: limit - 3].decode("utf-8", "ignore") + "..."
