"""Who sees and decides alerts: the region subtree, like cases; departments see the alerts
about cases dispatched to them. Only supervising roles acknowledge or close."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from jieyou.accounts.models import Role, User
from jieyou.alerts.models import Alert, AlertCase
from jieyou.cases.models import Case
from jieyou.cases.permissions import SEES_EVERYTHING, SUPERVISORY_ROLES, scope_clause
from jieyou.errors import NotFound, NotPermitted
from jieyou.regions.repository import subtree_clause


def alert_scope(actor: User) -> ColumnElement[bool] | None:
    role = Role(actor.role)
    if role in SEES_EVERYTHING:
        return None
    cases = scope_clause(actor)
    via_cases = Alert.id.in_(
        select(AlertCase.alert_id).join(Case, Case.id == AlertCase.case_id).where(cases)
        if cases is not None
        else select(AlertCase.alert_id)
    )
    if role == Role.department:
        return via_cases
    return or_(subtree_clause(Alert.region_path, actor.region_path), via_cases)


def get_alert_for(session: Session, actor: User, alert_id: int) -> Alert:
    stmt = select(Alert).where(Alert.id == alert_id)
    clause = alert_scope(actor)
    if clause is not None:
        stmt = stmt.where(clause)
    alert = session.scalar(stmt)
    if alert is None:
        raise NotFound(f"预警 {alert_id} 不存在", code="alert_not_found")
    return alert


def check_decide(actor: User) -> None:
    if Role(actor.role) not in SUPERVISORY_ROLES:
        raise NotPermitted("只有综治中心和村社区可以处置预警", code="action_not_permitted")
