from django.core.management.base import BaseCommand, CommandError

from yingshang.appeals.services import issue_open311_key
from yingshang.core.errors import BusinessRuleError


class Command(BaseCommand):
    help = "为接入系统签发 Open311 api_key（只显示一次）；密钥单独打印在最后一行。"

    def add_arguments(self, parser):
        parser.add_argument("name", help="接入系统名称")

    def handle(self, name, **options):
        try:
            key = issue_open311_key(name=name)
        except BusinessRuleError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"已为“{name}”签发 Open311 接入密钥（只显示这一次，请妥善保存）：")
        self.stdout.write(key)
