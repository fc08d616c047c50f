"""Read side of the staff workbench that the JSON API does not need: counts by state, the
high-risk list, who a case may be assigned to, and who may read personal data in full.
Every query goes through the scope chokepoint (:func:`jieyou.cases.permissions.scoped`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jieyou.accounts.models import ROLE_LABELS, Role, User
from jieyou.cases.models import Case
from jieyou.cases.permissions import get_case_for, scoped
from jieyou.cases.states import OPEN_STATUSES
from jieyou.deadlines.service import overdue_clause
from jieyou.regions.models import PATH_LENGTH, Level
from jieyou.regions.repository import subtree_clause
from jieyou.routing.models import Category, Unit, UnitKind

HIGH_RISK = ("critical", "high")


def status_counts(session: Session, actor: User) -> dict[str, int]:
    inner = scoped(select(Case), actor).subquery()
    rows = session.execute(select(inner.c.status, func.count()).group_by(inner.c.status))
    return {status: int(n) for status, n in rows}


def overdue_count(session: Session, actor: User, now: datetime) -> int:
    inner = scoped(select(Case).where(overdue_clause(now)), actor).subquery()
    return int(session.scalar(select(func.count()).select_from(inner)) or 0)


def high_risk_open(session: Session, actor: User, *, limit: int = 10) -> Sequence[Case]:
    """Open cases at high or critical risk, critical first, oldest first within a level."""
    stmt = scoped(
        select(Case).where(
            Case.risk_level.in_(HIGH_RISK),
            Case.status.in_([s.value for s in OPEN_STATUSES]),
        ),
        actor,
    )
    rows = session.scalars(stmt.order_by(Case.created_at).limit(limit * 2)).all()
    return sorted(rows, key=lambda c: HIGH_RISK.index(c.risk_level))[:limit]


def case_for_page(session: Session, actor: User, number: str) -> Case:
    return get_case_for(session, actor, number)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class AssignOptions:
    suggested: Choice | None
    units: list[Choice]  # centres and committees one level below the owner, and the owner
    departments: list[Choice]  # departments covering the place
    people: list[Choice]  # active staff in the owner's subtree


_NEXT_LENGTH = {4: 6, 6: 9, 9: 12, 12: 12}


def assign_options(session: Session, case: Case, *, people_limit: int = 60) -> AssignOptions:
    """What the assign form offers; the service still checks the choice (assign_case)."""
    owner = session.get(Unit, case.owner_unit_id)
    assert owner is not None
    below = _NEXT_LENGTH.get(len(owner.region_path), PATH_LENGTH[Level.village])
    units = session.scalars(
        select(Unit)
        .where(
            subtree_clause(Unit.region_path, owner.region_path),
            Unit.kind.in_([UnitKind.centre.value, UnitKind.committee.value]),
            Unit.is_active.is_(True),
            func.length(Unit.region_path) <= below,
        )
        .order_by(Unit.region_path, Unit.code)
    ).all()
    covering = [case.region_path[:n] for n in (4, 6)]
    departments = session.scalars(
        select(Unit)
        .where(
            Unit.kind == UnitKind.department.value,
            Unit.is_active.is_(True),
            Unit.region_path.in_(covering),
        )
        .order_by(Unit.region_path, Unit.code)
    ).all()
    people = session.scalars(
        select(User)
        .where(
            subtree_clause(User.region_path, owner.region_path),
            User.is_active.is_(True),
            User.role != Role.admin.value,
        )
        .order_by(User.region_path, User.username)
        .limit(people_limit)
    ).all()
    suggested = session.get(Unit, case.suggested_unit_id) if case.suggested_unit_id else None
    return AssignOptions(
        suggested=Choice(suggested.code, suggested.name) if suggested else None,
        units=[Choice(u.code, u.name) for u in units],
        departments=[Choice(u.code, u.name) for u in departments],
        people=[
            Choice(p.username, f"{p.display_name}（{ROLE_LABELS[Role(p.role)]}）") for p in people
        ],
    )


def categories(session: Session) -> list[Category]:
    """Active categories in their catalogue order (first level before its children)."""
    stmt = select(Category).where(Category.is_active.is_(True)).order_by(Category.sort_order)
    return list(session.scalars(stmt).all())
