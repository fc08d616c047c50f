"""The rules of lane-level work: recording a patrol, opening a case from it, settling a case on
the spot (小事不出巷), logging duties, launching a campaign and reporting a grid.

Services flush, never commit. A case opened from a patrol goes through the case engine
(``submit_case`` and ``record_event``), so it has its hash-chained events, deadlines and
notifications like any other; only the permission differs: lane chiefs may not ``accept``
cases in general, so :func:`open_case_from_patrol` holds its own rule — the chief accepts what
they themselves found on their own lane, and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.accounts.models import ROLE_LABELS, Role, User
from jieyou.cases.events import illegal, record_event
from jieyou.cases.intake import submit_case
from jieyou.cases.models import Case, Channel
from jieyou.cases.permissions import get_case_for
from jieyou.cases.schemas import CaseCreate, PartyIn, Submitter
from jieyou.cases.states import Action, Status
from jieyou.db import utcnow
from jieyou.errors import Conflict, Invalid, NotPermitted
from jieyou.patrol import permissions
from jieyou.patrol.models import (
    SETTLE_METHOD_LABELS,
    Activity,
    Campaign,
    CampaignGrid,
    Finding,
    OnSpotSettlement,
    Patrol,
    SettleMethod,
)
from jieyou.patrol.schemas import (
    ActivityCreate,
    CampaignCreate,
    GridReportIn,
    OnSpotIn,
    PatrolCaseIn,
    PatrolCreate,
    SettlementCreate,
)
from jieyou.regions.models import Level, Region
from jieyou.regions.repository import subtree_clause
from jieyou.routing.models import Unit
from jieyou.timefmt import to_local

# A record may be entered a while after the fact (no signal in the hills), not for long.
BACKDATE_DAYS = 60
HIGH_RISK = frozenset({"high", "critical"})
LAUNCH_LEVELS = frozenset({Level.city.value, Level.county.value, Level.township.value})


def local_today(now: datetime) -> date:
    return to_local(now).date()


def _day(value: date | None, now: datetime, field: str) -> date:
    today = local_today(now)
    day = value or today
    if day > today:
        raise Invalid("日期不能晚于今天", code="date_in_future", field=field)
    if day < today - timedelta(days=BACKDATE_DAYS):
        raise Invalid(f"只能补录 {BACKDATE_DAYS} 天内的记录", code="date_too_old", field=field)
    return day


@dataclass
class PatrolResult:
    patrol: Patrol
    case: Case | None = None
    settled: bool = False
    # Set when a high-risk case was left with the centre instead of kept at the lane.
    handed_up: bool = False


def record_patrol(
    session: Session, *, actor: User, data: PatrolCreate, now: datetime | None = None
) -> PatrolResult:
    now = now or utcnow()
    lane = permissions.place_for(
        session, actor, data.lane_code, levels=(Level.lane,), field="lane_code"
    )
    day = _day(data.patrolled_on, now, "patrolled_on")
    if lane.households is not None and data.households_visited > lane.households:
        raise Invalid(
            f"{lane.name}共 {lane.households} 户，走访户数不能超过",
            code="too_many_households",
            field="households_visited",
        )
    if data.finding != Finding.nothing and not data.note:
        raise Invalid("请简要说明发现的情况", code="missing_field", field="note")
    patrol = Patrol(
        lane_code=lane.code,
        lane_path=lane.path,
        patrolled_on=day,
        recorded_by_id=actor.id,
        households_visited=data.households_visited,
        finding=data.finding.value,
        note=data.note,
        created_at=now,
    )
    session.add(patrol)
    session.flush()
    result = PatrolResult(patrol)
    if data.case is not None:
        result = open_case_from_patrol(session, actor=actor, patrol=patrol, data=data.case, now=now)
    return result


def open_case_from_patrol(
    session: Session,
    *,
    actor: User,
    patrol: Patrol,
    data: PatrolCaseIn,
    now: datetime | None = None,
) -> PatrolResult:
    """Register what a patrol found as a case (channel ``patrol``) at the lane, accepted and
    assigned to the chief in the same transaction; settled at once if ``data.settle`` says how.

    A high-risk case (violence, self-harm, group action) is not kept at the lane: it stays
    with the owning centre, which intake has already alerted; settling it here is refused."""
    now = now or utcnow()
    permissions.require_recorder(actor)
    if patrol.recorded_by_id != actor.id:
        raise NotPermitted("只能为本人的排查记录登记诉求", code="not_your_patrol")
    if patrol.case_id is not None:
        raise Conflict("该排查记录已登记为诉求", code="patrol_has_case")
    if patrol.finding == Finding.nothing:
        raise Invalid("排查结果为无异常，无需登记诉求", code="nothing_found", field="finding")
    description = data.description or patrol.note
    if len(description) < 5:
        raise Invalid(
            "请写明纠纷情况（至少 5 个字）", code="missing_field", field="case.description"
        )
    body = CaseCreate(
        description=description,
        title=data.title,
        region_code=patrol.lane_code,
        submitter=Submitter(name=data.resident_name, phone=data.resident_phone),
        parties=[PartyIn(name=data.respondent_name)] if data.respondent_name else [],
        category_code=data.category_code,
        channel=Channel.patrol,
    )
    case = submit_case(session, data=body, actor=actor, now=now)
    patrol.case_id = case.id
    result = PatrolResult(patrol, case)
    if case.risk_level in HIGH_RISK:
        if data.settle is not None:
            raise Invalid(
                "该纠纷风险较高，不能当场化解：请只登记为诉求，由综治中心处置",
                code="too_risky_for_lane",
                field="case.settle",
            )
        result.handed_up = True
        session.flush()
        return result
    owner = session.get(Unit, case.owner_unit_id)
    assert owner is not None
    record_event(
        session,
        case,
        Action.accept,
        actor=actor,
        now=now,
        note="巷长排查发现，在巷道一级受理",
        data={"unit": owner.code, "unit_name": owner.name, "patrol": patrol.id, "level": "lane"},
        is_public=True,
    )
    case.accepted_at = case.updated_at
    unit = session.get(Unit, actor.unit_id) if actor.unit_id else None
    record_event(
        session,
        case,
        Action.assign,
        actor=actor,
        now=now,
        note="由发现人在巷道一级化解",
        data={
            "unit": unit.code if unit else None,
            "unit_name": unit.name if unit else ROLE_LABELS[Role(actor.role)],
            "user": actor.username,
        },
        is_public=True,
    )
    case.assigned_unit_id = unit.id if unit else None
    case.assigned_user_id = actor.id
    if data.settle is not None:
        _settle(session, actor=actor, case=case, how=data.settle, day=patrol.patrolled_on, now=now)
        result.settled = True
    session.flush()
    return result


def settle_on_spot(
    session: Session, *, actor: User, data: SettlementCreate, now: datetime | None = None
) -> OnSpotSettlement:
    """小事不出巷: the chief a case is assigned to resolves it at lane level, recording how.
    Checks in the fixed order: 404 (scope), 409 (state), 403 (the assignee), 422 (input)."""
    now = now or utcnow()
    case = get_case_for(session, actor, data.case_number, for_update=True)
    if case.status not in (Status.assigned, Status.in_progress):
        raise illegal(case, Action.resolve)
    if not permissions.may_record(actor) or case.assigned_user_id != actor.id:
        raise NotPermitted("只有承办该诉求的巷长、网格员可以当场化解", code="not_assignee")
    day = _day(data.settled_on, now, "settled_on")
    how = OnSpotIn(method=data.method, outcome=data.outcome)
    return _settle(session, actor=actor, case=case, how=how, day=day, now=now)


def _settle(
    session: Session, *, actor: User, case: Case, how: OnSpotIn, day: date, now: datetime
) -> OnSpotSettlement:
    method = SettleMethod(how.method)
    if case.status == Status.assigned:
        record_event(session, case, Action.start, actor=actor, now=now, note="当场化解")
    record_event(
        session,
        case,
        Action.resolve,
        actor=actor,
        now=now,
        note=f"小事不出巷：当场化解（{SETTLE_METHOD_LABELS[method]}）",
        data={
            "outcome": how.outcome,
            "reply": how.outcome,
            "on_spot": True,
            "method": method.value,
        },
        is_public=True,
    )
    case.outcome = how.outcome
    case.reply = how.outcome
    case.resolved_at = case.updated_at
    # The case's own place when it lies in the chief's area, else where the chief works.
    if case.region_path.startswith(actor.region_path):
        code, path = case.region_code, case.region_path
    else:
        code, path = actor.region_code, actor.region_path
    patrol_id = session.scalar(select(Patrol.id).where(Patrol.case_id == case.id))
    row = session.scalar(select(OnSpotSettlement).where(OnSpotSettlement.case_id == case.id))
    if row is None:  # settled again after the resident reopened it: the row says the latest
        row = OnSpotSettlement(case_id=case.id, created_at=now)
        session.add(row)
    row.patrol_id = patrol_id
    row.region_code = code
    row.region_path = path
    row.settled_by_id = actor.id
    row.settled_on = day
    row.method = method.value
    row.outcome = how.outcome
    session.flush()
    return row


def record_activity(
    session: Session, *, actor: User, data: ActivityCreate, now: datetime | None = None
) -> Activity:
    now = now or utcnow()
    place = permissions.place_for(
        session, actor, data.region_code, levels=(Level.lane, Level.grid), field="region_code"
    )
    activity = Activity(
        kind=data.kind.value,
        held_on=_day(data.held_on, now, "held_on"),
        region_code=place.code,
        region_path=place.path,
        recorded_by_id=actor.id,
        topic=data.topic,
        attendance=data.attendance,
        note=data.note,
        created_at=now,
    )
    session.add(activity)
    session.flush()
    return activity


def launch_campaign(
    session: Session, *, actor: User, data: CampaignCreate, now: datetime | None = None
) -> Campaign:
    """A township or county launches a campaign for every grid of its region, as they are
    today (the snapshot keeps an old campaign's figures still)."""
    now = now or utcnow()
    permissions.require_launcher(actor)
    region = session.get(Region, data.region_code or actor.region_code)
    if region is None or not region.path.startswith(actor.region_path):
        raise Invalid("部署范围不存在或不在您的辖区内", code="bad_region", field="region_code")
    if region.level not in LAUNCH_LEVELS:
        raise Invalid("专项排查须按乡镇（街道）或县部署", code="bad_region", field="region_code")
    starts_on = data.starts_on or local_today(now)
    if data.due_on < starts_on:
        raise Invalid("完成期限不能早于开始日期", code="due_before_start", field="due_on")
    grids = session.execute(
        select(Region.code, Region.path)
        .where(Region.level == Level.grid.value, subtree_clause(Region.path, region.path))
        .order_by(Region.path)
    ).all()
    if not grids:
        raise Invalid(f"{region.name}还没有划分网格", code="no_grids", field="region_code")
    campaign = Campaign(
        title=data.title,
        description=data.description,
        region_code=region.code,
        region_path=region.path,
        starts_on=starts_on,
        due_on=data.due_on,
        launched_by_id=actor.id,
        created_at=now,
    )
    session.add(campaign)
    session.flush()
    session.add_all(
        CampaignGrid(
            campaign_id=campaign.id, grid_code=code, grid_path=path, is_late=False, note=""
        )
        for code, path in grids
    )
    session.flush()
    return campaign


def report_grid(
    session: Session,
    *,
    actor: User,
    campaign_id: int,
    data: GridReportIn,
    now: datetime | None = None,
) -> CampaignGrid:
    """A grid's report on a campaign; sent again, it corrects the earlier one."""
    now = now or utcnow()
    campaign = permissions.campaign_for(session, actor, campaign_id)
    grid = permissions.grid_for_report(session, actor, data.grid_code)
    row = session.scalar(
        select(CampaignGrid)
        .where(CampaignGrid.campaign_id == campaign.id, CampaignGrid.grid_code == grid.code)
        .with_for_update()
    )
    if row is None:
        raise Invalid(
            f"{grid.name}不在本次专项排查范围内", code="grid_not_in_campaign", field="grid_code"
        )
    if local_today(now) < campaign.starts_on:
        raise Invalid("专项排查尚未开始", code="campaign_not_started", field="grid_code")
    row.reported_at = now
    row.is_late = local_today(now) > campaign.due_on
    row.reported_by_id = actor.id
    row.households_covered = data.households_covered
    row.disputes_found = data.disputes_found
    row.hazards_found = data.hazards_found
    row.note = data.note
    session.flush()
    return row


DEFAULT_PERIOD_DAYS = 30


def period(
    date_from: date | None, date_to: date | None, now: datetime | None = None
) -> tuple[date, date]:
    """The figures' period: the last 30 days up to today unless given."""
    today = local_today(now or utcnow())
    end = date_to or today
    start = date_from or end - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
    if start > end:
        raise Invalid("开始日期不能晚于结束日期", code="bad_period", field="from")
    return start, end
