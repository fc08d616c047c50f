"""Open311 GeoReport v2 routes under ``/open311/v2/``, each in ``.json`` and ``.xml``.

Reads are public and show no personal data; ``POST requests`` needs an ``api_key`` (a staff or
partner token, the same tokens as ``Authorization: Bearer`` elsewhere). Every error under this
prefix is answered the spec's way by :class:`Open311Route` — an array of ``{code,
description}`` with 400, 403 or 404 — instead of the ``{"error": {...}}`` of ``/api/v1``.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from jieyou.accounts.models import User
from jieyou.config import Settings
from jieyou.db import utcnow
from jieyou.deps import Work, _bearer
from jieyou.errors import JieyouError, NotFound, Unauthenticated
from jieyou.open311 import views
from jieyou.open311.errors import Open311Error, error_response, from_jieyou, from_validation
from jieyou.open311.formats import Format, format_of_path, parse_format, render
from jieyou.open311.service import Posted, api_key_of, prepare, submit

PREFIX = "/open311/v2"
T = TypeVar("T")


class Open311Route(APIRoute):
    """Renders every error of its endpoint (ours, validation, HTTP) as the spec's error array,
    in the format the path asks for. Unexpected errors still reach the app's 500 handler."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except Open311Error as exc:
                error = exc
            except JieyouError as exc:
                error = from_jieyou(exc)
            except RequestValidationError as exc:
                error = from_validation(exc.errors())
            except StarletteHTTPException as exc:
                status = exc.status_code if exc.status_code in (403, 404) else 400
                error = Open311Error(status, [str(exc.detail)])
            return error_response(_format(request), error)

        return answer


def _format(request: Request) -> Format:
    try:
        return parse_format(str(request.path_params.get("fmt", "")))
    except NotFound:
        return format_of_path(request.url.path)


# What the OpenAPI document says each route answers: the document in either format, or the
# spec's error array (schemas in tests/open311/schemas/ check the full shapes).
_ERRORS = {
    "type": "array",
    "items": {
        "type": "object",
        "required": ["code", "description"],
        "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
    },
}
_XML = {"text/xml": {"schema": {"type": "string"}}}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "JSON 或 XML 文档", "content": {"application/json": {}, **_XML}},
    **{
        status: {
            "description": description,
            "content": {"application/json": {"schema": _ERRORS}, **_XML},
        }
        for status, description in (
            (400, "请求不正确"),
            (403, "缺少或无效的 api_key"),
            (404, "不存在"),
        )
    },
}

router = APIRouter(
    prefix=PREFIX,
    tags=["open311"],
    route_class=Open311Route,
    default_response_class=Response,
    responses=RESPONSES,
)

Fmt = Annotated[str, Path(max_length=8, description="json 或 xml")]
Jurisdiction = Annotated[
    str | None,
    Query(max_length=100, description="可选；本平台只服务郴州市（默认 chenzhou.gov.cn）"),
]
Id = Annotated[str, Path(max_length=24, description="诉求编号，如 JY20261127000123")]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def _read(request: Request, fn: Callable[[Session], T]) -> T:
    """One read-only unit of work; GETs ignore any Authorization header (they are public)."""
    work = Work(request.app.state.database, write=False, token=None)
    return await work.public(lambda session, _actor: fn(session))


@router.get("/discovery.{fmt}", summary="Service discovery")
async def discovery(request: Request, fmt: Fmt, jurisdiction_id: Jurisdiction = None) -> Response:
    f = parse_format(fmt)
    settings = _settings(request)
    views.check_jurisdiction(settings, jurisdiction_id)
    url = str(request.base_url).rstrip("/") + PREFIX
    return render(f, "discovery", views.discovery(settings, url))


@router.get("/services.{fmt}", summary="GET Service List")
async def services(request: Request, fmt: Fmt, jurisdiction_id: Jurisdiction = None) -> Response:
    """Second-level categories as services, grouped by their first level."""
    f = parse_format(fmt)
    views.check_jurisdiction(_settings(request), jurisdiction_id)
    return render(f, "services", await _read(request, views.service_list))


@router.get("/services/{service_code}.{fmt}", summary="GET Service Definition")
async def service_definition(
    request: Request,
    service_code: Annotated[str, Path(max_length=8)],
    fmt: Fmt,
    jurisdiction_id: Jurisdiction = None,
) -> Response:
    f = parse_format(fmt)
    views.check_jurisdiction(_settings(request), jurisdiction_id)
    document = await _read(request, lambda s: views.service_definition(s, service_code))
    return render(f, "service_definition", document)


@router.post("/requests.{fmt}", summary="POST Service Request")
async def post_request(request: Request, fmt: Fmt) -> Response:
    """Form-encoded: ``api_key``, ``service_code``, a location (``lat``/``long``,
    ``address_string`` or ``address_id`` = a region code), ``attribute[CODE]``,
    ``description`` (≤ 4,000 characters), ``phone``, ``first_name``, ``last_name``,
    ``media_url``. Goes through the normal intake with channel ``open311``."""
    f = parse_format(fmt)
    async with request.form() as form:
        posted = Posted.of([(k, v) for k, v in form.multi_items() if isinstance(v, str)])
    views.check_jurisdiction(_settings(request), posted.get("jurisdiction_id"))
    api_key = api_key_of(posted, _bearer(request))
    now = utcnow()
    work = Work(request.app.state.database, write=True, token=api_key)
    prepared = await work.read_first(lambda s: prepare(s, posted, api_key=api_key, now=now))

    def store(session: Session, actor: User | None) -> dict[str, object]:
        if actor is None:  # an api_key was given, so the unit of work resolved it or refused
            raise Unauthenticated("api_key 无效")
        return submit(session, actor, prepared, now=now)

    # `public`, not `staff`: the token is resolved the same way, and a partner's token that
    # may only submit cases is good here too.
    document = await work.public(store)
    return render(f, "service_requests", [document])


@router.get("/requests.{fmt}", summary="GET Service Requests")
async def list_requests(
    request: Request,
    fmt: Fmt,
    jurisdiction_id: Jurisdiction = None,
    service_request_id: Annotated[str | None, Query(max_length=30_000)] = None,
    service_code: Annotated[str | None, Query(max_length=1000)] = None,
    start_date: Annotated[str | None, Query(max_length=40)] = None,
    end_date: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[str | None, Query(max_length=40)] = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=views.MAX_ROWS)] = views.MAX_ROWS,
    extensions: bool = False,
) -> Response:
    """Newest first. Defaults: the last 90 days, 1,000 requests. ``service_request_id`` (a
    comma list) overrides every other filter; ``page``/``page_size`` page through the rest;
    ``extensions=true`` adds the public update history (``notes``)."""
    f = parse_format(fmt)
    views.check_jurisdiction(_settings(request), jurisdiction_id)
    now = utcnow()
    query = views.request_query(
        service_request_id=service_request_id,
        service_code=service_code,
        start_date=start_date,
        end_date=end_date,
        status=status,
        page=page,
        page_size=page_size,
        extensions=extensions,
        now=now,
    )
    documents = await _read(request, lambda s: views.request_list(s, query, now=now))
    return render(f, "service_requests", documents)


@router.get("/requests/{service_request_id}.{fmt}", summary="GET Service Request")
async def get_request(
    request: Request,
    service_request_id: Id,
    fmt: Fmt,
    jurisdiction_id: Jurisdiction = None,
    extensions: bool = False,
) -> Response:
    f = parse_format(fmt)
    views.check_jurisdiction(_settings(request), jurisdiction_id)
    now = utcnow()
    documents = await _read(
        request,
        lambda s: views.request_one(s, service_request_id, extensions=extensions, now=now),
    )
    return render(f, "service_requests", documents)


@router.get("/tokens/{token}.{fmt}", summary="GET service_request_id from a token")
async def token(
    request: Request, token: Id, fmt: Fmt, jurisdiction_id: Jurisdiction = None
) -> Response:
    f = parse_format(fmt)
    views.check_jurisdiction(_settings(request), jurisdiction_id)
    return render(
        f, "service_requests", await _read(request, lambda s: views.token_lookup(s, token))
    )


@router.api_route(
    "/{rest:path}",
    methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
    include_in_schema=False,
)
async def unknown(rest: str) -> Response:
    """Anything else under the prefix: the spec's 404, not the API's ``{"error": …}``."""
    raise NotFound(f"没有这一 Open311 资源：{rest}", code="not_found")
