"""A real HTTP receiver on 127.0.0.1 (webhooks and the SMS gateway), and outbox helpers."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from jieyou.cases.models import Case
from jieyou.config import NotifySettings, WebhookSettings, get_settings
from jieyou.db import Database
from jieyou.notify.models import OutboxMessage

GOOD_SECRET = "good-webhook-secret-0123456789"


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Receiver:
    """Answers POSTs with the status set for their path (200 by default) and keeps them."""

    def __init__(self) -> None:
        self.statuses: dict[str, int] = {}
        self.requests: list[Received] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                with receiver._lock:
                    receiver.requests.append(Received(self.path, dict(self.headers), body))
                status = receiver.statuses.get(self.path, 200)
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}{path}"

    def at(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if r.path == path]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.thread.start()
    try:
        yield r
    finally:
        r.server.shutdown()
        r.server.server_close()
        r.thread.join()


def refused_url() -> str:
    """A local port nobody listens on: connections are refused at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


def notify_settings(receiver: Receiver, **overrides: Any) -> NotifySettings:
    """SMS gateway and a good webhook on the receiver; more through ``overrides``."""
    values: dict[str, Any] = {
        "sms_url": receiver.url("/sms"),
        "sms_token": "gateway-token",
        "webhooks": [
            WebhookSettings(name="good", url=receiver.url("/good"), secret=GOOD_SECRET),
        ],
        "timeout_seconds": 2.0,
    }
    values.update(overrides)
    return NotifySettings(**values)


@pytest.fixture
def notify_env(monkeypatch: pytest.MonkeyPatch, receiver: Receiver) -> Iterator[Receiver]:
    """The process settings (what the rule reads inside record_event) point the SMS gateway
    and a webhook at the receiver, through the environment like an operator would."""
    hooks = [{"name": "good", "url": receiver.url("/good"), "secret": GOOD_SECRET}]
    monkeypatch.setenv("JIEYOU_NOTIFY__SMS_URL", receiver.url("/sms"))
    monkeypatch.setenv("JIEYOU_NOTIFY__WEBHOOKS", json.dumps(hooks))
    get_settings.cache_clear()
    try:
        yield receiver
    finally:
        get_settings.cache_clear()


def outbox(db: Database, **where: Any) -> list[OutboxMessage]:
    with db.unit_of_work(write=False) as s:
        stmt = select(OutboxMessage).order_by(OutboxMessage.id)
        for name, value in where.items():
            stmt = stmt.where(getattr(OutboxMessage, name) == value)
        return list(s.scalars(stmt))


def case_id(db: Database, number: str) -> int:
    with db.unit_of_work(write=False) as s:
        found = s.scalar(select(Case.id).where(Case.number == number))
    assert found is not None
    return found
