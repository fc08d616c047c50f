"""What the ledger's JSON API returns."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from jieyou.ledger.repository import AreaFigures, BatchSummary, Figures, Ledger
from jieyou.ledger.rows import RowError
from jieyou.ledger.service import ImportResult
from jieyou.timefmt import LocalDatetime


class FiguresRead(BaseModel):
    total: int = Field(description="问题数")
    rectified: int = Field(description="已销号（经下发单位核查销号）")
    awaiting: int = Field(description="待销号（已申请销号，待核查）")
    in_progress: int = Field(description="整改中（其余未办结的问题）")
    overdue: int = Field(description="超期（未办结且超过整改期限，或曾超期、督办中）")
    rate: float | None = Field(description="整改率 = 已销号 ÷ 问题数；无问题时为 null")
    area_mu: float = Field(description="涉及面积（亩）")
    rectified_area_mu: float = Field(description="已销号问题的面积（亩）")

    @classmethod
    def of(cls, f: Figures) -> FiguresRead:
        return cls(
            total=f.total,
            rectified=f.rectified,
            awaiting=f.awaiting,
            in_progress=f.in_progress,
            overdue=f.overdue,
            rate=round(f.rate, 6) if f.rate is not None else None,
            area_mu=float(f.area_mu),
            rectified_area_mu=float(f.rectified_area_mu),
        )


class AreaRead(BaseModel):
    code: str
    name: str
    figures: FiguresRead
    townships: list[AreaRead] = []

    @classmethod
    def of(cls, a: AreaFigures) -> AreaRead:
        return cls(
            code=a.code,
            name=a.name,
            figures=FiguresRead.of(a.figures),
            townships=[cls.of(t) for t in a.townships],
        )


class BatchRead(BaseModel):
    id: int
    name: str
    source: str
    issuer_code: str
    issuer_name: str
    issued_on: date
    deadline: date | None
    created_at: LocalDatetime
    figures: FiguresRead

    @classmethod
    def of(cls, s: BatchSummary) -> BatchRead:
        return cls(
            id=s.id,
            name=s.name,
            source=s.source,
            issuer_code=s.issuer_code,
            issuer_name=s.issuer_name,
            issued_on=s.issued_on,
            deadline=s.deadline,
            created_at=s.created_at,
            figures=FiguresRead.of(s.figures),
        )


class LedgerRead(BaseModel):
    batch: BatchRead
    as_of: LocalDatetime
    scope: str
    counties: list[AreaRead]

    @classmethod
    def of(cls, ledger: Ledger) -> LedgerRead:
        return cls(
            batch=BatchRead.of(ledger.batch),
            as_of=ledger.as_of,
            scope=ledger.scope_name,
            counties=[AreaRead.of(c) for c in ledger.counties],
        )


class RowErrorRead(BaseModel):
    row: int = Field(description="Excel 中的行号（表头为第 1 行）")
    column: str | None
    message: str

    @classmethod
    def of(cls, e: RowError) -> RowErrorRead:
        return cls(row=e.row, column=e.column, message=e.message)


class ImportRead(BaseModel):
    batch: BatchRead
    imported: int
    skipped: int = Field(description="问题编号已在本批次中的行（未重复导入）")
    refused_rows: int
    errors: list[RowErrorRead]
    ignored_columns: list[str]

    @classmethod
    def of(cls, result: ImportResult, batch: BatchSummary) -> ImportRead:
        return cls(
            batch=BatchRead.of(batch),
            imported=result.imported,
            skipped=result.skipped,
            refused_rows=result.refused_rows,
            errors=[RowErrorRead.of(e) for e in result.errors],
            ignored_columns=result.ignored_columns,
        )
