"""The read side of one problem (整改问题): what its page shows, loaded through the scope check."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.cases import attachments
from jieyou.cases import repository as cases_repository
from jieyou.cases.models import Case, CaseAttachment
from jieyou.cases.permissions import can_act
from jieyou.db import utcnow
from jieyou.deadlines.service import DeadlineState, deadline_state
from jieyou.ledger.labels import action_label, status_label
from jieyou.ledger.models import RectificationBatch, RectificationItem
from jieyou.ledger.permissions import item_case_for
from jieyou.ledger.service import item_actions, responsible_units
from jieyou.regions.models import PATH_LENGTH, Level, Region, official_code
from jieyou.routing.models import Unit


@dataclass(frozen=True)
class EventLine:
    at: datetime
    label: str
    actor: str
    unit_name: str | None
    note: str | None
    outcome: str | None
    photos: list[str]


@dataclass(frozen=True)
class ItemDetail:
    case: Case
    item: RectificationItem
    batch: RectificationBatch
    status_label: str
    place: str
    issuer_name: str
    assigned_name: str | None
    supervisor_name: str | None
    deadline: DeadlineState
    events: list[EventLine]
    photos: Sequence[CaseAttachment]
    actions: list[str]
    units: list[tuple[str, str]]  # (code, name) the assign form offers


def _names(session: Session, case: Case) -> str:
    paths = [
        case.region_path[:n]
        for n in (
            PATH_LENGTH[Level.county],
            PATH_LENGTH[Level.township],
            PATH_LENGTH[Level.village],
        )
        if len(case.region_path) >= n
    ]
    codes = [official_code(p) for p in paths]
    found = dict(
        session.execute(select(Region.code, Region.name).where(Region.code.in_(codes))).all()
    )
    return "".join(found.get(c, "") for c in codes)


def _unit_name(session: Session, unit_id: int | None) -> str | None:
    unit = session.get(Unit, unit_id) if unit_id else None
    return unit.name if unit else None


def _event(data: dict[str, Any]) -> tuple[str | None, list[str]]:
    unit = data.get("unit_name")
    photos = data.get("photos") or []
    return (str(unit) if unit else None, [str(p) for p in photos])


def item_detail(
    session: Session, actor: User, number: str, *, now: datetime | None = None
) -> ItemDetail:
    case = item_case_for(session, actor, number)
    item = session.scalar(select(RectificationItem).where(RectificationItem.case_id == case.id))
    assert item is not None
    batch = session.get(RectificationBatch, item.batch_id)
    assert batch is not None
    events = []
    for ev in cases_repository.events_of(session, case.id):
        unit, photos = _event(ev.data or {})
        events.append(
            EventLine(
                at=ev.at,
                label=action_label(ev.action),
                actor={"resident": "群众", "system": "系统"}.get(ev.actor_kind, ev.actor_name),
                unit_name=unit,
                note=ev.note,
                outcome=(ev.data or {}).get("outcome"),
                photos=photos,
            )
        )
    actions = [a.value for a in item_actions(case.status) if can_act(session, actor, case, a)]
    units = (
        [(u.code, u.name) for u in responsible_units(session, case)] if "assign" in actions else []
    )
    return ItemDetail(
        case=case,
        item=item,
        batch=batch,
        status_label=status_label(case.status),
        place=_names(session, case),
        issuer_name=_unit_name(session, case.owner_unit_id) or "",
        assigned_name=_unit_name(session, case.assigned_unit_id),
        supervisor_name=_unit_name(session, case.supervisor_unit_id),
        deadline=deadline_state(case, now or utcnow()),
        events=events,
        photos=attachments.attachments_of(session, case.id),
        actions=actions,
        units=units,
    )
