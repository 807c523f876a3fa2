from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yingshang.core.backup import restore_database
from yingshang.core.errors import BusinessRuleError


class Command(BaseCommand):
    help = ("用 `manage.py backup` 生成的备份替换当前数据库的全部数据，并按备份清单核对逐表行数与校验和。"
            "恢复前请停止网站和后台任务进程。")

    def add_arguments(self, parser):
        parser.add_argument("path", help="备份文件路径")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive",
                            help="不询问确认")
        parser.add_argument("--database", default="default")

    def handle(self, path, interactive, database, **options):
        if interactive:
            answer = input(f"将用 {path} 覆盖数据库“{database}”中的全部数据。输入 yes 继续：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消。")
        try:
            result = restore_database(Path(path), using=database)
        except BusinessRuleError as exc:
            raise CommandError(exc.message)
        self.stdout.write(f"已恢复（{result.format}）：{len(result.tables)} 张表，共 {result.total_rows} 行，与备份清单一致。")
