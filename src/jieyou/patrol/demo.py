"""Demo patrols: six weeks of lane-level work in 华塘镇吴山村 and two more villages, walked
through the real services — patrols, disputes opened as cases (some settled on the spot, some
escalated), publicity sessions and other duties — and two screening campaigns launched by the
township, one past due with late and missing grids, one running. Texts are written by us.

Call after the demo staff and cases exist (``jieyou demo``)::

    from jieyou.patrol.demo import seed_patrol
    seed_patrol(session, rng=random.Random(seed), now=utcnow())

Running it again adds nothing (it checks for the demo chief's patrols first).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.accounts.models import Role, User
from jieyou.accounts.service import create_user
from jieyou.cases.schemas import ActionIn
from jieyou.cases.service import escalate_case
from jieyou.patrol import service
from jieyou.patrol.models import (
    ActivityKind,
    Campaign,
    CampaignGrid,
    Finding,
    Patrol,
    SettleMethod,
)
from jieyou.patrol.schemas import (
    ActivityCreate,
    CampaignCreate,
    OnSpotIn,
    PatrolCaseIn,
    PatrolCreate,
)
from jieyou.regions.models import Level, Region
from jieyou.regions.repository import subtree_clause
from jieyou.timefmt import local_zone

HUATANG = "431002101000"
WUSHAN = "431002101201"
OTHER_VILLAGES = ("431002101202", "431002101203")
WEEKS = 6
SURNAMES = "何李王张刘陈杨黄赵周吴徐孙朱胡郭罗邓曾谢"

# (category, what the chief writes, how it was settled)
DISPUTES = [
    (
        "0802",
        "两户因门前排水沟堵塞起争执，污水漫进邻家院子",
        "双方同意共同出资疏通排水沟，当天完成",
    ),
    ("0802", "邻居在公共巷道堆放柴火，挡住老人出行，双方争吵", "说服堆放户把柴火移到自家屋后"),
    ("1001", "两兄弟为老屋宅基地分界线争执不下", "请组长到场按老契约量了界址，双方签字认可"),
    ("0801", "婆媳因带孩子的事吵架，婆婆要搬出去住", "与双方分别谈心，儿子表态多分担，婆婆留下"),
    ("1005", "上下丘田灌溉放水时间起纠纷", "协商按田亩轮流放水，排了放水时间表"),
    ("0502", "村民在巷口办酒席放鞭炮到深夜，邻居意见大", "主家道歉，约定晚上十点后不再放鞭炮"),
    ("0805", "一户的鸡吃了邻居刚种的菜苗，要求赔偿", "协商赔了菜苗钱，鸡圈加了围网"),
    ("0803", "村民之间借款两千元到期未还，双方闹僵", "当面对账，约定分两个月还清，写了还款条"),
]
HAZARDS = [
    "巷口电线老化裸露，雨天有漏电危险",
    "一户老屋墙体开裂，独居老人仍住在里面",
    "池塘边没有护栏，孩子常在边上玩",
    "巷道里电动车飞线充电",
]
POLICIES = [
    "村民咨询城乡居民医保缴费时间和档次",
    "老人询问高龄补贴怎么申请",
    "村民咨询危房改造补助政策",
]
QUIET = ["各户正常，无异常情况", "走访独居老人，身体状况良好", "巷道卫生整洁，无矛盾纠纷", ""]
TOPICS = [
    "防范电信网络诈骗",
    "城乡居民医保缴费政策",
    "防溺水安全教育",
    "森林防火“十不准”",
    "移风易俗、红白喜事简办",
    "耕地保护政策",
]


def _at(day: datetime, rng: random.Random) -> datetime:
    """A working hour of that local day, as a UTC-aware time."""
    local_day = day.astimezone(local_zone()).date()
    return datetime.combine(local_day, time(rng.randint(8, 17), rng.randint(0, 59)), local_zone())


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice("秀建国德兰明华英") + rng.choice("英华明生芳平")


def _chief(session: Session, username: str, role: Role, region: Region, rng: random.Random) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is not None:
        return user
    title = "巷长" if role == Role.lane_chief else "网格员"
    name = f"{rng.choice(SURNAMES)}{rng.choice(['大姐', '大哥', '师傅', '嫂子', '叔'])}"
    return create_user(
        session,
        username=username,
        role=role,
        region_code=region.code,
        display_name=f"{region.name} {title}{name}",
    )


def _lanes(session: Session, village: str, limit: int) -> list[Region]:
    stmt = (
        select(Region)
        .where(Region.level == Level.lane.value, subtree_clause(Region.path, village))
        .order_by(Region.path)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def seed_patrol(session: Session, *, rng: random.Random, now: datetime) -> dict[str, int]:
    """Patrols, cases from them, settlements, activities and campaigns; returns what it added."""
    counts = {"chiefs": 0, "patrols": 0, "cases": 0, "settled": 0, "escalated": 0}
    counts |= {"activities": 0, "campaigns": 0, "reports": 0}
    users = {
        u.username: u
        for u in session.scalars(
            select(User).where(User.username.in_(["wushan_lane", "wushan_grid", "huatang"]))
        )
    }
    lead = users.get("wushan_lane")
    if lead is None or "huatang" not in users:
        return counts  # the demo staff are not there: nothing to hang this on
    if session.scalar(select(Patrol.id).where(Patrol.recorded_by_id == lead.id).limit(1)):
        return counts

    # The people: the demo chief, chiefs for more lanes of 吴山村, and a few in two other
    # villages, each answering for one lane.
    chiefs: list[tuple[User, Region]] = []
    for lane in _lanes(session, WUSHAN, 8):
        if lane.code == lead.region_code:
            chiefs.append((lead, lane))
            continue
        before = session.scalar(select(User.id).where(User.username == f"chief_{lane.code}"))
        user = _chief(session, f"chief_{lane.code}", Role.lane_chief, lane, rng)
        counts["chiefs"] += before is None
        chiefs.append((user, lane))
    for village in OTHER_VILLAGES:
        for lane in _lanes(session, village, 3):
            before = session.scalar(select(User.id).where(User.username == f"chief_{lane.code}"))
            user = _chief(session, f"chief_{lane.code}", Role.lane_chief, lane, rng)
            counts["chiefs"] += before is None
            chiefs.append((user, lane))
    grid_worker = users.get("wushan_grid")

    start = now - timedelta(weeks=WEEKS)
    for user, lane in chiefs:
        day = start
        while day < now - timedelta(hours=2):
            day += timedelta(days=rng.choice([2, 3, 3, 4]))
            if day >= now:
                break
            when = _at(day, rng)
            if when >= now:
                break
            _walk(session, user, lane, when, rng, counts, now)
            if rng.random() < 0.3:
                _duty(session, user, lane, _at(day, rng), rng, counts)
    if grid_worker is not None:
        grid = session.get(Region, grid_worker.region_code)
        for week in range(WEEKS):
            when = _at(start + timedelta(weeks=week, days=rng.randint(0, 4)), rng)
            if grid is not None and when < now:
                _duty(session, grid_worker, grid, when, rng, counts, kind=ActivityKind.publicity)
    _campaigns(session, users["huatang"], now, rng, counts)
    session.flush()
    return counts


def _walk(
    session: Session,
    user: User,
    lane: Region,
    when: datetime,
    rng: random.Random,
    counts: dict[str, int],
    now: datetime,
) -> None:
    households = lane.households or 10
    visited = rng.randint(max(1, households * 6 // 10), households)
    roll = rng.random()
    case: PatrolCaseIn | None = None
    if roll < 0.14:
        category, note, outcome = rng.choice(DISPUTES)
        finding = Finding.dispute
        kept = rng.random()
        if kept < 0.8:
            settle = None
            if kept < 0.55:
                method = rng.choice(list(SettleMethod)[:4])
                settle = OnSpotIn(method=method, outcome=outcome)
            case = PatrolCaseIn(
                resident_name=_person(rng),
                resident_phone=f"139{rng.randint(10_000_000, 99_999_999)}",
                category_code=category,
                settle=settle,
            )
    elif roll < 0.22:
        finding, note = Finding.hazard, rng.choice(HAZARDS)
    elif roll < 0.28:
        finding, note = Finding.policy, rng.choice(POLICIES)
    else:
        finding, note = Finding.nothing, rng.choice(QUIET)
    data = PatrolCreate(
        lane_code=lane.code,
        patrolled_on=when.date(),
        households_visited=visited,
        finding=finding,
        note=note,
        case=case,
    )
    result = service.record_patrol(session, actor=user, data=data, now=when)
    counts["patrols"] += 1
    if result.case is None:
        return
    counts["cases"] += 1
    counts["settled"] += result.settled
    if not result.settled and not result.handed_up and rng.random() < 0.5:
        # A day or three later, and never in the future.
        later = min(when + timedelta(days=rng.randint(1, 3)), now - timedelta(minutes=5))
        if later <= when:
            return
        escalate_case(
            session,
            result.case,
            user,
            ActionIn(reason="双方分歧较大，巷长调解未果，请村里协调"),
            later,
        )
        counts["escalated"] += 1


def _duty(
    session: Session,
    user: User,
    place: Region,
    when: datetime,
    rng: random.Random,
    counts: dict[str, int],
    *,
    kind: ActivityKind | None = None,
) -> None:
    kind = kind or rng.choice(
        [ActivityKind.publicity] * 3
        + [ActivityKind.hygiene, ActivityKind.village_rules, ActivityKind.mediation]
    )
    publicity = kind == ActivityKind.publicity
    notes = {
        ActivityKind.hygiene: "组织清理巷道垃圾和排水沟",
        ActivityKind.village_rules: "入户宣讲村规民约",
        ActivityKind.mediation: "配合调解员回访已调解的纠纷",
    }
    data = ActivityCreate(
        kind=kind,
        held_on=when.date(),
        region_code=place.code,
        topic=rng.choice(TOPICS) if publicity else "",
        attendance=rng.randint(8, 40) if publicity else None,
        note="在巷口坪里集中宣讲，发放资料" if publicity else notes.get(kind, ""),
    )
    service.record_activity(session, actor=user, data=data, now=when)
    counts["activities"] += 1


def _campaigns(
    session: Session, township: User, now: datetime, rng: random.Random, counts: dict[str, int]
) -> None:
    """One campaign past due (most grids reported, some late, a few never) and one running
    (about half reported so far)."""
    plans = [
        (
            "国庆前安全隐患专项排查",
            "重点排查用电用气、危旧房屋、山塘水库、道路交通安全隐患。",
            40,
            26,
            0.9,
        ),
        (
            "春节前矛盾纠纷专项排查",
            "重点排查婚恋家庭、邻里、土地山林、劳资欠薪、征地拆迁等矛盾纠纷，逐户走访，"
            "做到村不漏组、组不漏户。",
            12,
            -9,
            0.55,
        ),
    ]
    for title, description, began_ago, due_ago, share in plans:
        launched = now - timedelta(days=began_ago)
        due = (now - timedelta(days=due_ago)).astimezone(local_zone()).date()
        data = CampaignCreate(title=title, description=description, due_on=due)
        campaign = service.launch_campaign(session, actor=township, data=data, now=launched)
        counts["campaigns"] += 1
        counts["reports"] += _reports(session, campaign, now, rng, share)


def _reports(
    session: Session, campaign: Campaign, now: datetime, rng: random.Random, share: float
) -> int:
    """Grid reports written straight onto the campaign's rows: most grids of the demo have
    nobody to sign in as, so the reporter is the grid's chief where the demo has one."""
    rows = list(
        session.scalars(select(CampaignGrid).where(CampaignGrid.campaign_id == campaign.id))
    )
    reporters = {
        u.region_path[:14]: u.id
        for u in session.scalars(
            select(User).where(
                User.role.in_([Role.lane_chief.value, Role.grid_worker.value]),
                subtree_clause(User.region_path, campaign.region_path),
            )
        )
    }
    launched = campaign.created_at
    window = max(1, (min(now, _end_of(campaign)) - launched).days)
    done = 0
    for row in rows:
        if rng.random() > share:
            continue
        late = rng.random() < 0.12 and _end_of(campaign) < now
        offset = window + rng.randint(1, 4) if late else rng.randint(1, window)
        # In office hours of that local day, as grid workers send their reports.
        day = (launched + timedelta(days=offset)).astimezone(local_zone())
        moment = day.replace(hour=rng.randint(9, 17), minute=rng.randint(0, 59), second=0)
        row.reported_at = min(now, moment.replace(microsecond=0).astimezone(UTC))
        row.is_late = service.local_today(row.reported_at) > campaign.due_on
        row.reported_by_id = reporters.get(row.grid_path)
        row.households_covered = rng.randint(30, 90)
        row.disputes_found = rng.choice([0, 0, 1, 1, 2, 3])
        row.hazards_found = rng.choice([0, 0, 0, 1, 2])
        row.note = rng.choice(["", "已逐户走访", "发现的纠纷已当场化解", "隐患已报村委会处理"])
        done += 1
    return done


def _end_of(campaign: Campaign) -> datetime:
    return datetime.combine(campaign.due_on + timedelta(days=1), time(0), local_zone())
