"""Queries over the hierarchy."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import QueryableAttribute, Session

from jieyou.regions.models import Region


def subtree_clause(column: QueryableAttribute[str], path: str) -> ColumnElement[bool]:
    """``column`` starts with ``path``: a range scan on a byte-ordered index.

    Paths are digits only, and ``:`` sorts right after ``9``, so ``[path, path + ":")`` is
    exactly the set of strings with that prefix.
    """
    return and_(column >= path, column < path + ":")


def get(session: Session, code: str) -> Region | None:
    return session.get(Region, code)


def children(session: Session, code: str) -> Sequence[Region]:
    stmt = select(Region).where(Region.parent_code == code).order_by(Region.code)
    return session.scalars(stmt).all()


def descendants(session: Session, path: str, *, level: str | None = None) -> Sequence[Region]:
    stmt = select(Region).where(subtree_clause(Region.path, path))
    if level:
        stmt = stmt.where(Region.level == level)
    return session.scalars(stmt.order_by(Region.path)).all()
