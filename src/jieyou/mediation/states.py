"""The mediation state machine and the vocabularies of 人民调解, with their Chinese labels.

One table of ``(state, action) -> state``; nothing else compares mediation status strings.

```
open ─agree─▶ agreed ─follow_up─▶ agreed (履行回访, as often as needed)
 │ ▲
 │ └ session (调解记录), parties
 ├─fail────▶ failed      (no agreement: guidance to litigation, arbitration …)
 └─withdraw▶ withdrawn   (the parties withdrew)
```

Failed or withdrawn ends that mediation, not the case's chance of one: the case may then be
mediated again, as a new mediation (:data:`MEDIATE_AGAIN_AFTER`).
"""

from __future__ import annotations

from enum import StrEnum

from jieyou.errors import IllegalTransition


class MediationStatus(StrEnum):
    open = "open"
    agreed = "agreed"
    failed = "failed"
    withdrawn = "withdrawn"


class MediationAction(StrEnum):
    session = "session"
    parties = "parties"
    agree = "agree"
    fail = "fail"
    withdraw = "withdraw"
    follow_up = "follow_up"


S, A = MediationStatus, MediationAction

TRANSITIONS: dict[tuple[MediationStatus, MediationAction], MediationStatus] = {
    (S.open, A.session): S.open,
    (S.open, A.parties): S.open,
    (S.open, A.agree): S.agreed,
    (S.open, A.fail): S.failed,
    (S.open, A.withdraw): S.withdrawn,
    (S.agreed, A.follow_up): S.agreed,
}

CONCLUDED = frozenset({S.agreed, S.failed, S.withdrawn})
# Concluded without an agreement: the case may be mediated again (重新调解). An agreement is
# enforced by 履行回访 or 司法确认, never by mediating the dispute a second time.
MEDIATE_AGAIN_AFTER = frozenset({S.failed, S.withdrawn})

STATUS_LABELS: dict[str, str] = {
    S.open: "调解中",
    S.agreed: "达成协议",
    S.failed: "调解不成",
    S.withdrawn: "撤回",
}
ACTION_LABELS: dict[str, str] = {
    A.session: "记录调解",
    A.parties: "修改当事人",
    A.agree: "达成协议",
    A.fail: "调解不成",
    A.withdraw: "撤回调解",
    A.follow_up: "履行回访",
}


def allowed(status: str) -> list[MediationAction]:
    return [a for (s, a) in TRANSITIONS if s == status]


def transition(status: str, action: MediationAction) -> MediationStatus:
    """The next state, or 409 naming what the current state allows."""
    target = TRANSITIONS.get((MediationStatus(status), action))
    if target is None:
        raise IllegalTransition(
            f"调解当前为“{STATUS_LABELS[status]}”，不能{ACTION_LABELS[action]}",
            code="illegal_transition",
            status=status,
            allowed=[a.value for a in allowed(status)],
        )
    return target


class Speciality(StrEnum):
    marriage_family = "marriage_family"
    neighbour = "neighbour"
    land_forest = "land_forest"
    labour = "labour"
    property = "property"
    traffic = "traffic"
    medical = "medical"
    contract_debt = "contract_debt"
    damage = "damage"
    demolition = "demolition"
    environment = "environment"
    other = "other"


SPECIALITY_LABELS: dict[str, str] = {
    Speciality.marriage_family: "婚姻家庭",
    Speciality.neighbour: "邻里纠纷",
    Speciality.land_forest: "土地山林",
    Speciality.labour: "劳动争议",
    Speciality.property: "物业纠纷",
    Speciality.traffic: "交通事故",
    Speciality.medical: "医疗纠纷",
    Speciality.contract_debt: "合同债务",
    Speciality.damage: "损害赔偿",
    Speciality.demolition: "征地拆迁",
    Speciality.environment: "环境污染",
    Speciality.other: "其他纠纷",
}

# Case category (data/categories.csv) → the specialities that fit it, best first.
CATEGORY_SPECIALITIES: dict[str, tuple[Speciality, ...]] = {
    "0101": (Speciality.property,),
    "0102": (Speciality.property, Speciality.contract_debt),
    "0104": (Speciality.demolition, Speciality.land_forest),
    "0105": (Speciality.neighbour,),
    "0201": (Speciality.labour,),
    "0202": (Speciality.labour,),
    "0203": (Speciality.labour, Speciality.damage),
    "0401": (Speciality.contract_debt,),
    "0402": (Speciality.contract_debt,),
    "0501": (Speciality.environment, Speciality.neighbour),
    "0502": (Speciality.neighbour, Speciality.environment),
    "0503": (Speciality.neighbour, Speciality.environment),
    "0601": (Speciality.medical,),
    "0701": (Speciality.traffic, Speciality.damage),
    "0801": (Speciality.marriage_family,),
    "0802": (Speciality.neighbour,),
    "0803": (Speciality.contract_debt,),
    "0804": (Speciality.damage, Speciality.neighbour),
    "0805": (Speciality.damage,),
    "1001": (Speciality.land_forest, Speciality.neighbour),
    "1002": (Speciality.land_forest,),
    "1003": (Speciality.land_forest,),
    "1004": (Speciality.contract_debt,),
    "1005": (Speciality.land_forest, Speciality.neighbour),
    "1101": (Speciality.land_forest,),
}


def specialities_for(category_code: str | None) -> tuple[Speciality, ...]:
    return CATEGORY_SPECIALITIES.get(category_code or "", (Speciality.other,))


class Guidance(StrEnum):
    """Where parties are pointed when mediation fails (告知其他救济途径)."""

    litigation = "litigation"
    arbitration = "arbitration"
    labour_arbitration = "labour_arbitration"
    administrative = "administrative"
    other = "other"


GUIDANCE_LABELS: dict[str, str] = {
    Guidance.litigation: "向人民法院提起诉讼",
    Guidance.arbitration: "申请仲裁",
    Guidance.labour_arbitration: "申请劳动人事争议仲裁",
    Guidance.administrative: "请求有关行政机关处理",
    Guidance.other: "其他途径",
}


class Honoured(StrEnum):
    fully = "fully"
    partly = "partly"
    not_ = "not"


HONOURED_LABELS: dict[str, str] = {
    Honoured.fully: "已全部履行",
    Honoured.partly: "部分履行",
    Honoured.not_: "未履行",
}


class VisitMethod(StrEnum):
    visit = "visit"
    phone = "phone"


VISIT_LABELS: dict[str, str] = {VisitMethod.visit: "上门回访", VisitMethod.phone: "电话回访"}

SIDE_LABELS: dict[str, str] = {"applicant": "申请人", "respondent": "被申请人"}
GENDER_LABELS: dict[str, str] = {"male": "男", "female": "女"}
