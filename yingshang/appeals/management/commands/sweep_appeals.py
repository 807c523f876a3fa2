import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from yingshang.appeals.services import refresh_monthly_stats, sweep_appeals


class Command(BaseCommand):
    help = "诉求期限巡检：签收提醒与催办→督办→通报（可重复运行）；--every 秒数 可常驻循环；同时刷新本月统计。"

    def add_arguments(self, parser):
        parser.add_argument("--every", type=int, default=0, help="每隔多少秒巡检一次（0 表示只运行一次）")

    def handle(self, every, **options):
        while True:
            now = timezone.now()
            result = sweep_appeals(now=now)
            rows = refresh_monthly_stats(timezone.localdate().replace(day=1), now=now)
            self.stdout.write(
                f"{timezone.localtime(now):%Y-%m-%d %H:%M:%S} 签收提醒 {result['sign_reminders']} 件，"
                f"升级 {result['escalations']} 件，统计 {rows} 行"
            )
            if not every:
                return
            time.sleep(every)
