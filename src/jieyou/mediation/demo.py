"""Demo 人民调解: a roster in 北湖区 (华塘镇, its villages, 鲁塘镇 and the district's trade
committees), and mediations on the demo cases of 华塘镇 — open ones with sessions, agreed ones
with agreements and 履行回访 (most honoured, one partly, one not, some due), failed ones with
guidance to litigation or arbitration, one withdrawn.

The demo writes its rows directly, with times in the past; it leaves the case histories alone
(an event dated before the case's last one would break the order of its chain).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.cases.models import Case, CaseParty
from jieyou.mediation.models import (
    Mediation,
    MediationFollowUp,
    MediationMediator,
    MediationParty,
    MediationSession,
    Mediator,
)
from jieyou.mediation.schemas import MediatorCreate
from jieyou.mediation.service import create_mediator, local_today
from jieyou.mediation.states import Guidance, Honoured, MediationStatus, specialities_for
from jieyou.timefmt import local_zone

S = MediationStatus
HUATANG = "431002101000"
BEIHU = "431002000000"
# (name, gender, organisation, title, committee region, served regions, specialities, username)
ROSTER: list[tuple[str, str, str, str, str, list[str], list[str], str | None]] = [
    (
        "罗建华",
        "male",
        "华塘镇人民调解委员会",
        "专职人民调解员",
        HUATANG,
        [HUATANG],
        ["neighbour", "land_forest", "marriage_family"],
        "huatang_mediator",
    ),
    (
        "陈国平",
        "male",
        "华塘镇人民调解委员会",
        "调委会主任",
        HUATANG,
        [HUATANG],
        ["contract_debt", "labour", "damage"],
        None,
    ),
    (
        "李桂兰",
        "female",
        "华塘镇人民调解委员会",
        "兼职人民调解员",
        HUATANG,
        [HUATANG],
        ["marriage_family", "neighbour"],
        None,
    ),
    (
        "邓志强",
        "male",
        "华塘镇人民调解委员会",
        "兼职人民调解员",
        HUATANG,
        [HUATANG],
        ["land_forest", "demolition", "environment"],
        None,
    ),
    (
        "李德厚",
        "male",
        "华塘镇人民调解委员会",
        "兼职人民调解员",
        HUATANG,
        [HUATANG],
        ["neighbour"],
        None,
    ),
    (
        "何秀英",
        "female",
        "吴山村人民调解委员会",
        "调委会主任",
        "431002101201",
        ["431002101201"],
        ["neighbour", "marriage_family"],
        None,
    ),
    (
        "吴德明",
        "male",
        "吴山村人民调解委员会",
        "人民调解员",
        "431002101201",
        ["431002101201"],
        ["land_forest", "neighbour"],
        None,
    ),
    (
        "曹小军",
        "male",
        "招旅村人民调解委员会",
        "调委会主任",
        "431002101202",
        ["431002101202"],
        ["neighbour", "land_forest"],
        None,
    ),
    (
        "王秋菊",
        "female",
        "华塘村人民调解委员会",
        "调委会主任",
        "431002101200",
        ["431002101200"],
        ["marriage_family", "neighbour"],
        None,
    ),
    (
        "刘振华",
        "male",
        "北湖区人民调解委员会",
        "专职人民调解员",
        BEIHU,
        [BEIHU],
        ["contract_debt", "damage", "other"],
        None,
    ),
    (
        "黄海涛",
        "male",
        "北湖区道路交通事故人民调解委员会",
        "专职人民调解员",
        BEIHU,
        [BEIHU],
        ["traffic", "damage"],
        None,
    ),
    (
        "周敏",
        "female",
        "北湖区医疗纠纷人民调解委员会",
        "专职人民调解员",
        BEIHU,
        [BEIHU],
        ["medical"],
        None,
    ),
    (
        "邝建军",
        "male",
        "北湖区劳动争议人民调解委员会",
        "专职人民调解员",
        BEIHU,
        [BEIHU],
        ["labour"],
        None,
    ),
    (
        "胡晓燕",
        "female",
        "北湖区物业纠纷人民调解委员会",
        "专职人民调解员",
        BEIHU,
        [BEIHU],
        ["property", "contract_debt"],
        None,
    ),
    (
        "彭永和",
        "male",
        "鲁塘镇人民调解委员会",
        "专职人民调解员",
        "431002102000",
        ["431002102000"],
        ["neighbour", "land_forest"],
        None,
    ),
]
INACTIVE = {"李德厚"}  # retired this year: kept on the roster, off new mediations

PLACES = ["华塘镇人民调解室", "华塘镇综治中心调解室", "村委会会议室", "当事人家中", "纠纷现场"]
TERMS_LINES = {
    "neighbour": (
        "一、被申请人于协议签订之日起十日内自行拆除搭建在两家之间的雨棚，恢复申请人厨房采光；",
        "二、拆除所需费用由被申请人承担；",
        "三、双方今后友好相处，不再因此事发生争执。",
    ),
    "land_forest": (
        "一、争议山林以原林权证四至为界，由村委会会同双方于十五日内现场埋设界桩；",
        "二、被申请人补偿申请人林木损失人民币三千元；",
        "三、双方不得再越界采伐。",
    ),
    "marriage_family": (
        "一、申请人与被申请人共同承担母亲的赡养义务，每人每月支付赡养费六百元；",
        "二、母亲由申请人照顾，被申请人每月探望不少于两次；",
        "三、医疗费用凭票据由双方平均分担。",
    ),
    "contract_debt": (
        "一、被申请人确认欠申请人货款人民币二万四千元；",
        "二、被申请人分两期付清：本月底前付一万二千元，下月底前付清余款；",
        "三、申请人放弃利息主张。",
    ),
    "labour": (
        "一、被申请人向申请人支付拖欠工资人民币一万八千六百元；",
        "二、款项于协议签订之日起十五日内一次性转入申请人银行账户；",
        "三、双方劳动关系就此解除，再无其他争议。",
    ),
    "": (
        "一、被申请人向申请人赔偿损失人民币五千元；",
        "二、款项于协议签订之日起二十日内付清；",
        "三、双方就本纠纷再无其他争议。",
    ),
}
FAIL_REASONS = [
    ("双方对赔偿数额分歧较大，经三次调解仍无法达成一致。", Guidance.litigation),
    ("被申请人否认存在劳动关系，申请人坚持要求支付经济补偿。", Guidance.labour_arbitration),
    ("双方对合同约定的违约责任各执一词，均不愿让步。", Guidance.arbitration),
]


def _id_number(rng: random.Random, born: date) -> str:
    body = f"431002{born:%Y%m%d}{rng.randint(100, 999)}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def _roster(session: Session) -> dict[str, Mediator]:
    found: dict[str, Mediator] = {}
    for name, gender, org, title, region, served, specs, username in ROSTER:
        existing = session.scalar(
            select(Mediator).where(Mediator.name == name, Mediator.organisation == org)
        )
        if existing is None:
            linked = username and session.scalar(select(User.id).where(User.username == username))
            existing = create_mediator(
                session,
                actor=None,
                data=MediatorCreate.model_validate(
                    {
                        "name": name,
                        "gender": gender,
                        "phone": f"0735-{2_600_000 + len(found) * 1_117}",
                        "organisation": org,
                        "title": title,
                        "region_code": region,
                        "regions": served,
                        "specialities": specs,
                        "username": username if linked else None,
                        "is_active": name not in INACTIVE,
                        "note": "已退休，不再接受新案" if name in INACTIVE else None,
                    }
                ),
            )
        found[name] = existing
    return found


def _parties(session: Session, rng: random.Random, case: Case, mediation_id: int) -> None:
    rows = session.scalars(select(CaseParty).where(CaseParty.case_id == case.id)).all()
    people: list[tuple[str, str, str | None]] = [
        ("applicant", case.submitter_name or "申请人", case.submitter_phone)
    ]
    people += [(r.role, r.name, r.phone) for r in rows if r.role == "respondent"]
    if len(people) == 1:
        people.append(("respondent", "王建国", "13807359876"))
    for side, name, phone in people:
        born = date(rng.randint(1950, 1995), rng.randint(1, 12), rng.randint(1, 28))
        session.add(
            MediationParty(
                mediation_id=mediation_id,
                side=side,
                name=name,
                gender=rng.choice(["male", "female"]),
                ethnicity="汉族" if rng.random() < 0.95 else "瑶族",
                birth_date=born,
                id_number=_id_number(rng, born),
                phone=phone,
                address=case.address,
            )
        )


def _daytime(after: datetime, moment: datetime, rng: random.Random) -> datetime:
    """``moment`` moved to office hours of its local day (people meet a mediator at 09:00 or
    15:30, not at 03:20), still later than ``after``."""
    zone = local_zone()
    local = moment.astimezone(zone)
    slot = local.replace(hour=rng.choice([9, 10, 14, 15, 16]), minute=rng.choice([0, 30]))
    slot = slot.replace(second=0, microsecond=0)
    while slot <= after:
        slot += timedelta(days=1)
    return slot.astimezone(UTC)


def seed_mediation(session: Session, *, rng: random.Random, now: datetime) -> dict[str, int]:
    """The roster and mediations on 华塘镇's demo cases. Run after the demo cases exist;
    running it again adds nothing (the roster is matched by name, mediations only once)."""
    roster = _roster(session)
    counts = {
        "mediators": len(roster),
        "open": 0,
        "agreed": 0,
        "failed": 0,
        "withdrawn": 0,
        "sessions": 0,
        "follow_ups": 0,
    }
    if session.scalar(select(Mediation.id).limit(1)) is not None:
        return counts  # mediations are there already: the demo runs once
    town = [m for m in roster.values() if m.region_path.startswith("431002101") and m.is_active]
    lead = roster["罗建华"]
    taken = select(Mediation.case_id)
    cases = session.scalars(
        select(Case)
        .where(Case.township_path == "431002101", Case.id.not_in(taken))
        .where(Case.status.in_(["accepted", "assigned", "in_progress", "resolved", "closed"]))
        .order_by(Case.id)
    ).all()
    today = local_today(now)
    concluded = [c for c in cases if c.status in ("resolved", "closed")][:14]
    ongoing = [c for c in cases if c.status in ("assigned", "in_progress")][:6]
    plan = [(c, S.open) for c in ongoing[:4]]
    plan += [(c, S.failed) for c in ongoing[4:6]]
    plan += [(c, S.agreed) for c in concluded[:11]]
    plan += [(c, S.failed) for c in concluded[11:12]]
    plan += [(c, S.withdrawn) for c in concluded[12:13]]
    not_honoured = partly = 0
    for i, (case, outcome) in enumerate(plan):
        opened = case.accepted_at or case.created_at
        start = _daytime(opened, opened + timedelta(hours=rng.uniform(2, 30)), rng)
        start = min(start, now - timedelta(days=2))
        wanted = specialities_for(case.category_code)
        # Committees serving the place: the township's, and the case's own village's.
        local = [m for m in town if case.region_path.startswith(m.region_path)]
        fitting = [m for m in local if set(wanted) & set(_specs(session, m))] or local
        first = lead if i % 2 == 0 else rng.choice(fitting)
        second = rng.choice([m for m in local if m.id != first.id])
        m = Mediation(
            case_id=case.id,
            status=outcome.value,
            region_path=case.region_path,
            committee=first.organisation,
            facts=f"申请人反映：{case.description}\n双方就上述事项发生争议，申请人请求人民调解委员会调解。",
            started_at=start,
            updated_at=start,
        )
        session.add(m)
        session.flush()
        m.number = f"TJ{start.year}{m.id:06d}"
        session.add_all(
            [
                MediationMediator(mediation_id=m.id, mediator_id=first.id, is_lead=True),
                MediationMediator(mediation_id=m.id, mediator_id=second.id, is_lead=False),
            ]
        )
        _parties(session, rng, case, m.id)
        n_sessions = 1 if outcome == S.withdrawn else rng.randint(1, 3)
        held = start
        for k in range(n_sessions):
            held = _daytime(held, held + timedelta(days=rng.uniform(0.5, 4)), rng)
            held = min(held, now - timedelta(hours=3))
            last = k == n_sessions - 1
            session.add(
                MediationSession(
                    mediation_id=m.id,
                    held_at=held,
                    place=rng.choice(PLACES),
                    participants=f"双方当事人、调解员{first.name}、{second.name}、村干部",
                    summary="调解员分别听取双方陈述，释明相关法律规定，进行背对背调解。"
                    if not last
                    else "调解员组织双方面对面协商，对争议焦点逐项沟通。",
                    agreed="双方同意在协议中写明履行期限。"
                    if last and outcome == S.agreed
                    else None,
                    created_at=held,
                )
            )
            counts["sessions"] += 1
        m.updated_at = held
        if outcome == S.open:
            counts["open"] += 1
            continue
        m.concluded_at = held + timedelta(hours=1)
        if outcome == S.failed:
            reason, guidance = FAIL_REASONS[counts["failed"] % len(FAIL_REASONS)]
            m.failure_reason, m.guidance = reason, guidance.value
            m.guidance_note = "已告知当事人诉讼时效及所需材料，并提供法律援助联系方式。"
        elif outcome == S.withdrawn:
            m.withdraw_reason = "双方已自行和解，申请人撤回调解申请。"
        else:
            signed = local_today(m.concluded_at)
            m.terms = "\n".join(TERMS_LINES.get(wanted[0].value, TERMS_LINES[""]))
            m.performance = "按协议约定分期履行，由调解员督促，款项当面交付并出具收条。"
            m.performance_due = signed + timedelta(days=rng.choice([10, 15, 20, 30]))
            m.signed_on, m.copies = signed, 3
            m.follow_up_due = m.performance_due + timedelta(days=7)
            if m.follow_up_due <= today and counts["agreed"] % 4 != 3:  # every 4th stays due
                result = Honoured.fully
                if not_honoured == 0:
                    result, not_honoured = Honoured.not_, 1
                elif partly == 0:
                    result, partly = Honoured.partly, 1
                visited = m.follow_up_due
                next_due = None if result == Honoured.fully else visited + timedelta(days=30)
                session.add(
                    MediationFollowUp(
                        mediation_id=m.id,
                        visited_on=visited,
                        method=rng.choice(["visit", "phone"]),
                        result=result.value,
                        note={
                            Honoured.fully: "双方确认已按协议履行完毕，关系融洽。",
                            Honoured.partly: "被申请人已付第一期款项，第二期尚未支付，已督促。",
                            Honoured.not_: "被申请人未按期履行，"
                            "已告知申请人可申请司法确认后强制执行。",
                        }[result],
                        next_due=next_due,
                        created_at=m.concluded_at + timedelta(days=(visited - signed).days),
                    )
                )
                m.honoured, m.follow_up_due = result.value, next_due
                counts["follow_ups"] += 1
        counts[outcome.value] += 1
    session.flush()
    return counts


def _specs(session: Session, mediator: Mediator) -> list[str]:
    from jieyou.mediation.models import MediatorSpeciality

    return list(
        session.scalars(
            select(MediatorSpeciality.speciality).where(
                MediatorSpeciality.mediator_id == mediator.id
            )
        )
    )
