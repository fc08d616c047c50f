"""Aggregates behind the dashboard, kept up to date as cases change (filled in by issue 5)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jieyou.cases.models import Case, CaseEvent


def on_case_event(session: Session, case: Case, event: CaseEvent) -> None:
    """Fold ``event`` into the aggregates, in the caller's transaction."""
