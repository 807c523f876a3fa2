"""The Excel template (填报模板) per department and round: build it, read it back into submitted rows."""

from __future__ import annotations

from yingshang.core.errors import InvalidUpload
from yingshang.core.models import Department
from yingshang.enterprises.spreadsheets import read_table, write_xlsx
from yingshang.monitoring import selectors
from yingshang.monitoring.models import SubmissionRound
from yingshang.monitoring.services import SubmittedRow

TEMPLATE_FORMAT = "JZY-MON-1"
HEADERS = [
    "指标编码",
    "指标名称",
    "区划代码",
    "区划",
    "单位",
    "本期数值",
    "无数据（是/否）",
    "说明",
    "模板版本",
]
MAX_BYTES = 2 * 1024 * 1024
MAX_EXTRA_ROWS = 20  # blank or duplicated rows tolerated beyond the template's own (each still reported)


def template_version(collection_round: SubmissionRound, department: Department) -> str:
    """Format, round and department in one string: an old or someone else's template is recognised."""
    return f"{TEMPLATE_FORMAT}/{collection_round.period}/{department.pk}"


def build_template(collection_round: SubmissionRound, department: Department) -> bytes:
    """One row per due indicator and region the department reports for, with the template version."""
    version = template_version(collection_round, department)
    rows = []
    for indicator in selectors.due_indicators(
        function_key=department.function_key, period=collection_round.period
    ):
        for region in selectors.reporting_regions(department):
            rows.append(
                [
                    indicator.code,
                    indicator.name,
                    region.code,
                    region.name,
                    indicator.unit,
                    "",
                    "",
                    "",
                    version,
                ]
            )
    return write_xlsx(HEADERS, rows, sheet_title=f"{collection_round.period}监测数据")


def read_upload(
    data: bytes, filename: str, *, collection_round: SubmissionRound, department: Department
) -> list[SubmittedRow]:
    """Rows of a filled template; InvalidUpload (Chinese) for a wrong file, layout or template version."""
    table = read_table(data, filename, max_bytes=MAX_BYTES)
    missing = [h for h in HEADERS if h not in table.headers]
    if missing:
        raise InvalidUpload(
            f"文件缺少列：{'、'.join(missing)}。请下载本轮模板填写后上传。", code="wrong_template"
        )
    column = {header: table.headers.index(header) for header in HEADERS}
    expected = template_version(collection_round, department)
    expected_rows = len(
        selectors.due_indicators(function_key=department.function_key, period=collection_round.period)
    ) * len(selectors.reporting_regions(department))
    if len(table.rows) > expected_rows + MAX_EXTRA_ROWS:
        raise InvalidUpload(
            f"文件有 {len(table.rows)} 个数据行，本轮模板只有 {expected_rows} 行。请只填写下载的模板，"
            "不要增加行。",
            code="too_many_rows",
        )
    rows = []
    for position, cells in enumerate(table.rows, start=2):
        version = str(cells[column["模板版本"]] or "").strip()
        if version != expected:
            shown = version if len(version) <= 40 else version[:40] + "…"
            raise InvalidUpload(
                f"第 {position} 行的模板版本为“{shown or '空'}”，本轮模板为“{expected}”。"
                "该文件不是本部门本轮次的模板（或模板已更新），请重新下载模板填写。",
                code="template_version",
            )
        rows.append(
            SubmittedRow(
                indicator_code=str(cells[column["指标编码"]] or "").strip(),
                region_code=str(cells[column["区划代码"]] or "").strip(),
                raw_value=cells[column["本期数值"]],
                raw_no_data=cells[column["无数据（是/否）"]] or "",
                note=str(cells[column["说明"]] or "").strip(),
                unit=str(cells[column["单位"]] or "").strip(),
                row_label=f"第 {position} 行",
            )
        )
    if not rows:
        raise InvalidUpload("模板中没有数据行。", code="no_rows")
    return rows
