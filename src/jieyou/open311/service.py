"""POST requests: a GeoReport v2 submission read, checked and handed to the normal intake
(classification, risk, duplicates, routing, deadlines) with channel ``open311``.

Two phases, like ``POST /api/v1/cases``: :func:`prepare` reads only (the api_key, the service,
the attributes, the place, then :func:`jieyou.cases.intake.analyse`), so the CPU-heavy reading
of the text happens before the write lock; :func:`submit` stores the case in the request's
unit of work.

What is kept: the description, the place (region; ``address_string`` as the case's address;
lat/long), the submitter's name and phone, the service as the category. The attributes and a
``media_url`` go into one staff-only comment on the case (the URL is never fetched: no
server-side request to an address a client chose). ``email``, ``device_id`` and
``account_id`` are not stored: residents are reached by phone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from pydantic import ValidationError
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.accounts.service import user_for_token
from jieyou.cases.events import record_event
from jieyou.cases.intake import Analysis, analyse, submit_case
from jieyou.cases.models import Case, Channel
from jieyou.cases.schemas import CaseCreate, normalise_mobile
from jieyou.cases.states import Action
from jieyou.errors import NotFound, Unauthenticated
from jieyou.open311 import attributes as attrs
from jieyou.open311 import places
from jieyou.open311.errors import bad_request, from_validation
from jieyou.open311.repository import regions_for_matching
from jieyou.regions.service import require_region
from jieyou.routing.models import Category, Unit
from jieyou.timefmt import local_text

MAX_DESCRIPTION = 4000  # the spec's limit
MIN_DESCRIPTION = 5  # CaseCreate's
MAX_ADDRESS = 200
MAX_NAME = 40
MAX_MEDIA_URL = 500
SERVICE_CODE_RE = re.compile(r"^[0-9]{2,8}$")
REQUEST_ID_RE = re.compile(r"^JY[0-9]{14}$")
REGION_CODE_RE = re.compile(r"^\d{12}(?:\d{2}){0,2}$")
ATTRIBUTE_RE = re.compile(r"^attribute\[([^\[\]]{1,40})\](?:\[\])?$")
URGENT_MARK = "【紧急】"
# Control characters other than tab and line breaks: never meant, and NUL is refused by
# PostgreSQL itself.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Posted:
    """The form of one POST, as lists of values per field (empty values dropped: the spec
    treats an empty parameter as one not sent)."""

    fields: dict[str, list[str]]
    attributes: dict[str, list[str]]

    @classmethod
    def of(cls, items: Sequence[tuple[str, str]]) -> Posted:
        fields: dict[str, list[str]] = {}
        attributes: dict[str, list[str]] = {}
        for key, value in items:
            match = ATTRIBUTE_RE.match(key)
            if match:
                attributes.setdefault(match.group(1), []).append(value)
            elif value.strip():
                fields.setdefault(key, []).append(value.strip())
        return cls(fields, attributes)

    def get(self, name: str) -> str | None:
        values = self.fields.get(name)
        return values[0] if values else None


@dataclass(frozen=True)
class Prepared:
    data: CaseCreate
    analysis: Analysis
    attributes: dict[str, attrs.AttributeValue]
    media_url: str | None


def api_key_of(posted: Posted, bearer: str | None) -> str:
    """The ``api_key`` field, or a bearer token; 403 without either."""
    key = posted.get("api_key") or bearer
    if not key:
        raise Unauthenticated("缺少 api_key：请提供工作人员或合作方的令牌")
    return key


@dataclass(frozen=True)
class Fields:
    """The checked fields of one submission."""

    service_code: str
    description: str
    phone: str
    name: str | None
    lat: float | None
    lng: float | None
    address: str | None
    address_id: str | None
    media_url: str | None
    attributes: dict[str, attrs.AttributeValue]


def prepare(session: Session, posted: Posted, *, api_key: str, now: datetime) -> Prepared:
    """Check everything and read the text; writes nothing. 403, then 404, then 400."""
    try:
        actor = user_for_token(session, api_key, now=now)
    except Unauthenticated:
        raise Unauthenticated("api_key 无效、已过期或已吊销") from None
    service_code = posted.get("service_code")
    if service_code is not None:
        service_of(session, service_code)  # 404 before the 400s
    fields = check_fields(posted)
    region_code = _region_code(session, actor, address_id=fields.address_id, address=fields.address)
    urgent = fields.attributes.get(attrs.URGENT.code) == "yes"
    try:
        data = CaseCreate(
            description=fields.description,
            title=_urgent_title(fields.description) if urgent else None,
            region_code=region_code,
            address=fields.address,
            lat=fields.lat,
            lng=fields.lng,
            submitter={"name": fields.name, "phone": fields.phone},
            category_code=fields.service_code,
            channel=Channel.open311,
        )
    except ValidationError as exc:
        raise from_validation(exc.errors()) from None
    return Prepared(data, analyse(session, data, now=now), fields.attributes, fields.media_url)


def check_fields(posted: Posted) -> Fields:
    """Every field and attribute checked; one 400 naming every problem."""
    errors = [
        f"{name} 含有不可见的控制字符"
        for name, values in (
            *posted.fields.items(),
            *((f"attribute[{code}]", v) for code, v in posted.attributes.items()),
        )
        if any(CONTROL_RE.search(value) for value in values)
    ]
    service_code = posted.get("service_code")
    if service_code is None:
        errors.append("service_code 为必填项")
    description = posted.get("description")
    if description is None:
        errors.append("description（诉求内容）为必填项")
    elif len(description) > MAX_DESCRIPTION:
        errors.append(f"description 最多 {MAX_DESCRIPTION} 个字符")
    elif len(description) < MIN_DESCRIPTION:
        errors.append(f"description 至少 {MIN_DESCRIPTION} 个字符")
    phone = _phone(posted.get("phone"), errors)
    name = _name(posted.get("first_name"), posted.get("last_name"), errors)
    lat, lng = _coordinates(posted.get("lat"), posted.get("long"), errors)
    address = posted.get("address_string")
    if address is not None and len(address) > MAX_ADDRESS:
        errors.append(f"address_string 最多 {MAX_ADDRESS} 个字符")
    address_id = posted.get("address_id")
    if address_id is not None and not REGION_CODE_RE.match(address_id):
        errors.append("address_id 应为 12、14 或 16 位行政区划代码")
    if lat is None and address is None and address_id is None and not _has_coordinates(posted):
        errors.append("需要位置：lat 和 long、address_string 或 address_id 至少提供一项")
    media_url = _media_url(posted.get("media_url"), errors)
    values: dict[str, attrs.AttributeValue] = {}
    if service_code is not None:
        try:
            values = attrs.check_attributes(service_code, posted.attributes)
        except attrs.AttributeErrors as exc:
            errors.extend(exc.messages)
    if errors or service_code is None or description is None or phone is None:
        raise bad_request(*errors)
    return Fields(
        service_code=service_code,
        description=description,
        phone=phone,
        name=name,
        lat=lat,
        lng=lng,
        address=address,
        address_id=address_id,
        media_url=media_url,
        attributes=values,
    )


def submit(
    session: Session, actor: User, prepared: Prepared, *, now: datetime
) -> dict[str, object]:
    """Store the case through the normal intake; the spec's POST response."""
    case = submit_case(
        session, data=prepared.data, actor=actor, now=now, analysis=prepared.analysis
    )
    note = _extras_note(prepared)
    if note is not None:
        record_event(
            session,
            case,
            Action.comment,
            actor=actor,
            note=note,
            data={
                "open311": {
                    "attributes": prepared.attributes,
                    "media_url": prepared.media_url,
                }
            },
            now=now,
        )
    return {
        "service_request_id": case.number,
        "service_notice": service_notice(session, case),
        "account_id": None,
    }


def service_notice(session: Session, case: Case) -> str:
    """For the client to show the resident: the number, the query code they need to follow
    and rate the case (it is not sent by SMS), who handles it and by when."""
    owner = session.get(Unit, case.owner_unit_id)
    deadline = f"，办结时限 {local_text(case.resolve_by)}" if case.resolve_by else ""
    return (
        f"诉求已登记，编号 {case.number}，查询码 {case.query_code}"
        f"（请转告反映人，凭编号和查询码可查询进度、评价办理结果）。"
        f"由{owner.name if owner else '受理单位'}受理{deadline}。"
    )


def service_of(session: Session, code: str) -> Category:
    """An active second-level category under an active parent: what we offer as a service."""
    if not SERVICE_CODE_RE.match(code):
        raise NotFound(f"service_code {code[:20]} 不存在", code="unknown_service")
    category = session.get(Category, code)
    parent = (
        session.get(Category, category.parent_code) if category and category.parent_code else None
    )
    if category is None or not category.is_active or parent is None or not parent.is_active:
        raise NotFound(f"service_code {code} 不存在", code="unknown_service")
    return category


def _phone(value: str | None, errors: list[str]) -> str | None:
    if value is None:
        errors.append("phone（反映人手机号）为必填项：办理结果通过短信和电话告知")
        return None
    try:
        return normalise_mobile(value)
    except ValueError as exc:
        errors.append(f"phone：{exc}")
        return None


def _name(first: str | None, last: str | None, errors: list[str]) -> str | None:
    if first is None and last is None:
        return None
    parts = [p for p in (last, first) if p]
    # Chinese names are family name first, without a space; others "first last".
    if any("\u4e00" <= ch <= "\u9fff" for p in parts for ch in p):
        name = "".join(parts)
    else:
        name = " ".join(p for p in (first, last) if p)
    if len(name) > MAX_NAME:
        errors.append(f"first_name 与 last_name 合计最多 {MAX_NAME} 个字符")
        return None
    return name


def _has_coordinates(posted: Posted) -> bool:
    return posted.get("lat") is not None or posted.get("long") is not None


def _coordinates(
    lat_text: str | None, lng_text: str | None, errors: list[str]
) -> tuple[float | None, float | None]:
    if lat_text is None and lng_text is None:
        return None, None
    if lat_text is None or lng_text is None:
        errors.append("lat 和 long 须同时提供")
        return None, None
    try:
        lat, lng = float(lat_text), float(lng_text)
    except ValueError:
        errors.append("lat、long 应为 WGS84 十进制度数")
        return None, None
    if not places.in_chenzhou(lat, lng):
        errors.append(f"lat/long（{lat_text}, {lng_text}）不在郴州市范围内")
        return None, None
    return lat, lng


def _media_url(value: str | None, errors: list[str]) -> str | None:
    if value is None:
        return None
    parts = urlsplit(value)
    if (
        len(value) > MAX_MEDIA_URL
        or parts.scheme not in ("http", "https")
        or not parts.netloc
        or any(ch.isspace() for ch in value)
    ):
        errors.append(f"media_url 应为 http(s) 地址，最多 {MAX_MEDIA_URL} 个字符")
        return None
    return value


def _region_code(
    session: Session, actor: User, *, address_id: str | None, address: str | None
) -> str:
    if address_id is not None:
        return require_region(session, address_id).code
    if address is not None:
        found = places.match_region(regions_for_matching(session), address)
        if found is not None:
            return found
    return actor.region_code


def _urgent_title(description: str) -> str:
    first = description.strip().splitlines()[0]
    room = 30 - len(URGENT_MARK)
    return URGENT_MARK + first[:room] + ("…" if len(first) > room else "")


def _extras_note(prepared: Prepared) -> str | None:
    definitions = {a.code: a for a in attrs.attributes_for(prepared.data.category_code or "")}
    parts = [attrs.describe(definitions[code], v) for code, v in prepared.attributes.items()]
    if prepared.media_url:
        parts.append(f"图片/媒体链接（未下载，请核实后查看）：{prepared.media_url}")
    return "Open311 附加信息：" + "；".join(parts) if parts else None
