"""整改台账 rules: importing a problem list, and working an item through the case engine.

Importing a list is issuing it: every good row becomes a case of kind ``rectification``, owned
by the issuing centre, accepted and assigned to the responsible county or township centre in
one go (three events, each in the timeline), with the row's 整改期限 as its resolve deadline.
Rows with any problem are refused whole and reported with their row number; the good rows are
imported. A row whose 问题编号 is already in the batch is skipped, so a corrected file can be
imported again into the same batch.

Working an item is the grievance lifecycle under other names (see :mod:`jieyou.ledger.labels`):
start, progress notes with photos, 申请销号 (resolve, only with photo evidence), 销号 (confirm,
by the issuing tier) or 驳回 (reopen, with reasons, back to work). Services flush; the
boundary commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.cases import attachments
from jieyou.cases.events import record_event
from jieyou.cases.intake import format_number, new_query_code
from jieyou.cases.models import Case, CaseAttachment, Channel
from jieyou.cases.permissions import check_action
from jieyou.cases.repository import next_case_id
from jieyou.cases.schemas import ActionIn
from jieyou.cases.service import act_on_case
from jieyou.cases.states import Action, Status, allowed_actions, next_status
from jieyou.db import utcnow
from jieyou.errors import IllegalTransition, Invalid, NotFound
from jieyou.ledger import excel
from jieyou.ledger.labels import ITEM_ACTIONS, action_label, status_label
from jieyou.ledger.models import KIND, RectificationBatch, RectificationItem
from jieyou.ledger.permissions import batch_for, issuer_for, item_case_for, may_import_into
from jieyou.ledger.rows import (
    ProblemRow,
    Reference,
    RowError,
    check_row,
    has_control,
    tier_of_path,
)
from jieyou.regions.models import PATH_LENGTH, Level
from jieyou.routing.calendar import end_of_local_day, local_date
from jieyou.routing.models import Unit, UnitKind

# Where photo evidence may be added: from assignment until the item is verified.
EVIDENCE_STATUSES = frozenset({Status.assigned, Status.in_progress, Status.resolved})


@dataclass
class ImportResult:
    batch: RectificationBatch | None
    imported: int = 0
    skipped: int = 0  # rows whose 问题编号 the batch already has
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def refused_rows(self) -> int:
        return len({e.row for e in self.errors})


# --- importing ------------------------------------------------------------------------------


def _clean(value: str | None, what: str, name: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise Invalid(f"请填写{what}", code="missing_field", field=name)
    if has_control(text):
        raise Invalid(f"{what}含有不允许的控制字符", code="bad_character", field=name)
    if len(text) > limit:
        raise Invalid(f"{what}不能超过 {limit} 字", code="too_long", field=name)
    return text


def import_batch(
    session: Session,
    *,
    actor: User | None,
    path: Path,
    name: str,
    source: str,
    issuer_code: str | None,
    issued_on: date | None = None,
    deadline: date | None = None,
    now: datetime | None = None,
) -> ImportResult:
    """A new batch from a spreadsheet. Refuses the whole file (nothing stored) when it cannot
    be read, has no header we know, or not one row can be imported."""
    now = now or utcnow()
    issuer = issuer_for(session, actor, issuer_code)
    name = _clean(name, "批次名称", "name", 120)
    source = _clean(source, "问题来源", "source", 60)
    today = local_date(now)
    issued_on = issued_on or today
    if issued_on > today:
        raise Invalid("下发日期不能晚于今天", code="issued_in_future", field="issued_on")
    if deadline is not None and deadline < issued_on:
        raise Invalid("整改期限不能早于下发日期", code="deadline_before_issue", field="deadline")
    batch = RectificationBatch(
        name=name,
        source=source,
        issuer_unit_id=issuer.id,
        region_path=issuer.region_path,
        issued_on=issued_on,
        deadline=deadline,
        created_by_id=actor.id if actor else None,
        created_at=now,
    )
    result = _import(session, batch, issuer, path, actor=actor, now=now, known=set())
    if result.imported == 0:
        raise Invalid(
            "没有可以导入的问题，批次未建立：请按行号修改后重新导入",
            code="no_rows_imported",
            errors=[
                {"row": e.row, "column": e.column, "message": e.message} for e in result.errors
            ],
        )
    return result


def import_into(
    session: Session,
    *,
    actor: User | None,
    batch_id: int,
    path: Path,
    now: datetime | None = None,
    batch: RectificationBatch | None = None,
) -> ImportResult:
    """More rows for an existing batch (e.g. the corrected rows of a first import)."""
    now = now or utcnow()
    if batch is None:
        if actor is None:
            batch = session.get(RectificationBatch, batch_id)
            if batch is None:
                raise NotFound(f"整改批次 {batch_id} 不存在", code="batch_not_found")
        else:
            batch = batch_for(session, actor, batch_id)
    may_import_into(actor, batch)
    issuer = session.get(Unit, batch.issuer_unit_id)
    assert issuer is not None
    known = set(
        session.scalars(
            select(RectificationItem.external_ref).where(RectificationItem.batch_id == batch.id)
        )
    )
    return _import(session, batch, issuer, path, actor=actor, now=now, known=known)


def _import(
    session: Session,
    batch: RectificationBatch,
    issuer: Unit,
    path: Path,
    *,
    actor: User | None,
    now: datetime,
    known: set[str],
) -> ImportResult:
    sheet = excel.read_problems(path)
    ref_data = Reference.load(session)
    result = ImportResult(batch=batch, ignored_columns=sheet.ignored)
    good: list[ProblemRow] = []
    first_seen: dict[str, int] = {}
    for number, cells in sheet.rows:
        checked = check_row(
            number,
            cells,
            ref_data=ref_data,
            issuer_path=issuer.region_path,
            default_source=batch.source,
            default_due=batch.deadline,
            issued_on=batch.issued_on,
        )
        if isinstance(checked, list):
            result.errors.extend(checked)
            continue
        if checked.ref in known:
            result.skipped += 1
            continue
        if checked.ref in first_seen:
            result.errors.append(
                RowError(number, "问题编号", f"与第 {first_seen[checked.ref]} 行的编号相同")
            )
            continue
        first_seen[checked.ref] = number
        good.append(checked)
    if not good:
        if not result.errors and not result.skipped:
            raise Invalid("文件中没有问题行", code="empty_file")
        return result
    if batch.id is None:
        session.add(batch)
        session.flush()
    for problem in good:
        _create_item(session, batch, issuer, problem, actor=actor, now=now)
    result.imported = len(good)
    return result


def _create_item(
    session: Session,
    batch: RectificationBatch,
    issuer: Unit,
    problem: ProblemRow,
    *,
    actor: User | None,
    now: datetime,
) -> Case:
    case_id = next_case_id(session)
    case = Case(
        id=case_id,
        number=format_number(case_id, now),
        query_code=new_query_code(),
        kind=KIND,
        channel=Channel.import_.value,
        status=Status.submitted.value,
        title=problem.title,
        description=problem.description,
        region_code=problem.region_code,
        region_path=problem.region_path,
        township_path=problem.region_path[: PATH_LENGTH[Level.township]],
        address=problem.address,
        category_code=None,
        needs_triage=False,
        risk_level="normal",
        risk_reasons=[],
        submitter_name=None,
        submitter_phone="",  # no resident behind a problem list: nobody to text
        tier=problem.tier.value,
        owner_unit_id=issuer.id,
        created_by_id=actor.id if actor else None,
        created_at=now,
        updated_at=now,
        event_count=0,
        last_event_hash="",
    )
    session.add(case)
    kind = "staff" if actor else "system"
    record_event(
        session,
        case,
        Action.submit,
        actor=actor,
        actor_kind=kind,
        now=now,
        note=f"{batch.name} 第 {problem.row} 行（问题编号 {problem.ref}）",
        data={
            "channel": Channel.import_.value,
            "batch": batch.id,
            "row": problem.row,
            "ref": problem.ref,
            "unit": issuer.code,
            "unit_name": issuer.name,
        },
    )
    record_event(
        session,
        case,
        Action.accept,
        actor=actor,
        actor_kind=kind,
        now=now,
        data={"unit": issuer.code, "unit_name": issuer.name},
    )
    case.accepted_at = now
    record_event(
        session,
        case,
        Action.assign,
        actor=actor,
        actor_kind=kind,
        now=now,
        note=f"请于 {problem.due_on:%Y-%m-%d} 前完成整改",
        data={"unit": problem.unit_code, "unit_name": problem.unit_name},
    )
    case.assigned_unit_id = problem.unit_id
    _set_deadline(case, problem.due_on)
    session.add(
        RectificationItem(
            batch_id=batch.id,
            case_id=case.id,
            external_ref=problem.ref,
            source=problem.source,
            problem_type=problem.problem_type,
            area_mu=problem.area_mu,
            due_on=problem.due_on,
            row_number=problem.row,
        )
    )
    session.flush()
    return case


def _set_deadline(case: Case, due_on: date) -> None:
    """The list's 整改期限 instead of the deadline rules: the end of that local day. There is no
    acceptance or first-contact limit (the list was issued already; no resident to call), so
    the worker warns, marks overdue and supervises on the resolve deadline alone."""
    case.accept_by = None
    case.contact_by = None
    case.resolve_by = end_of_local_day(due_on)
    case.deadline_note = None


# --- working an item --------------------------------------------------------------------------


def parse_item_action(name: str) -> Action:
    try:
        action = Action(name)
    except ValueError:
        action = None
    if action is None or action not in ITEM_ACTIONS:
        raise NotFound(
            f"整改问题没有名为“{name}”的操作",
            code="unknown_action",
            actions=sorted(a.value for a in ITEM_ACTIONS),
        )
    return action


def item_actions(status: str) -> list[Action]:
    """What the state allows on an item, in the state table's order."""
    return [a for a in allowed_actions(status) if a in ITEM_ACTIONS]


def _illegal(case: Case, action: Action) -> IllegalTransition:
    return IllegalTransition(
        f"整改问题当前状态为“{status_label(case.status)}”，不能{action_label(action.value)}",
        allowed=[a.value for a in item_actions(case.status)],
    )


def photo_count(session: Session, case_id: int) -> int:
    stmt = select(func.count()).where(CaseAttachment.case_id == case_id)
    return int(session.scalar(stmt) or 0)


def act_on_item(
    session: Session,
    *,
    actor: User,
    number: str,
    action: Action,
    body: ActionIn,
    now: datetime | None = None,
) -> Case:
    """An action on an item: 404 (scope), 409 (state), 403 (permission), 422 (input), as for
    any case, plus the ledger's own rules: 申请销号 needs photo evidence, assignment goes to a
    county or township centre under the issuer, 驳回 keeps the list's deadline."""
    now = now or utcnow()
    case = item_case_for(session, actor, number, for_update=True)
    if next_status(case.status, action) is None:
        raise _illegal(case, action)
    check_action(session, actor, case, action)
    if action == Action.resolve and photo_count(session, case.id) == 0:
        raise Invalid(
            "申请销号前请先在“整改进展”中上传整改后的照片", code="evidence_required", field="photos"
        )
    tier = None
    if action == Action.assign:
        unit = _responsible_unit(session, case, body)
        body = body.model_copy(update={"unit_code": unit.code, "user": None})
        tier = tier_of_path(unit.region_path)
    # 驳回 sends the item back to work against the deadline the list set (or 督办 moved), not a
    # fresh period from the grievance rules (deadlines.service resets it on reopen).
    keep = (case.resolve_by, case.deadline_note)
    act_on_case(
        session, actor=actor, number=number, action=action, body=body, now=now, kind=case.kind
    )
    if action == Action.reopen:
        case.resolve_by, case.deadline_note = keep
    if tier is not None:
        case.tier = tier.value
    return case


def _responsible_unit(session: Session, case: Case, body: ActionIn) -> Unit:
    if not body.unit_code:
        raise Invalid("请选择责任单位", code="assignee_required", field="unit_code")
    unit = session.scalar(select(Unit).where(Unit.code == body.unit_code))
    issuer = session.get(Unit, case.owner_unit_id)
    assert issuer is not None
    if (
        unit is None
        or not unit.is_active
        or unit.kind != UnitKind.centre
        or len(unit.region_path) not in (PATH_LENGTH[Level.county], PATH_LENGTH[Level.township])
        or not case.region_path.startswith(unit.region_path)
        or not unit.region_path.startswith(issuer.region_path)
        or len(unit.region_path) <= len(issuer.region_path)
    ):
        raise Invalid(
            "责任单位须为下发单位以下、问题所在地的县级或乡镇级中心",
            code="assignee_out_of_scope",
            field="unit_code",
        )
    return unit


def responsible_units(session: Session, case: Case) -> Sequence[Unit]:
    """The centres an item may be assigned to (what the assign form offers)."""
    issuer = session.get(Unit, case.owner_unit_id)
    assert issuer is not None
    paths = [
        case.region_path[:n]
        for n in (PATH_LENGTH[Level.county], PATH_LENGTH[Level.township])
        if n > len(issuer.region_path)
    ]
    stmt = select(Unit).where(
        Unit.kind == UnitKind.centre.value,
        Unit.is_active.is_(True),
        Unit.region_path.in_(paths),
    )
    return session.scalars(stmt.order_by(Unit.region_path)).all()


def add_evidence(
    session: Session,
    *,
    actor: User,
    number: str,
    note: str | None,
    photos: Sequence[attachments.Photo],
    upload_dir: Path,
    now: datetime | None = None,
) -> list[Path]:
    """A progress note (整改进展) with photos. Returns the files written, for the boundary to
    remove if the transaction does not commit (see :mod:`jieyou.cases.attachments`)."""
    now = now or utcnow()
    case = item_case_for(session, actor, number, for_update=True)
    if Status(case.status) not in EVIDENCE_STATUSES:
        raise IllegalTransition(
            f"整改问题当前状态为“{status_label(case.status)}”，不能再上传整改材料",
            allowed=[a.value for a in item_actions(case.status)],
        )
    check_action(session, actor, case, Action.comment)
    note = _clean(note, "整改进展", "note", 2000)
    written = attachments.store_photos(
        session, case, photos, upload_dir=upload_dir, uploaded_by=actor
    )
    record_event(
        session,
        case,
        Action.comment,
        actor=actor,
        now=now,
        note=note,
        data={"evidence": True, "photos": [p.name for p in written]},
    )
    return written
