"""The API create path: its statements, and the audit write last, so the audit chain head (one row every audited
write of the platform locks) is held from its SELECT … FOR UPDATE to COMMIT for as short a time as possible."""

import json
import re
import threading
import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from yingshang.accounts.services import issue_api_token


def _statements(context) -> list[str]:
    """Every statement sent, BEGIN/COMMIT and savepoints aside, reduced to its verb and table."""
    kept = []
    for query in context.captured_queries:
        sql = re.sub(
            r"^\d+ TIMES: ", "", query["sql"].strip().upper()
        )  # executemany is logged as "1 times: …"
        if sql.startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "ROLLBACK")):
            continue
        table = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)"?', sql)
        kept.append(f"{sql.split()[0]} {table.group(1) if table else ''}".lower())
    return kept


def test_api_create_ends_with_the_audit_write(cast, catalogue, client):
    key = issue_api_token(user=cast.operator, name="12345 平台")
    body = json.dumps(
        {
            "category": "009",
            "description": "新厂房申请用电报装一个多月，供电公司一直没有接电，影响投产。",
            "region_code": "620702",
            "contact_phone": "13812345678",
        }
    )
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    client.post(
        "/api/v1/appeals", body, content_type="application/json", **auth
    )  # warm caches, token last-used
    with CaptureQueriesContext(connection) as context:
        response = client.post("/api/v1/appeals", body, content_type="application/json", **auth)
    assert response.status_code == 201
    if connection.vendor == "postgresql":
        # One statement takes a free audit lane, advances its head (the hash computed by the database) and
        # inserts the event; only COMMIT follows while that lane is held.
        audit = ["with core_auditchainhead"]
    else:
        audit = ["select core_auditchainhead", "insert core_auditevent", "update core_auditchainhead"]
    assert _statements(context) == [
        "select accounts_apitoken",  # the token with its user, department and regions in one query
        "insert appeals_appeal",
        "insert appeals_appealevent",
        *audit,
    ]


def test_a_json_array_or_bare_value_is_refused_as_a_body(cast, catalogue, client):
    from yingshang.appeals.models import Appeal

    auth = {"HTTP_AUTHORIZATION": f"Bearer {issue_api_token(user=cast.operator, name='12345 平台')}"}
    for body in ("[]", '[{"category": "009"}]', "42", '"text"', "null"):
        for path in ("/api/v1/appeals", "/api/v1/appeals/work-orders"):
            response = client.post(path, body, content_type="application/json", **auth)
            assert response.status_code == 422, (path, body, response.status_code)
            assert response.json()["code"] == "validation_error"
            assert response.json()["detail"].startswith("请求参数有误")
    assert Appeal.objects.count() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL 的行锁与库内 sha256 才需要并发验证")
def test_concurrent_audited_writes_keep_every_lane_unbroken(db):
    """Eight connections append at once through the one-statement lane advance (each in its own committed
    transaction, as concurrent API creates do): they spread over more than one lane, every lane verifies (within a
    lane id order is chain order), and SQL's hash is Python's."""
    from yingshang.core import audit
    from yingshang.core.models import AuditChainHead, AuditEvent

    writers, per_writer, action = 8, 15, f"test.concurrent.{uuid.uuid4().hex[:8]}"
    repaired: list[str] = []
    errors: list[BaseException] = []

    def in_own_connection(work) -> None:
        def run() -> None:
            try:
                work()
            except BaseException as exc:  # noqa: BLE001 (re-raised in the test below)
                errors.append(exc)
            finally:
                db_connection.close()

        from django.db import connection as db_connection

        thread = threading.Thread(target=run)
        thread.start()
        thread.join(timeout=120)

    had_heads: list[int] = []

    def ensure_heads() -> None:
        """A database's first audited write creates the heads (the general path); here they exist beforehand."""
        had_heads.extend(AuditChainHead.objects.values_list("pk", flat=True))
        audit.ensure_lane_heads()

    in_own_connection(ensure_heads)

    def write(number: int) -> None:
        for i in range(per_writer):
            with transaction.atomic():
                audit.record_change(actor=None, action=action, object_type="test", object_id=f"{number}-{i}",
                                    after={"文本": "“引号”\\ 😀", "i": i})

    original_set_head = audit._set_head
    audit._set_head = lambda lane, value: (repaired.append(value), original_set_head(lane, value))[1]  # type: ignore[func-returns-value]
    try:
        threads = [threading.Thread(target=lambda n=n: in_own_connection(lambda: write(n))) for n in range(writers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
        assert not errors, errors
        report: list[audit.ChainReport] = []
        in_own_connection(lambda: report.append(audit.verify_chain()))
        assert report[0].intact, report[0].message
        assert report[0].message.startswith("审计链完整")
        written: list[tuple[int, int, str, str]] = []
        in_own_connection(lambda: written.extend(
            AuditEvent.objects.filter(action=action).order_by("lane", "id").values_list("lane", "id", "prev_hash",
                                                                                       "hash")))
        assert len(written) == writers * per_writer
        lanes = {lane for lane, *_ in written}
        assert len(lanes) > 1 and lanes <= set(range(1, audit.lane_count() + 1))
        for (lane, _, _, digest), (next_lane, _, next_prev, _) in zip(written, written[1:], strict=False):
            if lane == next_lane:  # nothing else wrote meanwhile: each event's predecessor is the one before by id
                assert next_prev == digest
        assert repaired == []  # the database's sha256 agreed with Python's every time: no head was repaired
    finally:
        audit._set_head = original_set_head

        def clean() -> None:
            AuditEvent.objects.filter(action=action).delete()
            AuditChainHead.objects.exclude(pk__in=had_heads).delete()
            for lane in had_heads:
                newest = AuditEvent.objects.filter(lane=lane).order_by("-id").values_list("hash", flat=True).first()
                AuditChainHead.objects.filter(pk=lane).update(hash=newest or audit.GENESIS)

        in_own_connection(clean)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="库内计算哈希只在 PostgreSQL 上使用")
def test_if_the_database_hash_ever_differed_python_hash_is_stored_in_event_and_head(db, monkeypatch):
    """The single-statement append trusts nothing it cannot recompute: a database hash that differs from what
    verify_chain computes is replaced (event and head) before COMMIT."""
    import hashlib

    from yingshang.core import audit
    from yingshang.core.models import AuditChainHead, AuditEvent

    audit.record_change(actor=None, action="test.first", object_type="t", object_id="1")  # the head exists now

    class Salted:  # what "Python's hash" means for this test: sha256 of the content with a suffix
        @staticmethod
        def sha256(data: bytes):
            return hashlib.sha256(data + b"|salt")

    monkeypatch.setattr(audit, "hashlib", Salted)
    with CaptureQueriesContext(connection) as queries:
        audit.record_change(actor=None, action="test.second", object_type="t", object_id="2", after={"文": "字"})
    assert [q["sql"].split()[0] for q in queries.captured_queries] == ["WITH", "UPDATE", "UPDATE"]  # repaired
    event = AuditEvent.objects.get(action="test.second")
    assert event.hash == Salted.sha256((event.prev_hash + audit._canonical(event)).encode()).hexdigest()
    assert AuditChainHead.objects.get(pk=event.lane).hash == event.hash
    first = AuditEvent.objects.get(action="test.first")
    assert (event.lane, event.prev_hash) == (first.lane, first.hash)  # one transaction, one lane: still linked
