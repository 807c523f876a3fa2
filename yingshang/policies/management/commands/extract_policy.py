"""`manage.py extract_policy PATH [--json]`: split a policy file into clauses and print what each offers."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yingshang.core.errors import InvalidUpload
from yingshang.policies.documents import read_policy_text
from yingshang.policies.extraction import extract_document


class Command(BaseCommand):
    help = "读取政策文件（TXT/DOCX/PDF），拆分条款并解读支持方式、金额、比例、申报条件和主题。"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--json", action="store_true", help="输出 JSON 列表")

    def handle(self, path, json: bool = False, **options):  # noqa: A002 - the flag is named --json
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            text = read_policy_text(file.read_bytes(), file.name)
        except InvalidUpload as exc:
            raise CommandError(exc.message) from exc
        clauses = [extracted.to_json_dict() for _, extracted in extract_document(text)]
        if json:
            self.stdout.write(_dumps(clauses))
            return
        for number, clause in enumerate(clauses, start=1):
            self.stdout.write(f"{number}. {clause['text'][:60]}")
            self.stdout.write(
                f"   支持方式：{'、'.join(clause['support_types'])}  最高金额：{clause['amount_max_yuan']}"
                f"  比例：{clause['ratio']}  主题：{clause['topic']}"
            )
            self.stdout.write(f"   条件：{clause['eligibility']}")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)
