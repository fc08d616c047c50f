"""The one chokepoint for staff access to cases.

Two questions, answered only here:

* **Scope** — may this user see the case at all? A user sees its region's subtree; a department
  (and anyone else) also sees what was dispatched to its unit or to the user personally; admin
  and city see everything. Out of scope is reported exactly like a missing case (404).
* **Action** — may this user take this action on a case it can see? First the role × action
  table, then the position rule: dispatching actions belong to the owning centre and the tiers
  above it; handling actions belong to whoever the case is assigned to.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, select, union
from sqlalchemy.orm import Session

from jieyou.accounts.models import Role, User
from jieyou.cases.models import Case
from jieyou.cases.states import Action
from jieyou.errors import NotFound, NotPermitted
from jieyou.regions.repository import subtree_clause
from jieyou.routing.models import TIER_ORDER, Tier, Unit

A = Action
DISPATCH_ACTIONS = frozenset(
    {A.accept, A.reject, A.assign, A.escalate, A.confirm, A.reopen, A.categorize, A.merge}
)
HANDLE_ACTIONS = frozenset({A.start, A.resolve, A.return_})
# Working on the case's deadlines: the handler, or the owning centre and the tiers above it.
WORK_ACTIONS = frozenset({A.contact, A.request_extension, A.pause, A.resume})
# Deciding an extension: only a tier above the case's own (the city decides its own).
APPROVE_ACTIONS = frozenset({A.approve_extension, A.deny_extension})
ROLE_TIER: dict[Role, int] = {
    Role.village: TIER_ORDER.index(Tier.village),
    Role.township: TIER_ORDER.index(Tier.township),
    Role.county: TIER_ORDER.index(Tier.county),
    Role.city: TIER_ORDER.index(Tier.city),
}
SUPERVISORY_ROLES = frozenset({Role.admin, Role.city, Role.county, Role.township, Role.village})

ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.admin: DISPATCH_ACTIONS | HANDLE_ACTIONS | WORK_ACTIONS | APPROVE_ACTIONS | {A.comment},
    Role.city: DISPATCH_ACTIONS | HANDLE_ACTIONS | WORK_ACTIONS | APPROVE_ACTIONS | {A.comment},
    Role.county: DISPATCH_ACTIONS | HANDLE_ACTIONS | WORK_ACTIONS | APPROVE_ACTIONS | {A.comment},
    Role.township: DISPATCH_ACTIONS | HANDLE_ACTIONS | WORK_ACTIONS | APPROVE_ACTIONS | {A.comment},
    Role.village: DISPATCH_ACTIONS | HANDLE_ACTIONS | WORK_ACTIONS | {A.comment},
    Role.lane_chief: HANDLE_ACTIONS | WORK_ACTIONS | {A.escalate, A.comment},
    Role.grid_worker: HANDLE_ACTIONS | WORK_ACTIONS | {A.escalate, A.comment},
    Role.mediator: HANDLE_ACTIONS | WORK_ACTIONS | {A.comment},
    Role.department: HANDLE_ACTIONS | WORK_ACTIONS | {A.comment},
}
SEES_EVERYTHING = frozenset({Role.admin, Role.city})


def scope_clause(actor: User) -> ColumnElement[bool] | None:
    """SQL for "cases this user may see"; None means no restriction.

    Written as ``id IN (a UNION b UNION c)`` rather than ``a OR b OR c``: each branch is one
    index lookup, and planners (SQLite above all) otherwise trade the region range scan for a
    status or date index and read the whole table.
    """
    role = Role(actor.role)
    if role in SEES_EVERYTHING:
        return None
    branches = [select(Case.id).where(Case.assigned_user_id == actor.id)]
    if actor.unit_id is not None:
        branches.append(select(Case.id).where(Case.assigned_unit_id == actor.unit_id))
    if role != Role.department:
        branches.append(select(Case.id).where(subtree_clause(Case.region_path, actor.region_path)))
    return Case.id.in_(union(*branches))


def scoped(stmt: Select[Case], actor: User) -> Select[Case]:
    clause = scope_clause(actor)
    return stmt if clause is None else stmt.where(clause)


def get_case_for(session: Session, actor: User, number: str, *, for_update: bool = False) -> Case:
    """The only way staff code loads a case. Missing and out-of-scope both answer 404."""
    stmt = scoped(select(Case).where(Case.number == number), actor)
    if for_update:
        stmt = stmt.with_for_update()
    case = session.scalar(stmt)
    if case is None:
        raise NotFound(f"诉求 {number} 不存在", code="case_not_found")
    return case


def can_act(session: Session, actor: User, case: Case, action: Action) -> bool:
    role = Role(actor.role)
    if action not in ROLE_ACTIONS[role]:
        return False
    if role == Role.admin or action == A.comment:
        return True
    handles = actor.id == case.assigned_user_id or (
        actor.unit_id is not None and actor.unit_id == case.assigned_unit_id
    )
    if action in HANDLE_ACTIONS:
        return handles
    if action in (A.escalate, *WORK_ACTIONS) and handles:
        return True
    if action in APPROVE_ACTIONS and role != Role.city:
        case_tier = TIER_ORDER.index(Tier(case.tier))
        if ROLE_TIER.get(role, -1) <= case_tier:
            return False
    # Dispatching: the owning centre itself, or a supervising tier above it.
    if role not in SUPERVISORY_ROLES:
        return False
    if actor.unit_id == case.owner_unit_id:
        return True
    owner = session.get(Unit, case.owner_unit_id)
    return owner is not None and owner.region_path.startswith(actor.region_path)


def check_action(session: Session, actor: User, case: Case, action: Action) -> None:
    if not can_act(session, actor, case, action):
        raise NotPermitted(
            f"您无权对诉求 {case.number} 执行“{action.value}”操作", code="action_not_permitted"
        )


def reads_personal_data(actor: User, case: Case) -> bool:
    """Names, phones, ID numbers and addresses in full only for those who handle the case:
    the owning unit and whoever it is assigned to. Everyone else in scope (supervising tiers,
    city, admin) reads them masked; each full view is written to the access log."""
    if actor.id == case.assigned_user_id:
        return True
    return actor.unit_id is not None and actor.unit_id in (
        case.owner_unit_id,
        case.assigned_unit_id,
    )
