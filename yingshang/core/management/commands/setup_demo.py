import os
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from yingshang.core.demo_accounts import ensure_demo_accounts
from yingshang.enterprises.models import Enterprise


class Command(BaseCommand):
    help = "准备演示环境：参考数据、演示主体、演示账号（密码只在首次创建时打印）以及各模块的演示数据。可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, enterprises, seed, **options):
        call_command("load_reference", stdout=self.stdout)
        call_command("seed_demo", enterprises=enterprises, seed=seed, stdout=self.stdout)
        created = ensure_demo_accounts()
        self._link_demo_enterprise_user()
        # Each app may ship demo data in `<app>/demo_setup.py` with `load_demo(stdout=..., seed=...)`.
        for config in apps.get_app_configs():
            if not config.name.startswith("yingshang.") or config.label == "core":
                continue
            try:
                module = import_module(f"{config.name}.demo_setup")
            except ModuleNotFoundError:
                continue
            module.load_demo(stdout=self.stdout, seed=seed)
        if created:
            lines = [f"{u:<14} {role:<14} {pw}" for u, role, pw in created]
            text = "演示账号（用户名 / 角色 / 密码）——密码只显示这一次：\n" + "\n".join(lines)
            self.stdout.write(self.style.SUCCESS(text))
            credentials = Path(settings.BASE_DIR) / "var" / "demo-accounts.txt"
            credentials.parent.mkdir(parents=True, exist_ok=True)
            database = settings.DATABASES["default"]["NAME"]
            with open(credentials, "w", encoding="utf-8") as handle:  # accounts are new: old passwords are void
                handle.write(f"# 数据库：{database}\n{text}\n")
            os.chmod(credentials, 0o600)
            self.stdout.write(f"（同时保存在 {credentials.relative_to(settings.BASE_DIR)}，仅本机可读）")
        else:
            self.stdout.write("演示账号已存在，密码未改变（见 var/demo-accounts.txt）。")

    def _link_demo_enterprise_user(self):
        """The demo enterprise user asks to act for two 甘州区 enterprises and the county administrator verifies
        both, through the same services as the web pages (so the audit trail shows who bound them)."""
        from yingshang.accounts.models import User
        from yingshang.enterprises.services import request_membership, verify_membership

        user = User.objects.filter(username="qiye").first()
        verifier = User.objects.filter(username="xianqu").first()
        if user is None or verifier is None or user.enterprise_memberships.exists():
            return
        for enterprise in Enterprise.objects.filter(region__code="620702", entity_type="enterprise").order_by("id")[:2]:
            membership = request_membership(user=user, enterprise=enterprise, position="总经理")
            verify_membership(membership, by=verifier, approve=True, note="演示：已核验营业执照与授权书")
