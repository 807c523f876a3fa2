from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yingshang.core.backup import FORMATS, backup_database, manifest_path
from yingshang.core.errors import BusinessRuleError


class Command(BaseCommand):
    help = ("备份整个数据库到 PATH（SQLite 在线备份 / PostgreSQL pg_dump 自定义格式 / 可移植 JSON），"
            "并写出 PATH.manifest.json（逐表行数与校验和）。")

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件路径，例如 var/backups/yingshang-20250101.bak")
        parser.add_argument("--format", choices=FORMATS, default=None,
                            help="默认按数据库选择：SQLite→sqlite，PostgreSQL→pg_dump（无 pg_dump 时用 json）")
        parser.add_argument("--database", default="default")

    def handle(self, path, format, database, **options):
        try:
            result = backup_database(Path(path), fmt=format, using=database)
        except BusinessRuleError as exc:
            raise CommandError(exc.message)
        self.stdout.write(f"已备份（{result.format}）：{result.path}，{len(result.tables)} 张表，共 {result.total_rows} 行；"
                          f"清单：{manifest_path(result.path)}")
