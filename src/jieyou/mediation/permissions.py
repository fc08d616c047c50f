"""Who sees and who keeps what in 人民调解.

* A mediation is seen through its case: :func:`jieyou.cases.permissions.get_case_for` is the
  only way in, so out of scope answers exactly like missing (404).
* Recording (start, sessions, outcome, follow-ups) belongs to whoever handles the case — the
  owning unit, the unit or person it is assigned to — and to the mediators named on the
  mediation; supervising tiers read. Lane chiefs and grid workers refer disputes, they do not
  sign 调解协议书.
* Personal data in full, the agreement documents included: the same people; everyone else
  reads it masked, and each full view is logged.
* The roster: everyone reads the mediators of their region and of the regions above it;
  admin, city, county, township and village staff keep the entries within their subtree.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import Session

from jieyou.accounts.models import Role, User
from jieyou.cases.models import Case
from jieyou.cases.permissions import SEES_EVERYTHING, reads_personal_data
from jieyou.errors import NotFound, NotPermitted
from jieyou.mediation.models import Mediation, MediationMediator, Mediator
from jieyou.regions.models import PATH_LENGTH
from jieyou.regions.repository import subtree_clause

ROSTER_ROLES = frozenset({Role.admin, Role.city, Role.county, Role.township, Role.village})
MEDIATING_ROLES = ROSTER_ROLES | {Role.department, Role.mediator}


def ancestors(path: str) -> list[str]:
    """``path`` and the paths of the regions above it (county, city …)."""
    return [path[:n] for n in sorted(set(PATH_LENGTH.values())) if n <= len(path)]


def roster_clause(actor: User) -> ColumnElement[bool] | None:
    """Mediators ``actor`` may see: its subtree and the committees above it (None: all)."""
    if Role(actor.role) in SEES_EVERYTHING:
        return None
    return or_(
        subtree_clause(Mediator.region_path, actor.region_path),
        Mediator.region_path.in_(ancestors(actor.region_path)),
    )


def mediator_for(session: Session, actor: User, mediator_id: int) -> Mediator:
    stmt = select(Mediator).where(Mediator.id == mediator_id)
    clause = roster_clause(actor)
    if clause is not None:
        stmt = stmt.where(clause)
    mediator = session.scalar(stmt)
    if mediator is None:
        raise NotFound(f"调解员 {mediator_id} 不存在", code="mediator_not_found")
    return mediator


def check_roster_keeper(actor: User, region_path: str) -> None:
    """Adding or changing a roster entry whose committee sits at ``region_path``."""
    if Role(actor.role) not in ROSTER_ROLES or not region_path.startswith(actor.region_path):
        raise NotPermitted("您不能维护该调委会的调解员名册", code="roster_not_permitted")


def may_keep_roster(actor: User) -> bool:
    return Role(actor.role) in ROSTER_ROLES


def is_named_mediator(session: Session, actor: User, mediation: Mediation | None) -> bool:
    """``actor`` signs in as one of the mediators named on ``mediation``."""
    if mediation is None:
        return False
    return bool(
        session.scalar(
            select(
                exists()
                .where(MediationMediator.mediation_id == mediation.id)
                .where(MediationMediator.mediator_id == Mediator.id)
                .where(Mediator.user_id == actor.id)
            )
        )
    )


def handles(session: Session, actor: User, case: Case, mediation: Mediation | None) -> bool:
    """Handles the case or mediates it: may record, and reads personal data in full."""
    return reads_personal_data(actor, case) or is_named_mediator(session, actor, mediation)


def may_record(session: Session, actor: User, case: Case, mediation: Mediation | None) -> bool:
    role = Role(actor.role)
    if role not in MEDIATING_ROLES:
        return False
    return role == Role.admin or handles(session, actor, case, mediation)


def check_record(session: Session, actor: User, case: Case, mediation: Mediation | None) -> None:
    if not may_record(session, actor, case, mediation):
        raise NotPermitted(
            f"只有承办诉求 {case.number} 的单位、人员和本案调解员可以记录调解",
            code="mediation_not_permitted",
        )


def mediation_of(
    session: Session, case: Case, *, for_update: bool = False, mediation_id: int | None = None
) -> Mediation:
    """The case's latest mediation (the highest id: a case is mediated again only after the
    earlier ones failed or were withdrawn), or with ``mediation_id`` that one of the case's."""
    stmt = select(Mediation).where(Mediation.case_id == case.id)
    if mediation_id is not None:
        stmt = stmt.where(Mediation.id == mediation_id)
    stmt = stmt.order_by(Mediation.id.desc()).limit(1)
    if for_update:
        stmt = stmt.with_for_update()
    mediation = session.scalar(stmt)
    if mediation is None:
        raise NotFound(f"诉求 {case.number} 尚未启动人民调解", code="mediation_not_found")
    return mediation
