"""The read side of alerts and the notification inbox."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.alerts.models import Alert, AlertCase, AlertStatus, Notification
from jieyou.alerts.permissions import alert_scope
from jieyou.alerts.schemas import AlertCaseRef, AlertPage, AlertRead, NotificationRead
from jieyou.cases.models import Case
from jieyou.cases.permissions import scope_clause
from jieyou.errors import Invalid, NotFound
from jieyou.regions.models import Region


def alert_reads(session: Session, actor: User, alerts: list[Alert]) -> list[AlertRead]:
    ids = [a.id for a in alerts]
    stmt = (
        select(AlertCase.alert_id, Case)
        .join(Case, Case.id == AlertCase.case_id)
        .where(AlertCase.alert_id.in_(ids))
    )
    clause = scope_clause(actor)  # an alert shows only the cases the reader may see
    if clause is not None:
        stmt = stmt.where(clause)
    links = session.execute(stmt).all()
    by_alert: dict[int, list[AlertCaseRef]] = {i: [] for i in ids}
    for alert_id, case in links:
        by_alert[alert_id].append(
            AlertCaseRef(number=case.number or "", title=case.title, status=case.status)
        )
    names = dict(
        session.execute(
            select(Region.code, Region.name).where(Region.code.in_({a.region_code for a in alerts}))
        ).all()
    )
    return [
        AlertRead(
            id=a.id,
            rule=a.rule,
            level=a.level,
            title=a.title,
            reasons=a.reasons or [],
            region_code=a.region_code,
            region_name=names.get(a.region_code, ""),
            status=a.status,
            created_at=a.created_at,
            acknowledged_at=a.acknowledged_at,
            closed_at=a.closed_at,
            note=a.note,
            cases=by_alert[a.id],
        )
        for a in alerts
    ]


def alert_page(
    session: Session, actor: User, *, status: str | None, rule: str | None, limit: int
) -> AlertPage:
    stmt = select(Alert)
    clause = alert_scope(actor)
    if clause is not None:
        stmt = stmt.where(clause)
    if status:
        statuses = [s.strip() for s in status.split(",") if s.strip()]
        unknown = [s for s in statuses if s not in AlertStatus.__members__]
        if unknown:
            raise Invalid(f"未知的预警状态：{'、'.join(unknown)}", code="unknown_status")
        stmt = stmt.where(Alert.status.in_(statuses))
    if rule:
        stmt = stmt.where(Alert.rule == rule)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    alerts = list(
        session.scalars(stmt.order_by(Alert.created_at.desc(), Alert.id.desc()).limit(limit))
    )
    return AlertPage(total=int(total), items=alert_reads(session, actor, alerts))


def notification_read(session: Session, note: Notification) -> NotificationRead:
    number = session.scalar(select(Case.number).where(Case.id == note.case_id))
    return NotificationRead(
        id=note.id,
        kind=note.kind,
        subject=note.subject,
        body=note.body,
        case_number=number,
        alert_id=note.alert_id,
        created_at=note.created_at,
        read_at=note.read_at,
    )


def inbox(
    session: Session, actor: User, *, unread_only: bool, limit: int
) -> list[NotificationRead]:
    mine = [Notification.user_id == actor.id]
    if actor.unit_id is not None:
        mine.append(Notification.unit_id == actor.unit_id)
    stmt = select(Notification, Case.number).outerjoin(Case, Case.id == Notification.case_id)
    stmt = stmt.where(or_(*mine))
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    rows = session.execute(
        stmt.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)
    ).all()
    return [
        NotificationRead(
            id=n.id,
            kind=n.kind,
            subject=n.subject,
            body=n.body,
            case_number=number,
            alert_id=n.alert_id,
            created_at=n.created_at,
            read_at=n.read_at,
        )
        for n, number in rows
    ]


def notification_for(session: Session, actor: User, notification_id: int) -> Notification:
    note = session.get(Notification, notification_id)
    if note is None or not (
        note.user_id == actor.id or (actor.unit_id is not None and note.unit_id == actor.unit_id)
    ):
        raise NotFound(f"通知 {notification_id} 不存在", code="notification_not_found")
    return note
