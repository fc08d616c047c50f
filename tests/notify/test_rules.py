"""Which case events queue which messages, through the API (and record_event for the
worker's own events)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from jieyou.accounts.models import Role
from jieyou.alerts.models import Notification
from jieyou.cases.events import record_event
from jieyou.cases.models import Case, CaseEvent
from jieyou.cases.states import Action
from jieyou.db import Database
from jieyou.notify import rules
from jieyou.notify.delivery import deliver_due
from jieyou.routing.models import Unit
from tests.factories import ACTION_BODIES, CITY, WUSHAN, act, case_in_state, make_staff, submit
from tests.notify.conftest import case_id, outbox


def _rerun(db: Database, number: str, seq: int) -> None:
    """Run the rule again for an event already handled (as a replay or a retry would)."""
    with db.unit_of_work() as s:
        case = s.scalar(select(Case).where(Case.number == number))
        assert case is not None
        event = s.scalar(
            select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.seq == seq)
        )
        assert event is not None
        rules.on_case_event(s, case, event)


def _inbox(db: Database, unit_code: str) -> list[Notification]:
    with db.unit_of_work(write=False) as s:
        return list(
            s.scalars(
                select(Notification)
                .join(Unit, Unit.id == Notification.unit_id)
                .where(Unit.code == unit_code)
                .order_by(Notification.id)
            )
        )


def test_accepting_a_case_queues_one_resident_message_and_a_rerun_adds_nothing(client, db):
    admin = make_staff(db, "root", Role.admin, CITY)
    number = submit(client)["number"]
    assert outbox(db, case_id=case_id(db, number)) == []  # submission itself says nothing

    assert act(client, admin, number, "accept").status_code == 200
    [message] = outbox(db, case_id=case_id(db, number))
    assert (message.channel, message.recipient, message.audience) == ("log", "log", "resident")
    assert message.kind == "accepted" and message.status == "pending"
    assert number in message.body and "已受理" in message.body
    assert f"/track?number={number}" in message.body
    assert message.payload["case_number"] == number
    assert message.payload["phone"] == "139****1234"

    _rerun(db, number, seq=2)
    assert len(outbox(db, case_id=case_id(db, number))) == 1


def test_the_committed_message_goes_out_on_the_next_run_and_only_once(client, db, caplog):
    """The request committed and nothing was delivered (the process could have died right
    there): the next run sends it, the one after finds nothing."""
    admin = make_staff(db, "root", Role.admin, CITY)
    number = submit(client)["number"]
    act(client, admin, number, "accept")

    with caplog.at_level("INFO", logger="jieyou.notify"):
        report = deliver_due(db)
    assert (report.claimed, report.sent) == (1, 1)
    [message] = outbox(db, case_id=case_id(db, number))
    assert message.status == "sent" and message.sent_at is not None and message.attempts == 1
    assert any(number in r.getMessage() for r in caplog.records)
    assert deliver_due(db).claimed == 0


def test_assignment_tells_the_resident_and_the_unit_once(client, db):
    admin = make_staff(db, "root", Role.admin, CITY)
    number = case_in_state(client, admin, "assigned")
    unit_code = ACTION_BODIES["assign"]["unit_code"]
    cid = case_id(db, number)

    resident = outbox(db, case_id=cid, kind="assigned")
    staff = outbox(db, case_id=cid, kind="task_assigned")
    assert [m.audience for m in resident] == ["resident"]
    assert [m.audience for m in staff] == ["staff"]
    assert "吴山村" in resident[0].body  # the unit's name
    [note] = _inbox(db, unit_code)
    assert note.kind == "task_assigned" and number in note.body
    assert "办理时限" in note.body

    _rerun(db, number, seq=3)
    assert len(outbox(db, case_id=cid)) == 3  # accepted, assigned, task_assigned
    assert len(_inbox(db, unit_code)) == 1


def test_a_case_without_a_phone_sends_the_resident_nothing(client, db):
    admin = make_staff(db, "root", Role.admin, CITY)
    number = submit(client)["number"]
    with db.unit_of_work() as s:
        case = s.scalar(select(Case).where(Case.number == number))
        assert case is not None
        case.submitter_phone = ""
    act(client, admin, number, "accept")
    assert outbox(db, case_id=case_id(db, number)) == []


def test_resolution_sends_the_reply_and_the_callback_invites_a_rating(client, db):
    admin = make_staff(db, "root", Role.admin, CITY)
    number = case_in_state(client, admin, "resolved")
    [resolved] = outbox(db, case_id=case_id(db, number), kind="resolved")
    assert ACTION_BODIES["resolve"]["reply"] in resolved.body

    with db.unit_of_work() as s:
        case = s.scalar(select(Case).where(Case.number == number))
        assert case is not None
        record_event(s, case, Action.invite_rating, actor=None, actor_kind="system")
    [invited] = outbox(db, case_id=case_id(db, number), kind="rating_invited")
    assert invited.audience == "resident"
    assert "评价" in invited.body and f"/track?number={number}" in invited.body


def test_deadline_warning_overdue_and_supervision_go_to_the_responsible_unit(client, db):
    admin = make_staff(db, "root", Role.admin, CITY)
    number = case_in_state(client, admin, "assigned")
    unit_code = ACTION_BODIES["assign"]["unit_code"]
    due = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)  # 17:30 in Chenzhou
    new_due = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
    with db.unit_of_work() as s:
        case = s.scalar(select(Case).where(Case.number == number))
        assert case is not None
        data = {"deadline": "resolve", "due": due.isoformat()}
        record_event(s, case, Action.warn, actor=None, actor_kind="system", data=data)
        record_event(s, case, Action.overdue, actor=None, actor_kind="system", data=data)
        record_event(
            s,
            case,
            Action.supervise,
            actor=None,
            actor_kind="system",
            data={"supervisor_name": "北湖区矛调中心", "deadline": new_due.isoformat()},
        )

    cid = case_id(db, number)
    [warning] = outbox(db, case_id=cid, kind="deadline_warning")
    [overdue] = outbox(db, case_id=cid, kind="overdue")
    [supervised] = outbox(db, case_id=cid, kind="supervised")
    assert "2026-12-01 17:30" in warning.body and "2026-12-01 17:30" in overdue.body
    assert "北湖区矛调中心" in supervised.body and "2026-12-04 17:30" in supervised.body
    assert {m.audience for m in (warning, overdue, supervised)} == {"staff"}
    assert warning.payload["deadline"] == due.isoformat()
    kinds = [n.kind for n in _inbox(db, unit_code)]
    assert kinds == ["task_assigned", "deadline_warning", "overdue", "supervised"]
    # Deadlines are the unit's business, not the resident's.
    assert {m.kind for m in outbox(db, case_id=cid, audience="resident")} == {
        "accepted",
        "assigned",
    }


def test_a_configured_template_replaces_the_default(client, db, monkeypatch):
    from jieyou.config import get_settings

    monkeypatch.setenv(
        "JIEYOU_NOTIFY__TEMPLATES", '{"accepted": "编号{number}已受理，请留意短信。"}'
    )
    get_settings.cache_clear()
    try:
        admin = make_staff(db, "root", Role.admin, CITY)
        number = submit(client, region_code=WUSHAN)["number"]
        act(client, admin, number, "accept")
    finally:
        get_settings.cache_clear()
    [message] = outbox(db, case_id=case_id(db, number))
    assert message.body == f"编号{number}已受理，请留意短信。"
