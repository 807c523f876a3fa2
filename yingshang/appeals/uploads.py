"""Attachment checks (附件校验): the type is sniffed from the content, never trusted from the name. Pure."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # an Office file that expands beyond this is a zip bomb
MAX_COMPRESSION_RATIO = 200

# kind → (accepted extensions, MIME type)
KINDS: dict[str, tuple[tuple[str, ...], str]] = {
    "pdf": ((".pdf",), "application/pdf"),
    "png": ((".png",), "image/png"),
    "jpeg": ((".jpg", ".jpeg"), "image/jpeg"),
    "docx": ((".docx",), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ((".xlsx",), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    content_type: str
    size: int


def sniff(data: bytes) -> str | None:
    """The file kind from its first bytes (and, for Office files, the zip directory); None if not accepted."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


def check_attachment(*, name: str, data: bytes) -> CheckedFile:
    """Accept a file only if its content is an allowed type matching its extension and within the size limit.

    Raises ValueError with a Chinese reason naming the file.
    """
    if not data:
        raise ValueError(f"附件“{name}”是空文件。")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValueError(
            f"附件“{name}”过大（{len(data) / 1048576:.1f} MB），单个附件不超过 "
            f"{MAX_ATTACHMENT_BYTES // 1048576} MB。"
        )
    kind = sniff(data)
    if kind is None:
        raise ValueError(f"附件“{name}”的内容不是允许的类型（只接受 PDF、PNG、JPG、DOCX、XLSX）。")
    if kind in ("docx", "xlsx") and _expands_too_much(data):
        raise ValueError(f"附件“{name}”解压后过大（疑似压缩炸弹），已拒绝。")
    extensions, content_type = KINDS[kind]
    if not name.lower().endswith(extensions):
        raise ValueError(f"附件“{name}”的扩展名与实际内容（{kind.upper()}）不符。")
    return CheckedFile(kind=kind, content_type=content_type, size=len(data))


def _expands_too_much(data: bytes) -> bool:
    """Whether an Office file (a zip) would expand to far more than it weighs, judged from its directory."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        total = sum(info.file_size for info in archive.infolist())
    return total > MAX_UNCOMPRESSED_BYTES or total > MAX_COMPRESSION_RATIO * len(data)
