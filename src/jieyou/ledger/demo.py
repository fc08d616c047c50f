"""Demo ledger: a city-wide list of farmland 非农化/非粮化 problems across the 11 counties and a
smaller county list for 北湖区, walked through the real services (import, start, progress
with photos, 申请销号, 销号 or 驳回) with plausible timing. Texts are written by us.

Call after :func:`jieyou.demo.service.load_demo` (it uses its staff where they exist)::

    from jieyou.ledger.demo import load_ledger_demo
    load_ledger_demo(database, seed=seed)
"""

from __future__ import annotations

import io
import random
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from PIL import Image, ImageDraw
from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.accounts.models import Role, User
from jieyou.accounts.service import create_user
from jieyou.cases import attachments
from jieyou.cases.models import Case
from jieyou.cases.schemas import ActionIn
from jieyou.cases.states import Action, Status
from jieyou.config import get_settings
from jieyou.db import Database, utcnow
from jieyou.ledger import service
from jieyou.ledger.models import RectificationBatch, RectificationItem
from jieyou.ledger.template import COLUMNS
from jieyou.regions.models import Level, Region
from jieyou.routing.calendar import local_date
from jieyou.routing.models import Unit
from jieyou.routing.service import centre_code

CITY = "431000000000"
BEIHU = "431002000000"
# Problems per county in the city-wide list (300), roughly by how much farmland each has.
COUNTY_SHARE = {
    "431002": 18,  # 北湖区
    "431003": 24,  # 苏仙区
    "431021": 40,  # 桂阳县
    "431022": 36,  # 宜章县
    "431023": 32,  # 永兴县
    "431024": 22,  # 嘉禾县
    "431025": 25,  # 临武县
    "431026": 24,  # 汝城县
    "431027": 15,  # 桂东县
    "431028": 34,  # 安仁县
    "431081": 30,  # 资兴市
}
PLACES = [
    "老屋场", "塘坝冲", "大坵田", "枫树下", "水口", "长冲", "石灰窑", "新屋里",
    "高家洞", "下湾", "井头", "桥边", "岭脚", "对门坳", "杉木垅", "茶亭",
]  # fmt: skip


@dataclass(frozen=True)
class Problem:
    kind: str
    text: str  # {place} and {area} filled in
    outcome: str
    area: tuple[float, float]


PROBLEMS: list[Problem] = [
    Problem(
        "耕地“非农化”",
        "经卫片比对，{place}有村民未经批准占用耕地新建住房一栋，地基及一层已完工，占地约{area}亩。",
        "已拆除违法建筑并清运建筑垃圾，回填耕作层，已复耕种植油菜，经村组和乡镇联合验收。",
        (0.1, 0.6),
    ),
    Problem(
        "耕地“非农化”",
        "{place}耕地被水泥硬化，用作晒谷坪和停车场，面积约{area}亩。",
        "已破除硬化层，外运碎渣，回填耕作土并深翻，已恢复种植。",
        (0.2, 1.5),
    ),
    Problem(
        "耕地“非农化”",
        "{place}耕地上堆放砂石、预制件等建筑材料，堆放面积约{area}亩，耕作层已被碾压破坏。",
        "已责令业主清运全部砂石和材料，平整土地、翻耕施肥，恢复耕作条件。",
        (0.3, 3.0),
    ),
    Problem(
        "耕地“非农化”",
        "{place}占用耕地搭建生猪养殖棚舍及附属用房，面积约{area}亩，未办理设施农用地备案。",
        "养殖棚舍已拆除，粪污清理完毕，土地已平整复耕。",
        (0.2, 2.0),
    ),
    Problem(
        "耕地“非农化”",
        "{place}耕地上修建简易仓库和围墙，面积约{area}亩，现用于存放农机和杂物。",
        "已拆除仓库和围墙，清理地面，复耕后种植晚稻。",
        (0.1, 1.0),
    ),
    Problem(
        "耕地“非粮化”",
        "{place}耕地种植桂花、香樟等绿化苗木，面积约{area}亩，未种植粮食作物。",
        "苗木已全部移栽，深翻整地后种植一季稻。",
        (1.0, 12.0),
    ),
    Problem(
        "永久基本农田“非粮化”",
        "{place}永久基本农田种植脐橙，面积约{area}亩，树龄约三年。",
        "与承包户协商后分批移除果树，已恢复种植水稻。",
        (2.0, 25.0),
    ),
    Problem(
        "永久基本农田“非粮化”",
        "{place}永久基本农田被挖塘养鱼，面积约{area}亩，耕作层已被破坏。",
        "已排水清淤，回填耕作层土壤，种植水稻，耕地质量由农业农村部门验收。",
        (0.5, 6.0),
    ),
    Problem(
        "耕地“非粮化”",
        "{place}耕地铺种草皮用于出售，面积约{area}亩。",
        "草皮已起运，翻耕后种植玉米。",
        (1.0, 8.0),
    ),
    Problem(
        "耕地撂荒",
        "{place}耕地连续两年未耕种，杂草丛生，撂荒面积约{area}亩。",
        "由村集体统一流转给种粮大户，已完成翻耕并播种早稻。",
        (1.0, 15.0),
    ),
]
PROGRESS = [
    "已约谈当事人，下达限期整改通知书。",
    "已组织挖机进场，正在清理，完成约一半。",
    "已制定整改方案，明确村组干部包干到户。",
    "现场已基本清理完毕，正在翻耕整地。",
]
REJECTIONS = [
    "现场核查发现仍有部分建筑垃圾未清运，耕作层未恢复，请继续整改。",
    "照片未能反映整改后全貌，且未见种植粮食作物，请补充整改前后对比照片。",
    "实地核查面积与清单不符，尚有约三分之一未整改，请按清单面积整改到位。",
]
# Where each item ends up, and how often.
TARGETS = [
    ("rectified", 58),
    ("awaiting", 10),
    ("rejected_then_working", 5),
    ("in_progress", 20),
    ("assigned", 7),
]


@dataclass
class LedgerDemoReport:
    batches: list[int] = field(default_factory=list)
    items: int = 0
    states: str = ""


def load_ledger_demo(
    database: Database,
    *,
    seed: int = 2026,
    items: int = 300,
    now: datetime | None = None,
    upload_dir: Path | None = None,
) -> LedgerDemoReport:
    """Add the demo batches unless a batch of the same name is there already."""
    now = now or utcnow()
    rng = random.Random(seed)
    upload_dir = upload_dir or Path(get_settings().storage.upload_dir)
    report = LedgerDemoReport()
    states: Counter[str] = Counter()
    specs = [
        (
            "2026年耕地“非农化”“非粮化”问题整改清单（省田长办交办第一批）",
            "省田长办",
            CITY,
            150,
            _city_places(database, rng, items),
        ),
        (
            "北湖区2026年卫片执法耕地问题整改清单",
            "卫片执法检查",
            BEIHU,
            90,
            _county_places(database, rng, BEIHU, max(10, items // 8)),
        ),
    ]
    for name, source, issuer, days_ago, places in specs:
        written: list[Path] = []
        try:
            with database.unit_of_work() as session:
                exists = select(RectificationBatch.id).where(RectificationBatch.name == name)
                if session.scalar(exists):
                    continue
                walker = _Walker(session, rng, now, upload_dir, written)
                issued_at = now - timedelta(days=days_ago)
                batch_id = walker.import_list(name, source, issuer, issued_at, places)
                for case in walker.cases_of(batch_id):
                    states[walker.walk(case, issued_at)] += 1
        except BaseException:
            for path in written:  # photos of a transaction that did not commit
                path.unlink(missing_ok=True)
            raise
        report.batches.append(batch_id)
        report.items += len(places)
    report.states = ", ".join(f"{k} {v}" for k, v in sorted(states.items()))
    return report


def _villages(session: Session, township_path: str) -> list[Region]:
    return list(
        session.scalars(
            select(Region)
            .where(
                Region.level == Level.village, Region.parent_code == township_path.ljust(12, "0")
            )
            .order_by(Region.code)
        )
    )


def _rural_townships(session: Session, county: str) -> list[Region]:
    towns = session.scalars(
        select(Region)
        .where(Region.level == Level.township, Region.parent_code == county.ljust(12, "0"))
        .order_by(Region.code)
    ).all()
    return [t for t in towns if not t.name.endswith("街道")] or list(towns)


def _city_places(database: Database, rng: random.Random, total: int) -> list[Region]:
    scale = total / sum(COUNTY_SHARE.values())
    with database.unit_of_work(write=False) as session:
        places: list[Region] = []
        for county, share in COUNTY_SHARE.items():
            towns = _rural_townships(session, county)
            for _ in range(max(1, round(share * scale))):
                town = rng.choice(towns)
                villages = _villages(session, town.path) or [town]
                places.append(rng.choice(villages))
        session.expunge_all()
    return places


def _county_places(database: Database, rng: random.Random, county: str, n: int) -> list[Region]:
    with database.unit_of_work(write=False) as session:
        towns = _rural_townships(session, county[:6])
        # 华塘镇 first, so the demo township login has work.
        huatang = [t for t in towns if t.code == "431002101000"]
        places = []
        for i in range(n):
            town = huatang[0] if huatang and i % 3 == 0 else rng.choice(towns)
            places.append(rng.choice(_villages(session, town.path) or [town]))
        session.expunge_all()
    return places


class _Walker:
    def __init__(
        self,
        session: Session,
        rng: random.Random,
        now: datetime,
        upload: Path,
        written: list[Path],
    ) -> None:
        self.session = session
        self.rng = rng
        self.now = now
        self.upload_dir = upload
        self.written = written
        self.users: dict[int, User] = {}
        official = [Level.city, Level.county, Level.township, Level.village]
        self.names = dict(
            session.execute(
                select(Region.code, Region.name).where(
                    Region.level.in_([v.value for v in official])
                )
            ).all()
        )
        self.outcomes: dict[str, str] = {}  # description → what rectifying it looks like

    def clerk(self, unit_id: int) -> User:
        """The unit's demo login if it has one (beihu, huatang …), else a password-less clerk
        named as the grievance demo names them."""
        if unit_id not in self.users:
            user = self.session.scalar(
                select(User).where(User.unit_id == unit_id, User.is_active.is_(True)).limit(1)
            )
            if user is None:
                unit = self.session.get(Unit, unit_id)
                assert unit is not None
                region = self.session.get(Region, unit.region_code)
                assert region is not None
                user = create_user(
                    self.session,
                    username=f"clerk{unit.id}",
                    role=Role(region.level),
                    region_code=unit.region_code,
                    unit_code=unit.code,
                    display_name=f"{unit.name}工作人员",
                )
            self.users[unit_id] = user
        return self.users[unit_id]

    def import_list(
        self, name: str, source: str, issuer: str, issued_at: datetime, places: list[Region]
    ) -> int:
        rng = self.rng
        issued_on = local_date(issued_at)
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.append([c.header for c in COLUMNS])
        for n, village in enumerate(places, start=1):
            problem = rng.choice(PROBLEMS)
            area = round(rng.uniform(*problem.area), 2)
            town = self.names.get(village.path[:9].ljust(12, "0"), "")
            spot = f"{village.name}{rng.randint(1, 12)}组{rng.choice(PLACES)}"
            # City lists name the county or the township; county lists the township.
            unit = town if issuer == BEIHU or rng.random() < 0.6 else ""
            due = issued_on + timedelta(days=rng.choice([60, 90, 90, 120, 180, 200]))
            text = problem.text.format(place=spot, area=area)
            self.outcomes[text] = problem.outcome
            ws.append(
                [
                    f"{'ZG' if issuer == CITY else 'BH'}-{n:04d}",
                    None,
                    problem.kind,
                    self.names.get(village.path[:6].ljust(12, "0"), ""),
                    town,
                    village.name if village.level == Level.village else None,
                    None,
                    spot,
                    area,
                    text,
                    unit or None,
                    due,
                ]
            )
        with tempfile.TemporaryDirectory(prefix="jieyou-demo-") as folder:
            path = Path(folder) / "list.xlsx"
            wb.save(path)
            actor = self.clerk(self._unit_id(centre_code(issuer)))
            result = service.import_batch(
                self.session,
                actor=actor,
                path=path,
                name=name,
                source=source,
                issuer_code=centre_code(issuer),
                issued_on=issued_on,
                now=issued_at,
            )
        assert result.batch is not None and not result.errors, result.errors[:3]
        return result.batch.id

    def _unit_id(self, code: str) -> int:
        unit_id = self.session.scalar(select(Unit.id).where(Unit.code == code))
        assert unit_id is not None
        return unit_id

    def cases_of(self, batch_id: int) -> list[Case]:
        stmt = (
            select(Case)
            .join(RectificationItem, RectificationItem.case_id == Case.id)
            .where(RectificationItem.batch_id == batch_id)
            .order_by(Case.id)
        )
        return list(self.session.scalars(stmt))

    def walk(self, case: Case, issued_at: datetime) -> str:
        rng = self.rng
        target = rng.choices([t for t, _ in TARGETS], [w for _, w in TARGETS])[0]
        clock = [issued_at]
        handler = self.clerk(case.assigned_unit_id or case.owner_unit_id)
        issuer = self.clerk(case.owner_unit_id)

        def later(low: float, high: float) -> datetime:
            # Never past now: the history of a recent step is squeezed into what is left.
            room = (self.now - clock[0]).total_seconds() * 0.3
            clock[0] += timedelta(seconds=min(rng.uniform(low, high) * 86400, room))
            return clock[0]

        def act(action: Action, actor: User, **body: str) -> None:
            assert case.number is not None
            service.act_on_item(
                self.session,
                actor=actor,
                number=case.number,
                action=action,
                body=ActionIn(**body),
                now=later(0.5, 6),
            )

        def progress(note: str) -> None:
            assert case.number is not None
            self.written.extend(
                service.add_evidence(
                    self.session,
                    actor=handler,
                    number=case.number,
                    note=note,
                    photos=[_photo(rng)],
                    upload_dir=self.upload_dir,
                    now=later(3, 25),
                )
            )

        if target == "assigned":
            return target
        act(Action.start, handler, note="已签收，安排专人负责整改")
        if target == "in_progress":
            if rng.random() < 0.6:
                progress(rng.choice(PROGRESS))
            return target
        progress(rng.choice(PROGRESS))
        outcome = self._outcome(case)
        act(Action.resolve, handler, outcome=outcome)
        if target == "rejected_then_working":
            act(Action.reopen, issuer, reason=rng.choice(REJECTIONS))
            return "in_progress"
        if target == "awaiting":
            return target
        act(Action.confirm, issuer, note="经实地核查，整改到位，同意销号")
        assert Status(case.status) == Status.closed
        return target

    def _outcome(self, case: Case) -> str:
        return self.outcomes.get(case.description, "已按要求整改到位，恢复耕种。")


def _photo(rng: random.Random) -> attachments.Photo:
    """A plain picture of a field (sky, hills, furrows) standing in for a site photo."""
    image = Image.new("RGB", (320, 240), (150 + rng.randint(0, 60), 190, 230))
    draw = ImageDraw.Draw(image)
    ground = (70 + rng.randint(0, 40), 120 + rng.randint(0, 60), 50)
    draw.polygon([(0, 120), (90, 80), (200, 110), (320, 70), (320, 240), (0, 240)], fill=ground)
    for y in range(140, 240, 14):
        draw.line([(0, y), (320, y - 20)], fill=(90, 70, 40), width=2)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return attachments.clean_photo("现场照片.jpg", out.getvalue(), max_bytes=5_000_000)
