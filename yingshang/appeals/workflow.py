"""The appeal workflow (接诉即办流程) as data: which action is allowed from which state, by whom, to where.

Pure module. 受理 → 派单 → 签收 → 先行联系 → 办理 → 答复 → 回访/评价 → 办结 → 台账销号, with 退单/改派, 暂停,
延期, the 催办 → 督办 → 通报 ladder and 重办. Services look up `TRANSITIONS` and never hard-code a state change.
"""

from __future__ import annotations

from dataclasses import dataclass

from yingshang.appeals.choices import AppealAction as A
from yingshang.appeals.choices import AppealStatus as S


class Actor:
    """Who performs an action, relative to the appeal (checked by services.py against the user)."""

    DISPATCHER = "dispatcher"  # 12345 operator, city or county administrator (appeal.dispatch)
    HANDLER = "handler"  # staff of the main handling department (主办)
    HANDLER_LEADER = "handler_leader"  # leader of the handling department, or a supervisor (sign-off)
    REQUESTER = "requester"  # the enterprise or person who filed it
    REVISITOR = "revisitor"  # someone independent of the handling unit (appeal.revisit)
    APPROVER = "approver"  # approves extensions (appeal.approve_extension)
    SUPERVISOR = "supervisor"  # 催办/督办 by people (appeal.supervise or dispatchers); also the sweeper


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | None  # None: the state does not change (an event on the timeline only)
    actor: str


def _t(sources, target, actor) -> Transition:
    return Transition(frozenset(sources), target, actor)


WORKING = (S.SIGNED, S.HANDLING, S.PAUSED)
ESCALATABLE = (S.RECEIVED, S.DISPATCHED, S.DISPUTED, S.SIGNED, S.HANDLING, S.PAUSED)

TRANSITIONS: dict[str, Transition] = {
    A.DISPATCH: _t([S.RECEIVED], S.DISPATCHED, Actor.DISPATCHER),
    A.REFUSE: _t([S.RECEIVED], S.REFUSED, Actor.DISPATCHER),
    A.MERGE: _t([S.RECEIVED, S.DISPATCHED], S.MERGED, Actor.DISPATCHER),
    A.SIGN: _t([S.DISPATCHED], S.SIGNED, Actor.HANDLER),
    A.DISPUTE: _t([S.DISPATCHED, S.SIGNED], S.DISPUTED, Actor.HANDLER),
    A.REDISPATCH: _t([S.DISPUTED, S.DISPATCHED, S.SIGNED, S.HANDLING], S.DISPATCHED, Actor.DISPATCHER),
    A.REJECT_DISPUTE: _t([S.DISPUTED], S.DISPATCHED, Actor.DISPATCHER),
    A.CONTACT: _t([S.SIGNED], S.HANDLING, Actor.HANDLER),
    A.PAUSE: _t([S.HANDLING], S.PAUSED, Actor.HANDLER),
    A.RESUME: _t([S.PAUSED], S.HANDLING, Actor.HANDLER),
    A.REQUEST_EXTENSION: _t(WORKING, None, Actor.HANDLER),
    A.APPROVE_EXTENSION: _t(WORKING, None, Actor.APPROVER),
    A.REJECT_EXTENSION: _t(WORKING, None, Actor.APPROVER),
    A.ADD_CO_HANDLER: _t([S.DISPATCHED, *WORKING], None, Actor.DISPATCHER),
    A.REPLY: _t([S.HANDLING], S.REPLIED, Actor.HANDLER),
    # A rating or revisit closes the appeal, or reopens it when the unit left it unresolved (decided by services).
    A.RATE: _t([S.REPLIED], S.CLOSED, Actor.REQUESTER),
    A.REVISIT: _t([S.REPLIED], S.CLOSED, Actor.REVISITOR),
    A.REOPEN: _t([S.REPLIED, S.CLOSED], S.HANDLING, Actor.REVISITOR),
    A.ARCHIVE: _t([S.CLOSED], S.ARCHIVED, Actor.HANDLER_LEADER),
    A.URGE: _t(ESCALATABLE, None, Actor.SUPERVISOR),
    A.SUPERVISE: _t(ESCALATABLE, None, Actor.SUPERVISOR),
    A.PUBLICIZE: _t(ESCALATABLE, None, Actor.SUPERVISOR),
}

TERMINAL = frozenset({S.ARCHIVED, S.REFUSED, S.MERGED})


class TransitionNotAllowed(Exception):
    """The action is not allowed from the appeal's current state."""

    def __init__(self, action: str, status: str) -> None:
        self.action, self.status = action, status
        action_label = A(action).label if action in A.values else action
        status_label = S(status).label if status in S.values else status
        super().__init__(f"当前状态为“{status_label}”，不能执行“{action_label}”。")


def next_status(status: str, action: str) -> str:
    """The state after `action` from `status`; raises TransitionNotAllowed when the table forbids it."""
    transition = TRANSITIONS.get(action)
    if transition is None or status not in transition.sources:
        raise TransitionNotAllowed(action, status)
    return transition.target or status


def allowed_actions(status: str) -> list[str]:
    """Actions the table allows from `status`, in table order."""
    return [action for action, t in TRANSITIONS.items() if status in t.sources]


def actor_of(action: str) -> str:
    return TRANSITIONS[action].actor
