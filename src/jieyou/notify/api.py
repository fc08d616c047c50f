"""JSON routes for the outbox: what is waiting or parked, and sending a parked message again.
Administrators only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from sqlalchemy.orm import Session

from jieyou.accounts.models import Role, User
from jieyou.deps import UnitOfWork
from jieyou.errors import NotPermitted
from jieyou.notify import service
from jieyou.notify.models import OutboxChannel, OutboxMessage
from jieyou.notify.schemas import OutboxRead
from jieyou.privacy import mask_phone

router = APIRouter(prefix="/api/v1", tags=["notify"])
MessageId = Annotated[int, Path(ge=1, le=2**31 - 1)]


def _check_admin(actor: User) -> None:
    if actor.role != Role.admin:
        raise NotPermitted("只有系统管理员可以查看和重发通知消息")


def outbox_read(message: OutboxMessage, case_number: str | None) -> OutboxRead:
    recipient = message.recipient
    if message.channel == OutboxChannel.sms:
        recipient = mask_phone(recipient)
    return OutboxRead(
        id=message.id,
        kind=message.kind,
        audience=message.audience,
        channel=message.channel,
        recipient=recipient,
        subject=message.subject,
        status=message.status,
        attempts=message.attempts,
        next_attempt_at=message.next_attempt_at,
        last_error=message.last_error,
        created_at=message.created_at,
        sent_at=message.sent_at,
        case_number=case_number,
    )


@router.get("/outbox", response_model=list[OutboxRead])
async def list_outbox(
    work: UnitOfWork,
    status: Annotated[str | None, Query(max_length=10)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[OutboxRead]:
    """Outbox messages newest first, e.g. ``?status=parked`` for those that need a person."""

    def run(s: Session, actor: User) -> list[OutboxRead]:
        _check_admin(actor)
        rows = service.list_messages(s, status=status, limit=limit)
        return [outbox_read(message, number) for message, number in rows]

    return await work.staff(run)


@router.post("/outbox/{message_id}/retry", response_model=OutboxRead)
async def retry(message_id: MessageId, work: UnitOfWork) -> OutboxRead:
    """Send a parked message again at the next delivery run, with a fresh set of attempts."""

    def run(s: Session, actor: User) -> OutboxRead:
        _check_admin(actor)
        message = service.retry_message(s, message_id=message_id)
        rows = service.list_messages(s, message_id=message.id)
        return outbox_read(*rows[0])

    return await work.staff(run)
