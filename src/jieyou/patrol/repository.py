"""Queries over patrols, settlements, activities and campaigns: SQL only, no policy. Every
list takes the reader and applies the subtree scope of :mod:`jieyou.patrol.permissions`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy import case as when
from sqlalchemy.orm import QueryableAttribute, Session

from jieyou.accounts.models import Role, User
from jieyou.cases.models import Case
from jieyou.cases.states import Status
from jieyou.patrol.models import (
    Activity,
    Campaign,
    CampaignGrid,
    Finding,
    OnSpotSettlement,
    Patrol,
)
from jieyou.patrol.permissions import GRID, SEES_EVERYTHING, campaign_clause
from jieyou.regions.models import Region
from jieyou.regions.repository import subtree_clause


def last_patrols(session: Session, lane_codes: Collection[str]) -> dict[str, date]:
    """The latest patrol date of each lane; lanes never patrolled are absent.

    Used by the grid registry (a lane not walked for weeks shows as such); one grouped query
    over ``ix_patrols_lane_code_patrolled_on`` whatever the number of lanes.
    """
    if not lane_codes:
        return {}
    stmt = (
        select(Patrol.lane_code, func.max(Patrol.patrolled_on))
        .where(Patrol.lane_code.in_(list(lane_codes)))
        .group_by(Patrol.lane_code)
    )
    return {code: day for code, day in session.execute(stmt) if day is not None}


def _scope(column: QueryableAttribute[str], actor: User) -> ColumnElement[bool] | None:
    if Role(actor.role) in SEES_EVERYTHING:
        return None
    return subtree_clause(column, actor.region_path)


# --- patrols ----------------------------------------------------------------------------------


@dataclass
class PatrolRow:
    patrol: Patrol
    lane_name: str
    recorded_by: str
    case_number: str | None
    case_status: str | None
    settled_on_spot: bool


def patrols(
    session: Session,
    actor: User,
    *,
    mine: bool = False,
    patrol_id: int | None = None,
    region: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[PatrolRow]:
    """Patrols in the actor's subtree (or only their own), newest first, with what a list
    shows about each: one query whatever the length."""
    stmt = (
        select(
            Patrol, Region.name, User.display_name, Case.number, Case.status, OnSpotSettlement.id
        )
        .join(Region, Region.code == Patrol.lane_code)
        .join(User, User.id == Patrol.recorded_by_id)
        .outerjoin(Case, Case.id == Patrol.case_id)
        .outerjoin(OnSpotSettlement, OnSpotSettlement.case_id == Patrol.case_id)
    )
    clause = _scope(Patrol.lane_path, actor)
    if clause is not None:
        stmt = stmt.where(clause)
    if mine:
        stmt = stmt.where(Patrol.recorded_by_id == actor.id)
    if patrol_id is not None:
        stmt = stmt.where(Patrol.id == patrol_id)
    if region:
        stmt = stmt.where(subtree_clause(Patrol.lane_path, region))
    if date_from:
        stmt = stmt.where(Patrol.patrolled_on >= date_from)
    if date_to:
        stmt = stmt.where(Patrol.patrolled_on <= date_to)
    stmt = stmt.order_by(Patrol.patrolled_on.desc(), Patrol.id.desc()).limit(limit).offset(offset)
    return [
        PatrolRow(p, lane, who, number, status, settled is not None)
        for p, lane, who, number, status, settled in session.execute(stmt)
    ]


# --- settlements and cases at the lane ---------------------------------------------------------


@dataclass
class SettlementRow:
    settlement: OnSpotSettlement
    case_number: str
    case_status: str
    case_title: str
    settled_by: str


def settlements(
    session: Session,
    actor: User,
    *,
    case_id: int | None = None,
    mine: bool = False,
    limit: int = 50,
) -> list[SettlementRow]:
    stmt = (
        select(OnSpotSettlement, Case.number, Case.status, Case.title, User.display_name)
        .join(Case, Case.id == OnSpotSettlement.case_id)
        .join(User, User.id == OnSpotSettlement.settled_by_id)
    )
    clause = _scope(OnSpotSettlement.region_path, actor)
    if clause is not None:
        stmt = stmt.where(clause)
    if case_id is not None:
        stmt = stmt.where(OnSpotSettlement.case_id == case_id)
    if mine:
        stmt = stmt.where(OnSpotSettlement.settled_by_id == actor.id)
    stmt = stmt.order_by(OnSpotSettlement.settled_on.desc(), OnSpotSettlement.id.desc())
    return [
        SettlementRow(row, number or "", status, title, who)
        for row, number, status, title, who in session.execute(stmt.limit(limit))
    ]


def cases_to_handle(session: Session, actor: User, *, limit: int = 30) -> list[Case]:
    """Open cases assigned to the actor personally: what a chief may settle or escalate."""
    stmt = (
        select(Case)
        .where(
            Case.assigned_user_id == actor.id,
            Case.status.in_([Status.assigned.value, Status.in_progress.value]),
        )
        .order_by(Case.created_at.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


# --- activities -------------------------------------------------------------------------------


@dataclass
class ActivityRow:
    activity: Activity
    region_name: str
    recorded_by: str


def activities(
    session: Session,
    actor: User,
    *,
    mine: bool = False,
    kind: str | None = None,
    region: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[ActivityRow]:
    stmt = (
        select(Activity, Region.name, User.display_name)
        .join(Region, Region.code == Activity.region_code)
        .join(User, User.id == Activity.recorded_by_id)
    )
    clause = _scope(Activity.region_path, actor)
    if clause is not None:
        stmt = stmt.where(clause)
    if mine:
        stmt = stmt.where(Activity.recorded_by_id == actor.id)
    if kind:
        stmt = stmt.where(Activity.kind == kind)
    if region:
        stmt = stmt.where(subtree_clause(Activity.region_path, region))
    if date_from:
        stmt = stmt.where(Activity.held_on >= date_from)
    if date_to:
        stmt = stmt.where(Activity.held_on <= date_to)
    stmt = stmt.order_by(Activity.held_on.desc(), Activity.id.desc()).limit(limit).offset(offset)
    return [ActivityRow(a, name, who) for a, name, who in session.execute(stmt)]


# --- campaigns --------------------------------------------------------------------------------


@dataclass
class Completion:
    """Reports of a set of grids (a village, a township, a campaign), and the patrols made in
    those grids while the campaign ran (they count towards it too)."""

    code: str
    name: str = ""
    grids_total: int = 0
    grids_reported: int = 0
    reported_late: int = 0
    households_covered: int = 0
    disputes_found: int = 0
    hazards_found: int = 0
    patrols: int = 0
    patrol_households: int = 0
    patrol_disputes: int = 0
    # Set by the reader: the campaign is past due, so every missing report is late too.
    past_due: bool = False

    @property
    def late(self) -> int:
        missing = self.grids_total - self.grids_reported
        return self.reported_late + (missing if self.past_due else 0)

    def add(self, other: Completion) -> None:
        for name in (
            "grids_total",
            "grids_reported",
            "reported_late",
            "households_covered",
            "disputes_found",
            "hazards_found",
            "patrols",
            "patrol_households",
            "patrol_disputes",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def campaigns(session: Session, actor: User) -> list[tuple[Campaign, str, Completion]]:
    """Campaigns the actor may see, newest due first, with their overall completion: two
    queries whatever the number of campaigns."""
    stmt = select(Campaign, Region.name).join(Region, Region.code == Campaign.region_code)
    clause = campaign_clause(actor)
    if clause is not None:
        stmt = stmt.where(clause)
    rows = session.execute(stmt.order_by(Campaign.due_on.desc(), Campaign.id.desc())).all()
    ids = [c.id for c, _ in rows]
    counts: dict[int, Completion] = {}
    if ids:
        reported = CampaignGrid.reported_at.is_not(None)
        grouped = (
            select(
                CampaignGrid.campaign_id,
                func.count(),
                func.sum(when((reported, 1), else_=0)),
                func.sum(when((CampaignGrid.is_late, 1), else_=0)),
            )
            .where(CampaignGrid.campaign_id.in_(ids))
            .group_by(CampaignGrid.campaign_id)
        )
        for cid, total, done, late in session.execute(grouped):
            counts[cid] = Completion(
                str(cid), grids_total=total, grids_reported=done or 0, reported_late=late or 0
            )
    return [(c, name, counts.get(c.id, Completion(str(c.id)))) for c, name in rows]


def completion_by(session: Session, campaign: Campaign, length: int) -> dict[str, Completion]:
    """Completion per region at a level (``length`` = 12 for villages, 14 for grids): the grid
    reports and the campaign-period patrols, each one grouped query."""
    key = func.substr(CampaignGrid.grid_path, 1, length)
    reported = CampaignGrid.reported_at.is_not(None)
    stmt = (
        select(
            key,
            func.count(),
            func.sum(when((reported, 1), else_=0)),
            func.sum(when((CampaignGrid.is_late, 1), else_=0)),
            func.coalesce(func.sum(CampaignGrid.households_covered), 0),
            func.coalesce(func.sum(CampaignGrid.disputes_found), 0),
            func.coalesce(func.sum(CampaignGrid.hazards_found), 0),
        )
        .where(CampaignGrid.campaign_id == campaign.id)
        .group_by(key)
    )
    out: dict[str, Completion] = {}
    for code, total, done, late, households, disputes, hazards in session.execute(stmt):
        out[code] = Completion(
            code,
            grids_total=total,
            grids_reported=done or 0,
            reported_late=late or 0,
            households_covered=households,
            disputes_found=disputes,
            hazards_found=hazards,
        )
    pkey = func.substr(Patrol.lane_path, 1, length)
    patrol_stmt = (
        select(
            pkey,
            func.count(),
            func.coalesce(func.sum(Patrol.households_visited), 0),
            func.sum(when((Patrol.finding == Finding.dispute.value, 1), else_=0)),
        )
        .where(
            subtree_clause(Patrol.lane_path, campaign.region_path),
            Patrol.patrolled_on >= campaign.starts_on,
            Patrol.patrolled_on <= campaign.due_on,
        )
        .group_by(pkey)
    )
    for code, n, households, disputes in session.execute(patrol_stmt):
        row = out.get(code)
        if row is not None:  # grids drawn after the launch are not the campaign's
            row.patrols, row.patrol_households, row.patrol_disputes = n, households, disputes or 0
    return out


def region_names(session: Session, codes: Collection[str]) -> dict[str, str]:
    """Names of regions by path (official paths are padded to their 12-digit code)."""
    if not codes:
        return {}
    stmt = select(Region.path, Region.name).where(Region.path.in_(list(codes)))
    return {path: name for path, name in session.execute(stmt)}


@dataclass
class GridRow:
    grid: CampaignGrid
    grid_name: str
    reported_by: str | None


def campaign_grids(
    session: Session, actor: User, campaign: Campaign, *, limit: int = 500
) -> list[GridRow]:
    """The campaign's grids the actor can see, unreported first."""
    stmt = (
        select(CampaignGrid, Region.name, User.display_name)
        .join(Region, Region.code == CampaignGrid.grid_code)
        .outerjoin(User, User.id == CampaignGrid.reported_by_id)
        .where(CampaignGrid.campaign_id == campaign.id)
    )
    path = actor.region_path
    if not campaign.region_path.startswith(path):
        # Below the campaign's region: only the actor's own grids (a lane chief's one grid).
        own = (
            subtree_clause(CampaignGrid.grid_path, path)
            if len(path) <= GRID
            else CampaignGrid.grid_path == path[:GRID]
        )
        stmt = stmt.where(own)
    stmt = stmt.order_by(CampaignGrid.reported_at.is_not(None), CampaignGrid.grid_path)
    return [GridRow(g, name, who) for g, name, who in session.execute(stmt.limit(limit))]


def pending_reports(session: Session, actor: User) -> list[tuple[Campaign, str, str]]:
    """Campaign grids the actor answers for that have not reported yet: (campaign, grid code,
    grid name), soonest due first — the reminder on the chief's page."""
    path = actor.region_path
    own = (
        subtree_clause(CampaignGrid.grid_path, path)
        if len(path) <= GRID
        else CampaignGrid.grid_path == path[:GRID]
    )
    stmt = (
        select(Campaign, CampaignGrid.grid_code, Region.name)
        .join(CampaignGrid, CampaignGrid.campaign_id == Campaign.id)
        .join(Region, Region.code == CampaignGrid.grid_code)
        .where(own, CampaignGrid.reported_at.is_(None))
        .order_by(Campaign.due_on, CampaignGrid.grid_path)
        .limit(20)
    )
    return [(c, code, name) for c, code, name in session.execute(stmt)]
