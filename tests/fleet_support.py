"""Helpers of the fleet tests: a generated fleet (examples/fleet/generate.py), and local receivers on 127.0.0.1 that
check each vendor's signature the way the vendor does and keep what they accepted (HTTP in a thread, SMTP through
aiosmtpd's controller).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib.util
import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
NOW = "2026-11-25T09:00:00+08:00"


def generator() -> Any:
    spec = importlib.util.spec_from_file_location("fleet_generate", ROOT / "examples" / "fleet" / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generate_fleet(out: Path, count: int, **options: Any) -> Path:
    path: Path = generator().generate_fleet(out, count, **options)
    return path


@dataclass
class Received:
    kind: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """One HTTP receiver per vendor path: /webhook, /dingtalk, /wecom, /feishu, /slack."""

    secrets: dict[str, str]
    accepted: list[Received] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    fail_first: dict[str, int] = field(default_factory=dict)
    """Answer 503 to the first N requests of a kind (then judge as usual)."""
    port: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, kind: str, query: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{kind}{query}"

    def of(self, kind: str) -> list[Received]:
        return [r for r in self.accepted if r.kind == kind]

    def judge(self, kind: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        """The vendor's answer: (HTTP status, JSON or text body)."""
        with self.lock:
            if self.fail_first.get(kind, 0) > 0:
                self.fail_first[kind] -= 1
                return 503, "busy"
        secret = self.secrets.get(kind)
        if kind == "webhook":
            expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest() if secret else None
            if expected is not None and not hmac.compare_digest(
                headers.get("x-reconciler-signature-256", ""), expected
            ):
                return 401, "bad signature"
            return 204, ""
        if kind == "dingtalk":
            if query.get("access_token") != ["ding-token"]:
                return 200, {"errcode": 300001, "errmsg": "token is not exist"}
            if secret:
                timestamp = query.get("timestamp", [""])[0]
                digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
                # parse_qs has URL-decoded the sign: compare with the plain base64
                if not timestamp or abs(time.time() * 1000 - int(timestamp)) > 3600_000:
                    return 200, {"errcode": 310000, "errmsg": "timestamp expired"}
                if query.get("sign") != [base64.b64encode(digest).decode()]:
                    return 200, {"errcode": 310000, "errmsg": "sign not match"}
            return 200, {"errcode": 0, "errmsg": "ok"}
        if kind == "wecom":
            if query.get("key") != ["wecom-key"]:
                return 200, {"errcode": 93000, "errmsg": "invalid webhook url"}
            content = json.loads(body)["text"]["content"]
            if len(content.encode()) > 2048:
                return 200, {"errcode": 40058, "errmsg": "content exceed max length"}
            return 200, {"errcode": 0, "errmsg": "ok"}
        if kind == "feishu":
            data = json.loads(body)
            if secret:
                timestamp = str(data.get("timestamp", ""))
                digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
                if data.get("sign") != base64.b64encode(digest).decode():
                    return 200, {"code": 19021, "msg": "sign match fail or timestamp is not within one hour"}
            return 200, {"code": 0, "msg": "success", "data": {}}
        if kind == "slack":
            data = json.loads(body)
            return (200, "ok") if isinstance(data.get("text"), str) else (400, "invalid_payload")
        return 404, "no such hook"


@contextmanager
def receiving(secrets: dict[str, str] | None = None, fail_first: dict[str, int] | None = None) -> Iterator[Receiver]:
    receiver = Receiver(dict(secrets or {}), fail_first=dict(fail_first or {}))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            kind = parts.path.strip("/")
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            query = parse_qs(parts.query)
            status, answer = receiver.judge(kind, query, headers, body)
            accepted = status < 300 and not (isinstance(answer, dict) and answer.get("errcode", answer.get("code", 0)))
            with receiver.lock:
                if accepted:
                    receiver.accepted.append(Received(kind, parts.path, query, headers, body))
                else:
                    receiver.refused.append((kind, json.dumps(answer) if not isinstance(answer, str) else answer))
            data = (json.dumps(answer) if not isinstance(answer, str) else answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json" if not isinstance(answer, str) else "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class Mailbox:
    port: int
    messages: list[Message] = field(default_factory=list)


@contextmanager
def smtp_server() -> Iterator[Mailbox]:
    """A local SMTP server (aiosmtpd) keeping every message it accepts."""
    from aiosmtpd.controller import Controller

    mailbox = Mailbox(0)

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            mailbox.messages.append(message_from_bytes(envelope.original_content or envelope.content))
            return "250 Message accepted for delivery"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        mailbox.port = int(probe.getsockname()[1])
    controller = Controller(Handler(), hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()
