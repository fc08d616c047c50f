"""Demo register: villager groups, 片长, 组长, 巷长 and 网格员 with their duties for a few
villages, and 雷家村 (嘉禾县) laid out as the Chenzhou article describes it — 36 lanes of 6–15
households, each with a chief. Names, phones and boundaries are made up by us.

Call after :func:`jieyou.demo.service.load_demo` (grids and lanes, demo staff)::

    from jieyou.grid.demo import seed_grid
    seed_grid(session, rng=random.Random(seed), now=now)

Everything goes through the services, so codes, household sums and terms follow the same
rules as a person's edits. Villages that already have chiefs are left alone (a second run adds
nothing).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.accounts.models import Role, User
from jieyou.grid import repository, service
from jieyou.grid.models import ChiefAssignment, Duty, Post
from jieyou.grid.schemas import AssignmentIn, EndIn, GridIn, GroupIn, LaneIn
from jieyou.regions.models import Level, Region
from jieyou.regions.repository import subtree_clause
from jieyou.routing.calendar import local_date

WUSHAN = "431002101201"
LEIJIA = "431024201201"  # 嘉禾县 雷家村: the article's village
DEMO_VILLAGES = [WUSHAN, "431002101202", "431002101203", LEIJIA]
LEIJIA_GRIDS = 4
LEIJIA_LANES = 36
# Demo staff and the posts they hold (username, post, place, person's name).
DEMO_LINKS = [
    ("wushan", Post.grid_chief, "43100210120101", "李建华"),
    ("wushan_grid", Post.grid_worker, "43100210120101", "邓晓敏"),
    ("wushan_lane", Post.lane_chief, "4310021012010101", "何桂香"),
]

SURNAMES = "李王张刘陈杨黄赵周吴徐孙朱马胡郭何罗雷曹邓谢唐许".replace("", " ").split()
GIVEN = [
    "建华", "秀英", "桂香", "国强", "春生", "冬梅", "志刚", "玉兰", "金山", "爱民",
    "翠花", "德胜", "海燕", "红军", "菊英", "立新", "满仓", "美玲", "庆丰", "淑芬",
    "铁柱", "卫东", "小芳", "永福", "运来", "招娣", "长根", "新华", "月娥", "振兴",
]  # fmt: skip
LANDMARKS = [
    "老屋场", "水口塘", "枫树下", "祠堂前", "大井边", "学校后", "村部", "杉木垅",
    "茶亭", "桥头", "晒谷坪", "竹山脚", "河堤", "岭背", "新屋里", "石灰窑",
]  # fmt: skip
PRIORITIES = [
    "人居环境整治",
    "森林防火",
    "防汛抗旱",
    "医保征缴",
    "烟叶生产",
    "禁毒宣传",
    "防范电信诈骗",
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phone(rng: random.Random) -> str:
    return f"13{rng.choice('5789')}{rng.randint(0, 99_999_999):08d}"


def _boundary(rng: random.Random) -> str:
    a, b, c, d = rng.sample(LANDMARKS, 4)
    return f"东至{a}，南至{b}，西至{c}，北至{d}"


def _duties(rng: random.Random, post: Post) -> tuple[list[Duty] | None, str | None]:
    note = f"中心工作：{rng.choice(PRIORITIES)}"
    if post == Post.grid_worker:
        return [Duty.publicity, Duty.mediation, Duty.priorities], note
    if rng.random() < 0.7:
        return None, note  # all five, as the article lists them
    picked = rng.sample(list(Duty), rng.randint(2, 4))
    return picked, note if Duty.priorities in picked else None


def _started(rng: random.Random, today: date) -> date:
    return today - timedelta(days=rng.randint(60, 1000))


def _appoint(
    session: Session,
    rng: random.Random,
    today: date,
    *,
    post: Post,
    place: str | None = None,
    group_id: int | None = None,
    person: str | None = None,
    username: str | None = None,
    history: bool = False,
) -> int:
    """One post filled; with ``history`` an earlier holder first, handed over to this one."""
    made = 0
    start = _started(rng, today)
    if history:
        earlier = start - timedelta(days=rng.randint(300, 900))
        service.assign(
            session,
            actor=None,
            data=AssignmentIn(
                post=post,
                place=place,
                group_id=group_id,
                person_name=_name(rng),
                phone=_phone(rng),
                started_on=earlier,
            ),
            today=today,
        )
        made += 1
    duties, note = _duties(rng, post)
    service.assign(
        session,
        actor=None,
        data=AssignmentIn(
            post=post,
            place=place,
            group_id=group_id,
            person_name=person or _name(rng),
            phone=_phone(rng),
            username=username,
            duties=duties,
            duties_note=note,
            started_on=start,
        ),
        today=today,
    )
    return made + 1


def _lay_out_leijia(
    session: Session, rng: random.Random, village: Region, counts: Counter[str]
) -> None:
    """Top 雷家村 up to the article's 36 lanes of 6–15 households in four 片."""
    grids = [r for r in repository.children(session, village.code) if r.level == Level.grid.value]
    for n in range(len(grids) + 1, LEIJIA_GRIDS + 1):
        grids.append(
            service.create_grid(
                session,
                actor=None,
                village_code=village.code,
                data=GridIn(name=f"{village.name}第{n}网格"),
            )
        )
        counts["grids"] += 1
    per_grid = {g.code: len(repository.children(session, g.code)) for g in grids}
    while sum(per_grid.values()) < LEIJIA_LANES:
        # The grid with the fewest lanes gets the next, so the four 片 come out even.
        grid = min(grids, key=lambda g: (per_grid[g.code], g.code))
        per_grid[grid.code] += 1
        service.create_lane(
            session,
            actor=None,
            grid_code=grid.code,
            data=LaneIn(
                name=f"{village.name}{int(grid.code[-2:])}片{per_grid[grid.code]}巷",
                households=rng.randint(6, 15),
            ),
        )
        counts["lanes"] += 1


def _seed_village(
    session: Session, rng: random.Random, today: date, village: Region, counts: Counter[str]
) -> None:
    links = {(post, place): (username, person) for username, post, place, person in DEMO_LINKS}
    users = set()
    # Lane chiefs who already have accounts (the patrol demo makes some): their lane's 巷长
    # is them, under the surname they go by.
    lane_users: dict[str, tuple[str, str]] = {}
    for user in session.scalars(
        select(User).where(User.is_active.is_(True), subtree_clause(User.region_path, village.path))
    ):
        users.add(user.username)
        if user.role == Role.lane_chief.value and (user.region_code, user.username) not in {
            (place, name) for name, _, place, _ in DEMO_LINKS
        }:
            surname = user.display_name.rpartition("巷长")[2][:1] or rng.choice(SURNAMES)
            lane_users.setdefault(user.region_code, (user.username, surname + rng.choice(GIVEN)))
    grids = [r for r in repository.children(session, village.code) if r.level == Level.grid.value]
    for grid in grids:
        if grid.boundary is None:
            grid.boundary = _boundary(rng)
        for post in (Post.grid_chief, Post.grid_worker):
            username, person = links.get((post, grid.code), (None, None))
            counts["assignments"] += _appoint(
                session,
                rng,
                today,
                post=post,
                place=grid.code,
                person=person,
                username=username if username in users else None,
            )
        for lane in repository.children(session, grid.code):
            if lane.boundary is None:
                lane.boundary = _boundary(rng)
            username, person = links.get(
                (Post.lane_chief, lane.code), lane_users.get(lane.code, (None, None))
            )
            counts["assignments"] += _appoint(
                session,
                rng,
                today,
                post=Post.lane_chief,
                place=lane.code,
                person=person,
                username=username if username in users else None,
                history=username is None and rng.random() < 0.15,
            )
    n_groups = max(2, len(grids) * 2)
    for n in range(1, n_groups + 1):
        group = service.create_group(
            session,
            actor=None,
            village_code=village.code,
            data=GroupIn(
                name=f"第{n}村民小组",
                number=n,
                households=rng.randint(25, 70),
                grid_code=grids[(n - 1) * len(grids) // n_groups].code if grids else None,
            ),
        )
        counts["groups"] += 1
        counts["assignments"] += _appoint(
            session, rng, today, post=Post.group_chief, group_id=group.id
        )
    # One 网格员 who left without a successor yet: a vacancy the register should show.
    if len(grids) > 1:
        extra = service.assign(
            session,
            actor=None,
            data=AssignmentIn(
                post=Post.grid_worker,
                place=grids[-1].code,
                person_name=_name(rng),
                phone=_phone(rng),
                started_on=_started(rng, today),
            ),
            today=today,
        )
        service.end_assignment(
            session,
            actor=None,
            assignment_id=extra.id,
            data=EndIn(ended_on=today - timedelta(days=rng.randint(1, 30)), reason="外出务工"),
            today=today,
        )
        counts["assignments"] += 1


def seed_grid(session: Session, *, rng: random.Random, now: datetime) -> dict[str, int]:
    """Chiefs, groups and boundaries for the demo villages; counts of what was added."""
    today = local_date(now)
    counts: Counter[str] = Counter()
    for code in DEMO_VILLAGES:
        village = session.get(Region, code)
        if village is None:
            continue
        staffed = session.scalar(
            select(ChiefAssignment.id).where(
                subtree_clause(ChiefAssignment.region_path, village.path)
            )
        )
        if staffed is not None:
            continue
        if code == LEIJIA:
            _lay_out_leijia(session, rng, village, counts)
        elif not repository.children(session, village.code):
            grid = service.create_grid(
                session, actor=None, village_code=code, data=GridIn(name="第1网格")
            )
            for n in range(1, 5):
                service.create_lane(
                    session,
                    actor=None,
                    grid_code=grid.code,
                    data=LaneIn(name=f"{n}巷", households=rng.randint(6, 15)),
                )
        village.boundary = village.boundary or _boundary(rng)
        _seed_village(session, rng, today, village, counts)
        counts["villages"] += 1
    session.flush()
    return {k: counts.get(k, 0) for k in ("villages", "grids", "lanes", "groups", "assignments")}
