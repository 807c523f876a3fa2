"""Reading an uploaded plan file (TXT or DOCX) into parsed structure, with Chinese messages for bad files.

No ORM: `read_plan_upload` turns bytes into a `ParsedPlan` or raises `InvalidUpload`; the service that
saves the staged plan lives in `services.py`.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from dataclasses import replace
from functools import cache
from pathlib import PurePath

from docx import Document

from yingshang.core.errors import InvalidUpload
from yingshang.plans.parsing import ParsedPlan, PlanParseError, parse_plan
from yingshang.plans.tables import table_to_plan_text

MAX_PLAN_BYTES = 10 * 1024 * 1024
# A DOCX is a zip: refuse what would expand beyond these before python-docx opens it (zip bombs).
MAX_DOCX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_DOCX_COMPRESSION_RATIO = 100
MAGIC_NAMES = (
    (b"PK\x03\x04", "Word 文档或压缩包"),
    (b"%PDF", "PDF 文件"),
    (b"\xd0\xcf\x11\xe0", "旧版 Office 文件"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
)
TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ""})
# After UTF-8, GB18030 (a superset of GBK and GB2312, the usual encodings of government files) is tried.
# Text wrongly decoded as GB18030 (Big5, Latin-1 …) turns into rare characters outside GB2312.
MIN_COMMON_SHARE = 0.9
MIN_CHINESE_SHARE = 0.3
# A text is traditional (繁体) when at least this share of its Chinese characters change from t2s conversion.
MIN_TRADITIONAL_SHARE = 0.05
MIN_TRADITIONAL_CHARACTERS = 10
TRADITIONAL_SAMPLE_CHARACTERS = 4000
_YEAR_RE = re.compile(r"(20\d\d)\s*年")
_DOCUMENT_YEAR_RE = re.compile(r"[〔\[［](20\d\d)[〕\]］]")


def decode_plan_file(data: bytes, filename: str) -> str:
    """The text of an uploaded TXT or DOCX plan.

    1. Refuse empty, oversized and unsupported files (.doc, .pdf …) with a message saying what to do.
    2. DOCX: read its paragraphs; a corrupt or fake DOCX is refused.
    3. Text: honour a BOM, else try UTF-8 then GB18030 strictly; anything else is an unknown encoding.
    4. Text that is mostly not Chinese is not a plan.
    """
    suffix = PurePath(filename or "").suffix.lower()
    if not data or not data.strip():
        raise InvalidUpload("文件为空，请选择包含行动方案正文的 TXT 或 DOCX 文件。", field="file")
    if len(data) > MAX_PLAN_BYTES:
        raise InvalidUpload("文件超过 10 MB，行动方案正文通常远小于此，请检查是否选错文件。", field="file")
    if suffix == ".docx":
        text = _docx_text(data)
    elif suffix in TEXT_SUFFIXES:
        text = _decode_text(data)
    elif suffix == ".doc":
        raise InvalidUpload(
            "暂不支持旧版 Word（.doc）文件，请在 Word/WPS 中另存为 .docx 后上传。", field="file"
        )
    else:
        raise InvalidUpload(
            f"不支持的文件类型“{suffix or '无扩展名'}”，请上传 TXT 或 DOCX 格式的行动方案。", field="file"
        )
    text = to_simplified(text)
    visible = [char for char in text if not char.isspace()]
    if not visible:
        raise InvalidUpload("文件中没有文字内容，请确认上传的是行动方案正文。", field="file")
    chinese = sum(1 for char in visible if "\u4e00" <= char <= "\u9fff")
    if chinese / len(visible) < MIN_CHINESE_SHARE:
        raise InvalidUpload("文件内容不是中文行动方案（中文文字过少），请确认文件内容或编码。", field="file")
    return text


def read_plan_upload(data: bytes, filename: str) -> tuple[str, ParsedPlan]:
    """(text, parsed plan) of an uploaded file; a file that is not a plan raises InvalidUpload."""
    text = decode_plan_file(data, filename)
    table = table_to_plan_text(text)
    try:
        parsed = parse_plan(table.text if table else text)
    except PlanParseError as error:
        raise InvalidUpload(str(error), field="file") from error
    if table and table.deadlines:
        parsed = replace(
            parsed,
            tasks=tuple(
                replace(task, deadline_text=table.deadlines.get(task.number, "")) for task in parsed.tasks
            ),
        )
    return text, parsed


def detect_year(title: str, text: str, *, default: int) -> int:
    """The plan year: a year in the title, else the most frequent year (年 or 〔2019〕) in the text, else `default`."""
    in_title = _YEAR_RE.findall(title)
    if in_title:
        return int(in_title[0])
    counts = Counter(int(year) for year in _YEAR_RE.findall(text) + _DOCUMENT_YEAR_RE.findall(text))
    return counts.most_common(1)[0][0] if counts else default


def _check_docx_package(data: bytes) -> None:
    """Refuse what is not a Word package, and zip bombs, before any library expands the file."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InvalidUpload(
            "文件不是有效的 DOCX 文档（可能已损坏或扩展名有误），请重新导出后上传。", field="file"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise InvalidUpload("DOCX 文档已损坏，无法读取，请重新导出后上传。", field="file") from error
    names = {info.filename for info in infos}
    if "word/document.xml" not in names:
        raise InvalidUpload(
            "文件是压缩包，但不是 Word 文档（DOCX），请上传 Word 另存的 .docx 文件。", field="file"
        )
    total = sum(info.file_size for info in infos)
    if total > MAX_DOCX_UNCOMPRESSED_BYTES or total > MAX_DOCX_COMPRESSION_RATIO * max(len(data), 1):
        raise InvalidUpload("DOCX 文档解压后过大（疑似压缩炸弹），已拒绝。", field="file", code="zip_bomb")


def _docx_text(data: bytes) -> str:
    _check_docx_package(data)
    try:
        document = Document(io.BytesIO(data))
    except Exception as error:  # python-docx raises several unrelated types for a broken package
        raise InvalidUpload(
            "无法读取该 DOCX 文档（文件已损坏或不是 Word 文档），请重新导出后上传。", field="file"
        ) from error
    lines = [paragraph.text for paragraph in document.paragraphs]
    # Plans sometimes keep tasks in a table: read cells row by row after the paragraphs.
    for table in document.tables:
        for row in table.rows:
            cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells if cell.text.strip()))
            if cells:
                lines.append("".join(cells))
    return "\n".join(lines)


def _decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise InvalidUpload(
                "文件标为 UTF-16 编码，但内容无法按 UTF-16 读取，请另存为 UTF-8 后重新上传。", field="file"
            ) from error
    for magic, kind in MAGIC_NAMES:
        if data.startswith(magic):
            raise InvalidUpload(
                f"文件扩展名是文本，但内容是{kind}，请上传 TXT 或 DOCX 格式的行动方案（DOCX 请保留 .docx 扩展名）。",
                field="file",
            )
    if b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is not None:
            return text
        raise InvalidUpload(
            "文件不是文本文件（含二进制内容），请上传 TXT 或 DOCX 格式的行动方案。", field="file"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and _common_chinese_share(text) >= MIN_COMMON_SHARE:
        return text
    try:  # a traditional-character file saved as Big5 (繁体): common characters once converted to simplified
        text = data.decode("big5")
    except UnicodeDecodeError:
        text = ""
    if text and _common_chinese_share(to_simplified(text)) >= MIN_COMMON_SHARE:
        return text
    raise InvalidUpload(
        "无法识别文件编码，请将文件另存为 UTF-8 或 GBK 编码的文本文件后重新上传。", field="file"
    )


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """A traditional-character plan (繁体) in simplified characters, so that units, numbering and targets match;
    a simplified text is returned unchanged (it is converted only when at least 5% of its characters change)."""
    sample = text[:TRADITIONAL_SAMPLE_CHARACTERS]  # decide on the opening: the converter is pure Python
    chinese = [char for char in sample if "\u4e00" <= char <= "\u9fff"]
    if not chinese:
        return text
    converter = _converter()
    changed = sum(1 for char in chinese if converter.convert(char) != char)
    threshold = max(MIN_TRADITIONAL_CHARACTERS, MIN_TRADITIONAL_SHARE * len(chinese))
    return converter.convert(text) if changed >= threshold else text


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark (Windows 记事本 "Unicode"), if the bytes read as Chinese text."""
    if len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        visible = [char for char in text if not char.isspace()]
        # Binary bytes read as UTF-16 also land in the CJK block, but on rare characters: require common ones.
        if (
            visible
            and sum("\u4e00" <= char <= "\u9fff" for char in visible) / len(visible) >= MIN_CHINESE_SHARE
            and _common_chinese_share(text) >= MIN_COMMON_SHARE
        ):
            return text
    return None


def _common_chinese_share(text: str) -> float:
    """Share of the CJK characters in `text` that GB2312 (the 6,763 common characters) can encode."""
    chinese = [char for char in text if "\u4e00" <= char <= "\u9fff"]
    if not chinese:
        return 0.0
    common = 0
    for char in chinese:
        try:
            char.encode("gb2312")
            common += 1
        except UnicodeEncodeError:
            pass
    return common / len(chinese)
