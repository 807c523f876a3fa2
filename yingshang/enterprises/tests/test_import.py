"""Enterprise import: idempotent by credit code, row-level Chinese report, nothing half-saved."""

import datetime as dt
import io
import random
import zipfile

import pytest
from openpyxl import Workbook

from yingshang.core.audit import verify_chain
from yingshang.core.errors import InvalidUpload
from yingshang.core.models import AuditEvent
from yingshang.enterprises.credit_code import generate_credit_code
from yingshang.enterprises.models import Enterprise, EnterpriseQualification
from yingshang.enterprises.services import import_enterprises

TODAY = dt.date(2025, 6, 30)
RNG = random.Random(7)
CODES = [generate_credit_code(RNG, region_code="620702") for _ in range(6)]
# Real published codes (Baidu Netcom, Huawei) pass the check too.
REAL_CODE = "91110000802100433B"


def csv_bytes(rows, encoding="utf-8"):
    return "\n".join(",".join(r) for r in rows).encode(encoding)


def run(data, filename="e.csv", **kw):
    return import_enterprises(data=data, filename=filename, by=None, today=TODAY, **kw)


def test_two_column_file_is_a_valid_import(db):
    report = run(csv_bytes([["统一社会信用代码", "企业名称"], [CODES[0], "甲公司"], [REAL_CODE, "北京百度网讯科技有限公司"]]))
    assert (report.created, report.updated, report.rejected) == (2, 0, [])
    assert Enterprise.objects.get(credit_code=REAL_CODE).name == "北京百度网讯科技有限公司"


def test_reimport_updates_instead_of_duplicating(db):
    run(csv_bytes([["统一社会信用代码", "企业名称", "从业人员"], [CODES[0], "甲公司", "10"]]))
    report = run(csv_bytes([["统一社会信用代码", "企业名称", "从业人员"], [CODES[0], "甲公司", "12"], [CODES[1], "乙公司", "3"]]))
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert Enterprise.objects.get(credit_code=CODES[0]).employees == 12
    report = run(csv_bytes([["统一社会信用代码", "企业名称", "从业人员"], [CODES[0], "甲公司", "12"]]))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert Enterprise.objects.count() == 2


def test_gbk_csv_with_all_columns_and_size_reason(db):
    rows = [["统一社会信用代码", "企业名称", "主体类型", "行业代码", "成立日期", "登记状态", "所属县区", "所在园区", "从业人员",
             "营业收入（万元）", "资产总额（万元）", "资质", "标签", "外商投资"],
            [CODES[2], "张掖市丹霞光伏有限公司", "企业", "4416", "2019/5/20", "存续", "甘州区", "张掖经济技术开发区", "350",
             "2500", "9000", "高企；科技型中小企业", "新能源", "否"]]
    report = run(csv_bytes(rows, "gbk"), "gbk.csv")
    assert report.rejected == []
    e = Enterprise.objects.get(credit_code=CODES[2])
    assert (e.industry_id, e.industry_section, e.region.name, e.zone.name, e.size) == (
        "4416", "D", "甘州区", "张掖经济技术开发区", "medium")
    assert "工业" in e.size_reason and "中型" in e.size_reason
    assert sorted(EnterpriseQualification.objects.filter(enterprise=e).values_list("qualification_id", flat=True)) == [
        "hnte", "tech_sme"]
    assert e.provenance["employees"]["source"].startswith("导入：")


def test_bad_rows_are_rejected_whole_with_row_field_reason(db):
    bad_check = CODES[3][:-1] + ("0" if CODES[3][-1] != "0" else "1")
    rows = [["统一社会信用代码", "企业名称", "成立日期", "从业人员", "营业收入（万元）"],
            [CODES[0], "好公司", "2020-01-01", "5", "100"],
            [bad_check, "校验码错", "", "", ""],
            [CODES[4], "未来公司", "2030-01-01", "5", ""],
            [CODES[5], "负数公司", "", "-3", "abc"],
            [CODES[0], "重复公司", "", "", ""],
            ["", "无代码公司", "", "", ""]]
    report = run(csv_bytes(rows))
    assert report.created == 1
    reasons = {(r["row"], r["field"]): r["reason"] for r in report.rejected}
    assert reasons[(3, "统一社会信用代码")].startswith("校验码错误")
    assert reasons[(4, "成立日期")] == "日期晚于今天"
    assert reasons[(5, "从业人员")] == "不能为负数"
    assert reasons[(5, "营业收入（万元）")] == "应为数字"
    assert reasons[(6, "统一社会信用代码")] == "与第 2 行重复"
    assert reasons[(7, "统一社会信用代码")] == "必填项为空"
    assert not Enterprise.objects.filter(credit_code__in=[CODES[4], CODES[5]]).exists()


def test_xlsx_import_and_dry_run_writes_nothing(db):
    wb = Workbook()
    ws = wb.active
    ws.append(["统一社会信用代码*", "企业名称*", "成立日期"])
    ws.append([CODES[1], "表格公司", dt.datetime(2018, 3, 1)])
    buffer = io.BytesIO()
    wb.save(buffer)
    report = run(buffer.getvalue(), "e.xlsx", dry_run=True)
    assert (report.created, Enterprise.objects.count(), AuditEvent.objects.count()) == (1, 0, 0)
    report = run(buffer.getvalue(), "e.xlsx")
    assert Enterprise.objects.get(credit_code=CODES[1]).established_on == dt.date(2018, 3, 1)


def test_every_created_row_is_audited_and_chain_holds(db):
    run(csv_bytes([["统一社会信用代码", "企业名称"], [CODES[0], "甲"], [CODES[1], "乙"]]))
    assert AuditEvent.objects.filter(action="enterprise.import_create").count() == 2
    assert verify_chain().broken_at is None


@pytest.mark.parametrize(("data", "filename", "fragment"), [
    (b"", "e.csv", "文件为空"),
    (b"\x00\x01\x02binary", "e.csv", "二进制"),
    (b"PK\x03\x04garbage", "e.xlsx", "已损坏"),
    (b"just text", "e.xlsx", "不是有效的 Excel"),
    ("名称,地址\n甲,乙".encode(), "e.csv", "缺少必填列：统一社会信用代码"),
])
def test_unreadable_files_get_a_clear_message(db, data, filename, fragment):
    with pytest.raises(InvalidUpload) as exc:
        run(data, filename)
    assert fragment in exc.value.message
    assert Enterprise.objects.count() == 0


def test_zip_bomb_is_refused_before_expansion(db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<x/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    with pytest.raises(InvalidUpload) as exc:
        run(buffer.getvalue(), "bomb.xlsx")
    assert "压缩炸弹" in exc.value.message


def test_county_importer_cannot_touch_other_counties(cast):
    from yingshang.core.models import Region

    linze = Region.objects.get(code="620723")
    rows = [["统一社会信用代码", "企业名称", "所属县区"], [CODES[0], "本县公司", ""], [CODES[1], "外县公司", "甘州区"],
            [cast.gz_enterprise.credit_code, "改名", ""]]
    report = run(csv_bytes(rows), scope_region=linze)
    assert report.created == 1
    assert Enterprise.objects.get(credit_code=CODES[0]).region == linze
    assert {r["reason"] for r in report.rejected} == {"不属于您管辖的县区", "该主体登记在其他县区，您无权修改"}
    cast.gz_enterprise.refresh_from_db()
    assert cast.gz_enterprise.name == "张掖市甘州区丰源种业有限公司"
