"""JSON routes of the 整改台账: batches with their figures, and importing a problem list."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Body, File, Form, Path, UploadFile, status
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.cases import views
from jieyou.cases.schemas import ActionIn, CaseRead
from jieyou.deps import UnitOfWork
from jieyou.ledger import excel, repository
from jieyou.ledger.permissions import batch_for
from jieyou.ledger.schemas import BatchRead, ImportRead, LedgerRead
from jieyou.ledger.service import (
    ImportResult,
    act_on_item,
    import_batch,
    import_into,
    parse_item_action,
)
from jieyou.validation import IsoDate

router = APIRouter(prefix="/api/v1/ledger", tags=["ledger"])

BatchId = Annotated[int, Path(ge=1, le=2_147_483_647, description="批次编号")]
SortKey = Literal[
    "area", "total", "rectified", "awaiting", "in_progress", "overdue", "rate", "area_mu"
]
Upload = Annotated[UploadFile, File(description="问题清单 .xlsx（或 .csv），表头见导入模板")]


@router.get("/batches", response_model=list[BatchRead])
async def list_batches(work: UnitOfWork) -> list[BatchRead]:
    """Problem lists the caller may see, newest first, with figures in the caller's scope
    (a county sees its own problems of a city-wide list)."""
    return await work.staff(
        lambda s, actor: [BatchRead.of(b) for b in repository.batch_summaries(s, actor)]
    )


@router.get("/batches/{batch_id}", response_model=LedgerRead)
async def get_batch(
    batch_id: BatchId,
    work: UnitOfWork,
    sort: SortKey = "area",
    order: Literal["asc", "desc"] = "asc",
) -> LedgerRead:
    """The ledger: totals, rectified (已销号), awaiting verification, in progress, overdue and
    the rectification rate (整改率 = 已销号 ÷ 问题数) by county and, within each, township."""

    def run(s: Session, actor: User) -> LedgerRead:
        batch = batch_for(s, actor, batch_id)
        return LedgerRead.of(
            repository.ledger(s, actor, batch, sort=sort, descending=order == "desc")
        )

    return await work.staff(run)


def _read(s: Session, actor: User, result: ImportResult) -> ImportRead:
    assert result.batch is not None
    summary = next(b for b in repository.batch_summaries(s, actor) if b.id == result.batch.id)
    return ImportRead.of(result, summary)


@router.post("/batches", status_code=status.HTTP_201_CREATED, response_model=ImportRead)
async def create_batch(
    work: UnitOfWork,
    file: Upload,
    name: Annotated[str, Form(max_length=120, description="批次名称")],
    source: Annotated[str, Form(max_length=60, description="问题来源，如 省田长办")],
    issuer: Annotated[
        str | None,
        Form(max_length=40, description="下发单位编码（市、县中心）；默认为本人所在中心"),
    ] = None,
    issued_on: Annotated[IsoDate | None, Form(description="下发日期，默认今天")] = None,
    deadline: Annotated[IsoDate | None, Form(description="整改期限（行内未填时）")] = None,
) -> ImportRead:
    """Import a problem list as a new batch (admin, city, county). Rows with problems are
    refused and listed with their row numbers; the others are imported, assigned to their
    responsible units with their deadlines. If no row can be imported, nothing is stored
    (422 ``no_rows_imported`` with the errors)."""
    data = await file.read()

    def run(s: Session, actor: User) -> ImportRead:
        with excel.saved_upload(data, file.filename) as path:
            result = import_batch(
                s,
                actor=actor,
                path=path,
                name=name,
                source=source,
                issuer_code=issuer,
                issued_on=issued_on,
                deadline=deadline,
            )
        return _read(s, actor, result)

    return await work.staff(run)


@router.post("/batches/{batch_id}/items", response_model=ImportRead)
async def add_items(batch_id: BatchId, work: UnitOfWork, file: Upload) -> ImportRead:
    """Import more rows into a batch, e.g. the corrected rows after a first import: rows whose
    问题编号 the batch already has are skipped."""
    data = await file.read()

    def run(s: Session, actor: User) -> ImportRead:
        with excel.saved_upload(data, file.filename) as path:
            result = import_into(s, actor=actor, batch_id=batch_id, path=path)
        return _read(s, actor, result)

    return await work.staff(run)


Number = Annotated[str, Path(max_length=24, description="整改问题（诉求）编号")]


@router.post("/items/{number}/actions/{action}", response_model=CaseRead)
async def post_item_action(
    number: Number,
    action: Annotated[str, Path(max_length=20)],
    work: UnitOfWork,
    body: Annotated[ActionIn | None, Body()] = None,
) -> CaseRead:
    """An action on a problem of a list, by the ledger's rules (evidence before 申请销号, the
    issuing tier verifies, reassignment to a centre under the issuer). 409 with ``allowed`` if
    the state forbids it. The generic case action endpoint refuses rectification items."""
    verb = parse_item_action(action)

    def run(s: Session, actor: User) -> CaseRead:
        case = act_on_item(s, actor=actor, number=number, action=verb, body=body or ActionIn())
        return views.case_view(s, actor, case)

    return await work.staff(run)
