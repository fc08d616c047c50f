"""整改台账: lists of problems handed down by an inspection (批次), each problem a case.

The problem itself is a :class:`~jieyou.cases.models.Case` of kind ``rectification``: it is
assigned, worked on, supervised and closed by the case engine like any grievance. An item
holds only what the list says that a case has no column for (type, area, source, row, the
list's own reference and deadline)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jieyou.db import Base, UTCDateTime, utcnow
from jieyou.regions.models import PathString

KIND = "rectification"  # Case.kind of a problem on a list


class RectificationBatch(Base):
    """One problem list, e.g. 省田长办 2026 年第一批耕地“非农化”“非粮化”问题清单."""

    __tablename__ = "rectification_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    # Who found the problems (省田长办, 卫片执法检查 …); a row may name its own.
    source: Mapped[str] = mapped_column(String(60))
    # The centre that handed the list down and verifies each rectification (销号).
    issuer_unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    # The issuer's region: the batch is visible to that subtree even before it has items.
    region_path: Mapped[str] = mapped_column(PathString, index=True)
    issued_on: Mapped[date] = mapped_column(Date)
    # The list's own 整改期限, for rows that give none.
    deadline: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RectificationItem(Base):
    __tablename__ = "rectification_items"
    __table_args__ = (UniqueConstraint("batch_id", "external_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("rectification_batches.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), unique=True)
    # The list's number for the problem (问题编号): importing the same file again skips it.
    external_ref: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(60))
    problem_type: Mapped[str] = mapped_column(String(40))
    area_mu: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    # 整改期限 as the list gives it; the case's resolve_by may move later (督办, extension).
    due_on: Mapped[date] = mapped_column(Date)
    row_number: Mapped[int] = mapped_column(Integer)
