"""Who sees which batch and item, and who may import a list. Items are cases, so their scope
is the case scope (:func:`jieyou.cases.permissions.scope_clause`); a batch is visible to the
issuer's region and to anyone who can see one of its items. Out of scope answers like missing.

Verification (销号) and rejection (驳回) need no rule of their own: an item's owner is the
issuing centre, and ``confirm`` / ``reopen`` are dispatching actions, which belong to the owner
and the tiers above it — never to the unit the item is assigned to, which is below the issuer.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from jieyou.accounts.models import Role, User
from jieyou.cases.models import Case
from jieyou.cases.permissions import SEES_EVERYTHING, get_case_for, scope_clause
from jieyou.errors import Invalid, NotFound, NotPermitted
from jieyou.ledger.models import KIND, RectificationBatch, RectificationItem
from jieyou.regions.models import PATH_LENGTH, Level
from jieyou.regions.repository import subtree_clause
from jieyou.routing.models import Unit, UnitKind

IMPORTING_ROLES = frozenset({Role.admin, Role.city, Role.county})
ISSUER_LENGTHS = frozenset({PATH_LENGTH[Level.city], PATH_LENGTH[Level.county]})


def items_in_scope(actor: User) -> ColumnElement[bool] | None:
    """SQL on a query joining items to cases: the items ``actor`` may see (None: all)."""
    return scope_clause(actor)


def batch_clause(actor: User) -> ColumnElement[bool] | None:
    """SQL for "batches this user may see"; None means no restriction."""
    if Role(actor.role) in SEES_EVERYTHING:
        return None
    clause = scope_clause(actor)
    with_items = select(RectificationItem.batch_id).join(Case, Case.id == RectificationItem.case_id)
    if clause is not None:
        with_items = with_items.where(clause)
    branches: list[ColumnElement[bool]] = [RectificationBatch.id.in_(with_items)]
    if Role(actor.role) != Role.department:
        branches.append(subtree_clause(RectificationBatch.region_path, actor.region_path))
    return or_(*branches)


def batch_for(session: Session, actor: User, batch_id: int) -> RectificationBatch:
    """The only way to load a batch for a user. Missing and out of scope both answer 404."""
    stmt = select(RectificationBatch).where(RectificationBatch.id == batch_id)
    clause = batch_clause(actor)
    if clause is not None:
        stmt = stmt.where(clause)
    batch = session.scalar(stmt)
    if batch is None:
        raise NotFound(f"整改批次 {batch_id} 不存在", code="batch_not_found")
    return batch


def item_case_for(session: Session, actor: User, number: str, *, for_update: bool = False) -> Case:
    """A rectification item's case through the case scope; any other kind is not an item."""
    case = get_case_for(session, actor, number, for_update=for_update)
    if case.kind != KIND:
        raise NotFound(f"整改问题 {number} 不存在", code="item_not_found")
    return case


def may_import(actor: User) -> bool:
    return Role(actor.role) in IMPORTING_ROLES


def issuer_for(session: Session, actor: User | None, code: str | None) -> Unit:
    """The centre that hands a list down: a city or county centre, within the importer's
    region. Staff of a centre issue as their own centre unless they name another."""
    if actor is not None and not may_import(actor):
        raise NotPermitted("只有市、县级中心和管理员可以导入整改清单", code="import_not_permitted")
    if not code and actor is not None and actor.unit_id is not None:
        unit = session.get(Unit, actor.unit_id)
    else:
        unit = session.scalar(select(Unit).where(Unit.code == (code or "")))
    if unit is None or not unit.is_active:
        raise _invalid_issuer(f"下发单位 {code or '（未填写）'} 不存在或已停用")
    if unit.kind != UnitKind.centre or len(unit.region_path) not in ISSUER_LENGTHS:
        raise _invalid_issuer(f"{unit.name}不是市级或县级中心，不能下发整改清单")
    if actor is not None and not unit.region_path.startswith(actor.region_path):
        raise NotPermitted(f"您不能以{unit.name}的名义下发整改清单", code="import_not_permitted")
    return unit


def may_import_into(actor: User | None, batch: RectificationBatch) -> None:
    if actor is None:
        return
    if not may_import(actor) or not batch.region_path.startswith(actor.region_path):
        raise NotPermitted("您不能向该批次导入问题", code="import_not_permitted")


def _invalid_issuer(message: str) -> Invalid:
    return Invalid(message, code="bad_issuer", field="issuer")
