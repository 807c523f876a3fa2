import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yingshang.core.errors import BusinessRuleError
from yingshang.enterprises.services import import_enterprises


class Command(BaseCommand):
    help = "导入经营主体（CSV/XLSX），按统一社会信用代码新增或更新，输出逐行报告。"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出报告")

    def handle(self, path, dry_run, json: bool, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            report = import_enterprises(data=file.read_bytes(), filename=file.name, by=None, dry_run=dry_run,
                                        source=f"命令行导入 {file.name}")
        except BusinessRuleError as exc:
            if json:
                self.stdout.write(_dumps({"error": exc.message, "created": 0, "updated": 0, "rejected": []}))
            raise CommandError(exc.message)
        result = {"created": report.created, "updated": report.updated, "unchanged": report.unchanged,
                  "rejected": report.rejected, "warnings": report.warnings, "dry_run": dry_run}
        if json:
            self.stdout.write(_dumps(result))
        else:
            self.stdout.write(f"新增 {report.created}，更新 {report.updated}，无变化 {report.unchanged}，"
                              f"拒绝 {len({r['row'] for r in report.rejected})} 行{'（仅校验）' if dry_run else ''}")
            for row in report.rejected[:50]:
                self.stdout.write(f"  第 {row['row']} 行 {row['field']}「{row['value']}」：{row['reason']}")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
