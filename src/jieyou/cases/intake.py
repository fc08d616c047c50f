"""Intake: a new case is validated, classified, assessed for risk, routed to the lowest
competent tier, checked for duplicates and stored with its first event — one transaction."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.accounts import throttle
from jieyou.accounts.models import User
from jieyou.alerts.risk import RiskAssessment, assess
from jieyou.alerts.service import raise_risk_alert
from jieyou.cases import repository
from jieyou.cases.duplicates import find_duplicates, link_duplicates
from jieyou.cases.events import record_event
from jieyou.cases.models import Case, CaseParty, Channel
from jieyou.cases.schemas import CaseCreate
from jieyou.cases.states import Action, Status
from jieyou.classify.keywords import best_match
from jieyou.classify.model import TextClassifier
from jieyou.classify.store import default_model
from jieyou.config import get_settings
from jieyou.db import utcnow
from jieyou.errors import NotPermitted
from jieyou.regions.service import require_region
from jieyou.routing.models import Category
from jieyou.routing.service import department_for, owner_for, require_category
from jieyou.timefmt import to_local

QUERY_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(6))


def format_number(case_id: int, created_at: datetime) -> str:
    return f"JY{to_local(created_at):%Y%m%d}{case_id:06d}"


@dataclass(frozen=True)
class Classified:
    """The classifier's view of a text, in category codes."""

    code: str | None  # first-level category code of the best label (None: label unknown here)
    confidence: float
    top: list[list[object]]  # [[code, probability], ...]
    version: str
    known: frozenset[str]  # the first-level codes this model can predict at all


def _model_dir() -> str | None:
    return get_settings().classifier.model_dir


@lru_cache(maxsize=2)
def _load_model(model_dir: str | None) -> TextClassifier | None:
    return TextClassifier.load(Path(model_dir)) if model_dir else default_model()


def classify_text(session: Session, title: str, description: str) -> Classified | None:
    """Predict the first-level category, or None when classification is off or no model."""
    if not get_settings().classifier.enabled:
        return None
    model = _load_model(_model_dir())
    if model is None:
        return None
    prediction = model.predict_one(title, description)
    codes = dict(
        session.execute(select(Category.name, Category.code).where(Category.level == 1)).all()
    )
    return Classified(
        code=codes.get(prediction.label),
        confidence=round(float(prediction.confidence), 4),
        top=[[codes.get(label, label), round(float(p), 4)] for label, p in prediction.top],
        version=model.version,
        known=frozenset(codes[label] for label in model.labels if label in codes),
    )


@dataclass(frozen=True)
class Analysis:
    """What reading a submission tells us, before anything is written."""

    title: str
    predicted: Classified | None
    # The category the text alone points to, when confident enough to route by it.
    routed_category: str | None
    risk: RiskAssessment
    duplicates: list[tuple[int, float]]  # (earlier case id, score)


def analyse(session: Session, data: CaseCreate, *, now: datetime) -> Analysis:
    """Classify, assess risk and look for duplicates. Reads only, so the HTTP boundary runs it
    before taking the write lock (SQLite has one writer: CPU work must not hold it)."""
    region = require_region(session, data.region_code)
    title = data.title or _title_from(data.description)
    predicted = classify_text(session, title, data.description)
    threshold = get_settings().classifier.auto_route_threshold
    routed: str | None = None
    if predicted is not None and predicted.code is not None and predicted.confidence >= threshold:
        text = f"{title} {data.description}"
        overall = best_match(text)
        within = best_match(text, within=predicted.code)
        if (
            overall is not None
            and overall.first_level not in predicted.known
            and overall.weight >= 2
            and (within is None or overall.weight > within.weight)
        ):
            # Plainly a dispute type the model was never taught (政法, 民政 …): its confidence
            # means nothing here, so a person decides.
            routed = None
        else:
            # 劳动和社会保障 + 欠薪 → 劳资欠薪: the second level has the right tier and office.
            routed = within.code if within is not None else predicted.code
    dup = get_settings().duplicates
    duplicates = find_duplicates(
        session,
        township_path=region.path[:9],
        region_path=region.path,
        phone=data.submitter.phone,
        text=f"{title} {data.description}",
        window_days=dup.window_days,
        threshold=dup.threshold,
        now=now,
    )
    return Analysis(
        title=title,
        predicted=predicted,
        routed_category=routed,
        risk=assess(title, data.description, parties=len(data.parties)),
        duplicates=duplicates,
    )


def submit_case(
    session: Session,
    *,
    data: CaseCreate,
    actor: User | None,
    now: datetime | None = None,
    analysis: Analysis | None = None,
    ip: str | None = None,
) -> Case:
    """Validate, route to the lowest competent tier, store, link duplicates and raise a risk
    alert if needed — all in the caller's transaction. ``analysis`` may come from
    :func:`analyse` run beforehand; otherwise it is done here."""
    now = now or utcnow()
    if data.channel is not None and actor is None and data.channel != Channel.web:
        raise NotPermitted("只有工作人员可以指定受理渠道", code="channel_needs_staff")
    channel = data.channel or (Channel.api if actor else Channel.web)
    if actor is None:  # staff and partners with a token are accountable; residents are limited
        throttle.guard_submission(session, ip=ip, phone=data.submitter.phone)
    region = require_region(session, data.region_code)
    chosen = require_category(session, data.category_code) if data.category_code else None
    analysis = analysis or analyse(session, data, now=now)
    title, predicted, risk = analysis.title, analysis.predicted, analysis.risk

    # A person's choice routes the case; staff choices count as confirmed. A resident's choice
    # that the model confidently contradicts goes to triage. With no choice, a confident
    # prediction routes the case and an unsure one waits in triage.
    category: Category | None = chosen
    needs_triage = False
    if chosen is None:
        if analysis.routed_category is not None:
            category = session.get(Category, analysis.routed_category)
        else:
            needs_triage = True
    elif actor is None and analysis.routed_category is not None:
        needs_triage = chosen.code[:2] != analysis.routed_category[:2]
    tier, owner = owner_for(session, region, category)
    department = department_for(session, region.path, category)
    risk = assess(title, data.description, parties=len(data.parties))

    # The id is taken up front so the number is known at insert time: case, parties and the
    # first event then go to the database in one flush.
    case_id = repository.next_case_id(session)
    case = Case(
        id=case_id,
        number=format_number(case_id, now),
        query_code=new_query_code(),
        kind="grievance",
        channel=channel.value,
        status=Status.submitted.value,
        title=title,
        description=data.description,
        region_code=region.code,
        region_path=region.path,
        township_path=region.path[:9],
        address=data.address,
        lat=data.lat,
        lng=data.lng,
        category_code=category.code if category else None,
        category_confirmed=chosen is not None and actor is not None,
        needs_triage=needs_triage,
        predicted_category=predicted.code if predicted else None,
        prediction_confidence=predicted.confidence if predicted else None,
        prediction_top=predicted.top if predicted else None,
        model_version=predicted.version if predicted else None,
        risk_level=risk.level,
        risk_reasons=list(risk.reasons),
        submitter_name=data.submitter.name,
        submitter_phone=data.submitter.phone,
        tier=tier.value,
        owner_unit_id=owner.id,
        suggested_unit_id=department.id if department else None,
        created_by_id=actor.id if actor else None,
        created_at=now,
        updated_at=now,
        event_count=0,
        last_event_hash="",
        parties=[
            CaseParty(
                role=p.role.value,
                name=p.name,
                phone=p.phone,
                id_number=p.id_number,
                address=p.address,
            )
            for p in data.parties
        ],
    )
    session.add(case)
    record_event(
        session,
        case,
        Action.submit,
        actor=actor,
        actor_kind="staff" if actor else "resident",
        data={
            "channel": channel.value,
            "unit": owner.code,
            "unit_name": owner.name,
            "category": case.category_code,
            "predicted": case.predicted_category,
            "confidence": case.prediction_confidence,
            "model": case.model_version,
            "risk": case.risk_level,
            "triage": needs_triage,
        },
        is_public=True,
        now=now,
    )
    link_duplicates(session, case, analysis.duplicates, now=now)
    if risk.level in ("high", "critical"):
        raise_risk_alert(session, case, now=now)
    return case


def _title_from(description: str) -> str:
    first = description.strip().splitlines()[0]
    return first[:30] + ("…" if len(first) > 30 else "")
