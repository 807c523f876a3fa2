"""`manage.py extract_policy`: JSON with the agreed keys; unreadable files fail with a Chinese message."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from yingshang.policies.tests.conftest import POLICY_TEXT


def test_extract_policy_prints_json_clauses(tmp_path):
    path = tmp_path / "policy.txt"
    path.write_text(POLICY_TEXT, encoding="utf-8")
    out = io.StringIO()
    call_command("extract_policy", str(path), "--json", stdout=out)
    clauses = json.loads(out.getvalue())
    assert [c["amount_max_yuan"] for c in clauses] == [300000, 500000, 1000000]
    assert clauses[0]["support_types"] == ["一次性奖励"]
    assert clauses[1]["ratio"] == 0.1
    assert clauses[0]["eligibility"]["qualifications"] == ["高新技术企业"]
    assert set(clauses[0]) >= {"text", "support_types", "amount_max_yuan", "ratio", "eligibility", "topic"}
    assert set(clauses[0]["eligibility"]) == {"qualifications", "industries", "scale", "regions", "other"}


def test_extract_policy_refuses_unsupported_files(tmp_path):
    path = tmp_path / "policy.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(CommandError) as error:
        call_command("extract_policy", str(path), "--json")
    assert str(error.value) == "暂不支持旧版 Word（.doc/.wps）文件，请另存为 .docx 或 PDF 后上传。"
