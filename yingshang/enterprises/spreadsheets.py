"""Reading uploaded spreadsheets safely (XLSX/XLS via python-calamine, CSV in UTF-8 or GBK/GB18030)
and writing XLSX with protection against formula injection. Pure: bytes in, rows out."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from python_calamine import CalamineWorkbook

from yingshang.core.errors import InvalidUpload

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200


@dataclass(frozen=True)
class Table:
    headers: list[str]
    rows: list[list[Any]]  # data rows; row i is spreadsheet row i + 2 (header is row 1)


def read_table(data: bytes, filename: str, *, max_bytes: int) -> Table:
    """Read the first sheet (or the CSV) into headers and rows; raise InvalidUpload with a Chinese reason."""
    if not data:
        raise InvalidUpload("文件为空。", code="empty_file")
    if len(data) > max_bytes:
        raise InvalidUpload(f"文件过大（{len(data) / 1048576:.1f} MB），上限为 {max_bytes / 1048576:.0f} MB。",
                            code="file_too_large")
    name = filename.lower()
    if data.startswith(XLSX_MAGIC):
        _check_zip(data)
        rows = _read_workbook(data)
    elif data.startswith(XLS_MAGIC):
        rows = _read_workbook(data)
    elif name.endswith((".xlsx", ".xls", ".xlsm")):
        raise InvalidUpload("文件扩展名是 Excel，但内容不是有效的 Excel 文件。", code="not_a_spreadsheet")
    else:
        rows = _read_csv(data)
    rows = [r for r in rows if any(_blank(v) is False for v in r)]
    if not rows:
        raise InvalidUpload("文件中没有表头和数据。", code="no_rows")
    headers = [_header(v) for v in rows[0]]
    body = [list(r) + [None] * (len(headers) - len(r)) for r in rows[1:]]
    return Table(headers=headers, rows=body)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header(value: Any) -> str:
    text = "" if value is None else str(value)
    return text.replace("\ufeff", "").replace("*", "").replace("＊", "").strip()


def _check_zip(data: bytes) -> None:
    """Refuse zip bombs before any library expands the file."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            total = sum(i.file_size for i in infos)
            names = {i.filename for i in infos}
    except zipfile.BadZipFile:
        raise InvalidUpload("Excel 文件已损坏，无法读取。", code="corrupt_file")
    if "[Content_Types].xml" not in names:
        raise InvalidUpload("文件是压缩包，但不是 Excel 工作簿。", code="not_a_spreadsheet")
    if total > MAX_UNCOMPRESSED_BYTES or total > MAX_COMPRESSION_RATIO * max(len(data), 1):
        raise InvalidUpload("文件解压后过大（疑似压缩炸弹），已拒绝。", code="zip_bomb")


def _read_workbook(data: bytes) -> list[list[Any]]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if not workbook.sheet_names:
            raise InvalidUpload("工作簿中没有工作表。", code="no_rows")
        return workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except InvalidUpload:
        raise
    except Exception as exc:  # calamine raises several types for corrupt files
        raise InvalidUpload(f"Excel 文件无法读取：{type(exc).__name__}。请另存为 .xlsx 后重试。", code="corrupt_file")


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK/GB2312)."""
    if b"\x00" in data[:8192]:
        raise InvalidUpload("文件不是文本表格（含有二进制内容），请上传 CSV 或 Excel 文件。", code="binary_file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InvalidUpload("无法识别文件编码，请使用 UTF-8 或 GBK 编码保存 CSV。", code="unknown_encoding")


def _read_csv(data: bytes) -> list[list[Any]]:
    text = decode_text(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    try:
        return [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    except csv.Error as exc:
        raise InvalidUpload(f"CSV 格式错误：{exc}", code="corrupt_file")


FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection advice)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def write_xlsx(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet_title: str = "Sheet1") -> bytes:
    """An XLSX file (write-only mode, constant memory); every text cell is formula-safe."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    from openpyxl.cell import WriteOnlyCell

    header_cells = []
    for title in headers:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell_value(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell_value(value: Any) -> Any:
    """Excel has no time zones: an aware time is written as the wall-clock time of the platform (Beijing time)."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        from django.utils import timezone

        value = timezone.localtime(value).replace(tzinfo=None)
    return neutralise_formula(value)
