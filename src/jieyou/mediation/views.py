"""The read side of 人民调解: rows turned into what the API and the pages show, always
through the case scope, with personal data masked unless the reader handles the case (each
full view written to the access log)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.accounts.access import log_full_view
from jieyou.accounts.models import User
from jieyou.cases.models import Case
from jieyou.cases.permissions import get_case_for
from jieyou.db import utcnow
from jieyou.errors import NotFound
from jieyou.mediation import repository
from jieyou.mediation.models import Mediation, MediationParty
from jieyou.mediation.permissions import handles, may_record, mediation_of
from jieyou.mediation.schemas import (
    AgreementRead,
    CaseMediationItem,
    FollowUpRead,
    MediationListItem,
    MediationPage,
    MediationRead,
    MediatorRead,
    MediatorRef,
    PartyRead,
    RegionRef,
    SessionRead,
    SuggestionRead,
)
from jieyou.mediation.service import local_today
from jieyou.mediation.states import (
    GUIDANCE_LABELS,
    HONOURED_LABELS,
    SPECIALITY_LABELS,
    STATUS_LABELS,
    MediationStatus,
    allowed,
    specialities_for,
)
from jieyou.privacy import mask, mask_address, mask_name, mask_text
from jieyou.regions.models import Region
from jieyou.routing.models import Category

PARTY_FIELDS = "name,phone,id_number,address,birth_date"


def mediator_read(row: repository.MediatorRow) -> MediatorRead:
    m = row.mediator
    return MediatorRead(
        id=m.id,
        name=m.name,
        gender=m.gender,
        phone=m.phone,
        organisation=m.organisation,
        title=m.title,
        region=RegionRef(code=m.region_code, name=row.region_name),
        regions=[RegionRef(code=c, name=n) for c, n in row.regions],
        specialities=row.specialities,
        speciality_labels=[SPECIALITY_LABELS.get(s, s) for s in row.specialities],
        username=row.username,
        is_active=m.is_active,
        open_mediations=row.open_mediations,
        note=m.note,
    )


def suggestions(session: Session, actor: User, number: str, limit: int = 8) -> list[SuggestionRead]:
    """Mediators for a case: serving its place, the case category's speciality first, then
    the closest committee, then the lightest load."""
    case = get_case_for(session, actor, number)
    wanted = specialities_for(case.category_code)
    rows = repository.candidates(session, actor, case.region_path)
    depth = repository.served_depth(session, [r.mediator.id for r in rows], case.region_path)
    names = dict(
        session.execute(
            select(Region.path, Region.name).where(
                Region.path.in_({case.region_path[:n] for n in depth.values()})
            )
        ).all()
    )
    scored = []
    for row in rows:
        score, reasons = 0, []
        for rank, spec in enumerate(wanted):
            if spec in row.specialities:
                score += 100 - rank * 30
                reasons.append(f"擅长{SPECIALITY_LABELS[spec]}")
                break
        d = depth.get(row.mediator.id, 0)
        score += d * 3
        reasons.append(f"服务{names.get(case.region_path[:d], '本地')}")
        score -= min(row.open_mediations, 10) * 4
        reasons.append(f"在办调解 {row.open_mediations} 件")
        scored.append(SuggestionRead(mediator=mediator_read(row), score=score, reasons=reasons))
    scored.sort(key=lambda s: (-s.score, s.mediator.id))
    return scored[:limit]


def _party(p: MediationParty, whole: bool) -> PartyRead:
    birth = p.birth_date.isoformat() if p.birth_date else None
    return PartyRead(
        side=p.side,
        name=p.name if whole else (mask_name(p.name) or ""),
        gender=p.gender,
        ethnicity=p.ethnicity,
        birth_date=birth if whole or not birth else birth[:4],
        id_number=p.id_number if whole or not p.id_number else mask(p.id_number),
        phone=p.phone if whole or not p.phone else mask(p.phone),
        address=p.address if whole else mask_address(p.address),
        representative=p.representative if whole else mask_name(p.representative),
    )


class Scrubber:
    """Free text for a reader who may not see personal data: the parties' names and addresses
    masked wherever they appear (participants, minutes, terms …), then phones and ID numbers."""

    def __init__(self, parties: list[MediationParty], whole: bool) -> None:
        self.whole = whole
        found: dict[str, str] = {}
        for p in parties:
            for name in (p.name, p.representative):
                if name:
                    found[name] = mask_name(name) or ""
            if p.address:
                found[p.address] = mask_address(p.address) or ""
        # Longest first, so 李秀英 is masked before a shorter name inside it.
        self.pairs = sorted(found.items(), key=lambda kv: -len(kv[0]))

    def __call__(self, text: str | None) -> str | None:
        if text is None or self.whole:
            return text
        for plain, masked in self.pairs:
            text = text.replace(plain, masked)
        return mask_text(text)


def is_follow_up_overdue(m: Mediation, today: date) -> bool:
    return (
        m.status == MediationStatus.agreed
        and m.follow_up_due is not None
        and m.follow_up_due <= today
    )


def mediation_read(
    session: Session,
    actor: User,
    case: Case,
    mediation: Mediation,
    *,
    channel: str = "api.mediation",
    now: datetime | None = None,
) -> MediationRead:
    whole = handles(session, actor, case, mediation)
    if whole:
        log_full_view(session, actor, case, channel=channel, fields=PARTY_FIELDS)
    today = local_today(now or utcnow())
    region = session.get(Region, case.region_code)
    category = session.get(Category, case.category_code) if case.category_code else None
    sessions = repository.sessions(session, mediation.id)
    follow_ups = repository.follow_ups(session, mediation.id)
    who = repository.usernames(
        session, {s.recorded_by_id for s in sessions} | {f.recorded_by_id for f in follow_ups}
    )
    recorder = may_record(session, actor, case, mediation)
    parties = repository.parties(session, mediation.id)
    scrub = Scrubber(parties, whole)
    agreement = None
    if mediation.status == MediationStatus.agreed and mediation.terms:
        agreement = AgreementRead(
            terms=scrub(mediation.terms) or "",
            performance=scrub(mediation.performance) or "",
            performance_due=mediation.performance_due,
            signed_on=mediation.signed_on,
            copies=mediation.copies or 3,
        )
    base = f"/api/v1/cases/{case.number}/mediation"
    assert mediation.number is not None and case.number is not None
    return MediationRead(
        number=mediation.number,
        case_number=case.number,
        case_title=scrub(case.title) or "",
        category_name=category.name if category else None,
        region_name=region.name if region else "",
        status=mediation.status,
        status_label=STATUS_LABELS[mediation.status],
        committee=mediation.committee,
        facts=scrub(mediation.facts) or "",
        mediators=[
            MediatorRef(id=m.id, name=m.name, organisation=m.organisation, is_lead=lead)
            for m, lead in repository.mediation_mediators(session, mediation.id)
        ],
        parties=[_party(p, whole) for p in parties],
        personal_data="full" if whole else "masked",
        sessions=[
            SessionRead(
                id=s.id,
                held_at=s.held_at,
                place=s.place,
                participants=scrub(s.participants) or "",
                summary=scrub(s.summary) or "",
                agreed=scrub(s.agreed),
                recorded_by=who.get(s.recorded_by_id or 0),
            )
            for s in sessions
        ],
        agreement=agreement,
        failure_reason=scrub(mediation.failure_reason),
        guidance=mediation.guidance,
        guidance_label=GUIDANCE_LABELS.get(mediation.guidance or ""),
        guidance_note=scrub(mediation.guidance_note),
        withdraw_reason=scrub(mediation.withdraw_reason),
        follow_up_due=mediation.follow_up_due,
        follow_up_overdue=is_follow_up_overdue(mediation, today),
        honoured=mediation.honoured,
        follow_ups=[
            FollowUpRead(
                id=f.id,
                visited_on=f.visited_on,
                method=f.method,
                result=f.result,
                result_label=HONOURED_LABELS.get(f.result, f.result),
                note=scrub(f.note),
                next_due=f.next_due,
                recorded_by=who.get(f.recorded_by_id or 0),
            )
            for f in follow_ups
        ],
        started_at=mediation.started_at,
        concluded_at=mediation.concluded_at,
        available_actions=[a.value for a in allowed(mediation.status)] if recorder else [],
        documents=(
            {"docx": f"{base}/agreement.docx", "pdf": f"{base}/agreement.pdf"}
            if agreement is not None and whole
            else {}
        ),
    )


def mediation_detail(
    session: Session, actor: User, number: str, *, channel: str = "api.mediation"
) -> MediationRead:
    case = get_case_for(session, actor, number)
    return mediation_read(session, actor, case, mediation_of(session, case), channel=channel)


def _outcome(m: Mediation) -> str:
    if m.status == MediationStatus.failed and m.guidance:
        return f"{STATUS_LABELS[m.status]}，已告知当事人可{GUIDANCE_LABELS.get(m.guidance, '')}"
    return STATUS_LABELS[m.status]


def case_mediations(session: Session, case: Case) -> list[CaseMediationItem]:
    """The case's mediations, oldest first: what happened, never the parties or free text
    (reasons, terms), so every reader in scope gets the same list."""
    found = repository.case_mediations(session, case.id)
    names = repository.mediator_names(session, [m.id for m in found])
    return [
        CaseMediationItem(
            id=m.id,
            number=m.number or "",
            status=m.status,
            status_label=STATUS_LABELS[m.status],
            committee=m.committee,
            mediators=names.get(m.id, []),
            started_at=m.started_at,
            concluded_at=m.concluded_at,
            outcome=_outcome(m),
            guidance=m.guidance,
            signed_on=m.signed_on,
            is_latest=i == len(found) - 1,
        )
        for i, m in enumerate(found)
    ]


def case_mediations_for(session: Session, actor: User, number: str) -> list[CaseMediationItem]:
    return case_mediations(session, get_case_for(session, actor, number))


def case_for_mediation_id(
    session: Session, actor: User, mediation_id: int
) -> tuple[Case, Mediation]:
    """A mediation by id, through the case scope: out of scope answers like missing."""
    mediation = session.get(Mediation, mediation_id)
    if mediation is not None:
        number = session.get(Case, mediation.case_id)
        try:
            case = get_case_for(session, actor, number.number if number and number.number else "")
        except NotFound:
            pass
        else:
            return case, mediation
    raise NotFound(f"调解 {mediation_id} 不存在", code="mediation_not_found")


def mediation_page(
    session: Session,
    actor: User,
    *,
    status: str | None = None,
    due: bool = False,
    page: int = 1,
    page_size: int = 20,
    now: datetime | None = None,
) -> MediationPage:
    today = local_today(now or utcnow())
    total, counts, rows = repository.mediation_page(
        session, actor, status=status, due=due, today=today, page=page, page_size=page_size
    )
    ids = [m.id for m, _ in rows]
    mediators = repository.mediator_names(session, ids)
    applicants = repository.first_applicants(session, ids)
    regions = dict(
        session.execute(
            select(Region.code, Region.name).where(
                Region.code.in_({c.region_code for _, c in rows})
            )
        ).all()
    )
    items = [
        MediationListItem(
            id=m.id,
            number=m.number or "",
            case_number=c.number or "",
            status=m.status,
            status_label=STATUS_LABELS[m.status],
            committee=m.committee,
            mediators=mediators.get(m.id, []),
            applicant=mask_name(applicants.get(m.id)) or "",
            region_name=regions.get(c.region_code, ""),
            started_at=m.started_at,
            concluded_at=m.concluded_at,
            follow_up_due=m.follow_up_due,
            follow_up_overdue=is_follow_up_overdue(m, today),
            honoured=m.honoured,
        )
        for m, c in rows
    ]
    return MediationPage(total=total, page=page, page_size=page_size, counts=counts, items=items)
