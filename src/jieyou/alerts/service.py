"""Raising alerts and writing notifications, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.alerts.models import Alert, AlertCase, AlertRule, AlertStatus, Notification
from jieyou.cases.models import Case
from jieyou.db import utcnow
from jieyou.errors import IllegalTransition
from jieyou.routing.models import Tier, Unit
from jieyou.routing.service import centre_at

RISK_LABELS = {"elevated": "较高", "high": "高", "critical": "极高"}


def supervising_centre(session: Session, region_path: str) -> Unit | None:
    """The township centre above a place (the county centre for a county-level place)."""
    for tier in (Tier.township, Tier.county, Tier.city):
        unit = centre_at(session, region_path, tier)
        if unit is not None:
            return unit
    return None


def notify_unit(
    session: Session,
    *,
    unit_id: int,
    kind: str,
    subject: str,
    body: str = "",
    case_id: int | None = None,
    alert_id: int | None = None,
    now: datetime | None = None,
) -> Notification:
    note = Notification(
        unit_id=unit_id,
        kind=kind,
        subject=subject[:200],
        body=body,
        case_id=case_id,
        alert_id=alert_id,
        created_at=now or utcnow(),
    )
    session.add(note)
    return note


def raise_alert(
    session: Session,
    *,
    rule: AlertRule,
    level: str,
    region_code: str,
    region_path: str,
    title: str,
    reasons: Sequence[str],
    cases: Sequence[Case],
    key: str,
    data: dict[str, object] | None = None,
    notify: Sequence[int] = (),
    now: datetime | None = None,
) -> Alert:
    """Open an alert (or add cases to the open one with the same rule and key) and notify."""
    now = now or utcnow()
    alert = session.scalar(
        select(Alert).where(
            Alert.rule == rule.value, Alert.key == key, Alert.status != AlertStatus.closed.value
        )
    )
    if alert is None:
        alert = Alert(
            rule=rule.value,
            level=level,
            region_code=region_code,
            region_path=region_path,
            title=title[:200],
            reasons=list(reasons),
            key=key,
            data=data or {},
            status=AlertStatus.open.value,
            created_at=now,
        )
        session.add(alert)
        session.flush()
        for unit_id in dict.fromkeys(notify):
            notify_unit(
                session,
                unit_id=unit_id,
                kind=f"alert.{rule.value}",
                subject=alert.title,
                body="；".join(reasons),
                case_id=cases[0].id if cases else None,
                alert_id=alert.id,
                now=now,
            )
    linked = set(session.scalars(select(AlertCase.case_id).where(AlertCase.alert_id == alert.id)))
    for case in cases:
        if case.id not in linked:
            session.add(AlertCase(alert_id=alert.id, case_id=case.id))
    session.flush()
    return alert


def raise_risk_alert(session: Session, case: Case, *, now: datetime | None = None) -> Alert:
    """High and critical cases alert at once and notify the township centre (and the owner)."""
    centre = supervising_centre(session, case.region_path)
    notify = [u for u in (centre.id if centre else None, case.owner_unit_id) if u is not None]
    label = RISK_LABELS.get(case.risk_level, case.risk_level)
    return raise_alert(
        session,
        rule=AlertRule.risk,
        level=case.risk_level,
        region_code=case.region_code,
        region_path=case.region_path,
        title=f"{label}风险诉求 {case.number}：{case.title}",
        reasons=case.risk_reasons,
        cases=[case],
        key=f"case:{case.id}",
        notify=notify,
        now=now,
    )


def acknowledge_alert(
    session: Session, alert: Alert, *, actor_id: int, note: str | None, now: datetime | None = None
) -> Alert:
    if alert.status != AlertStatus.open.value:
        raise IllegalTransition("只有未处理的预警可以签收", allowed=_alert_actions(alert))
    alert.status = AlertStatus.acknowledged.value
    alert.acknowledged_at = now or utcnow()
    alert.acknowledged_by_id = actor_id
    alert.note = note or alert.note
    session.flush()
    return alert


def close_alert(
    session: Session, alert: Alert, *, actor_id: int, note: str | None, now: datetime | None = None
) -> Alert:
    if alert.status == AlertStatus.closed.value:
        raise IllegalTransition("该预警已关闭", allowed=[])
    alert.status = AlertStatus.closed.value
    alert.closed_at = now or utcnow()
    alert.closed_by_id = actor_id
    alert.note = note or alert.note
    session.flush()
    return alert


def _alert_actions(alert: Alert) -> list[str]:
    return {"open": ["acknowledge", "close"], "acknowledged": ["close"]}.get(alert.status, [])


def mark_read(session: Session, note: Notification, *, now: datetime | None = None) -> None:
    if note.read_at is None:
        note.read_at = now or utcnow()
        session.flush()
