"""Never lose a record: backup → damage → restore gives back exactly the backed-up rows (counts and checksums);
a tampered audit trail makes `verify_audit` fail."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from yingshang.core.audit import record_change, verify_chain
from yingshang.core.backup import default_format, manifest_path, table_fingerprints
from yingshang.core.models import AuditEvent
from yingshang.enterprises.management.commands.seed_demo import demo_csv
from yingshang.enterprises.models import Enterprise
from yingshang.enterprises.services import import_enterprises


@pytest.fixture
def demo_database(transactional_db, cast):
    """The cast, 120 demo enterprises imported the real way (with their audit events), one edit."""
    import datetime as dt

    today = dt.date(2025, 1, 1)
    report = import_enterprises(data=demo_csv(120, 7, today), filename="demo.csv", by=None, today=today)
    assert report.created == 120
    record_change(actor=cast.city_admin, action="test.backup", object_type="x", object_id="1", after={"v": "营商"})
    return cast


def _damage(cast) -> None:
    Enterprise.objects.filter(pk__in=list(Enterprise.objects.order_by("id").values_list("id", flat=True)[:10])).delete()
    Enterprise.objects.filter(pk=cast.gz_enterprise.pk).update(name="被误改的名称")
    record_change(actor=None, action="test.after_backup", object_type="x", object_id="2")


@pytest.mark.parametrize("fmt", [None, "json"], ids=["native", "portable-json"])
def test_backup_then_damage_then_restore_gives_back_every_row(demo_database, tmp_path, fmt):
    before = table_fingerprints()
    path = tmp_path / "backup.bak"
    call_command("backup", str(path), *(["--format", fmt] if fmt else []), stdout=io.StringIO())
    manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    assert manifest["format"] == (fmt or default_format())
    assert manifest["tables"]["enterprises_enterprise"]["rows"] == 122
    assert {n: (t["rows"], t["sha256"]) for n, t in manifest["tables"].items()} == {
        n: (t.rows, t.sha256) for n, t in before.items()}

    _damage(demo_database)
    assert table_fingerprints() != before

    call_command("restore", str(path), "--noinput", stdout=io.StringIO())
    connection.close()  # a fresh connection sees the restored database the way the next request would
    after = table_fingerprints()
    assert {n: (t.rows, t.sha256) for n, t in after.items()} == {n: (t.rows, t.sha256) for n, t in before.items()}
    assert Enterprise.objects.get(pk=demo_database.gz_enterprise.pk).name == "张掖市甘州区丰源种业有限公司"
    assert verify_chain().intact
    assert not AuditEvent.objects.filter(action="test.after_backup").exists()
    record_change(actor=None, action="test.after_restore", object_type="x", object_id="3")  # lanes as needed
    report = verify_chain()
    assert report.intact, report.message
    assert report.checked == AuditEvent.objects.count()


def test_restore_refuses_a_backup_that_does_not_match_its_manifest(demo_database, tmp_path):
    path = tmp_path / "backup.bak"
    call_command("backup", str(path), "--format", "json", stdout=io.StringIO())
    manifest = json.loads(manifest_path(path).read_text(encoding="utf-8"))
    manifest["tables"]["enterprises_enterprise"]["rows"] = 999
    manifest_path(path).write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(CommandError) as exc:
        call_command("restore", str(path), "--noinput")
    assert "表 enterprises_enterprise 行数 122，备份时为 999" in str(exc.value)


def test_restore_of_a_missing_file_is_a_clear_error(db, tmp_path):
    with pytest.raises(CommandError) as exc:
        call_command("restore", str(tmp_path / "nope.bak"), "--noinput")
    assert str(exc.value) == f"备份文件不存在：{tmp_path / 'nope.bak'}"


def test_verify_audit_passes_on_an_intact_chain_and_fails_after_tampering(cast):
    for i in range(3):
        record_change(actor=cast.city_admin, action="test.verify", object_type="x", object_id=str(i), after={"v": i})
    call_command("verify_audit", stdout=io.StringIO())
    target = AuditEvent.objects.filter(action="test.verify").order_by("id")[1]
    AuditEvent.objects.filter(pk=target.pk).update(reason="事后篡改")
    with pytest.raises(CommandError) as exc:
        call_command("verify_audit")
    assert str(exc.value) == f"审计记录 #{target.pk} 校验失败：记录被修改、删除或插入。"
