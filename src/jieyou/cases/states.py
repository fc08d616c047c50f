"""The case state machine: one table of (state, action) -> state. Nothing else compares
status strings; ask this module instead."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    submitted = "submitted"
    accepted = "accepted"
    assigned = "assigned"
    in_progress = "in_progress"
    resolved = "resolved"
    closed = "closed"
    rejected = "rejected"


class Action(StrEnum):
    submit = "submit"  # creation only; never allowed through the actions endpoint
    import_ = "import"  # creation by `jieyou import cases`: none → the state the old system had
    accept = "accept"
    reject = "reject"
    assign = "assign"
    start = "start"
    resolve = "resolve"
    confirm = "confirm"
    reopen = "reopen"
    escalate = "escalate"
    return_ = "return"
    comment = "comment"
    categorize = "categorize"  # a person confirms or corrects the category (triage)
    merge = "merge"  # this case is a duplicate of another: closed into it
    link = "link"  # internal: the other side of a merge, on the case that absorbed it
    # Deadlines (jieyou.deadlines). Values fit case_events.action (12 characters).
    contact = "contact"  # first contact with the resident made
    request_extension = "extend"  # 延期申请
    approve_extension = "grant_extend"
    deny_extension = "deny_extend"
    pause = "pause"  # waiting on a party: the clock stops
    resume = "resume"
    # Written by the worker only
    warn = "warn"  # a deadline is near
    overdue = "overdue"  # a deadline passed
    supervise = "supervise"  # 督办: one tier up supervises, with a new deadline
    invite_rating = "invite_rate"  # 回访: the resident is asked to rate
    expire_rating = "auto_close"  # no rating in time: closed as 未评价


S, A = Status, Action

TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (S.submitted, A.accept): S.accepted,
    (S.submitted, A.reject): S.rejected,
    (S.submitted, A.escalate): S.submitted,  # handed up before anyone accepted it
    (S.accepted, A.assign): S.assigned,
    (S.accepted, A.escalate): S.accepted,
    (S.assigned, A.assign): S.assigned,  # re-dispatch to someone else
    (S.assigned, A.start): S.in_progress,
    (S.assigned, A.return_): S.accepted,  # mis-routed: back to the dispatching centre
    (S.assigned, A.escalate): S.accepted,  # re-assigned one tier up
    (S.in_progress, A.resolve): S.resolved,
    (S.in_progress, A.return_): S.accepted,
    (S.in_progress, A.escalate): S.accepted,
    (S.resolved, A.confirm): S.closed,
    (S.resolved, A.reopen): S.in_progress,  # the resident was not satisfied
    # A comment never changes the state and is allowed everywhere.
    **{(status, A.comment): status for status in Status},
    # Neither does recording a merged duplicate on the case that absorbed it.
    **{(status, A.link): status for status in Status},
    # The category can be confirmed or corrected until the case is closed.
    **{
        (status, A.categorize): status
        for status in (S.submitted, S.accepted, S.assigned, S.in_progress, S.resolved)
    },
    # A duplicate is closed into the case that carries on (一事多诉, handled once).
    **{
        (status, A.merge): S.closed
        for status in (S.submitted, S.accepted, S.assigned, S.in_progress)
    },
    # Working on a case: contact, extensions and pauses do not change the state.
    **{
        (status, action): status
        for status in (S.accepted, S.assigned, S.in_progress)
        for action in (
            A.contact,
            A.request_extension,
            A.approve_extension,
            A.deny_extension,
            A.pause,
            A.resume,
        )
    },
    # The worker's deadline marks, on any open case.
    **{
        (status, action): status
        for status in (S.submitted, S.accepted, S.assigned, S.in_progress)
        for action in (A.warn, A.overdue, A.supervise)
    },
    (S.resolved, A.invite_rating): S.resolved,
    (S.resolved, A.expire_rating): S.closed,
}

OPEN_STATUSES = frozenset({S.submitted, S.accepted, S.assigned, S.in_progress})
# Actions only the system writes, never through the actions endpoint.
INTERNAL_ACTIONS = frozenset(
    {A.submit, A.import_, A.link, A.warn, A.overdue, A.supervise, A.invite_rating, A.expire_rating}
)

STATUS_LABELS: dict[Status, str] = {
    S.submitted: "待受理",
    S.accepted: "已受理",
    S.assigned: "已交办",
    S.in_progress: "办理中",
    S.resolved: "已办结",
    S.closed: "已归档",
    S.rejected: "不予受理",
}

ACTION_LABELS: dict[Action, str] = {
    A.submit: "提交",
    A.import_: "导入",
    A.accept: "受理",
    A.reject: "不予受理",
    A.assign: "交办",
    A.start: "开始办理",
    A.resolve: "办结",
    A.confirm: "确认归档",
    A.reopen: "重新办理",
    A.escalate: "上报",
    A.return_: "退回",
    A.comment: "备注",
    A.categorize: "确认类别",
    A.merge: "合并办理",
    A.link: "关联重复件",
    A.contact: "联系群众",
    A.request_extension: "申请延期",
    A.approve_extension: "批准延期",
    A.deny_extension: "不批准延期",
    A.pause: "暂停计时",
    A.resume: "恢复计时",
    A.warn: "临期提醒",
    A.overdue: "超期",
    A.supervise: "督办",
    A.invite_rating: "回访邀评",
    A.expire_rating: "未评价归档",
}


def next_status(status: str, action: str) -> Status | None:
    """The state ``action`` leads to from ``status``, or None if the table does not allow it."""
    try:
        return TRANSITIONS.get((Status(status), Action(action)))
    except ValueError:
        return None


def allowed_actions(status: str) -> list[Action]:
    """What staff may do from ``status`` (internal actions excluded)."""
    return [
        action
        for (state, action) in TRANSITIONS
        if state == Status(status) and action not in INTERNAL_ACTIONS
    ]
