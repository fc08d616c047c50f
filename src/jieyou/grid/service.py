"""Keeping the grid register: grids and lanes under a village, villager groups, and the terms
of the chiefs. ``actor`` ``None`` is the operator at the console (import, demo). Services
flush; the boundary commits.

Rules a register must keep whoever edits it:

* codes are given, never typed: a grid is its village's code plus the next free two digits,
  a lane its grid's plus two; a code once used stays with its place (cases point at it), so
  places are renamed, not moved or deleted;
* names are unique among siblings (two 第3网格 in one village is a typo, not two grids);
* a grid with lanes counts the households of its lanes — the lanes are what 巷长包户 means;
* appointing someone to a post that has a holder ends the holder's term on the new start
  day; terms are never deleted.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.db import utcnow
from jieyou.errors import Conflict, Invalid
from jieyou.grid import repository
from jieyou.grid.models import (
    POST_LABELS,
    POST_LEVEL,
    SINGLE_POSTS,
    ChiefAssignment,
    Duty,
    Post,
    VillagerGroup,
)
from jieyou.grid.permissions import (
    assignment_for,
    check_edit,
    editable_region,
    group_for,
    region_for,
)
from jieyou.grid.schemas import (
    AssignmentIn,
    EndIn,
    GridIn,
    GridPatch,
    GroupIn,
    GroupPatch,
    LaneIn,
    LanePatch,
)
from jieyou.regions.models import Level, Region
from jieyou.regions.repository import subtree_clause
from jieyou.routing.calendar import local_date

MAX_CHILDREN = 99


def _flush(session: Session, message: str) -> None:
    """Flush; a unique index refusing the row means someone saved the same thing meanwhile
    (the next code, the lane's one current 巷长), which the caller may retry."""
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(message, code="concurrent_change") from None


def _next_code(session: Session, parent: Region, noun: str) -> str:
    used = {int(r.code[-2:]) for r in repository.children(session, parent.code)}
    for n in range(1, MAX_CHILDREN + 1):
        if n not in used:
            return f"{parent.code}{n:02d}"
    raise Invalid(f"{parent.name}的{noun}已满 {MAX_CHILDREN} 个", code="no_free_code")


def _unique_name(session: Session, parent: Region, name: str, noun: str, *, skip: str = "") -> None:
    for sibling in repository.children(session, parent.code):
        if sibling.name == name and sibling.code != skip:
            raise Invalid(
                f"{parent.name}已有名为“{name}”的{noun}（{sibling.code}）",
                code="duplicate_name",
                field="name",
            )


def _sync_grid_households(session: Session, grid: Region) -> None:
    lanes = [r for r in repository.children(session, grid.code) if r.level == Level.lane.value]
    if lanes:
        grid.households = sum(r.households or 0 for r in lanes)


# --- grids and lanes ------------------------------------------------------------------------


def create_grid(session: Session, *, actor: User | None, village_code: str, data: GridIn) -> Region:
    village = editable_region(session, actor, village_code, Level.village)
    _unique_name(session, village, data.name, "网格")
    code = _next_code(session, village, "网格")
    grid = Region(
        code=code,
        path=code,
        name=data.name,
        level=Level.grid.value,
        parent_code=village.code,
        households=data.households,
        boundary=data.boundary,
    )
    session.add(grid)
    _flush(session, "刚有人新增了网格，请刷新后重试")
    return grid


def update_grid(session: Session, *, actor: User | None, code: str, data: GridPatch) -> Region:
    grid = editable_region(session, actor, code, Level.grid)
    given = data.model_fields_set
    if "name" in given:
        if data.name is None:
            raise Invalid("网格名称不能为空", code="missing_field", field="name")
        assert grid.parent_code is not None
        village = session.get(Region, grid.parent_code)
        assert village is not None
        _unique_name(session, village, data.name, "网格", skip=grid.code)
        grid.name = data.name
    if "households" in given and data.households != grid.households:
        has_lanes = any(r.level == Level.lane.value for r in repository.children(session, code))
        if has_lanes:
            raise Invalid(
                "该网格的户数是各巷道户数之和，请修改巷道的户数",
                code="households_from_lanes",
                field="households",
            )
        grid.households = data.households
    if "boundary" in given:
        grid.boundary = data.boundary
    session.flush()
    return grid


def create_lane(session: Session, *, actor: User | None, grid_code: str, data: LaneIn) -> Region:
    grid = editable_region(session, actor, grid_code, Level.grid)
    _unique_name(session, grid, data.name, "巷道")
    code = _next_code(session, grid, "巷道")
    lane = Region(
        code=code,
        path=code,
        name=data.name,
        level=Level.lane.value,
        parent_code=grid.code,
        households=data.households,
        boundary=data.boundary,
    )
    session.add(lane)
    _flush(session, "刚有人新增了巷道，请刷新后重试")
    _sync_grid_households(session, grid)
    session.flush()
    return lane


def update_lane(session: Session, *, actor: User | None, code: str, data: LanePatch) -> Region:
    lane = editable_region(session, actor, code, Level.lane)
    assert lane.parent_code is not None
    grid = session.get(Region, lane.parent_code)
    assert grid is not None
    given = data.model_fields_set
    if "name" in given:
        if data.name is None:
            raise Invalid("巷道名称不能为空", code="missing_field", field="name")
        _unique_name(session, grid, data.name, "巷道", skip=lane.code)
        lane.name = data.name
    if "households" in given:
        if data.households is None:
            raise Invalid("请填写户数", code="missing_field", field="households")
        lane.households = data.households
    if "boundary" in given:
        lane.boundary = data.boundary
    session.flush()
    _sync_grid_households(session, grid)
    session.flush()
    return lane


# --- villager groups ------------------------------------------------------------------------


def _group_grid(session: Session, village: Region, grid_code: str | None) -> str | None:
    if grid_code is None:
        return None
    grid = session.get(Region, grid_code)
    if grid is None or grid.level != Level.grid.value or grid.parent_code != village.code:
        raise Invalid(
            f"网格 {grid_code} 不在{village.name}", code="unknown_grid", field="grid_code"
        )
    return grid.code


def _group_name_free(session: Session, village: Region, name: str, skip: int = 0) -> None:
    other = repository.group_by_name(session, village.code, name)
    if other is not None and other.id != skip:
        raise Invalid(
            f"{village.name}已有名为“{name}”的村民小组", code="duplicate_name", field="name"
        )


def create_group(
    session: Session, *, actor: User | None, village_code: str, data: GroupIn
) -> VillagerGroup:
    village = editable_region(session, actor, village_code, Level.village)
    _group_name_free(session, village, data.name)
    group = VillagerGroup(
        village_code=village.code,
        grid_code=_group_grid(session, village, data.grid_code),
        number=data.number,
        name=data.name,
        households=data.households,
        boundary=data.boundary,
    )
    session.add(group)
    _flush(session, "刚有人新增了同名的村民小组，请刷新后重试")
    return group


def update_group(
    session: Session, *, actor: User | None, group_id: int, data: GroupPatch
) -> VillagerGroup:
    group = group_for(session, actor, group_id)
    village = editable_region(session, actor, group.village_code, Level.village)
    given = data.model_fields_set
    if "name" in given:
        if data.name is None:
            raise Invalid("小组名称不能为空", code="missing_field", field="name")
        _group_name_free(session, village, data.name, skip=group.id)
        group.name = data.name
    if "grid_code" in given:
        group.grid_code = _group_grid(session, village, data.grid_code)
    for name in ("number", "households", "boundary"):
        if name in given:
            setattr(group, name, getattr(data, name))
    group.updated_at = utcnow()
    session.flush()
    return group


# --- chiefs ---------------------------------------------------------------------------------


def linked_user(session: Session, username: str | None, village: Region) -> User | None:
    if username is None:
        return None
    user = session.scalar(select(User).where(User.username == username))
    # An account elsewhere answers like a missing one: the form must not probe other villages.
    if user is None or not user.is_active or not user.region_path.startswith(village.path):
        raise Invalid(
            f"{village.name}没有账号为 {username} 的在用工作人员",
            code="unknown_user",
            field="username",
        )
    return user


def _place(session: Session, actor: User | None, data: AssignmentIn) -> tuple[Region, int | None]:
    """The region the post sits at (for a 组长, the group's village) and the group."""
    post = data.post
    if post == Post.group_chief:
        if data.group_id is None:
            raise Invalid("组长须指定村民小组", code="missing_field", field="group_id")
        group = group_for(session, actor, data.group_id)
        return editable_region(session, actor, group.village_code, Level.village), group.id
    level = POST_LEVEL[post]
    noun = "巷道" if level == Level.lane else "网格"
    if data.place is None:
        raise Invalid(f"{POST_LABELS[post]}须指定{noun}", code="missing_field", field="place")
    # Scope first: a place out of reach is missing, whatever its level.
    region = region_for(session, actor, data.place)
    if region.level != level.value:
        raise Invalid(
            f"{POST_LABELS[post]}应任职于{noun}，{data.place} 不是{noun}",
            code="wrong_place",
            field="place",
        )
    check_edit(actor, region)
    return region, None


def assign(
    session: Session, *, actor: User | None, data: AssignmentIn, today: date | None = None
) -> ChiefAssignment:
    """Appoint a person to a post. For a post held by one person, the current holder's term
    ends the day the new one starts; appointing the current holder again is refused."""
    today = today or local_date(utcnow())
    place, group_id = _place(session, actor, data)
    village_path = place.path[:12]
    village = session.get(Region, village_path)
    assert village is not None
    user = linked_user(session, data.username, village)
    started = data.started_on or today
    if started > today:
        raise Invalid("任职日期不能晚于今天", code="date_in_future", field="started_on")
    current = repository.current_holders(
        session, post=data.post, region_code=place.code, group_id=group_id
    )
    for held in current:
        if held.person_name == data.person_name and (held.phone or None) == data.phone:
            raise Conflict(
                f"{data.person_name}已是该处的{POST_LABELS[data.post]}（自 {held.started_on}）",
                code="already_assigned",
            )
    if data.post in SINGLE_POSTS:
        for held in current:
            if started < held.started_on:
                raise Invalid(
                    f"任职日期不能早于现任{held.person_name}的任职日期 {held.started_on}",
                    code="date_before_current",
                    field="started_on",
                )
            held.ended_on = started
            held.end_reason = f"由{data.person_name}接任"
        # The partial unique index sees the ended term before the new one arrives.
        session.flush()
    duties = data.duties if data.duties is not None else list(Duty)
    assignment = ChiefAssignment(
        post=data.post.value,
        region_code=place.code,
        region_path=place.path,
        group_id=group_id,
        person_name=data.person_name,
        phone=data.phone,
        user_id=user.id if user else None,
        duties=[d.value for d in duties],
        duties_note=data.duties_note,
        started_on=started,
        created_by_id=actor.id if actor else None,
        created_at=utcnow(),
    )
    session.add(assignment)
    _flush(session, f"刚有人登记了该处的{POST_LABELS[data.post]}，请刷新后重试")
    return assignment


def update_duties(
    session: Session,
    assignment: ChiefAssignment,
    *,
    duties: list[Duty] | None,
    note: str | None,
    user: User | None = None,
) -> bool:
    """Change the duties (and the linked account) of a current term in place: the same
    person in the same post is not a new term. Whether anything changed."""
    changed = False
    if duties is not None and [d.value for d in duties] != list(assignment.duties):
        assignment.duties = [d.value for d in duties]
        changed = True
    if note is not None and note != assignment.duties_note:
        assignment.duties_note = note
        changed = True
    if user is not None and assignment.user_id != user.id:
        assignment.user_id = user.id
        changed = True
    if changed:
        session.flush()
    return changed


def end_assignment(
    session: Session,
    *,
    actor: User | None,
    assignment_id: int,
    data: EndIn,
    today: date | None = None,
) -> ChiefAssignment:
    today = today or local_date(utcnow())
    assignment = assignment_for(session, actor, assignment_id)
    region = session.get(Region, assignment.region_code)
    assert region is not None
    check_edit(actor, region)
    if assignment.ended_on is not None:
        raise Conflict(f"该任职已于 {assignment.ended_on} 结束", code="already_ended")
    ended = data.ended_on or today
    if ended > today:
        raise Invalid("卸任日期不能晚于今天", code="date_in_future", field="ended_on")
    if ended < assignment.started_on:
        raise Invalid(
            f"卸任日期不能早于任职日期 {assignment.started_on}",
            code="end_before_start",
            field="ended_on",
        )
    assignment.ended_on = ended
    assignment.end_reason = data.reason or "卸任"
    session.flush()
    return assignment


def assignments_under(
    session: Session, path: str, *, include_ended: bool, limit: int | None = None
) -> list[repository.Holder]:
    return repository.holders(
        session,
        subtree_clause(ChiefAssignment.region_path, path),
        current=not include_ended,
        limit=limit,
    )
