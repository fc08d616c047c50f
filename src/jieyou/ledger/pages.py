"""整改台账 pages for staff: the batches, one batch's ledger (sortable, exported to Excel in the
same layout), importing a list, and one problem with its evidence and actions.

| path | what |
|---|---|
| ``GET /desk/ledger`` | batches in scope with their figures |
| ``GET|POST /desk/ledger/import`` | import a problem list as a new batch (admin, city, county) |
| ``GET /desk/ledger/template.xlsx`` | the blank import template |
| ``GET /desk/ledger/{id}`` | the ledger: by county and township, ``?sort=&order=``; problems |
| ``GET /desk/ledger/{id}.xlsx`` | the same ledger as a workbook, in the page's order |
| ``POST /desk/ledger/{id}/import`` | more rows for the batch (already imported numbers skipped) |
| ``GET /desk/ledger/items/{number}`` | one problem: details, deadline, evidence, timeline |
| ``POST /desk/ledger/items/{number}/actions/{action}`` | 开始整改, 申请销号, 销号, 驳回 … |
| ``POST /desk/ledger/evidence`` | a progress note with photos (multipart; number in the form) |
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from jieyou.cases import attachments
from jieyou.cases.schemas import ActionIn
from jieyou.cases.states import Action
from jieyou.config import Settings
from jieyou.errors import Invalid, JieyouError, NotPermitted
from jieyou.ledger import excel, repository, service
from jieyou.ledger.labels import action_label, all_status_labels
from jieyou.ledger.permissions import batch_for, may_import
from jieyou.ledger.views import item_detail
from jieyou.web.boundary import CsrfRejected, LoginRequired, Pages, Staff
from jieyou.web.forms import FormErrors, field, text_values, uploads
from jieyou.web.templating import render

router = APIRouter(include_in_schema=False)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
MAX_LIST_BYTES = 5_000_000
SORT_LABELS = {
    "area": "区域",
    "total": "问题数",
    "rectified": "已销号",
    "awaiting": "待销号",
    "in_progress": "整改中",
    "overdue": "超期",
    "rate": "整改率",
    "area_mu": "涉及面积（亩）",
}
STATE_LABELS = {"open": "整改中", "awaiting": "待销号", "rectified": "已销号", "overdue": "超期"}
# Fields an action cannot go without, shown beside the field before anything is sent; the
# services enforce the same rules.
REQUIRED = {
    Action.resolve: ("outcome", "请填写整改情况"),
    Action.reopen: ("reason", "请填写驳回的理由"),
    Action.return_: ("reason", "请填写退回的理由"),
    Action.request_extension: ("reason", "请填写延期理由"),
    Action.deny_extension: ("reason", "请填写不批准的理由"),
    Action.comment: ("note", "请填写整改进展"),
    Action.assign: ("unit_code", "请选择责任单位"),
}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _see_other(url: str) -> Response:
    return Response(status_code=303, headers={"Location": url})


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _sort(sort: str, order: str) -> tuple[str, bool]:
    return (sort if sort in SORT_LABELS else "area", order == "desc")


def _date_field(form: FormData, name: str, errors: FormErrors) -> date | None:
    raw = field(form, name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors.add(name, "日期格式应为 2026-11-27")
        return None


def _attachment(name: str, data: bytes) -> Response:
    return Response(
        data,
        media_type=XLSX,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store",
        },
    )


# --- batches --------------------------------------------------------------------------------


@router.get("/desk/ledger", response_class=HTMLResponse)
async def batches(request: Request, work: Pages) -> HTMLResponse:
    def run(s: Session, staff: Staff) -> dict[str, Any]:
        return {
            "staff": staff,
            "batches": repository.batch_summaries(s, staff.user),
            "can_import": may_import(staff.user),
        }

    return render(request, "ledger/index.html", await work.staff(run))


@router.get("/desk/ledger/template.xlsx")
async def template(work: Pages) -> Response:
    await work.staff(lambda s, staff: None)
    out = io.BytesIO()
    excel.write_template(out)
    return _attachment("整改问题清单模板.xlsx", out.getvalue())


def _import_context(staff: Staff, values: dict[str, str], errors: FormErrors) -> dict[str, Any]:
    return {"staff": staff, "values": values, "errors": errors, "row_errors": []}


@router.get("/desk/ledger/import", response_class=HTMLResponse)
async def import_form(request: Request, work: Pages) -> HTMLResponse:
    def run(s: Session, staff: Staff) -> dict[str, Any]:
        if not may_import(staff.user):
            raise NotPermitted(
                "只有市、县级中心和管理员可以导入整改清单", code="import_not_permitted"
            )
        return _import_context(staff, {}, FormErrors())

    return render(request, "ledger/import.html", await work.staff(run))


async def _read_list(request: Request) -> tuple[FormData, bytes, str | None]:
    form = await request.form(max_files=1, max_fields=20)
    files = uploads(form, "file")
    data = await files[0].read(MAX_LIST_BYTES + 1) if files else b""
    name = files[0].filename if files else None
    await form.close()
    return form, data, name


@router.post("/desk/ledger/import", response_class=HTMLResponse)
async def import_list(request: Request, work: Pages) -> Response:
    form, data, filename = await _read_list(request)
    values = text_values(form)
    errors = FormErrors()
    issued_on = _date_field(form, "issued_on", errors)
    deadline = _date_field(form, "deadline", errors)
    if len(data) > MAX_LIST_BYTES:
        errors.add("file", f"文件超过 {MAX_LIST_BYTES // 1_000_000} MB")
    csrf = _text(form.get("csrf"))

    def run(s: Session, staff: Staff) -> tuple[Staff, service.ImportResult]:
        with excel.saved_upload(data, filename) as path:
            result = service.import_batch(
                s,
                actor=staff.user,
                path=path,
                name=field(form, "name") or "",
                source=field(form, "source") or "",
                issuer_code=field(form, "issuer"),
                issued_on=issued_on,
                deadline=deadline,
            )
        return staff, result

    row_errors: list[dict[str, Any]] = []
    status = 422
    if not errors:
        try:
            staff, result = await work.staff(run, csrf=csrf)
        except JieyouError as exc:
            if isinstance(exc, CsrfRejected | LoginRequired) or exc.status not in (403, 422):
                raise
            errors.from_error(exc)
            row_errors = list(exc.extra.get("errors") or [])
            status = exc.status
        else:
            return _import_result(request, staff, result)
    work.write = False
    ctx = await work.staff(lambda s, staff: _import_context(staff, values, errors))
    ctx["row_errors"] = row_errors
    return render(request, "ledger/import.html", ctx, status=status)


def _import_result(request: Request, staff: Staff, result: service.ImportResult) -> Response:
    # After a clean import, straight to the ledger; otherwise the report first.
    assert result.batch is not None
    batch_id = result.batch.id
    if not result.errors:
        query = urlencode({"imported": result.imported, "skipped": result.skipped})
        return _see_other(f"/desk/ledger/{batch_id}?{query}")
    return render(
        request,
        "ledger/imported.html",
        {"staff": staff, "batch_id": batch_id, "result": result},
    )


# --- one batch ------------------------------------------------------------------------------


@router.get("/desk/ledger/{batch_id:int}.xlsx")
async def export(
    batch_id: int,
    work: Pages,
    sort: Annotated[str, Query(max_length=20)] = "area",
    order: Annotated[str, Query(max_length=4)] = "asc",
) -> Response:
    key, descending = _sort(sort, order)

    def run(s: Session, staff: Staff) -> tuple[str, bytes]:
        batch = batch_for(s, staff.user, batch_id)
        ledger = repository.ledger(s, staff.user, batch, sort=key, descending=descending)
        items = repository.all_items(s, staff.user, batch.id)
        out = io.BytesIO()
        excel.write_ledger(ledger, items, out)
        return batch.name, out.getvalue()

    name, data = await work.staff(run)
    return _attachment(f"{name}-整改台账.xlsx", data)


@router.get("/desk/ledger/{batch_id:int}", response_class=HTMLResponse)
async def ledger_page(
    request: Request,
    batch_id: int,
    work: Pages,
    sort: Annotated[str, Query(max_length=20)] = "area",
    order: Annotated[str, Query(max_length=4)] = "asc",
    area: Annotated[str, Query(max_length=16, pattern=r"^\d*$")] = "",
    state: Annotated[str, Query(max_length=10)] = "",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> HTMLResponse:
    key, descending = _sort(sort, order)
    state = state if state in STATE_LABELS else ""

    def run(s: Session, staff: Staff) -> dict[str, Any]:
        batch = batch_for(s, staff.user, batch_id)
        ledger = repository.ledger(s, staff.user, batch, sort=key, descending=descending)
        total, items = repository.items_page(
            s,
            staff.user,
            batch.id,
            area=area or None,
            state=state or None,
            page=page,
            page_size=PAGE_SIZE,
        )
        return {
            "staff": staff,
            "ledger": ledger,
            "items": items,
            "items_total": total,
            "can_import": may_import(staff.user)
            and batch.region_path.startswith(staff.user.region_path),
        }

    ctx = await work.staff(run)
    base = {"sort": key, "order": "desc" if descending else "asc"}
    filters = {"area": area, "state": state}

    def sort_url(column: str) -> str:
        # The same column again flips the order; a new column starts from the top.
        flip = column == key and not descending
        default_desc = column not in ("area",)
        desc = flip if column == key else default_desc
        return "?" + urlencode({"sort": column, "order": "desc" if desc else "asc"} | filters)

    def list_url(**change: Any) -> str:
        params = base | filters | change
        return "?" + urlencode({k: v for k, v in params.items() if v not in ("", None, 1)})

    ctx.update(
        sort=key,
        descending=descending,
        sort_labels=SORT_LABELS,
        sort_url=sort_url,
        list_url=list_url,
        export_url=f"/desk/ledger/{batch_id}.xlsx?" + urlencode(base),
        area=area,
        state=state,
        state_labels=STATE_LABELS,
        page=page,
        pages=max(1, -(-ctx["items_total"] // PAGE_SIZE)),
        imported=request.query_params.get("imported"),
        skipped=request.query_params.get("skipped"),
    )
    return render(request, "ledger/batch.html", ctx)


@router.post("/desk/ledger/{batch_id:int}/import", response_class=HTMLResponse)
async def import_more(request: Request, batch_id: int, work: Pages) -> Response:
    form, data, filename = await _read_list(request)
    if len(data) > MAX_LIST_BYTES:
        raise Invalid(f"文件超过 {MAX_LIST_BYTES // 1_000_000} MB", code="too_large", field="file")

    def run(s: Session, staff: Staff) -> tuple[Staff, service.ImportResult]:
        with excel.saved_upload(data, filename) as path:
            return staff, service.import_into(s, actor=staff.user, batch_id=batch_id, path=path)

    staff, result = await work.staff(run, csrf=_text(form.get("csrf")))
    return _import_result(request, staff, result)


# --- one problem ----------------------------------------------------------------------------


def _item_context(s: Session, staff: Staff, number: str) -> dict[str, Any]:
    detail = item_detail(s, staff.user, number)
    return {
        "staff": staff,
        "d": detail,
        "evidence": "comment" in detail.actions
        and detail.case.status in {st.value for st in service.EVIDENCE_STATUSES},
        "errors": {},
        "values": {},
        "item_status_labels": all_status_labels(),
        "action_label": action_label,
    }


@router.get("/desk/ledger/items/{number}", response_class=HTMLResponse)
async def item_page(
    request: Request,
    number: str,
    work: Pages,
    done: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    ctx = await work.staff(lambda s, staff: _item_context(s, staff, number))
    ctx["done"] = action_label(done) if done in {a.value for a in Action} else ""
    return render(request, "ledger/item.html", ctx)


async def _refused(
    request: Request,
    work: Pages,
    number: str,
    key: str,
    errors: FormErrors,
    form: FormData,
    *,
    status: int = 422,
) -> HTMLResponse:
    """The item page again: input errors beside the form (422); a refusal (403, or 409 when
    the state moved on meanwhile) at the top, with its own status."""
    work.write = False
    ctx = await work.staff(lambda s, staff: _item_context(s, staff, number))
    ctx["errors"] = {key: errors}
    ctx["values"] = {key: text_values(form)}
    ctx["done"] = ""
    ctx["alert"] = errors.get("_") if status != 422 else None
    return render(request, "ledger/item.html", ctx, status=status)


@router.post("/desk/ledger/items/{number}/actions/{action}", response_class=HTMLResponse)
async def item_action(request: Request, number: str, action: str, work: Pages) -> Response:
    verb = service.parse_item_action(action)
    form = await request.form(max_files=0, max_fields=20)
    errors = FormErrors()
    if verb in REQUIRED and not field(form, REQUIRED[verb][0]):
        errors.add(*REQUIRED[verb])
    body: ActionIn | None = None
    try:
        body = ActionIn(
            note=field(form, "note"),
            reason=field(form, "reason"),
            outcome=field(form, "outcome"),
            unit_code=field(form, "unit_code"),
            days=field(form, "days"),
        )
    except ValidationError as exc:
        errors.from_validation(exc)

    def run(s: Session, staff: Staff) -> None:
        assert body is not None
        service.act_on_item(s, actor=staff.user, number=number, action=verb, body=body)

    status = 422
    if not errors:
        try:
            await work.staff(run, csrf=_text(form.get("csrf")))
        except JieyouError as exc:
            if isinstance(exc, CsrfRejected | LoginRequired) or exc.status not in (403, 409, 422):
                raise
            errors.from_error(exc)
            status = exc.status
        else:
            return _see_other(f"/desk/ledger/items/{number}?done={verb.value}")
    return await _refused(request, work, number, verb.value, errors, form, status=status)


@router.post("/desk/ledger/evidence", response_class=HTMLResponse)
async def evidence(request: Request, work: Pages) -> Response:
    settings = _settings(request).storage
    form = await request.form(max_files=settings.max_photos + 1, max_fields=10)
    number = field(form, "number") or ""
    if not number or len(number) > 24:
        await form.close()
        raise Invalid("缺少整改问题编号", code="missing_field", field="number")
    errors = FormErrors()
    photos: list[attachments.Photo] = []
    files = uploads(form, "photos")
    if len(files) > settings.max_photos:
        errors.add("photos", f"每次最多上传 {settings.max_photos} 张照片")
    for upload in files[: settings.max_photos]:
        raw = await upload.read(settings.max_photo_bytes + 1)
        try:
            photos.append(
                attachments.clean_photo(
                    upload.filename or "", raw, max_bytes=settings.max_photo_bytes
                )
            )
        except Invalid as exc:
            errors.from_error(exc)
    await form.close()
    if not field(form, "note"):
        errors.add("note", "请填写整改进展")
    upload_dir = Path(settings.upload_dir)
    written: list[Path] = []

    def run(s: Session, staff: Staff) -> None:
        written.extend(
            service.add_evidence(
                s,
                actor=staff.user,
                number=number,
                note=field(form, "note"),
                photos=photos,
                upload_dir=upload_dir,
            )
        )

    status = 422
    if not errors:
        try:
            await work.staff(run, csrf=_text(form.get("csrf")))
        except JieyouError as exc:
            _remove(written)
            if isinstance(exc, CsrfRejected | LoginRequired) or exc.status not in (403, 409, 422):
                raise
            errors.from_error(exc)
            status = exc.status
        except BaseException:
            _remove(written)
            raise
        else:
            return _see_other(f"/desk/ledger/items/{number}?done=comment")
    if photos and "photos" not in errors:
        errors.add("photos", "为安全起见，请重新选择照片")
    return await _refused(request, work, number, "evidence", errors, form, status=status)


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
