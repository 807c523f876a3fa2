from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from yingshang.core.reference import load_city_reference
from yingshang.enterprises.services import load_registry_reference


class Command(BaseCommand):
    help = "载入城市参考数据（行政区划、部门）和主体库参考数据（行业分类、资质类型）。可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--city-data", default=str(settings.YINGSHANG_CITY_DATA),
                            help="城市数据目录（含 regions.json 和 departments.json）")

    def handle(self, city_data, **options):
        city = load_city_reference(Path(city_data))
        registry = load_registry_reference()
        self.stdout.write(f"区划 {city.regions} 个，部门 {city.departments} 个，行业分类 {registry['industries']} 条，"
                          f"资质类型 {registry['qualifications']} 种。")
