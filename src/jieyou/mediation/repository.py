"""Queries of 人民调解: the roster, suggestions, mediations in scope, and the success figures
behind the dashboard. SQL only; who may see what comes from :mod:`.permissions`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.cases.models import Case
from jieyou.cases.permissions import scope_clause
from jieyou.mediation.models import (
    Mediation,
    MediationFollowUp,
    MediationMediator,
    MediationParty,
    MediationSession,
    Mediator,
    MediatorRegion,
    MediatorSpeciality,
)
from jieyou.mediation.permissions import ancestors, roster_clause
from jieyou.mediation.states import CONCLUDED, MediationStatus
from jieyou.regions.models import Region
from jieyou.regions.repository import subtree_clause

S = MediationStatus


def success_counts(
    session: Session, *, path: str, since: datetime, until: datetime
) -> tuple[int, int]:
    """Mediations concluded in ``[since, until)`` in the region subtree ``path``: (concluded,
    of which agreed). Withdrawn ones count as concluded: the parties left without agreement.

    The unit is the mediation, not the case: a case mediated again (调解不成, then 重新调解 and
    达成协议) counts each concluded mediation once, in the period it concluded in — here two
    concluded, one agreed. That is how 调解成功率 is reported (件次), and it keeps a failure
    on the record instead of letting a later agreement erase it."""
    row = session.execute(
        select(
            func.count(),
            func.count().filter(Mediation.status == S.agreed.value),
        )
        .where(subtree_clause(Mediation.region_path, path))
        .where(Mediation.concluded_at >= since, Mediation.concluded_at < until)
        .where(Mediation.status.in_([s.value for s in CONCLUDED]))
    ).one()
    return int(row[0]), int(row[1])


# --- the roster ---------------------------------------------------------------------------


@dataclass
class MediatorRow:
    mediator: Mediator
    region_name: str
    regions: list[tuple[str, str]]  # (code, name)
    specialities: list[str]
    username: str | None
    open_mediations: int


def mediators(
    session: Session,
    actor: User | None,
    *,
    speciality: str | None = None,
    region: str | None = None,
    active: bool | None = None,
    q: str | None = None,
) -> list[MediatorRow]:
    """The roster ``actor`` sees (None: the whole roster, for the console), by committee then
    name. ``region``: serving that region (a served region that is it or above it)."""
    stmt = select(Mediator).order_by(
        Mediator.region_path, Mediator.organisation, Mediator.name, Mediator.id
    )
    clause = roster_clause(actor) if actor is not None else None
    if clause is not None:
        stmt = stmt.where(clause)
    if speciality:
        stmt = stmt.where(
            Mediator.id.in_(
                select(MediatorSpeciality.mediator_id).where(
                    MediatorSpeciality.speciality == speciality
                )
            )
        )
    if region:
        stmt = stmt.where(Mediator.id.in_(_serving(region)))
    if active is not None:
        stmt = stmt.where(Mediator.is_active == active)
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(Mediator.name.like(like), Mediator.organisation.like(like)))
    return rows_of(session, list(session.scalars(stmt)))


def _serving(path: str) -> Select[int]:
    return select(MediatorRegion.mediator_id).where(MediatorRegion.region_path.in_(ancestors(path)))


def rows_of(session: Session, found: Sequence[Mediator]) -> list[MediatorRow]:
    """Roster rows with their regions, specialities, account and load: five queries however
    long the roster."""
    if not found:
        return []
    ids = [m.id for m in found]
    specs: dict[int, list[str]] = defaultdict(list)
    for mid, spec in session.execute(
        select(MediatorSpeciality.mediator_id, MediatorSpeciality.speciality)
        .where(MediatorSpeciality.mediator_id.in_(ids))
        .order_by(MediatorSpeciality.id)
    ):
        specs[mid].append(spec)
    served: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for mid, code, name in session.execute(
        select(MediatorRegion.mediator_id, MediatorRegion.region_code, Region.name)
        .join(Region, Region.code == MediatorRegion.region_code)
        .where(MediatorRegion.mediator_id.in_(ids))
        .order_by(MediatorRegion.region_path)
    ):
        served[mid].append((code, name))
    names = dict(
        session.execute(
            select(Region.code, Region.name).where(Region.code.in_({m.region_code for m in found}))
        ).all()
    )
    users = dict(
        session.execute(
            select(User.id, User.username).where(
                User.id.in_({m.user_id for m in found if m.user_id})
            )
        ).all()
    )
    load = dict(
        session.execute(
            select(MediationMediator.mediator_id, func.count())
            .join(Mediation, Mediation.id == MediationMediator.mediation_id)
            .where(MediationMediator.mediator_id.in_(ids), Mediation.status == S.open.value)
            .group_by(MediationMediator.mediator_id)
        ).all()
    )
    return [
        MediatorRow(
            mediator=m,
            region_name=names.get(m.region_code, ""),
            regions=served[m.id],
            specialities=specs[m.id],
            username=users.get(m.user_id) if m.user_id else None,
            open_mediations=int(load.get(m.id, 0)),
        )
        for m in found
    ]


def candidates(session: Session, actor: User, case_path: str) -> list[MediatorRow]:
    """Active mediators the actor sees who serve the case's place."""
    stmt = select(Mediator).where(
        Mediator.is_active.is_(True), Mediator.id.in_(_serving(case_path))
    )
    clause = roster_clause(actor)
    if clause is not None:
        stmt = stmt.where(clause)
    return rows_of(session, list(session.scalars(stmt.order_by(Mediator.id))))


def served_depth(session: Session, mediator_ids: list[int], case_path: str) -> dict[int, int]:
    """For each mediator, the length of the deepest served path above the case (closer is
    better: the village's own committee before the township's)."""
    rows = session.execute(
        select(MediatorRegion.mediator_id, func.max(func.length(MediatorRegion.region_path)))
        .where(
            MediatorRegion.mediator_id.in_(mediator_ids),
            MediatorRegion.region_path.in_(ancestors(case_path)),
        )
        .group_by(MediatorRegion.mediator_id)
    ).all()
    return {int(mid): int(depth) for mid, depth in rows}


# --- mediations ---------------------------------------------------------------------------


def _in_scope(stmt: Select, actor: User) -> Select:
    clause = scope_clause(actor)
    return stmt if clause is None else stmt.where(clause)


def follow_up_due_clause(today: date) -> ColumnElement[bool]:
    return and_(
        Mediation.status == S.agreed.value,
        Mediation.follow_up_due.is_not(None),
        Mediation.follow_up_due <= today,
    )


def mediation_page(
    session: Session,
    actor: User,
    *,
    status: str | None,
    due: bool,
    today: date,
    page: int,
    page_size: int,
) -> tuple[int, dict[str, int], list[tuple[Mediation, Case]]]:
    """Mediations of the cases ``actor`` sees, newest first; counts by state and due."""
    base = select(Mediation, Case).join(Case, Case.id == Mediation.case_id)
    base = _in_scope(base, actor)
    count_base = _in_scope(
        select(Mediation.status, func.count()).join(Case, Case.id == Mediation.case_id), actor
    )
    counts = {s.value: 0 for s in S}
    for st, n in session.execute(count_base.group_by(Mediation.status)):
        counts[st] = int(n)
    due_stmt = _in_scope(
        select(func.count()).select_from(Mediation).join(Case, Case.id == Mediation.case_id),
        actor,
    ).where(follow_up_due_clause(today))
    counts["follow_up_due"] = int(session.scalar(due_stmt) or 0)
    if status:
        base = base.where(Mediation.status == status)
    if due:
        base = base.where(follow_up_due_clause(today)).order_by(Mediation.follow_up_due)
    total = int(session.scalar(select(func.count()).select_from(base.subquery())) or 0)
    rows = session.execute(
        base.order_by(Mediation.started_at.desc(), Mediation.id.desc())
        .limit(page_size)
        .offset((page - 1) * page_size)
    ).all()
    return total, counts, [(m, c) for m, c in rows]


def case_mediations(session: Session, case_id: int) -> list[Mediation]:
    """Every mediation of the case, oldest first (the last is the case's current one)."""
    return list(
        session.scalars(
            select(Mediation).where(Mediation.case_id == case_id).order_by(Mediation.id)
        )
    )


def mediator_names(session: Session, mediation_ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    if not mediation_ids:
        return out
    for mid, name in session.execute(
        select(MediationMediator.mediation_id, Mediator.name)
        .join(Mediator, Mediator.id == MediationMediator.mediator_id)
        .where(MediationMediator.mediation_id.in_(mediation_ids))
        .order_by(MediationMediator.is_lead.desc(), MediationMediator.id)
    ):
        out[mid].append(name)
    return out


def first_applicants(session: Session, mediation_ids: list[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    if not mediation_ids:
        return out
    for mid, name in session.execute(
        select(MediationParty.mediation_id, MediationParty.name)
        .where(MediationParty.mediation_id.in_(mediation_ids), MediationParty.side == "applicant")
        .order_by(MediationParty.id)
    ):
        out.setdefault(mid, name)
    return out


def mediation_mediators(session: Session, mediation_id: int) -> list[tuple[Mediator, bool]]:
    rows = session.execute(
        select(Mediator, MediationMediator.is_lead)
        .join(MediationMediator, MediationMediator.mediator_id == Mediator.id)
        .where(MediationMediator.mediation_id == mediation_id)
        .order_by(MediationMediator.is_lead.desc(), MediationMediator.id)
    ).all()
    return [(m, bool(lead)) for m, lead in rows]


def parties(session: Session, mediation_id: int) -> list[MediationParty]:
    return list(
        session.scalars(
            select(MediationParty)
            .where(MediationParty.mediation_id == mediation_id)
            .order_by(MediationParty.side, MediationParty.id)
        )
    )


def sessions(session: Session, mediation_id: int) -> list[MediationSession]:
    return list(
        session.scalars(
            select(MediationSession)
            .where(MediationSession.mediation_id == mediation_id)
            .order_by(MediationSession.held_at, MediationSession.id)
        )
    )


def follow_ups(session: Session, mediation_id: int) -> list[MediationFollowUp]:
    return list(
        session.scalars(
            select(MediationFollowUp)
            .where(MediationFollowUp.mediation_id == mediation_id)
            .order_by(MediationFollowUp.visited_on, MediationFollowUp.id)
        )
    )


def usernames(session: Session, ids: set[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return {
        int(i): str(n)
        for i, n in session.execute(
            select(User.id, User.display_name).where(User.id.in_(wanted))
        ).all()
    }
