"""JSON routes for early-warning alerts and the notification inbox."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import APIRouter, Body, Path, Query
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.alerts import views
from jieyou.alerts.permissions import check_decide, get_alert_for
from jieyou.alerts.schemas import AlertDecision, AlertPage, AlertRead, NotificationRead
from jieyou.alerts.service import acknowledge_alert, close_alert, mark_read
from jieyou.deps import UnitOfWork

router = APIRouter(prefix="/api/v1", tags=["alerts"])
AlertId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/alerts", response_model=AlertPage)
async def list_alerts(
    work: UnitOfWork,
    status: Annotated[str | None, Query(max_length=60)] = "open,acknowledged",
    rule: Annotated[str | None, Query(max_length=12)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AlertPage:
    """Alerts in scope, newest first: each names its rule, its reasons, region and cases."""
    return await work.staff(
        lambda s, actor: views.alert_page(s, actor, status=status, rule=rule, limit=limit)
    )


def _decide(
    verb: str, alert_id: int, body: AlertDecision | None
) -> Callable[[Session, User], AlertRead]:
    def run(s: Session, actor: User) -> AlertRead:
        alert = get_alert_for(s, actor, alert_id)
        check_decide(actor)
        act = acknowledge_alert if verb == "acknowledge" else close_alert
        act(s, alert, actor_id=actor.id, note=body.note if body else None)
        return views.alert_reads(s, actor, [alert])[0]

    return run


@router.post("/alerts/{alert_id}/acknowledge", response_model=AlertRead)
async def acknowledge(
    alert_id: AlertId, work: UnitOfWork, body: Annotated[AlertDecision | None, Body()] = None
) -> AlertRead:
    """签收: someone is on it."""
    return await work.staff(_decide("acknowledge", alert_id, body))


@router.post("/alerts/{alert_id}/close", response_model=AlertRead)
async def close(
    alert_id: AlertId, work: UnitOfWork, body: Annotated[AlertDecision | None, Body()] = None
) -> AlertRead:
    """办结: the risk is dealt with (say how in ``note``)."""
    return await work.staff(_decide("close", alert_id, body))


@router.get("/notifications", response_model=list[NotificationRead])
async def notifications(
    work: UnitOfWork,
    unread: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[NotificationRead]:
    """The inbox of the caller and of the caller's unit, newest first."""
    return await work.staff(lambda s, actor: views.inbox(s, actor, unread_only=unread, limit=limit))


@router.post("/notifications/{notification_id}/read", response_model=NotificationRead)
async def read(notification_id: AlertId, work: UnitOfWork) -> NotificationRead:
    def run(s: Session, actor: User) -> NotificationRead:
        note = views.notification_for(s, actor, notification_id)
        mark_read(s, note)
        return views.notification_read(s, note)

    return await work.staff(run)
