"""The read side of Open311: discovery, services and their definitions, and service requests
as anyone may see them (see :mod:`jieyou.open311.privacy`).

Documents are plain lists and dicts in the spec's field order; :mod:`jieyou.open311.formats`
writes them as JSON or XML. Datetimes are local (+08:00); codes and ids are strings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from jieyou.cases.models import Case, CaseEvent
from jieyou.cases.states import ACTION_LABELS, OPEN_STATUSES, STATUS_LABELS, Action, Status
from jieyou.cases.views import public_text
from jieyou.classify.keywords import KEYWORDS
from jieyou.config import Settings
from jieyou.deadlines.service import deadline_state
from jieyou.errors import NotFound
from jieyou.open311 import privacy, repository
from jieyou.open311.attributes import attributes_for, parse_datetime
from jieyou.open311.errors import bad_request
from jieyou.open311.formats import MEDIA_TYPES, Format
from jieyou.open311.repository import RequestFilter
from jieyou.open311.service import REQUEST_ID_RE, SERVICE_CODE_RE, service_of
from jieyou.routing.models import TIER_LABELS, Tier
from jieyou.timefmt import to_local

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When the services or their definitions last changed (discovery's "changeset").
CHANGESET = "2026-11-27T00:00:00+08:00"
WINDOW = timedelta(days=90)  # the spec's default span, and the longest allowed
MAX_ROWS = 1000  # the spec's default limit, and the largest page
MAX_IDS = 1000
MAX_DESCRIPTION = 4000
UNCATEGORISED = "待分类"


def jurisdiction_of(settings: Settings) -> str:
    return settings.open311.jurisdiction_id


def check_jurisdiction(settings: Settings, given: str | None) -> None:
    """The parameter is optional (we serve one jurisdiction); a different one is a 404."""
    if given and given.strip() and given.strip() != jurisdiction_of(settings):
        raise NotFound(f"jurisdiction_id {given.strip()} 不存在", code="unknown_jurisdiction")


def local_iso(value: datetime | None) -> str | None:
    return None if value is None else to_local(value).isoformat(timespec="seconds")


# --- discovery and services ------------------------------------------------------------------


def discovery(settings: Settings, endpoint_url: str) -> dict[str, Any]:
    kind = "test" if settings.environment in ("development", "test") else "production"
    return {
        "changeset": CHANGESET,
        "contact": "郴州市矛盾纠纷调处化解中心（解忧平台）",
        "key_service": (
            "提交诉求需要 api_key：由平台管理员为工作人员或合作方账号签发令牌"
            "（jieyou tokens create）。查询无需 api_key。"
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": endpoint_url,
                "changeset": CHANGESET,
                "type": kind,
                "formats": [MEDIA_TYPES[Format.xml].split(";")[0], "application/json"],
            }
        ],
    }


def service_list(session: Session) -> list[dict[str, Any]]:
    return [
        {
            "service_code": category.code,
            "service_name": category.name,
            "description": (
                f"{parent.name}·{category.name}，"
                f"由{TIER_LABELS[Tier(category.default_tier)]}受理、分级办理"
            ),
            "metadata": bool(attributes_for(category.code)),
            "type": "realtime",
            "keywords": ", ".join(KEYWORDS.get(category.code, ())),
            "group": parent.name,
        }
        for category, parent in repository.services(session)
    ]


def service_definition(session: Session, code: str) -> dict[str, Any]:
    category = service_of(session, code)
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": attribute.code,
                "datatype": attribute.datatype.value,
                "required": attribute.required,
                "datatype_description": attribute.datatype_description,
                "order": order,
                "description": attribute.description,
                "values": [{"key": v.key, "name": v.name} for v in attribute.values],
            }
            for order, attribute in enumerate(attributes_for(category.code), start=1)
        ],
    }


# --- service requests ------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestQuery:
    filter: RequestFilter
    extensions: bool


def _comma_list(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def request_query(
    *,
    service_request_id: str | None,
    service_code: str | None,
    start_date: str | None,
    end_date: str | None,
    status: str | None,
    page: int,
    page_size: int,
    extensions: bool,
    now: datetime,
) -> RequestQuery:
    """The spec's GET requests parameters, with its defaults: the last 90 days, at most
    1,000 requests; a window of more than 90 days is refused. ``service_request_id``
    overrides everything else."""
    numbers = _comma_list(service_request_id)
    if numbers:
        if len(numbers) > MAX_IDS:
            raise bad_request(f"service_request_id 一次最多 {MAX_IDS} 个")
        malformed = [n for n in numbers if not REQUEST_ID_RE.match(n)]
        if malformed:
            raise bad_request(f"service_request_id 格式不正确：{malformed[0][:30]}")
        return RequestQuery(RequestFilter(numbers=numbers), extensions)
    errors = []
    codes = _comma_list(service_code)
    if any(not SERVICE_CODE_RE.match(code) for code in codes):
        errors.append("service_code 应为类别代码（数字），可用逗号分隔")
    states = set(_comma_list(status))
    if states - {"open", "closed"}:
        errors.append("status 取值应为 open、closed（可用逗号分隔）")
    start = end = None
    for name, text in (("start_date", start_date), ("end_date", end_date)):
        if text:
            try:
                moment = parse_datetime(text)
            except ValueError as exc:
                errors.append(f"{name}：{exc}")
                continue
            if name == "start_date":
                start = moment
            else:
                end = moment
    if errors:
        raise bad_request(*errors)
    # Within 1900–2200 (parse_datetime), so 90 days either way cannot overflow.
    if start is None and end is None:
        start, end = now - WINDOW, now
    elif start is None:
        assert end is not None
        start = end - WINDOW
    elif end is None:
        end = start + WINDOW
    if end < start:
        raise bad_request("end_date 不能早于 start_date")
    if end - start > WINDOW:
        raise bad_request("start_date 与 end_date 的跨度不能超过 90 天")
    return RequestQuery(
        RequestFilter(
            service_codes=codes,
            start=start,
            end=end,
            states=frozenset(states),
            page=page,
            page_size=page_size,
        ),
        extensions,
    )


def request_list(session: Session, query: RequestQuery, *, now: datetime) -> list[dict[str, Any]]:
    cases = repository.find_cases(session, query.filter)
    return requests_of(session, cases, extensions=query.extensions, now=now)


def request_one(
    session: Session, number: str, *, extensions: bool, now: datetime
) -> list[dict[str, Any]]:
    case = repository.case_by_number(session, number) if REQUEST_ID_RE.match(number) else None
    if case is None:
        raise NotFound(f"service_request_id {number} 不存在", code="case_not_found")
    return requests_of(session, [case], extensions=extensions, now=now)


def token_lookup(session: Session, token: str) -> list[dict[str, Any]]:
    """Every service is ``realtime``: a request's id is known at once and doubles as its
    token, so a client that always asks for one still gets an answer."""
    case = repository.case_by_number(session, token) if REQUEST_ID_RE.match(token) else None
    if case is None:
        raise NotFound(f"token {token} 不存在", code="token_not_found")
    return [{"service_request_id": case.number, "token": token}]


@dataclass(frozen=True)
class _Lookups:
    """Everything a page of requests needs besides the cases, each fetched once."""

    places: dict[int, list[str]]
    region_names: dict[str, str]
    units: dict[int, str]
    categories: dict[str, str]
    parties: dict[int, list[str]]
    closing: dict[int, CaseEvent]
    history: dict[int, list[CaseEvent]]


def requests_of(
    session: Session, cases: Sequence[Case], *, extensions: bool, now: datetime
) -> list[dict[str, Any]]:
    """Cases as public service requests; the same few queries for 1 or 1,000 cases."""
    ids = [c.id for c in cases]
    places = {c.id: privacy.place_codes(c.region_path) for c in cases}
    lookups = _Lookups(
        places=places,
        region_names=repository.region_names(
            session, {code for codes in places.values() for code in codes}
        ),
        units=repository.unit_names(
            session, {c.assigned_unit_id or c.owner_unit_id for c in cases}
        ),
        categories=repository.category_names(session) if cases else {},
        parties=repository.party_names(session, ids),
        closing=repository.closing_events(
            session, [c.id for c in cases if c.status in (Status.rejected, Status.closed)]
        ),
        history=repository.public_events(session, ids) if extensions else {},
    )
    return [_document(case, lookups, extensions=extensions, now=now) for case in cases]


def _document(case: Case, lookups: _Lookups, *, extensions: bool, now: datetime) -> dict[str, Any]:
    people = [n for n in (case.submitter_name, *lookups.parties.get(case.id, [])) if n]

    def scrub(text: str | None) -> str:
        return privacy.redact(text, names=people, address=case.address)

    published = privacy.is_public_matter(case.category_code, case.risk_level)
    place = lookups.places[case.id]
    unit_id = case.assigned_unit_id or case.owner_unit_id
    document: dict[str, Any] = {
        "service_request_id": case.number,
        "status": "open" if Status(case.status) in OPEN_STATUSES else "closed",
        "status_notes": _status_notes(case, lookups.closing.get(case.id), scrub, published),
        "service_name": lookups.categories.get(case.category_code or "", UNCATEGORISED),
        "service_code": case.category_code,
        "description": _clipped(scrub(case.description)) if published else None,
        "agency_responsible": lookups.units.get(unit_id),
        "service_notice": None,
        "requested_datetime": local_iso(case.created_at),
        "updated_datetime": local_iso(case.updated_at),
        "expected_datetime": local_iso(deadline_state(case, now).resolve_by),
        "address": "".join(lookups.region_names.get(code, "") for code in place) or None,
        "address_id": place[-1],
        "zipcode": None,
        "lat": privacy.rounded(case.lat) if published else None,
        "long": privacy.rounded(case.lng) if published else None,
        "media_url": None,
    }
    if extensions:
        document["extended_attributes"] = {
            "jieyou_status": case.status,
            "status_label": STATUS_LABELS[Status(case.status)],
        }
        document["notes"] = [
            {
                "datetime": local_iso(event.at),
                "description": _note_text(event, scrub, published),
                "type": event.action,
            }
            for event in lookups.history.get(case.id, [])
        ]
    return document


def _clipped(text: str) -> str:
    """The spec limits descriptions to 4,000 characters; the web form takes 5,000."""
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"


# Public events whose text carries what staff wrote (a reason, a reply).
FREE_TEXT_ACTIONS = frozenset({Action.reject, Action.resolve})


def _note_text(event: CaseEvent, scrub: Callable[[str | None], str], published: bool) -> str:
    """The resident's timeline text, masked; only the action's name where the text is
    staff's own words about a case whose texts are withheld."""
    if not published and Action(event.action) in FREE_TEXT_ACTIONS:
        return ACTION_LABELS[Action(event.action)]
    return scrub(public_text(event))


def _status_notes(
    case: Case,
    closing: CaseEvent | None,
    scrub: Callable[[str | None], str],
    published: bool,
) -> str:
    """The state in words, and why it is closed: the reply, the reason for not accepting it,
    or the case it was merged into. Replies and reasons are withheld with the description."""
    label = STATUS_LABELS[Status(case.status)]
    if closing is not None and closing.action == Action.merge:
        return f"{label}：与诉求 {closing.data.get('into', '')} 为同一事项，已合并办理"
    if not published:
        return label
    if case.status in (Status.resolved, Status.closed) and case.reply:
        return f"{label}。答复：{scrub(case.reply)}"
    if closing is not None and closing.action == Action.reject and closing.note:
        return f"{label}：{scrub(closing.note)}"
    return label
