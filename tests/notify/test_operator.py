"""What an operator sees and does: settings from the environment, the outbox API and CLI."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from typer.testing import CliRunner

from jieyou.accounts.models import Role
from jieyou.config import NotifySettings, Settings
from jieyou.db import Database
from jieyou.notify.cli import outbox_app
from jieyou.notify.delivery import deliver_due
from jieyou.notify.models import Audience
from jieyou.notify.service import enqueue
from tests.factories import CITY, HUATANG, make_staff
from tests.notify.conftest import Receiver, notify_settings, outbox, refused_url

runner = CliRunner()


def test_nested_environment_variables_configure_the_gateway_and_webhooks(monkeypatch):
    monkeypatch.setenv("JIEYOU_NOTIFY__SMS_URL", "https://sms.example.cn/send")
    monkeypatch.setenv("JIEYOU_NOTIFY__MAX_ATTEMPTS", "3")
    monkeypatch.setenv(
        "JIEYOU_NOTIFY__WEBHOOKS",
        '[{"name": "ops", "url": "https://ops.example.cn/hook", "secret": "0123456789abcdef",'
        ' "kinds": ["overdue", "supervised"]}]',
    )
    notify = Settings().notify
    assert notify.sms_url == "https://sms.example.cn/send"
    assert notify.max_attempts == 3
    [hook] = notify.webhooks
    assert (hook.name, hook.kinds) == ("ops", ["overdue", "supervised"])
    assert "0123456789abcdef" not in repr(notify)


@pytest.mark.parametrize(
    "bad",
    [
        {"templates": {"accepted": "您好 {name}"}},  # unknown placeholder
        {"templates": {"accepted": "{number.__class__}"}},
        {"templates": {"greeting": "{number}"}},  # unknown kind
        {"webhooks": [{"name": "a", "url": "https://a.cn", "secret": "s" * 16, "kinds": ["x"]}]},
        {"webhooks": [{"name": "a", "url": "https://a.cn", "secret": "short"}]},
        {"lease_seconds": 10, "timeout_seconds": 5},
    ],
)
def test_settings_that_would_fail_later_are_refused_at_start_up(bad):
    with pytest.raises(ValidationError):
        NotifySettings(**bad)


def _parked_message(db: Database, receiver: Receiver) -> int:
    """A message whose only webhook refuses connections, parked after one attempt."""
    settings = notify_settings(
        receiver,
        log=False,
        sms_url=None,
        max_attempts=1,
        webhooks=[{"name": "dead", "url": refused_url(), "secret": "d" * 16}],
    )
    with db.unit_of_work() as s:
        enqueue(
            s,
            dedupe_key="test:parked",
            kind="overdue",
            audience=Audience.staff,
            subject="诉求超期提醒",
            body="超期",
            payload={},
            case_id=None,
            settings=settings,
        )
    assert deliver_due(db, settings=settings).parked == 1
    return outbox(db)[0].id


@pytest.fixture
def api(client: TestClient) -> TestClient:
    return client


def test_admins_list_parked_messages_and_retry_them(api, db, receiver):
    message_id = _parked_message(db, receiver)
    admin = make_staff(db, "root", Role.admin, CITY)

    r = api.get("/api/v1/outbox?status=parked", headers=admin.headers)
    assert r.status_code == 200
    [item] = r.json()
    assert (item["id"], item["status"], item["attempts"]) == (message_id, "parked", 1)
    assert item["last_error"].startswith("ConnectError")

    r = api.post(f"/api/v1/outbox/{message_id}/retry", headers=admin.headers)
    assert r.status_code == 200
    assert (r.json()["status"], r.json()["attempts"]) == ("pending", 0)
    assert api.get("/api/v1/outbox?status=parked", headers=admin.headers).json() == []
    assert api.get("/api/v1/outbox?status=lost", headers=admin.headers).status_code == 422
    assert api.post("/api/v1/outbox/999999/retry", headers=admin.headers).status_code == 404


def test_only_admins_see_the_outbox(api, db, receiver):
    message_id = _parked_message(db, receiver)
    township = make_staff(db, "huatang", Role.township, HUATANG, unit=f"C{HUATANG}")
    assert api.get("/api/v1/outbox", headers=township.headers).status_code == 403
    r = api.post(f"/api/v1/outbox/{message_id}/retry", headers=township.headers)
    assert r.status_code == 403
    assert api.get("/api/v1/outbox").status_code == 401


def test_sms_recipients_are_masked_in_the_listing(api, db, receiver):
    with db.unit_of_work() as s:
        enqueue(
            s,
            dedupe_key="test:sms",
            kind="accepted",
            audience=Audience.resident,
            subject="诉求已受理",
            body="已受理",
            payload={},
            case_id=None,
            phone="13907351234",
            settings=notify_settings(receiver, log=False, webhooks=[]),
        )
    admin = make_staff(db, "root", Role.admin, CITY)
    [item] = api.get("/api/v1/outbox", headers=admin.headers).json()
    assert item["recipient"] == "139****1234"


def test_a_sent_message_cannot_be_retried(api, db, receiver):
    settings = notify_settings(receiver, sms_url=None, webhooks=[])
    with db.unit_of_work() as s:
        enqueue(
            s,
            dedupe_key="test:sent",
            kind="accepted",
            audience=Audience.resident,
            subject="s",
            body="b",
            payload={},
            case_id=None,
            settings=settings,
        )
    deliver_due(db, settings=settings)
    admin = make_staff(db, "root", Role.admin, CITY)
    r = api.post(f"/api/v1/outbox/{outbox(db)[0].id}/retry", headers=admin.headers)
    assert r.status_code == 409


def test_the_cli_lists_retries_and_delivers(db, receiver):
    message_id = _parked_message(db, receiver)

    listed = runner.invoke(outbox_app, ["list", "--status", "parked"])
    assert listed.exit_code == 0, listed.output
    assert "overdue" in listed.output and "parked" in listed.output

    retried = runner.invoke(outbox_app, ["retry", str(message_id)])
    assert retried.exit_code == 0, retried.output
    assert outbox(db)[0].status == "pending"
    missing = runner.invoke(outbox_app, ["retry", "999999"])
    assert missing.exit_code == 1

    # The process settings have no webhook "dead" any more: delivery parks it again.
    delivered = runner.invoke(outbox_app, ["deliver"])
    assert delivered.exit_code == 0, delivered.output
    assert "parked 1" in delivered.output
    assert "no longer configured" in outbox(db)[0].last_error
