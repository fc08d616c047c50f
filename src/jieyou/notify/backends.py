"""The ways a message leaves: the log, an SMS gateway over HTTP, and signed JSON webhooks.

Each ``send_*`` either returns (delivered), raises :class:`DeliveryFailed` or an
``httpx.HTTPError`` (worth retrying), or raises :class:`Undeliverable` (retrying cannot help:
the channel is no longer configured). Nothing here touches the database.

Webhooks: the body is compact UTF-8 JSON::

    {"id": 42, "kind": "task_assigned", "audience": "staff", "subject": "…", "text": "…",
     "created_at": "2026-11-27T02:05:00+00:00", "data": {"case_number": "JY…", …}}

with the headers

- ``X-Jieyou-Signature: sha256=<hex>`` — HMAC-SHA256 of the raw body with the webhook's
  secret; compare it in constant time before trusting the body.
- ``X-Jieyou-Delivery: <id>`` — the outbox message id, the same on every retry.
- ``X-Jieyou-Event: <kind>``.

Delivery is at least once: a worker that dies after the receiver answered but before the
result was recorded sends the message again after its lease. Receivers deduplicate on
``X-Jieyou-Delivery`` (the SMS gateway gets the same header), which makes it exactly once
for any receiver that does.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from jieyou.config import NotifySettings, WebhookSettings
from jieyou.notify.models import OutboxChannel
from jieyou.privacy import mask_text

log = logging.getLogger("jieyou.notify")
USER_AGENT = "jieyou-notify/1"


class DeliveryFailed(Exception):
    """The other side answered, but not with success (a non-2xx status)."""


class Undeliverable(Exception):
    """No way to deliver this message any more (e.g. its webhook was removed)."""


@dataclass(frozen=True)
class Outgoing:
    """What a worker claimed: a snapshot of an outbox row, sent outside any transaction."""

    id: int
    channel: str
    recipient: str
    audience: str
    kind: str
    subject: str
    body: str
    payload: dict[str, Any]
    created_at: datetime
    attempts: int


def signature(secret: str, raw: bytes) -> str:
    """The ``X-Jieyou-Signature`` value for ``raw``."""
    digest = hmac.new(secret.encode("utf-8"), raw, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def send(client: httpx.Client, message: Outgoing, settings: NotifySettings) -> None:
    channel = OutboxChannel(message.channel)
    if channel == OutboxChannel.log:
        send_log(message)
    elif channel == OutboxChannel.sms:
        send_sms(client, message, settings)
    else:
        send_webhook(client, message, _webhook(settings, message.recipient))


def send_log(message: Outgoing) -> None:
    log.info(
        "notify #%d %s to %s: %s — %s",
        message.id,
        message.kind,
        message.audience,
        mask_text(message.subject),
        mask_text(message.body),
    )


def send_sms(client: httpx.Client, message: Outgoing, settings: NotifySettings) -> None:
    if not settings.sms_url:
        raise Undeliverable("no SMS gateway configured (notify.sms_url)")
    headers = {"User-Agent": USER_AGENT, "X-Jieyou-Delivery": str(message.id)}
    if settings.sms_token:
        headers["Authorization"] = f"Bearer {settings.sms_token}"
    fields = {"phone": message.recipient, "text": message.body}
    if settings.sms_format == "form":
        response = client.post(settings.sms_url, data=fields, headers=headers)
    else:
        response = client.post(settings.sms_url, json=fields, headers=headers)
    _check(response, "SMS gateway")


def webhook_body(message: Outgoing) -> bytes:
    """The signed document. Its text goes through :func:`jieyou.privacy.mask_text`: the
    payload never holds a phone number, but free text written by a resident might."""
    document = {
        "id": message.id,
        "kind": message.kind,
        "audience": message.audience,
        "subject": mask_text(message.subject),
        "text": mask_text(message.body),
        "created_at": message.created_at.isoformat(),
        "data": message.payload,
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def send_webhook(client: httpx.Client, message: Outgoing, hook: WebhookSettings) -> None:
    raw = webhook_body(message)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Jieyou-Signature": signature(hook.secret, raw),
        "X-Jieyou-Delivery": str(message.id),
        "X-Jieyou-Event": message.kind,
    }
    _check(client.post(hook.url, content=raw, headers=headers), f"webhook {hook.name}")


def _webhook(settings: NotifySettings, name: str) -> WebhookSettings:
    for hook in settings.webhooks:
        if hook.name == name:
            return hook
    raise Undeliverable(f"webhook {name} is no longer configured (notify.webhooks)")


def _check(response: httpx.Response, what: str) -> None:
    # Redirects are not followed: a webhook that moved must be reconfigured, not guessed.
    if not response.is_success:
        raise DeliveryFailed(f"HTTP {response.status_code} from {what}")
