"""履职统计: what lane chiefs, grid workers and village cadres did over a period, per person
and per village, in the reader's subtree.

Definitions (every count is over the period, by local date):

- 排查次数 ``patrols``, 走访户数 ``households_visited``: the person's patrol records.
- 发现纠纷 ``disputes_found`` / 发现隐患 ``hazards_found``: their patrols with that finding.
- 处理纠纷 ``disputes_handled``: distinct cases on which the person took a handling step —
  accepted it from a patrol, started, resolved or escalated it.
- 当场化解 ``settled_on_spot``: cases they settled at lane level (小事不出巷).
- 上报 ``escalated``: escalations they made (one tier up).
- 政策宣传 ``publicity_sessions`` and its attendance; ``other_activities``: other duties.

A village's row is the sum of the people placed in it (at the village, its grids or lanes), so
the village rows add up to the total and every number can be traced to a person.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jieyou.accounts.models import ROLE_LABELS, Role, User
from jieyou.cases.models import CaseEvent
from jieyou.cases.states import Action
from jieyou.patrol.models import Activity, ActivityKind, Finding, OnSpotSettlement, Patrol
from jieyou.patrol.permissions import RECORDING_ROLES
from jieyou.patrol.repository import region_names
from jieyou.regions.models import PATH_LENGTH, Level
from jieyou.regions.repository import subtree_clause
from jieyou.timefmt import local_zone

VILLAGE = PATH_LENGTH[Level.village]
HANDLING = (Action.accept, Action.start, Action.resolve, Action.escalate)
# People listed without any record in the period, so an idle chief shows as a row of zeros;
# beyond this many the list shows only those with records (a whole city has tens of thousands).
MAX_IDLE_PEOPLE = 500


@dataclass
class Counts:
    patrols: int = 0
    households_visited: int = 0
    disputes_found: int = 0
    hazards_found: int = 0
    disputes_handled: int = 0
    settled_on_spot: int = 0
    escalated: int = 0
    publicity_sessions: int = 0
    publicity_attendance: int = 0
    other_activities: int = 0

    def add(self, other: Counts) -> None:
        for f in fields(Counts):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @property
    def is_empty(self) -> bool:
        return not any(getattr(self, f.name) for f in fields(Counts))


@dataclass
class PersonFigures(Counts):
    user_id: int = 0
    username: str = ""
    name: str = ""
    role: str = ""
    region_path: str = ""


@dataclass
class PlaceFigures(Counts):
    path: str = ""
    name: str = ""


@dataclass
class Figures:
    region_path: str
    region_name: str
    date_from: date
    date_to: date
    people: list[PersonFigures]
    villages: list[PlaceFigures]
    total: PlaceFigures


def _bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The period's local days as a half-open UTC range, for timestamps."""
    zone = local_zone()
    start = datetime.combine(date_from, time(0), zone).astimezone(UTC)
    end = datetime.combine(date_to + timedelta(days=1), time(0), zone).astimezone(UTC)
    return start, end


def figures(
    session: Session,
    *,
    region_path: str,
    region_name: str,
    date_from: date,
    date_to: date,
) -> Figures:
    """Five grouped queries (patrols, settlements, activities, case events, people) and one
    for the village names, whatever the size of the region."""
    people: dict[int, PersonFigures] = {}

    def person(uid: int) -> PersonFigures:
        return people.setdefault(uid, PersonFigures(user_id=uid))

    patrol_q = (
        select(
            Patrol.recorded_by_id,
            func.count(),
            func.coalesce(func.sum(Patrol.households_visited), 0),
            func.sum(when((Patrol.finding == Finding.dispute.value, 1), else_=0)),
            func.sum(when((Patrol.finding == Finding.hazard.value, 1), else_=0)),
        )
        .where(Patrol.patrolled_on >= date_from, Patrol.patrolled_on <= date_to)
        .join(User, User.id == Patrol.recorded_by_id)
        .where(subtree_clause(User.region_path, region_path))
    ).group_by(Patrol.recorded_by_id)
    for uid, n, households, disputes, hazards in session.execute(patrol_q):
        p = person(uid)
        p.patrols, p.households_visited = n, households
        p.disputes_found, p.hazards_found = disputes or 0, hazards or 0

    settled_q = (
        select(OnSpotSettlement.settled_by_id, func.count())
        .where(OnSpotSettlement.settled_on >= date_from, OnSpotSettlement.settled_on <= date_to)
        .join(User, User.id == OnSpotSettlement.settled_by_id)
        .where(subtree_clause(User.region_path, region_path))
    ).group_by(OnSpotSettlement.settled_by_id)
    for uid, n in session.execute(settled_q):
        person(uid).settled_on_spot = n

    publicity = Activity.kind == ActivityKind.publicity.value
    activity_q = (
        select(
            Activity.recorded_by_id,
            func.sum(when((publicity, 1), else_=0)),
            func.coalesce(func.sum(when((publicity, Activity.attendance), else_=0)), 0),
            func.sum(when((publicity, 0), else_=1)),
        )
        .where(Activity.held_on >= date_from, Activity.held_on <= date_to)
        .join(User, User.id == Activity.recorded_by_id)
        .where(subtree_clause(User.region_path, region_path))
    ).group_by(Activity.recorded_by_id)
    for uid, sessions, attendance, others in session.execute(activity_q):
        p = person(uid)
        p.publicity_sessions, p.publicity_attendance = sessions or 0, attendance or 0
        p.other_activities = others or 0

    start, end = _bounds(date_from, date_to)
    # Driven by the lane-level people in scope (a few hundred ids at most per township), so
    # an index on case_events (actor_id, at) turns this into one range read per person;
    # without it the period filter reads the events table.
    lane_people = select(User.id).where(
        subtree_clause(User.region_path, region_path),
        User.role.in_([r.value for r in RECORDING_ROLES]),
    )
    events_q = (
        select(
            CaseEvent.actor_id,
            func.count(func.distinct(CaseEvent.case_id)),
            func.sum(when((CaseEvent.action == Action.escalate.value, 1), else_=0)),
        )
        .where(
            CaseEvent.actor_id.in_(lane_people),
            CaseEvent.at >= start,
            CaseEvent.at < end,
            CaseEvent.action.in_([a.value for a in HANDLING]),
        )
        .group_by(CaseEvent.actor_id)
    )
    for uid, handled, escalated in session.execute(events_q):
        p = person(uid)
        p.disputes_handled, p.escalated = handled, escalated or 0

    # Everyone who recorded something, plus the idle lane-level staff of a small region.
    users_q = select(User).where(subtree_clause(User.region_path, region_path))
    idle = select(func.count()).select_from(
        users_q.where(User.role.in_([r.value for r in RECORDING_ROLES])).subquery()
    )
    with_idle = (session.scalar(idle) or 0) <= MAX_IDLE_PEOPLE
    if with_idle:
        users_q = users_q.where(
            User.role.in_([r.value for r in RECORDING_ROLES]) | User.id.in_(list(people))
        )
    else:
        users_q = users_q.where(User.id.in_(list(people)))
    for user in session.scalars(users_q):
        p = person(user.id)
        p.username, p.name, p.role, p.region_path = (
            user.username,
            user.display_name,
            user.role,
            user.region_path,
        )
    listed = sorted(
        (p for p in people.values() if p.username), key=lambda p: (p.region_path, p.username)
    )

    villages: dict[str, PlaceFigures] = {}
    total = PlaceFigures(path=region_path, name=region_name)
    for p in listed:
        total.add(p)
        if len(p.region_path) >= VILLAGE:
            key = p.region_path[:VILLAGE]
            villages.setdefault(key, PlaceFigures(path=key)).add(p)
    names = region_names(session, list(villages))
    for key, row in villages.items():
        row.name = names.get(key, key)
    return Figures(
        region_path=region_path,
        region_name=region_name,
        date_from=date_from,
        date_to=date_to,
        people=listed,
        villages=sorted(villages.values(), key=lambda v: v.path),
        total=total,
    )


def role_label(role: str) -> str:
    try:
        return ROLE_LABELS[Role(role)]
    except ValueError:
        return role
