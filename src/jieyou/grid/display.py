"""What every grid template is given: labels, phones as this viewer may read them, and the
mark on a lane not patrolled for a month."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from jieyou.db import utcnow
from jieyou.grid.models import DUTY_LABELS, POST_LABELS, Duty
from jieyou.grid.permissions import reads_phones
from jieyou.privacy import mask_phone
from jieyou.routing.calendar import local_date
from jieyou.web.boundary import Staff

# A lane not walked for this long is flagged on the register.
STALE_PATROL = timedelta(days=30)


def helpers(staff: Staff) -> dict[str, Any]:
    """What every grid template uses: labels, masking for this viewer, the patrol mark."""
    full = reads_phones(staff.user)
    today = local_date(utcnow())

    def phone(value: str | None) -> str:
        if not value:
            return ""
        return value if full else mask_phone(value)

    def stale(day: date | None) -> bool:
        return day is None or today - day > STALE_PATROL

    return {
        "staff": staff,
        "phone": phone,
        "stale": stale,
        "today": today,
        "POST_LABELS": {p.value: label for p, label in POST_LABELS.items()},
        "DUTY_LABELS": {d.value: label for d, label in DUTY_LABELS.items()},
        "ALL_DUTIES": [d.value for d in Duty],
    }
