"""Delivery after commit: crashes, retries with back-off, parking, and what receivers get.
Endpoints are real HTTP servers on 127.0.0.1 (see conftest.Receiver)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta

import httpx

from jieyou.accounts.models import Role
from jieyou.config import WebhookSettings
from jieyou.db import Database, utcnow
from jieyou.notify import backends
from jieyou.notify.delivery import claim_due, deliver_due
from jieyou.notify.models import Audience
from jieyou.notify.service import enqueue
from tests.factories import CITY, act, make_staff, submit
from tests.notify.conftest import (
    GOOD_SECRET,
    case_id,
    notify_settings,
    outbox,
    refused_url,
)

PHONE = "13907351234"


def _queue(db: Database, settings, key: str = "test:1", *, phone: str | None = PHONE, now=None):
    with db.unit_of_work() as s:
        return enqueue(
            s,
            dedupe_key=key,
            kind="accepted",
            audience=Audience.resident,
            subject="诉求已受理",
            body="您反映的诉求已受理。",
            payload={"case_number": "JY1", "phone": "139****1234"},
            case_id=None,
            phone=phone,
            now=now,
            settings=settings,
        )


def test_queuing_the_same_message_twice_writes_each_recipient_once(db, receiver):
    settings = notify_settings(receiver)
    assert _queue(db, settings) == 3  # log, SMS, the webhook
    assert _queue(db, settings) == 0
    rows = outbox(db, dedupe_key="test:1")
    assert sorted((m.channel, m.recipient) for m in rows) == [
        ("log", "log"),
        ("sms", PHONE),
        ("webhook", "good"),
    ]


def test_messages_claimed_by_a_worker_that_died_are_sent_after_the_lease(db, receiver):
    settings = notify_settings(receiver, log=False, sms_url=None)
    t0 = utcnow()
    _queue(db, settings, "test:1", now=t0)
    _queue(db, settings, "test:2", now=t0)

    # One run delivers the first message completely …
    assert deliver_due(db, now=t0, limit=1, settings=settings).sent == 1
    # … the next claims the second and dies before sending (or before recording).
    [claimed] = claim_due(db, now=t0, limit=10, settings=settings)
    assert [m.status for m in outbox(db)] == ["sent", "sending"]

    # While the lease holds, nobody else takes it.
    assert deliver_due(db, now=t0 + timedelta(seconds=30), settings=settings).claimed == 0
    after = t0 + timedelta(seconds=settings.lease_seconds + 1)
    report = deliver_due(db, now=after, settings=settings)
    assert (report.claimed, report.sent) == (1, 1)
    assert [m.status for m in outbox(db)] == ["sent", "sent"]
    assert [m.attempts for m in outbox(db)] == [1, 2]

    # Each went out once; the one recorded as sent was never sent again.
    deliveries = [r.headers["X-Jieyou-Delivery"] for r in receiver.at("/good")]
    assert sorted(deliveries) == sorted(str(m.id) for m in outbox(db))
    later = after + timedelta(hours=5)
    assert deliver_due(db, now=later, settings=settings).claimed == 0
    assert len(receiver.at("/good")) == 2
    assert claimed.id == outbox(db)[1].id


def test_a_message_sent_but_not_recorded_goes_again_with_the_same_delivery_id(db, receiver):
    """At least once: the receiver deduplicates on X-Jieyou-Delivery."""
    settings = notify_settings(receiver, log=False, sms_url=None)
    t0 = utcnow()
    _queue(db, settings, now=t0)
    [claimed] = claim_due(db, now=t0, limit=10, settings=settings)
    with httpx.Client() as client:
        backends.send(client, claimed, settings)  # delivered; the process dies here

    deliver_due(db, now=t0 + timedelta(seconds=settings.lease_seconds + 1), settings=settings)
    ids = [r.headers["X-Jieyou-Delivery"] for r in receiver.at("/good")]
    assert ids == [str(claimed.id)] * 2
    assert outbox(db)[0].status == "sent"


def test_bad_webhooks_are_retried_with_back_off_then_parked_without_blocking_others(
    db, receiver, caplog
):
    receiver.statuses["/bad"] = 500
    settings = notify_settings(
        receiver,
        max_attempts=3,
        webhooks=[
            WebhookSettings(name="bad", url=receiver.url("/bad"), secret="x" * 16),
            WebhookSettings(name="dead", url=refused_url(), secret="y" * 16),
            WebhookSettings(name="good", url=receiver.url("/good"), secret=GOOD_SECRET),
        ],
    )
    t0 = utcnow()
    _queue(db, settings, now=t0)

    first = deliver_due(db, now=t0, settings=settings)
    assert (first.claimed, first.sent, first.retrying, first.parked) == (5, 3, 2, 0)
    assert len(receiver.at("/good")) == len(receiver.at("/sms")) == 1
    by_name = {m.recipient: m for m in outbox(db)}
    assert by_name["bad"].last_error == "HTTP 500 from webhook bad"
    assert by_name["dead"].last_error is not None
    assert by_name["dead"].last_error.startswith("ConnectError")
    assert by_name["bad"].next_attempt_at == t0 + timedelta(seconds=30)

    # Not due yet: nothing happens.
    assert deliver_due(db, now=t0 + timedelta(seconds=29), settings=settings).claimed == 0
    t1 = t0 + timedelta(seconds=30)
    second = deliver_due(db, now=t1, settings=settings)
    assert (second.claimed, second.retrying) == (2, 2)
    assert outbox(db, recipient="bad")[0].next_attempt_at == t1 + timedelta(seconds=60)

    t2 = t1 + timedelta(seconds=60)
    with caplog.at_level("WARNING", logger="jieyou.notify"):
        third = deliver_due(db, now=t2, settings=settings)
    assert (third.claimed, third.parked) == (2, 2)
    assert sum("parked after 3 attempt(s)" in r.getMessage() for r in caplog.records) == 2

    statuses = {m.recipient: (m.status, m.attempts) for m in outbox(db)}
    assert statuses == {
        "log": ("sent", 1),
        PHONE: ("sent", 1),
        "good": ("sent", 1),
        "bad": ("parked", 3),
        "dead": ("parked", 3),
    }
    assert deliver_due(db, now=t2 + timedelta(days=1), settings=settings).claimed == 0
    assert len(receiver.at("/bad")) == 3
    assert len(receiver.at("/good")) == len(receiver.at("/sms")) == 1


def test_webhooks_are_signed_and_carry_no_name_or_full_phone_number(client, db, notify_env):
    receiver = notify_env
    admin = make_staff(db, "root", Role.admin, CITY)
    # Submitted by 李秀英, 13907351234, who also typed another number into the title.
    number = submit(client, title="邻居违建挡住采光，电话13807359876")["number"]
    act(client, admin, number, "accept")
    report = deliver_due(db)
    assert report.sent == 3 and report.retrying == 0

    [hook] = receiver.at("/good")
    expected = hmac.new(GOOD_SECRET.encode(), hook.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(hook.headers["X-Jieyou-Signature"], f"sha256={expected}")
    [message] = outbox(db, case_id=case_id(db, number), channel="webhook")
    assert hook.headers["X-Jieyou-Delivery"] == str(message.id)
    assert hook.headers["X-Jieyou-Event"] == "accepted"
    document = hook.json()
    assert document["data"]["case_number"] == number
    assert document["data"]["phone"] == "139****1234"
    text = hook.body.decode()
    assert PHONE not in text and "李秀英" not in text
    assert "13807359876" not in text and "138****9876" in document["text"]

    [sms] = receiver.at("/sms")
    assert json.loads(sms.body)["phone"] == PHONE
    assert number in json.loads(sms.body)["text"]


def test_a_tampered_body_does_not_verify(db, receiver):
    settings = notify_settings(receiver, log=False, sms_url=None)
    _queue(db, settings)
    deliver_due(db, settings=settings)
    [hook] = receiver.at("/good")
    tampered = hook.body.replace(b"JY1", b"JY2")
    assert backends.signature(GOOD_SECRET, hook.body) == hook.headers["X-Jieyou-Signature"]
    assert backends.signature(GOOD_SECRET, tampered) != hook.headers["X-Jieyou-Signature"]


def test_the_sms_gateway_gets_the_token_and_can_take_a_form(db, receiver):
    settings = notify_settings(receiver, log=False, webhooks=[], sms_format="form")
    _queue(db, settings)
    assert deliver_due(db, settings=settings).sent == 1
    [sms] = receiver.at("/sms")
    assert sms.headers["Authorization"] == "Bearer gateway-token"
    assert sms.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert f"phone={PHONE}".encode() in sms.body


def test_a_removed_webhook_parks_its_messages_at_once(db, receiver):
    _queue(db, notify_settings(receiver, log=False, sms_url=None))
    report = deliver_due(db, settings=notify_settings(receiver, webhooks=[]))
    assert report.parked == 1
    [message] = outbox(db)
    assert message.status == "parked" and "no longer configured" in (message.last_error or "")


def test_a_batch_out_of_lease_hands_the_rest_back(db, receiver):
    settings = notify_settings(receiver, sms_url=None)  # log and the webhook: 2 messages
    t0 = utcnow()
    _queue(db, settings, now=t0)
    ticks = iter([0.0, 0.0, settings.lease_seconds])  # start, first send, second send
    report = deliver_due(db, now=t0, settings=settings, clock=lambda: next(ticks))
    assert (report.claimed, report.sent, report.released) == (2, 1, 1)
    released = [m for m in outbox(db) if m.status != "sent"]
    assert [(m.status, m.attempts, m.claimed_until) for m in released] == [("pending", 0, None)]
    assert deliver_due(db, now=t0, settings=settings).sent == 1


def test_a_message_whose_workers_keep_dying_is_parked(db, receiver):
    settings = notify_settings(receiver, log=False, sms_url=None, max_attempts=2)
    t0 = utcnow()
    _queue(db, settings, now=t0)
    lease = timedelta(seconds=settings.lease_seconds + 1)
    assert len(claim_due(db, now=t0, limit=10, settings=settings)) == 1
    assert len(claim_due(db, now=t0 + lease, limit=10, settings=settings)) == 1
    assert claim_due(db, now=t0 + 2 * lease, limit=10, settings=settings) == []
    [message] = outbox(db)
    assert (message.status, message.attempts) == ("parked", 2)
    assert receiver.requests == []


def test_nothing_is_queued_or_sent_when_notifications_are_off(db, receiver):
    on = notify_settings(receiver)
    _queue(db, on, "test:on")
    off = notify_settings(receiver, enabled=False)
    assert _queue(db, off, "test:off") == 0
    assert deliver_due(db, settings=off).claimed == 0
    assert {m.status for m in outbox(db)} == {"pending"}
