"""JSON routes for the deadline rules: read (staff), replace (admin)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session

from jieyou.accounts.models import Role, User
from jieyou.deadlines import service
from jieyou.deadlines.models import DeadlineRule
from jieyou.deadlines.schemas import DeadlineRuleRead, DeadlineRulesIn
from jieyou.deps import UnitOfWork
from jieyou.errors import NotPermitted

router = APIRouter(prefix="/api/v1", tags=["deadlines"])


def _read(rules: list[DeadlineRule]) -> list[DeadlineRuleRead]:
    return [DeadlineRuleRead.model_validate(r, from_attributes=True) for r in rules]


@router.get("/deadline-rules", response_model=list[DeadlineRuleRead])
async def list_rules(work: UnitOfWork) -> list[DeadlineRuleRead]:
    """The limits in force: accept within N hours, contact within N hours, resolve within N
    working days, by category × tier × risk level (the most specific rule wins per limit)."""
    return await work.staff(lambda s, actor: _read(service.list_rules(s)))


@router.put("/deadline-rules", response_model=list[DeadlineRuleRead])
async def replace_rules(body: DeadlineRulesIn, work: UnitOfWork) -> list[DeadlineRuleRead]:
    """Replace every rule at once (admin). Applies to cases submitted from now on."""

    def run(s: Session, actor: User) -> list[DeadlineRuleRead]:
        if actor.role != Role.admin:
            raise NotPermitted("只有系统管理员可以修改办理时限", code="admin_only")
        return _read(service.replace_rules(s, body.rules))

    return await work.staff(run)
