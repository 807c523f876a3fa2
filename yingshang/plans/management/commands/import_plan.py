"""manage.py import_plan PATH [--json] [--dry-run] [--year Y] [--region CODE]: parse or stage an action plan."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yingshang.core.errors import BusinessRuleError
from yingshang.core.models import Region
from yingshang.plans.importing import read_plan_upload
from yingshang.plans.services import stage_plan_import


class Command(BaseCommand):
    help = "解析行动方案（TXT/DOCX）；--dry-run 只解析不保存，否则导入为待核对的草稿方案。"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出解析结果")
        parser.add_argument("--dry-run", action="store_true", help="只解析，不写入数据库")
        parser.add_argument("--year", type=int, default=None, help="方案年度（默认从标题或正文识别）")
        parser.add_argument("--region", default=None, help="区划代码（默认为市级）")

    def handle(
        self, *args, path: str, json: bool, dry_run: bool, year: int | None, region: str | None, **options
    ):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"文件不存在：{path}")
        data = file.read_bytes()
        try:
            _, parsed = read_plan_upload(data, file.name)
            plan = None
            if not dry_run:
                region_obj = Region.objects.filter(code=region).first() if region else None
                if region and region_obj is None:
                    raise CommandError(f"区划代码 {region} 不存在。")
                plan = stage_plan_import(
                    data=data, filename=file.name, by=None, now=timezone.now(), region=region_obj, year=year
                )
        except BusinessRuleError as error:
            raise CommandError(error.message) from error
        if json:
            payload = parsed.to_json_dict()
            if plan is not None:
                payload["plan_id"] = plan.pk
                payload["status"] = plan.status
            self.stdout.write(_dumps(payload))
        else:
            self.stdout.write(
                f"《{parsed.title}》：任务 {len(parsed.tasks)} 项，量化目标 {len(parsed.targets)} 个，"
                f"冲突 {len(parsed.conflicts)} 处。"
            )
            if plan is not None:
                self.stdout.write(f"已导入为草稿方案 #{plan.pk}，请在“任务台账 → 方案核对”中核对后确认。")


def _dumps(payload) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=2, default=str)
