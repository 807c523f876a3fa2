"""Read the text of an uploaded policy document (TXT, DOCX, PDF) or refuse it with a Chinese reason."""

from __future__ import annotations

import io
import zipfile

from yingshang.core.errors import InvalidUpload

MAX_BYTES = 20 * 1024 * 1024
# A PDF page with fewer readable characters than this is probably a scan.
MIN_CHARS_PER_PAGE = 40
# Limits against decompression bombs and endless documents (a real policy is far below each).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_PDF_PAGES = 500
MAX_TEXT_CHARS = 2_000_000
_SIGNATURES = {
    b"PK\x03\x04": "DOCX（或其他压缩包）",
    b"%PDF-": "PDF",
    b"\xd0\xcf\x11\xe0": "旧版 Office（.doc/.xls）",
    b"\x89PNG": "PNG 图片",
    b"\xff\xd8\xff": "JPEG 图片",
}


def read_policy_text(data: bytes, filename: str) -> str:
    """Plain text of the document; InvalidUpload for empty, oversize, unsupported, corrupt or scanned files."""
    name = filename.lower()
    if not data:
        raise InvalidUpload("文件为空，请重新选择。", field="file")
    if len(data) > MAX_BYTES:
        raise InvalidUpload(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请压缩或拆分后上传。", field="file")
    if name.endswith(".txt"):
        _refuse_disguised(data, expected=None)
        return _limited(_decode(data))
    if name.endswith(".docx"):
        _refuse_disguised(data, expected=b"PK\x03\x04")
        return _limited(_docx_text(data))
    if name.endswith(".pdf"):
        _refuse_disguised(data, expected=b"%PDF-")
        return _limited(_pdf_text(data))
    if name.endswith(".doc") or name.endswith(".wps"):
        raise InvalidUpload(
            "暂不支持旧版 Word（.doc/.wps）文件，请另存为 .docx 或 PDF 后上传。", field="file"
        )
    raise InvalidUpload("只支持 TXT、DOCX 和 PDF 文件。", field="file")


def _refuse_disguised(data: bytes, *, expected: bytes | None) -> None:
    """A file whose content is not what its name says (a PDF named .txt, an image named .docx)."""
    head = data[:8]
    actual = next((label for signature, label in _SIGNATURES.items() if head.startswith(signature)), None)
    if expected is not None and head.startswith(expected):
        return
    if actual is not None:
        raise InvalidUpload(f"文件内容是{actual}，与文件扩展名不符，请确认后重新上传。", field="file")
    if expected is not None:
        raise InvalidUpload(
            "文件内容与扩展名不符（不是有效的 DOCX 或 PDF），请确认后重新上传。", field="file"
        )


def _limited(text: str) -> str:
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidUpload("文件文字过多（超过 200 万字），请拆分后上传。", field="file")
    return text


def _looks_binary(text: str) -> bool:
    """Control characters other than line breaks and tabs mean the bytes were not text in this encoding."""
    sample = text[:20000]
    controls = sum(
        1
        for character in sample
        if (ord(character) < 32 and character not in "\r\n\t\f")
        or 0x7F <= ord(character) < 0xA0
        or 0xE000 <= ord(character) <= 0xF8FF
    )
    return "\x00" in sample or controls > max(3, len(sample) // 100)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = ""
        if text.strip() and not _looks_binary(text):
            return text
        raise InvalidUpload("文本文件无法识别编码或内容为空（支持 UTF-8、UTF-16 和 GBK）。", field="file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text.strip() and not _looks_binary(text):
            return text
        break
    raise InvalidUpload(
        "文本文件无法识别编码或内容为空（支持 UTF-8、UTF-16 和 GBK），或者不是文本文件。", field="file"
    )


def _check_archive(data: bytes) -> None:
    """Refuse zip bombs before anything is unpacked: total size and compression ratio from the directory."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise InvalidUpload("DOCX 文件已损坏或不是 Word 文档，无法读取。", field="file") from exc
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    if len(members) > 2000 or unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_COMPRESSION_RATIO:
        raise InvalidUpload("DOCX 文件解压后异常巨大（疑似压缩炸弹），已拒绝。", field="file")


def _docx_text(data: bytes) -> str:
    import docx

    _check_archive(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - any failure to parse the user's file is a bad file, never a 500
        raise InvalidUpload("DOCX 文件已损坏或不是 Word 文档，无法读取。", field="file") from exc
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("；".join(cell.text.strip() for cell in row.cells if cell.text.strip()))
    text = "\n".join(line for line in lines if line.strip())
    if not text.strip():
        raise InvalidUpload("DOCX 文件中没有可读取的文字（可能只含图片），请上传文字版。", field="file")
    return text


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise InvalidUpload("PDF 文件已加密，请上传未加密的文件。", field="file")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise InvalidUpload(f"PDF 超过 {MAX_PDF_PAGES} 页，请拆分后上传。", field="file")
        pages = []
        for page in reader.pages:
            pages.append(page.extract_text() or "")
            if sum(len(p) for p in pages) > MAX_TEXT_CHARS:
                raise InvalidUpload("文件文字过多（超过 200 万字），请拆分后上传。", field="file")
    except InvalidUpload:
        raise
    except PdfReadError as exc:
        raise InvalidUpload("PDF 文件已损坏，无法读取。", field="file") from exc
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on hostile files; never a 500
        raise InvalidUpload("PDF 文件已损坏或结构异常，无法读取。", field="file") from exc
    text = "\n".join(pages)
    readable = sum(1 for character in text if not character.isspace())
    if not pages or readable < MIN_CHARS_PER_PAGE * len(pages) / 2:
        raise InvalidUpload(
            "PDF 中几乎没有可读取的文字，可能是扫描件或图片。请上传文字版 PDF、DOCX，"
            "或将原文粘贴为文本导入。",
            field="file",
        )
    return text
