from django.core.management.base import BaseCommand, CommandError

from yingshang.core.audit import verify_chain


class Command(BaseCommand):
    help = "校验审计记录哈希链（每条分链）是否完整（发现篡改、删除、插入时返回非零）。"

    def handle(self, **options):
        report = verify_chain()
        if not report.intact:
            raise CommandError(report.message)
        self.stdout.write(report.message)
