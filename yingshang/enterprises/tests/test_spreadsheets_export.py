"""Exports: aware times become Beijing wall-clock times (Excel has no time zone); formulas are neutralised."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

from yingshang.enterprises.spreadsheets import write_xlsx


def _cells(data: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_aware_times_are_written_in_beijing_time_and_formulas_as_text():
    utc_time = dt.datetime(2026, 3, 31, 18, 30, tzinfo=dt.UTC)  # 2026-04-01 02:30 in Beijing
    shanghai_time = dt.datetime(2026, 4, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    rows = _cells(write_xlsx(["时间", "备注"], [[utc_time, "=1+1"], [shanghai_time, "正常文本"]]))
    assert rows[1][0] == dt.datetime(2026, 4, 1, 2, 30)
    assert rows[2][0] == dt.datetime(2026, 4, 1, 9, 0)
    assert rows[1][1] != "=1+1" and rows[1][1].endswith("=1+1")
    assert rows[2][1] == "正常文本"
