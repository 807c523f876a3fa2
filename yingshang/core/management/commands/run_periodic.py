import time
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils import timezone


def periodic_modules():
    """Each app may declare `periodic.py` with `enqueue_periodic(now) -> list[str]` (what it enqueued)."""
    for config in apps.get_app_configs():
        if not config.name.startswith("yingshang."):
            continue
        try:
            yield config.label, import_module(f"{config.name}.periodic")
        except ModuleNotFoundError:
            continue


class Command(BaseCommand):
    help = "把各模块的定时任务（提醒、超期升级、到期检查）放入任务队列。用 cron 每分钟运行，或 --loop 常驻。"

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="常驻运行，每 --interval 秒一次")
        parser.add_argument("--interval", type=int, default=60)

    def handle(self, loop, interval, **options):
        while True:
            now = timezone.now()
            for label, module in periodic_modules():
                for name in module.enqueue_periodic(now):
                    self.stdout.write(f"{now:%H:%M:%S} {label}: {name}")
            if not loop:
                return
            time.sleep(interval)
