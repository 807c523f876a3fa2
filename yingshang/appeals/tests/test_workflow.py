"""The workflow table, exhaustively: every (state, action) pair is either the listed transition or refused."""

import pytest

from yingshang.appeals.choices import AppealAction as A
from yingshang.appeals.choices import AppealStatus as S
from yingshang.appeals.workflow import TRANSITIONS, TransitionNotAllowed, allowed_actions, next_status

# (action, from) → to; every pair not listed must be refused.
EXPECTED = {
    (A.DISPATCH, S.RECEIVED): S.DISPATCHED,
    (A.REFUSE, S.RECEIVED): S.REFUSED,
    (A.MERGE, S.RECEIVED): S.MERGED,
    (A.MERGE, S.DISPATCHED): S.MERGED,
    (A.SIGN, S.DISPATCHED): S.SIGNED,
    (A.DISPUTE, S.DISPATCHED): S.DISPUTED,
    (A.DISPUTE, S.SIGNED): S.DISPUTED,
    (A.REDISPATCH, S.DISPUTED): S.DISPATCHED,
    (A.REDISPATCH, S.DISPATCHED): S.DISPATCHED,
    (A.REDISPATCH, S.SIGNED): S.DISPATCHED,
    (A.REDISPATCH, S.HANDLING): S.DISPATCHED,
    (A.REJECT_DISPUTE, S.DISPUTED): S.DISPATCHED,
    (A.CONTACT, S.SIGNED): S.HANDLING,
    (A.PAUSE, S.HANDLING): S.PAUSED,
    (A.RESUME, S.PAUSED): S.HANDLING,
    (A.REQUEST_EXTENSION, S.SIGNED): S.SIGNED,
    (A.REQUEST_EXTENSION, S.HANDLING): S.HANDLING,
    (A.REQUEST_EXTENSION, S.PAUSED): S.PAUSED,
    (A.APPROVE_EXTENSION, S.SIGNED): S.SIGNED,
    (A.APPROVE_EXTENSION, S.HANDLING): S.HANDLING,
    (A.APPROVE_EXTENSION, S.PAUSED): S.PAUSED,
    (A.REJECT_EXTENSION, S.SIGNED): S.SIGNED,
    (A.REJECT_EXTENSION, S.HANDLING): S.HANDLING,
    (A.REJECT_EXTENSION, S.PAUSED): S.PAUSED,
    (A.ADD_CO_HANDLER, S.DISPATCHED): S.DISPATCHED,
    (A.ADD_CO_HANDLER, S.SIGNED): S.SIGNED,
    (A.ADD_CO_HANDLER, S.HANDLING): S.HANDLING,
    (A.ADD_CO_HANDLER, S.PAUSED): S.PAUSED,
    (A.REPLY, S.HANDLING): S.REPLIED,
    (A.RATE, S.REPLIED): S.CLOSED,
    (A.REVISIT, S.REPLIED): S.CLOSED,
    (A.REOPEN, S.REPLIED): S.HANDLING,
    (A.REOPEN, S.CLOSED): S.HANDLING,
    (A.ARCHIVE, S.CLOSED): S.ARCHIVED,
}
for ladder in (A.URGE, A.SUPERVISE, A.PUBLICIZE):
    for status in (S.RECEIVED, S.DISPATCHED, S.DISPUTED, S.SIGNED, S.HANDLING, S.PAUSED):
        EXPECTED[(ladder, status)] = status

PAIRS = [(action, status) for action in TRANSITIONS for status in S.values]


@pytest.mark.parametrize(("action", "status"), PAIRS)
def test_every_state_action_pair(action, status):
    expected = EXPECTED.get((action, status))
    if expected is None:
        with pytest.raises(TransitionNotAllowed):
            next_status(status, action)
    else:
        assert next_status(status, action) == expected


def test_no_action_leaves_a_terminal_state():
    for status in (S.ARCHIVED, S.REFUSED, S.MERGED):
        assert allowed_actions(status) == []


def test_every_non_terminal_state_has_a_way_forward():
    for status in set(S.values) - {S.ARCHIVED, S.REFUSED, S.MERGED}:
        forward = [a for a in allowed_actions(status) if next_status(status, a) != status]
        assert forward, status


def test_refusal_message_is_chinese_and_names_state_and_action():
    with pytest.raises(TransitionNotAllowed) as info:
        next_status(S.RECEIVED, A.REPLY)
    assert str(info.value) == "当前状态为“已受理（待派单）”，不能执行“答复”。"


def test_unknown_action_is_refused():
    with pytest.raises(TransitionNotAllowed):
        next_status(S.RECEIVED, "teleport")
