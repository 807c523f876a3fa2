"""Appeals (诉求) for the permission matrix: one per handling unit that a cast member belongs to or does not.

gz_appeal           gz_owner for gz_enterprise, 甘州区, handled by 甘州区市场监管局 (gz_staff); one attachment
lz_appeal           lz_owner for lz_enterprise, 临泽县, handled by 临泽县市场监管局 (lz_staff); one attachment
gz_tax_appeal       gz_owner for gz_enterprise, 甘州区, handled by 甘州区税务局 (another department, same county)
city_appeal         12345 call without enterprise, 甘州区, handled by 市市场监管局 (city_staff, city_dept_lead)
enforcement_appeal  12345 call, 临泽县, handled by 市市场监管执法支队 (below city_dept_lead's department)
gz_replied          gz_owner for gz_enterprise, answered by gz_staff: waiting for the requester's rating
open311_key         an Open311 api_key
"""

from __future__ import annotations

import base64
import datetime as dt

from django.utils import timezone

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)
TEXT = "新厂房申请用电报装一个多月，供电公司一直没有接电，影响投产，请协调解决。"


def build(world) -> None:
    from yingshang.appeals import services
    from yingshang.appeals.models import AppealCategory
    from yingshang.appeals.selectors import clear_catalogue
    from yingshang.core.models import Department

    services.load_appeal_catalogue()
    clear_catalogue()
    category = AppealCategory.objects.get(code="009")
    now = timezone.now()

    def department(key: str, region) -> Department:
        return Department.objects.get(function_key=key, region=region)

    gz_region, lz_region = world.gz_enterprise.region, world.lz_enterprise.region
    city_region = world.city_staff.department.region

    def filed(by, enterprise, *, region=None, channel="enterprise_web", attachments=()):
        return services.file_appeal(
            by=by,
            channel=channel,
            category=category,
            description=TEXT,
            now=now,
            enterprise=enterprise,
            region=region,
            contact_name="王经理",
            contact_phone="13812345678",
            attachments=attachments,
        )

    def dispatched(appeal, to):
        return services.dispatch_appeal(appeal, department=to, by=world.operator, now=now)

    world["gz_appeal"] = dispatched(
        filed(world.gz_owner, world.gz_enterprise, attachments=[services.Upload("现场照片.png", PNG)]),
        world.gz_staff.department,
    )
    world["lz_appeal"] = dispatched(
        filed(world.lz_owner, world.lz_enterprise, attachments=[services.Upload("现场照片.png", PNG)]),
        world.lz_staff.department,
    )
    world["gz_attachment"] = world.gz_appeal.attachments.get()
    world["lz_attachment"] = world.lz_appeal.attachments.get()
    world["gz_tax_appeal"] = dispatched(
        filed(world.gz_owner, world.gz_enterprise), department("tax", gz_region)
    )
    world["city_appeal"] = dispatched(
        filed(world.operator, None, region=gz_region, channel="hotline_12345"),
        department("market", city_region),
    )
    world["enforcement_appeal"] = dispatched(
        filed(world.operator, None, region=lz_region, channel="hotline_12345"), world.inspector.department
    )
    replied = dispatched(filed(world.gz_owner, world.gz_enterprise), world.gz_staff.department)
    later = now + dt.timedelta(seconds=1)
    services.sign_appeal(replied, by=world.gz_staff, now=later)
    services.contact_requester(replied, note="已电话联系企业负责人", by=world.gz_staff, now=later)
    world["gz_replied"] = services.reply_appeal(
        replied, text="已协调供电公司，本周内完成接电。", by=world.gz_staff, now=later
    )
    world["open311_key"] = services.issue_open311_key(name="权限矩阵客户端")
