"""Builders for hostile uploads shared by the upload-fuzzing tests: zip containers and zip bombs."""

from __future__ import annotations

import io
import zipfile


def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip archive holding the members as given (an Office package is a zip of XML parts)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb(member: str, *, megabytes: int, fill: bytes = b"\0", extra: dict[str, bytes] | None = None) -> bytes:
    """A valid-looking Office package whose `member` expands to `megabytes` MB of `fill` (about 1000× smaller
    packed); written in 1 MB chunks so the test itself never holds the expanded part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
        with archive.open(member, "w") as part:
            chunk = fill * (1 << 20)
            for _ in range(megabytes):
                part.write(chunk)
    return buffer.getvalue()
