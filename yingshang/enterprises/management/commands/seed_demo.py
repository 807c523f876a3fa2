import csv
import io

from django.core.management.base import BaseCommand
from django.utils import timezone

from yingshang.enterprises.demo import demo_enterprises
from yingshang.enterprises.services import import_enterprises

HEADERS = ["统一社会信用代码", "企业名称", "主体类型", "行业代码", "成立日期", "所属县区", "所在园区", "住所", "法定代表人",
           "从业人员", "营业收入（万元）", "资产总额（万元）", "注册资本（万元）", "规模以上", "外商投资", "资质", "标签"]
TYPE_LABELS = {"enterprise": "企业", "individual": "个体工商户", "cooperative": "农民专业合作社"}


def demo_csv(count: int, seed: int, today) -> bytes:
    """The demo enterprises as a CSV in the import template's layout (so the demo uses the real import)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for e in demo_enterprises(count, seed, today=today):
        writer.writerow([e.credit_code, e.name, TYPE_LABELS[e.entity_type], e.industry_code, e.established_on.isoformat(),
                         e.county_code, e.zone, e.address,
                         e.legal_representative, e.employees, e.revenue_10k, e.assets_10k, e.capital_10k,
                         "是" if e.above_scale else "否", "是" if e.foreign_invested else "否",
                         "；".join(e.qualifications), "；".join(e.tags)])
    return buffer.getvalue().encode("utf-8")


class Command(BaseCommand):
    help = "生成演示经营主体（确定性：同一 --seed 生成相同数据；重复运行不会重复创建）。"

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, enterprises, seed, **options):
        today = timezone.localdate().replace(month=1, day=1)  # fixed within a year so re-runs are identical
        report = import_enterprises(data=demo_csv(enterprises, seed, today), filename="demo.csv", by=None,
                                    source="演示数据（seed_demo）", today=timezone.localdate())
        self.stdout.write(f"演示主体：新增 {report.created}，更新 {report.updated}，无变化 {report.unchanged}，"
                          f"拒绝 {len(report.rejected)}")
        for row in report.rejected[:10]:
            self.stdout.write(f"  第 {row['row']} 行 {row['field']}：{row['reason']}")
