from django.core.management.base import BaseCommand
from django.utils import timezone

from yingshang.monitoring.models import SubmissionRound
from yingshang.monitoring.tasks import remind_open_rounds, run_monthly_monitoring


class Command(BaseCommand):
    help = "每日运行：截止前催报；对已过截止日的最近一期重算指数并生成预警（可重复运行）。"

    def handle(self, **options):
        today = timezone.localdate()
        remind_open_rounds.enqueue(today=today.isoformat())
        latest = SubmissionRound.objects.filter(deadline__lt=today).order_by("-period").first()
        if latest is not None:
            run_monthly_monitoring.enqueue(period=latest.period)
        self.stdout.write(f"已安排催报{'与 ' + latest.period + ' 的指数计算和预警' if latest else ''}。")
