"""Plans laid out as a table in plain text (任务清单表): 序号 / 任务 / 责任单位 / 时限 columns.

Pure module. Offices often publish the task list as a table (copied from Word or Excel into a TXT file: cells
separated by tabs, by two or more spaces, or by | bars). `table_to_plan_text` turns such a table into the
numbered text `parsing.parse_plan` reads, with each row's units as an annotation, and returns each task's
deadline text; `parse_deadline` reads 时限 such as "2025年6月底前" or "12月底" into a date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

COLUMN_WORDS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号"),
    "task": (
        "重点任务",
        "主要任务",
        "工作任务",
        "具体任务",
        "任务内容",
        "工作内容",
        "具体措施",
        "工作措施",
        "任务",
    ),
    "lead": ("牵头单位", "牵头部门", "责任单位", "责任部门", "责任主体"),
    "co": ("配合单位", "配合部门", "协办单位", "参与单位"),
    "deadline": ("完成时限", "完成时间", "时间节点", "进度安排", "时限"),
}
_ROW_NUMBER_RE = re.compile(r"^(\d{1,3})[.、．]?$")
_LEVEL1_RE = re.compile(r"^[一二三四五六七八九十]+[、.．]")
_SECTION_RE = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[）)])")


@dataclass(frozen=True)
class TablePlan:
    """The plan text rebuilt from a table, and each task number's 时限 text."""

    text: str
    deadlines: dict[str, str]


def _cells(line: str) -> list[str]:
    """The cells of a line, empty cells kept where the separator shows them (tabs, bars)."""
    line = line.rstrip()
    if "\t" in line:
        cells = line.split("\t")
    elif "|" in line or "｜" in line:
        cells = re.split(r"[|｜]", line.strip().strip("|｜"))
    else:
        cells = re.split(r"\s{2,}", line.strip())
    cells = [cell.strip() for cell in cells]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def _header(cells: list[str]) -> dict[str, int] | None:
    """Column positions when the cells are a task-table header (序号, 任务 and 责任/牵头单位 at least)."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = unicodedata.normalize("NFKC", cell).replace(" ", "")
        for key, words in COLUMN_WORDS.items():
            if key not in columns and name in words:
                columns[key] = index
                break
    return columns if {"number", "task", "lead"} <= set(columns) else None


def table_to_plan_text(text: str) -> TablePlan | None:
    """The plan text of a task table, or None when the text has no task-table header.

    1. Find the header line (序号 / 任务 / 责任单位 …); lines before it are the title and preamble.
    2. A line whose first cell is a number is a task row; a one-cell numbered heading (一、/（一）) is a section;
       any other line continues the previous row's task text.
    3. Each row becomes "N、任务（牵头单位：…；配合单位：…）" or "N、任务（责任单位：…）" under a level-1 heading.
    """
    lines = text.splitlines()
    header_at, columns = None, None
    for index, line in enumerate(lines):
        columns = _header(_cells(line))
        if columns:
            header_at = index
            break
    if header_at is None or columns is None:
        return None
    out = [line for line in lines[:header_at] if line.strip()]
    body: list[str] = []
    deadlines: dict[str, str] = {}
    rows: list[dict[str, str]] = []
    for line in lines[header_at + 1 :]:
        cells = _cells(line)
        if not any(cells):
            continue
        number = _ROW_NUMBER_RE.match(unicodedata.normalize("NFKC", cells[0]))
        if number and len([cell for cell in cells if cell]) >= 3:
            values = {
                key: cells[position] if position < len(cells) else "" for key, position in columns.items()
            }
            values["number"] = number.group(1)
            rows.append(values)
            body.append(f"\0{len(rows) - 1}")
        elif len([cell for cell in cells if cell]) == 1 and _SECTION_RE.match("".join(cells)):
            body.append("".join(cells))
        elif rows:
            rows[-1]["task"] += "".join(cells)
    if not rows:
        return None
    if not any(_LEVEL1_RE.match(line) for line in body if not line.startswith("\0")):
        body.insert(0, "一、主要任务")
    for line in body:
        if not line.startswith("\0"):
            out.append(line)
            continue
        row = rows[int(line[1:])]
        task = row["task"].rstrip("。；; ")
        lead, co = row.get("lead", ""), row.get("co", "")
        label = "牵头单位" if co else "责任单位"
        annotation = f"（{label}：{lead}" + (f"；配合单位：{co}" if co else "") + "）" if lead else ""
        # "N、 " rather than "N.": a task starting with a number ("2.12345热线…") must not read as a decimal.
        out.append(f"{row['number']}、 {task}。{annotation}")
        if row.get("deadline"):
            deadlines[row["number"]] = row["deadline"]
    return TablePlan(text="\n".join(out) + "\n", deadlines=deadlines)


_FULL_DATE_RE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
_MONTH_RE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月份?(?:底|末|中旬|上旬|下旬)?")
_YEAR_END_RE = re.compile(r"(?:(\d{4})年)?(?:年底|年末|年内|全年)|(\d{4})年(?:底|末)")
_HALF_RE = re.compile(r"(?:(\d{4})年)?上半年")
_QUARTER_RE = re.compile(r"(?:(\d{4})年)?第?([一二三四1-4])季度")


def parse_deadline(text: str, year: int) -> dt.date | None:
    """The latest date a 时限 names ("2025年6月底前完成，12月底前推开" → 2025-12-31), or None (长期坚持)."""
    text = unicodedata.normalize("NFKC", text or "").replace(" ", "")
    found: list[dt.date] = []

    def month_end(y: int, m: int) -> dt.date | None:
        return dt.date(y, m, calendar.monthrange(y, m)[1]) if 1 <= m <= 12 else None

    for y, m, d in _FULL_DATE_RE.findall(text):
        try:
            found.append(dt.date(int(y or year), int(m), int(d)))
        except ValueError:
            continue
    remainder = _FULL_DATE_RE.sub("", text)
    for y, m in _MONTH_RE.findall(remainder):
        if (day := month_end(int(y or year), int(m))) is not None:
            found.append(day)
    for y1, y2 in _YEAR_END_RE.findall(remainder):
        found.append(dt.date(int(y1 or y2 or year), 12, 31))
    for y in _HALF_RE.findall(remainder):
        found.append(dt.date(int(y or year), 6, 30))
    for y, q in _QUARTER_RE.findall(remainder):
        quarter = "一二三四".index(q) + 1 if q in "一二三四" else int(q)
        found.append(month_end(int(y or year), 3 * quarter))
    return max(found) if found else None
