"""Which case events send which messages to whom (filled in by the notifications work)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jieyou.cases.models import Case, CaseEvent


def on_case_event(session: Session, case: Case, event: CaseEvent) -> None:
    """Queue the messages ``event`` calls for, in the caller's transaction."""
