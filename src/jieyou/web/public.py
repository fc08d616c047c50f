"""The resident's pages: 我要反映 (submit), 查询进度 (track) and rating. No account needed."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from jieyou.cases import attachments, views
from jieyou.cases.desk import categories
from jieyou.cases.intake import submit_case
from jieyou.cases.models import CaseAttachment, Rating
from jieyou.cases.schemas import CaseCreate, CaseCreated, TrackRead
from jieyou.cases.service import case_for_resident, rate_case
from jieyou.config import Settings
from jieyou.errors import Invalid, JieyouError, NotFound, TooManyRequests
from jieyou.regions import repository as regions
from jieyou.regions.models import Region
from jieyou.web.boundary import CsrfRejected, Pages, anon_csrf, remember_anon_csrf
from jieyou.web.forms import FormErrors, field, text_values, uploads
from jieyou.web.templating import render

router = APIRouter(include_in_schema=False)

CITY_CODE = "431000000000"
LEVEL_FIELDS = ("county", "township", "village")


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


# --- where: the county → township → village selects ----------------------------------------


def region_choices(session: Session, values: dict[str, str]) -> dict[str, Any]:
    """Options for the three selects, each list the children of the choice above it. A
    choice that does not belong under its parent is dropped (and so are those below it)."""
    lists: dict[str, list[Region]] = {"county": list(regions.children(session, CITY_CODE))}
    chosen: dict[str, str] = {}
    parent_ok = True
    for level, below in zip(LEVEL_FIELDS, (*LEVEL_FIELDS[1:], None), strict=True):
        code = values.get(level) or ""
        valid = parent_ok and any(r.code == code for r in lists[level])
        chosen[level] = code if valid else ""
        parent_ok = valid
        if below:
            lists[below] = list(regions.children(session, code)) if valid else []
    return {"lists": lists, "chosen": chosen}


def chosen_region(values: dict[str, str]) -> str | None:
    """The most precise place chosen: village, else township (a county is too coarse)."""
    return values.get("village") or values.get("township") or None


@router.get("/regions/fields", response_class=HTMLResponse)
async def region_fields(
    request: Request,
    work: Pages,
    county: Annotated[str, Query(max_length=16)] = "",
    township: Annotated[str, Query(max_length=16)] = "",
    village: Annotated[str, Query(max_length=16)] = "",
) -> HTMLResponse:
    """The three selects again, for htmx after a change (hx-select of the fieldset)."""
    values = {"county": county, "township": township, "village": village}
    regions_ctx = await work.public(lambda s: region_choices(s, values))
    return render(request, "_region_fields.html", {"regions": regions_ctx, "errors": {}})


@router.get("/regions/{code}/children")
async def region_children(
    code: Annotated[str, PathParam(max_length=16)], work: Pages
) -> JSONResponse:
    """JSON list of the places directly under ``code`` (for other clients)."""
    rows = await work.public(lambda s: [(r.code, r.name) for r in regions.children(s, code)])
    return JSONResponse([{"code": c, "name": n} for c, n in rows])


# --- 我要反映 ------------------------------------------------------------------------------


def _form_page(
    request: Request,
    session: Session,
    values: dict[str, str],
    errors: FormErrors,
    token: str,
) -> dict[str, Any]:
    return {
        "values": values,
        "errors": errors,
        "regions": region_choices(session, values),
        "categories": categories(session),
        "csrf": token,
        "max_photos": _settings(request).storage.max_photos,
        "max_mb": _settings(request).storage.max_photo_bytes // 1_000_000,
    }


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, work: Pages) -> HTMLResponse:
    # Only the place may come in the query string (a link to a village's form). Everything
    # else a resident types travels in POST bodies, never in URLs that logs and history keep.
    values = {
        k: v[:20] for k, v in request.query_params.items() if k in ("county", "township", "village")
    }
    token = anon_csrf(request)
    ctx = await work.public(lambda s: _form_page(request, s, values, FormErrors(), token))
    response = render(request, "home.html", ctx)
    remember_anon_csrf(request, response, token)
    return response


@router.post("/", response_class=HTMLResponse)
async def submit(request: Request, work: Pages) -> HTMLResponse:
    settings = _settings(request)
    form = await request.form(max_files=settings.storage.max_photos + 1, max_fields=40)
    values = text_values(form)
    if values.get("refresh"):
        # Without JavaScript, "更新下一级选项" posts the form back to show the next level's
        # options with everything typed so far; nothing is submitted.
        await form.close()
        return await _refuse(request, work, values, FormErrors(), form.get("csrf"), status=200)
    errors = FormErrors()
    photos: list[attachments.Photo] = []
    files = uploads(form, "photos")
    if len(files) > settings.storage.max_photos:
        errors.add("photos", f"最多上传 {settings.storage.max_photos} 张照片")
    for upload in files[: settings.storage.max_photos]:
        raw = await upload.read(settings.storage.max_photo_bytes + 1)
        try:
            photos.append(
                attachments.clean_photo(
                    upload.filename or "", raw, max_bytes=settings.storage.max_photo_bytes
                )
            )
        except Invalid as exc:
            errors.from_error(exc)
    await form.close()  # the uploads' temporary files
    region_code = chosen_region(values)
    if region_code is None:
        errors.add("region", "请选择所在的乡镇（街道），知道的话再选村（社区）")
    data: CaseCreate | None = None
    try:
        data = CaseCreate.model_validate(
            {
                "description": field(form, "description") or "",
                "region_code": region_code or "000000000000",
                "address": field(form, "address"),
                "submitter": {"name": field(form, "name"), "phone": field(form, "phone") or ""},
                "category_code": field(form, "category_code"),
            }
        )
    except ValidationError as exc:
        errors.from_validation(exc)
    if errors:
        errors.setdefault("_", "提交未成功，请按提示修改后再提交")
        if "photos" not in errors and photos:
            errors.add("photos", "为安全起见，请重新选择照片")
        return await _refuse(request, work, values, errors, form.get("csrf"))

    upload_dir = Path(settings.storage.upload_dir)
    written: list[Path] = []

    def run(s: Session) -> CaseCreated:
        assert data is not None
        case = submit_case(s, data=data, actor=None, ip=work.client)
        written.extend(
            attachments.store_photos(s, case, photos, upload_dir=upload_dir, uploaded_by=None)
        )
        return views.created(case)

    try:
        created = await work.public(run, csrf=_text(form.get("csrf")))
    except Invalid as exc:
        _remove(written)
        errors.from_error(exc)
        errors.setdefault("_", "提交未成功，请按提示修改后再提交")
        return await _refuse(request, work, values, errors, form.get("csrf"))
    except BaseException:
        _remove(written)
        raise
    return render(request, "submitted.html", {"created": created, "photos": len(photos)})


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


async def _refuse(
    request: Request,
    work: Pages,
    values: dict[str, str],
    errors: FormErrors,
    csrf: object,
    *,
    status: int = 422,
) -> HTMLResponse:
    token = _text(csrf) or anon_csrf(request)
    # A read-only unit of work: the refused form is shown again with what was typed.
    work.write = False
    ctx = await work.public(lambda s: _form_page(request, s, values, errors, token))
    return render(request, "home.html", ctx, status=status)


# --- 查询进度 and rating -------------------------------------------------------------------


@router.get("/track", response_class=HTMLResponse)
async def track(
    request: Request,
    work: Pages,
    number: Annotated[str, Query(max_length=24)] = "",
    code: Annotated[str, Query(max_length=12)] = "",
) -> HTMLResponse:
    token = anon_csrf(request)
    ctx: dict[str, Any] = {"number": number, "code": code, "csrf": token, "errors": FormErrors()}
    status = 200
    if number and code:
        try:
            ctx.update(
                await work.resident(number, lambda s: _tracked(s, number.strip(), code.strip()))
            )
        except NotFound as exc:
            ctx["errors"].add("_", exc.message)
            status = 404
        except TooManyRequests as exc:
            ctx["errors"].add("_", exc.message)
            status = 429
    elif code:
        ctx["errors"].add("_", "请同时填写诉求编号和查询码")
    # A number alone (the link in an SMS, which never carries the query code) just fills
    # the form in.
    response = render(request, "track.html", ctx, status=status)
    remember_anon_csrf(request, response, token)
    return response


def _tracked(session: Session, number: str, code: str) -> dict[str, Any]:
    tracked: TrackRead = views.track(session, number=number, code=code)
    case = case_for_resident(session, number=number, code=code)
    photos = attachments.attachments_of(session, case.id)
    return {"tracked": tracked, "photos": photos}


@router.post("/track", response_class=HTMLResponse)
async def rate(request: Request, work: Pages) -> Response:
    form = await request.form(max_files=0, max_fields=10)
    number = field(form, "number") or ""
    code = field(form, "code") or ""
    comment = field(form, "comment")
    errors = FormErrors()
    rating: Rating | None = None
    try:
        rating = Rating(field(form, "rating") or "")
    except ValueError:
        errors.add("rating", "请选择评价：满意、基本满意或不满意")
    if comment and len(comment) > 1000:
        errors.add("comment", "意见最多 1000 个字")
    if rating == Rating.unsatisfied and not comment:
        errors.add("comment", "请说明不满意的原因，以便重新办理")
    if not errors:
        assert rating is not None

        def run(s: Session) -> None:
            rate_case(s, number=number, code=code, rating=rating, comment=comment)

        try:
            await work.resident(number, run, csrf=_text(form.get("csrf")))
        except JieyouError as exc:
            if isinstance(exc, CsrfRejected) or exc.status not in (404, 409, 422, 429):
                raise
            errors.from_error(exc)
    if not errors:
        return Response(status_code=303, headers={"Location": _track_url(number, code, rated=True)})
    work.write = False
    ctx: dict[str, Any] = {
        "number": number,
        "code": code,
        "csrf": _text(form.get("csrf")) or anon_csrf(request),
        "errors": errors,
        "values": text_values(form),
    }
    with contextlib.suppress(NotFound, TooManyRequests):
        ctx.update(await work.resident(number, lambda s: _tracked(s, number, code)))
    return render(request, "track.html", ctx, status=422)


def _track_url(number: str, code: str, *, rated: bool = False) -> str:
    from urllib.parse import urlencode

    params = {"number": number, "code": code} | ({"rated": "1"} if rated else {})
    return "/track?" + urlencode(params)


@router.get("/track/photos/{key}")
async def resident_photo(
    request: Request,
    key: str,
    work: Pages,
    number: Annotated[str, Query(max_length=24)],
    code: Annotated[str, Query(max_length=12)],
) -> FileResponse:
    upload_dir = Path(_settings(request).storage.upload_dir)
    row = await work.resident(
        number, lambda s: attachments.attachment_for_resident(s, number, code, key)
    )
    return photo_response(upload_dir, row)


def photo_response(upload_dir: Path, row: CaseAttachment) -> FileResponse:
    return FileResponse(
        attachments.stored_path(upload_dir, row),
        media_type=row.content_type,
        headers={
            "Cache-Control": "private, max-age=3600",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'",
        },
    )
