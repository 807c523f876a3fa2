"""Read the text of an uploaded policy document (TXT, DOCX, PDF) or refuse it with a Chinese reason."""

from __future__ import annotations

import io
import zipfile

from yingshang.core.errors import InvalidUpload

MAX_BYTES = 20 * 1024 * 1024
# A PDF page with fewer readable characters than this is probably a scan.
MIN_CHARS_PER_PAGE = 40


def read_policy_text(data: bytes, filename: str) -> str:
    """Plain text of the document; InvalidUpload for empty, oversize, unsupported, corrupt or scanned files."""
    name = filename.lower()
    if not data:
        raise InvalidUpload("文件为空，请重新选择。", field="file")
    if len(data) > MAX_BYTES:
        raise InvalidUpload(f"文件超过 {MAX_BYTES // 1024 // 1024} MB，请压缩或拆分后上传。", field="file")
    if name.endswith(".txt"):
        return _decode(data)
    if name.endswith(".docx"):
        return _docx_text(data)
    if name.endswith(".pdf"):
        return _pdf_text(data)
    if name.endswith(".doc") or name.endswith(".wps"):
        raise InvalidUpload("暂不支持旧版 Word（.doc/.wps）文件，请另存为 .docx 或 PDF 后上传。", field="file")
    raise InvalidUpload("只支持 TXT、DOCX 和 PDF 文件。", field="file")


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text.strip():
            return text
        break
    raise InvalidUpload("文本文件无法识别编码或内容为空（支持 UTF-8 和 GBK）。", field="file")


def _docx_text(data: bytes) -> str:
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
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
        pages = [page.extract_text() or "" for page in reader.pages]
    except InvalidUpload:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise InvalidUpload("PDF 文件已损坏，无法读取。", field="file") from exc
    text = "\n".join(pages)
    readable = sum(1 for character in text if not character.isspace())
    if not pages or readable < MIN_CHARS_PER_PAGE * len(pages) / 2:
        raise InvalidUpload("PDF 中几乎没有可读取的文字，可能是扫描件或图片。请上传文字版 PDF、DOCX，"
                            "或将原文粘贴为文本导入。", field="file")
    return text
