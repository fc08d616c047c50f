"""The hash chain over a case's events.

Each event's hash covers its own content and the previous event's hash; the case row keeps the
head (count and last hash). Changing, inserting or deleting any event row — or the head — breaks
the chain, and :func:`verify_case` names the first event where it breaks.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def event_digest(
    *,
    case_number: str,
    seq: int,
    action: str,
    from_status: str | None,
    to_status: str,
    actor_kind: str,
    actor_name: str,
    at: datetime,
    note: str | None,
    data: dict[str, Any],
    is_public: bool,
    prev_hash: str,
) -> str:
    payload = {
        "case": case_number,
        "seq": seq,
        "action": action,
        "from": from_status,
        "to": to_status,
        "actor_kind": actor_kind,
        "actor": actor_name,
        "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
        "note": note,
        "data": data,
        "public": is_public,
        "prev": prev_hash,
    }
    canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    case_number: str
    event_id: int | None
    seq: int | None
    reason: str


def verify_case(
    *,
    case_number: str,
    status: str,
    event_count: int,
    last_event_hash: str,
    events: Iterable[Any],
) -> Iterator[ChainBreak]:
    """Yield every break in one case's chain (events in ``seq`` order)."""
    prev = GENESIS
    expected_seq = 1
    last = None
    for ev in events:
        if ev.seq != expected_seq:
            yield ChainBreak(case_number, ev.id, ev.seq, f"expected event #{expected_seq}")
            expected_seq = ev.seq
        if ev.prev_hash != prev:
            yield ChainBreak(case_number, ev.id, ev.seq, "prev_hash does not match")
        digest = event_digest(
            case_number=case_number,
            seq=ev.seq,
            action=ev.action,
            from_status=ev.from_status,
            to_status=ev.to_status,
            actor_kind=ev.actor_kind,
            actor_name=ev.actor_name,
            at=ev.at,
            note=ev.note,
            data=ev.data,
            is_public=ev.is_public,
            prev_hash=ev.prev_hash,
        )
        if digest != ev.hash:
            yield ChainBreak(case_number, ev.id, ev.seq, "content does not match its hash")
        prev = ev.hash
        expected_seq += 1
        last = ev
    if last is None:
        yield ChainBreak(case_number, None, None, "case has no events")
        return
    if event_count != last.seq or last_event_hash != last.hash:
        yield ChainBreak(
            case_number, None, None, "case head does not match its last event (events removed?)"
        )
    if status != last.to_status:
        yield ChainBreak(case_number, last.id, last.seq, "case status differs from its history")
