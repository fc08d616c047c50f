"""Rows to response schemas, and the campaign page's read side (completion by village and
township, the grids, the state of the campaign)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.patrol import repository
from jieyou.patrol.figures import Counts, Figures
from jieyou.patrol.models import (
    ACTIVITY_LABELS,
    FINDING_LABELS,
    SETTLE_METHOD_LABELS,
    ActivityKind,
    Campaign,
    Finding,
    SettleMethod,
)
from jieyou.patrol.repository import ActivityRow, Completion, GridRow, PatrolRow, SettlementRow
from jieyou.patrol.schemas import (
    ActivityRead,
    CampaignDetail,
    CampaignGridRead,
    CampaignRead,
    CompletionRead,
    FigureRow,
    FiguresRead,
    PatrolRead,
    SettlementRead,
)
from jieyou.regions.models import PATH_LENGTH, Level

VILLAGE = PATH_LENGTH[Level.village]
TOWNSHIP = PATH_LENGTH[Level.township]
CAMPAIGN_STATES = {
    "upcoming": "未开始",
    "open": "进行中",
    "overdue": "已超期",
    "done": "已完成",
}


def patrol_read(row: PatrolRow) -> PatrolRead:
    p = row.patrol
    return PatrolRead(
        id=p.id,
        lane_code=p.lane_code,
        lane_name=row.lane_name,
        patrolled_on=p.patrolled_on,
        households_visited=p.households_visited,
        finding=p.finding,
        finding_label=FINDING_LABELS[Finding(p.finding)],
        note=p.note,
        recorded_by=row.recorded_by,
        case_number=row.case_number,
        case_status=row.case_status,
        settled_on_spot=row.settled_on_spot,
        created_at=p.created_at,
    )


def settlement_read(row: SettlementRow) -> SettlementRead:
    s = row.settlement
    return SettlementRead(
        case_number=row.case_number,
        case_status=row.case_status,
        region_code=s.region_code,
        settled_on=s.settled_on,
        method=s.method,
        method_label=SETTLE_METHOD_LABELS[SettleMethod(s.method)],
        outcome=s.outcome,
        settled_by=row.settled_by,
    )


def activity_read(row: ActivityRow) -> ActivityRead:
    a = row.activity
    return ActivityRead(
        id=a.id,
        kind=a.kind,
        kind_label=ACTIVITY_LABELS[ActivityKind(a.kind)],
        held_on=a.held_on,
        region_code=a.region_code,
        region_name=row.region_name,
        topic=a.topic,
        attendance=a.attendance,
        note=a.note,
        recorded_by=row.recorded_by,
    )


def campaign_state(campaign: Campaign, done: Completion, today: date) -> str:
    if done.grids_total and done.grids_reported == done.grids_total:
        return "done"
    if today < campaign.starts_on:
        return "upcoming"
    return "overdue" if today > campaign.due_on else "open"


def _campaign_read(
    campaign: Campaign, region_name: str, done: Completion, today: date
) -> dict[str, Any]:
    done.past_due = today > campaign.due_on
    state = campaign_state(campaign, done, today)
    return {
        "id": campaign.id,
        "title": campaign.title,
        "description": campaign.description,
        "region_code": campaign.region_code,
        "region_name": region_name,
        "starts_on": campaign.starts_on,
        "due_on": campaign.due_on,
        "state": state,
        "state_label": CAMPAIGN_STATES[state],
        "grids_total": done.grids_total,
        "grids_reported": done.grids_reported,
        "late": done.late,
    }


def campaign_list(session: Session, actor: User, today: date) -> list[CampaignRead]:
    return [
        CampaignRead(**_campaign_read(c, name, done, today))
        for c, name, done in repository.campaigns(session, actor)
    ]


def _completion(row: Completion) -> CompletionRead:
    return CompletionRead(
        code=row.code.ljust(12, "0") if len(row.code) < VILLAGE else row.code,
        name=row.name,
        grids_total=row.grids_total,
        grids_reported=row.grids_reported,
        late=row.late,
        households_covered=row.households_covered,
        disputes_found=row.disputes_found,
        hazards_found=row.hazards_found,
        patrols=row.patrols,
        patrol_households=row.patrol_households,
        patrol_disputes=row.patrol_disputes,
    )


def campaign_detail(
    session: Session, actor: User, campaign: Campaign, today: date, *, grid_limit: int = 500
) -> CampaignDetail:
    past_due = today > campaign.due_on
    villages = repository.completion_by(session, campaign, VILLAGE)
    townships: dict[str, Completion] = {}
    overall = Completion(campaign.region_path, past_due=past_due)
    for row in villages.values():
        row.past_due = past_due
        town = townships.setdefault(row.code[:TOWNSHIP], Completion(row.code[:TOWNSHIP]))
        town.past_due = past_due
        town.add(row)
        overall.add(row)
    names = repository.region_names(session, [*villages, *townships, campaign.region_path])
    for row in [*villages.values(), *townships.values()]:
        row.name = names.get(row.code, row.code)
    grids = repository.campaign_grids(session, actor, campaign, limit=grid_limit)
    base = _campaign_read(campaign, names.get(campaign.region_path, ""), overall, today)
    return CampaignDetail(
        **base,
        villages=[_completion(v) for _, v in sorted(villages.items())],
        # One township's campaign needs no township table; a county's does.
        townships=[_completion(t) for _, t in sorted(townships.items())]
        if len(townships) > 1
        else [],
        grids=[
            CampaignGridRead(
                grid_code=g.grid.grid_code,
                grid_name=g.grid_name,
                village_name=names.get(g.grid.grid_path[:VILLAGE], ""),
                state=_grid_state(g, past_due),
                reported_at=g.grid.reported_at,
                reported_by=g.reported_by,
                households_covered=g.grid.households_covered,
                disputes_found=g.grid.disputes_found,
                hazards_found=g.grid.hazards_found,
                note=g.grid.note,
            )
            for g in grids
        ],
    )


def _grid_state(row: GridRow, past_due: bool) -> str:
    if row.grid.reported_at is not None:
        return "late" if row.grid.is_late else "reported"
    return "missing" if past_due else "waiting"


GRID_STATES = {"reported": "已上报", "late": "逾期上报", "missing": "逾期未报", "waiting": "待上报"}


def _figure_row(key: str, name: str, counts: Counts, **extra: str | None) -> FigureRow:
    return FigureRow(
        key=key,
        name=name,
        patrols=counts.patrols,
        households_visited=counts.households_visited,
        disputes_found=counts.disputes_found,
        hazards_found=counts.hazards_found,
        disputes_handled=counts.disputes_handled,
        settled_on_spot=counts.settled_on_spot,
        escalated=counts.escalated,
        publicity_sessions=counts.publicity_sessions,
        publicity_attendance=counts.publicity_attendance,
        other_activities=counts.other_activities,
        **extra,
    )


def figures_read(f: Figures, region_code: str) -> FiguresRead:
    village_names = {v.path: v.name for v in f.villages}
    return FiguresRead(
        region_code=region_code,
        region_name=f.region_name,
        date_from=f.date_from,
        date_to=f.date_to,
        people=[
            _figure_row(
                p.username,
                p.name,
                p,
                role=p.role,
                village=village_names.get(p.region_path[:VILLAGE]),
            )
            for p in f.people
        ],
        villages=[_figure_row(v.path, v.name, v) for v in f.villages],
        total=_figure_row(f.region_path, f.region_name, f.total),
    )
