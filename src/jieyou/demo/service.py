"""Demo data: grids and lanes, staff for every role, and cases in every state.

Everything goes through the real services (intake, the state machine, permissions), so the demo
history is exactly what production would write, hash chains included. Texts come from
``demo.texts`` (written by us; nothing from ../shared is copied).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jieyou.accounts.models import Role, User
from jieyou.accounts.service import create_token, create_user
from jieyou.cases.intake import submit_case
from jieyou.cases.models import Case, Rating
from jieyou.cases.schemas import ActionIn, CaseCreate, PartyIn, Submitter
from jieyou.cases.service import act_on_case, rate_case
from jieyou.cases.states import Action
from jieyou.db import Database, utcnow
from jieyou.demo.texts import make_text, random_mobile, random_name
from jieyou.regions.models import Level, Region, official_code
from jieyou.regions.service import generate_grids_and_lanes
from jieyou.routing.models import Category, Tier, Unit, UnitKind
from jieyou.routing.service import centre_at, centre_code, department_code

DEMO_PASSWORD = "jieyou-demo-2026"  # noqa: S105 - demo accounts only, printed and documented


class Printer(Protocol):
    def print(self, *objects: object) -> None: ...


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    region_name: str
    password: str
    token: str


@dataclass
class DemoReport:
    grids: int = 0
    lanes: int = 0
    cases: int = 0
    logins: list[DemoLogin] = field(default_factory=list)
    states: str = ""


# (username, role, region code, unit code or None, display name). One per role at least, in
# different counties: 北湖区 (431002) and 桂阳县 (431021).
DEMO_STAFF: list[tuple[str, Role, str, str | None, str]] = [
    ("admin", Role.admin, "431000000000", None, "系统管理员"),
    ("city", Role.city, "431000000000", centre_code("431000000000"), "市矛调中心 陈主任"),
    ("beihu", Role.county, "431002000000", centre_code("431002000000"), "北湖区矛调中心 刘科长"),
    ("guiyang", Role.county, "431021000000", centre_code("431021000000"), "桂阳县矛调中心 邓科长"),
    (
        "huatang",
        Role.township,
        "431002101000",
        centre_code("431002101000"),
        "华塘镇综治中心 黄主任",
    ),
    ("renyi", Role.township, "431021102000", centre_code("431021102000"), "仁义镇综治中心 曹主任"),
    ("wushan", Role.village, "431002101201", centre_code("431002101201"), "吴山村 李书记"),
    ("wushan_lane", Role.lane_chief, "4310021012010101", None, "吴山村1片1巷 巷长何大姐"),
    ("wushan_grid", Role.grid_worker, "43100210120101", None, "吴山村第1网格 网格员小邓"),
    (
        "beihu_rsj",
        Role.department,
        "431002000000",
        department_code("431002000000", "rsj"),
        "北湖区人社局 周科员",
    ),
    (
        "guiyang_zjj",
        Role.department,
        "431021000000",
        department_code("431021000000", "zjj"),
        "桂阳县住建局 谭科员",
    ),
    ("huatang_mediator", Role.mediator, "431002101000", None, "华塘镇人民调解员 罗师傅"),
]

# Where demo cases end up, as a share of all demo cases.
FINAL_STATES = [
    ("submitted", 10),
    ("accepted", 7),
    ("assigned", 10),
    ("in_progress", 16),
    ("resolved", 12),
    ("closed", 38),
    ("rejected", 4),
    ("reopened", 3),
]


def load_demo(
    database: Database,
    *,
    cases: int,
    seed: int = 2026,
    if_empty: bool = False,
    progress: Printer | None = None,
) -> DemoReport:
    report = DemoReport()
    rng = random.Random(seed)
    with database.unit_of_work() as session:
        if if_empty and session.scalar(select(func.count()).select_from(Case)):
            return report
        report.grids, report.lanes = generate_grids_and_lanes(session, seed=seed)
        report.logins = _demo_staff(session)
    if progress:
        progress.print(f"grids {report.grids}, lanes {report.lanes}; adding {cases} cases…")
    states: Counter[str] = Counter()
    with database.unit_of_work() as session:
        builder = _CaseBuilder(session, rng)
        for _ in range(cases):
            states[builder.build()] += 1
    report.cases = cases
    report.states = ", ".join(f"{k} {v}" for k, v in sorted(states.items()))
    return report


def _demo_staff(session: Session) -> list[DemoLogin]:
    logins = []
    for username, role, region, unit, name in DEMO_STAFF:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            user = create_user(
                session,
                username=username,
                role=role,
                region_code=region,
                unit_code=unit,
                display_name=name,
                password=DEMO_PASSWORD,
            )
        _, token = create_token(session, username=username, name="demo")
        region_row = session.get(Region, region)
        logins.append(
            DemoLogin(
                username,
                role.value,
                region_row.name if region_row else region,
                DEMO_PASSWORD,
                token,
            )
        )
    return logins


class _CaseBuilder:
    """Submits one case and walks it to a randomly chosen state with plausible timing."""

    def __init__(self, session: Session, rng: random.Random) -> None:
        self.session = session
        self.rng = rng
        self.villages = session.scalars(
            select(Region).where(Region.level == Level.village).order_by(Region.code)
        ).all()
        self.names = {
            r.code: r.name
            for r in session.scalars(
                select(Region).where(Region.level.in_([Level.county, Level.township]))
            )
        }
        self.categories = session.scalars(
            select(Category).where(Category.level == 2).order_by(Category.code)
        ).all()
        self.village_of = {v.path: v for v in self.villages}
        self.wushan_lanes = session.scalars(
            select(Region).where(Region.level == Level.lane, Region.code.like("431002101201%"))
        ).all()
        self.clerks: dict[int, User] = {}
        self.now = utcnow()

    def clerk(self, unit_id: int) -> User:
        """A (password-less) staff account of the unit, made on first use."""
        if unit_id not in self.clerks:
            unit = self.session.get(Unit, unit_id)
            assert unit is not None
            username = f"clerk{unit.id}"
            user = self.session.scalar(select(User).where(User.username == username))
            if user is None:
                level = self.session.get(Region, unit.region_code)
                assert level is not None
                role = Role.department if unit.kind == UnitKind.department else Role(level.level)
                user = create_user(
                    self.session,
                    username=username,
                    role=role,
                    region_code=unit.region_code,
                    unit_code=unit.code,
                    display_name=f"{unit.name}工作人员",
                )
            self.clerks[unit_id] = user
        return self.clerks[unit_id]

    def place(self, village: Region) -> str:
        county = self.names.get(official_code(village.path[:6]), "")
        town = self.names.get(official_code(village.path[:9]), "")
        return f"{county}{town}{village.name}"

    def pick_region(self) -> Region:
        """Spread over the whole city, but with enough cases where the demo logins work
        (吴山村 and its lanes, 华塘镇, 仁义镇) that every login has something to do."""
        roll = self.rng.random()
        if roll < 0.05 and self.wushan_lanes:
            return self.rng.choice(self.wushan_lanes)
        if roll < 0.12:
            return next(v for v in self.villages if v.code == "431002101201")
        if roll < 0.30:
            return self.rng.choice([v for v in self.villages if v.path.startswith("431002101")])
        if roll < 0.42:
            return self.rng.choice([v for v in self.villages if v.path.startswith("431021102")])
        return self.rng.choice(self.villages)

    def build(self) -> str:
        rng = self.rng
        region = self.pick_region()
        village = self.village_of[region.path[:12]]
        category = rng.choice(self.categories)
        submitted_at = self.now - timedelta(days=rng.uniform(0.2, 120), minutes=rng.randint(0, 600))
        text = make_text(
            rng, category_code=category.code, place=self.place(village), when=submitted_at.date()
        )
        applicant = next((p for p in text.parties if p.role == "applicant"), None)
        data = CaseCreate(
            title=text.title,
            description=text.description,
            region_code=region.code,
            address=f"{village.name}{rng.randint(1, 12)}组{rng.randint(1, 60)}号",
            submitter=Submitter(
                name=applicant.name if applicant else random_name(rng),
                phone=applicant.phone if applicant and applicant.phone else random_mobile(rng),
            ),
            parties=[
                PartyIn(role=p.role, name=p.name, phone=p.phone)
                for p in text.parties
                if p.role != "applicant"
            ],
            # Most residents leave the category to the classifier.
            category_code=category.code if rng.random() < 0.3 else None,
            channel=rng.choice(["web", "web", "web", "phone", "walk_in", "patrol"]),
        )
        actor = None
        if data.channel != "web":  # taken by a township clerk on the phone, at the desk, on patrol
            town = centre_at(self.session, village.path, Tier.township)
            actor = self.clerk(town.id) if town else None
            data.channel = data.channel if actor else None
        case = submit_case(self.session, data=data, actor=actor, now=submitted_at)
        target = rng.choices([s for s, _ in FINAL_STATES], [w for _, w in FINAL_STATES])[0]
        self.walk(case, category, target, submitted_at)
        return target

    def walk(self, case: Case, category: Category, target: str, start: datetime) -> None:
        rng = self.rng
        clock = [start]

        def step(action: Action, actor: User, **body: str) -> None:
            # Up to 40 hours per step, but never past now: a case submitted this morning has
            # its whole history squeezed into the hours since.
            room = (self.now - clock[0]).total_seconds() / 4
            clock[0] += timedelta(seconds=rng.uniform(0.2, 1.0) * min(room, 40 * 3600))
            assert case.number is not None
            act_on_case(
                self.session,
                actor=actor,
                number=case.number,
                action=action,
                body=ActionIn(**body),
                now=clock[0],
            )

        if target == "submitted":
            return
        owner = self.clerk(case.owner_unit_id)
        if target == "rejected":
            step(Action.reject, owner, reason="所反映事项属于诉讼程序，已告知通过法院途径解决")
            return
        step(Action.accept, owner, note="已电话联系反映人，核实情况属实")
        if rng.random() < 0.85:  # most centres call the resident back the same day
            step(Action.contact, owner, note="已电话联系反映人，告知办理流程和时限")
        if rng.random() < 0.08:  # some cases are beyond the township and go up a tier
            step(Action.escalate, owner, reason="涉及多个部门，需县级统筹协调")
            owner = self.clerk(case.owner_unit_id)
        if target == "accepted":
            return
        unit = self._handling_unit(case, category)
        step(Action.assign, owner, unit_code=unit.code, note="请于规定时限内办理并回复")
        if rng.random() < 0.05:
            step(Action.return_, self.clerk(unit.id), reason="不属于本单位职责，建议改派")
            unit = self.session.get(Unit, case.owner_unit_id) or unit
            step(Action.assign, owner, unit_code=unit.code, note="改由本中心直接办理")
        if target == "assigned":
            return
        handler = self.clerk(unit.id)
        step(Action.start, handler, note="已约见当事人，现场查看")
        if target == "in_progress":
            return
        step(
            Action.resolve,
            handler,
            outcome="经现场调解，双方达成一致意见，已签订调解协议",
            reply="您反映的问题已调解处理，双方达成协议，请关注后续履行情况。",
        )
        if target == "resolved":
            return
        assert case.number is not None
        if target == "reopened":
            rate_case(
                self.session,
                number=case.number,
                code=case.query_code,
                rating=Rating.unsatisfied,
                comment="对方没有按协议履行",
                now=clock[0],
            )
            return
        rating = rng.choices(list(Rating)[:2], [0.8, 0.2])[0]
        if rng.random() < 0.7:
            rate_case(
                self.session,
                number=case.number,
                code=case.query_code,
                rating=rating,
                comment=None,
                now=clock[0] + timedelta(hours=2),
            )
        else:
            step(Action.confirm, owner, note="回访群众无异议，归档")

    def _handling_unit(self, case: Case, category: Category) -> Unit:
        owner = self.session.get(Unit, case.owner_unit_id)
        assert owner is not None
        if category.department and owner.kind == UnitKind.centre and self.rng.random() < 0.6:
            county = official_code(case.region_path[:6])
            dept = self.session.scalar(
                select(Unit).where(Unit.code == department_code(county, category.department))
            )
            if dept is not None:
                return dept
        # Otherwise the village committee (or the owning centre itself) handles it.
        village = self.session.scalar(
            select(Unit).where(Unit.code == centre_code(case.region_path[:12]))
        )
        return village or owner
