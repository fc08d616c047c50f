"""What the case engine's states and actions are called on a rectification item, and which
actions an item offers. The one place for the ledger's words.

A rectification item reuses the grievance lifecycle: ``resolve`` is 申请销号 (the responsible
unit reports the problem rectified, with evidence), ``resolved`` waits for verification,
``confirm`` is 销号 by the issuing tier and ``reopen`` is 驳回 (back to work, with reasons).
"""

from __future__ import annotations

from jieyou.cases.states import ACTION_LABELS, STATUS_LABELS, Action, Status

S, A = Status, Action

ITEM_STATUS_LABELS: dict[Status, str] = {
    S.submitted: "待交办",
    S.accepted: "待交办",
    S.assigned: "待整改",
    S.in_progress: "整改中",
    S.resolved: "待销号",
    S.closed: "已销号",
    S.rejected: "不予受理",
}

ITEM_ACTION_LABELS: dict[Action, str] = {
    A.submit: "导入",
    A.accept: "下发",
    A.assign: "交办",
    A.start: "开始整改",
    A.comment: "整改进展",
    A.resolve: "申请销号",
    A.confirm: "销号",
    A.reopen: "驳回",
    A.return_: "退回",
}

# What a rectification item offers (and the ledger's pages accept). Not offered: reject,
# escalate (the issuer stays the verifier), merge, categorize, contact and pause (no resident),
# rating. Overdue items are still supervised (督办) by the worker as grievances are.
ITEM_ACTIONS: frozenset[Action] = frozenset(
    {
        A.accept,
        A.assign,
        A.start,
        A.comment,
        A.resolve,
        A.confirm,
        A.reopen,
        A.return_,
        A.request_extension,
        A.approve_extension,
        A.deny_extension,
    }
)


def status_label(status: str) -> str:
    return ITEM_STATUS_LABELS[Status(status)]


def action_label(action: str) -> str:
    verb = Action(action)
    return ITEM_ACTION_LABELS.get(verb) or ACTION_LABELS[verb]


def all_status_labels() -> dict[str, str]:
    return {s.value: ITEM_STATUS_LABELS.get(s, STATUS_LABELS[s]) for s in Status}
