"""Photos of a case: checked by their bytes, decoded and re-encoded (which drops EXIF, GPS
included), stored under random names outside the static root, and read back only through a
case the reader may see (staff in scope, or the resident holding the query code).

Hazard: the files are written before the transaction commits. :func:`store_photos` returns the
paths it wrote so the boundary can delete them if the unit of work rolls back.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session

from jieyou.accounts.models import User
from jieyou.cases.models import Case, CaseAttachment
from jieyou.cases.permissions import get_case_for
from jieyou.cases.service import case_for_resident
from jieyou.errors import Invalid, NotFound

# Magic numbers of the formats we take, and how each is written back.
FORMATS = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
EXTENSIONS = {"jpeg": "jpg", "png": "png", "webp": "webp"}
MAX_PIXELS = 40_000_000  # a decompression bomb is refused, not decoded
REFUSED = "只能上传 JPG、PNG 或 WEBP 格式的照片"


def sniff(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


@dataclass(frozen=True)
class Photo:
    """A photo that passed the checks, re-encoded without metadata."""

    filename: str
    kind: str  # jpeg, png or webp
    data: bytes
    width: int
    height: int

    @property
    def content_type(self) -> str:
        return FORMATS[self.kind]


def clean_photo(filename: str, data: bytes, *, max_bytes: int) -> Photo:
    """Check one upload and re-encode it; :class:`Invalid` (field ``photos``) otherwise."""
    name = Path(filename or "photo").name[:100] or "photo"
    if len(data) > max_bytes:
        raise Invalid(
            f"照片“{name}”超过 {max_bytes // 1_000_000} MB，请压缩后再上传",
            code="photo_too_large",
            field="photos",
        )
    kind = sniff(data)
    if kind is None:
        raise Invalid(f"“{name}”不是有效的照片：{REFUSED}", code="photo_type", field="photos")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format is None or probe.format.lower() != kind:
                    raise ValueError("format does not match its magic number")
                if probe.width * probe.height > MAX_PIXELS:
                    raise ValueError("too many pixels")
                probe.verify()
            with Image.open(io.BytesIO(data)) as img:
                img.load()
                # Keep the picture upright, then write only the pixels: EXIF is not carried over.
                upright = ImageOps.exif_transpose(img)
                if kind == "jpeg" and upright.mode not in ("RGB", "L"):
                    upright = upright.convert("RGB")
                elif upright.mode not in ("RGB", "RGBA", "L", "LA", "P"):
                    upright = upright.convert("RGBA")
                out = io.BytesIO()
                options = {"quality": 85} if kind in ("jpeg", "webp") else {"optimize": True}
                upright.save(out, format=kind.upper(), **options)
                width, height = upright.size
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, UnidentifiedImageError):
        raise Invalid(
            f"“{name}”无法识别为照片，可能已损坏：{REFUSED}", code="photo_broken", field="photos"
        ) from None
    except Image.DecompressionBombWarning:
        raise Invalid(f"“{name}”尺寸过大", code="photo_too_large", field="photos") from None
    stem = Path(name).stem[:80] or "photo"
    return Photo(f"{stem}.{EXTENSIONS[kind]}", kind, out.getvalue(), width, height)


def store_photos(
    session: Session,
    case: Case,
    photos: Sequence[Photo],
    *,
    upload_dir: Path,
    uploaded_by: User | None,
) -> list[Path]:
    """Write the files and their rows; returns the paths written (see the module hazard)."""
    upload_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for photo in photos:
        key = f"{secrets.token_urlsafe(24)}.{EXTENSIONS[photo.kind]}"
        path = upload_dir / key
        path.write_bytes(photo.data)
        written.append(path)
        session.add(
            CaseAttachment(
                case_id=case.id,
                kind="photo",
                storage_key=key,
                filename=photo.filename,
                content_type=photo.content_type,
                size=len(photo.data),
                sha256=hashlib.sha256(photo.data).hexdigest(),
                width=photo.width,
                height=photo.height,
                uploaded_by_id=uploaded_by.id if uploaded_by else None,
            )
        )
    session.flush()
    return written


def attachments_of(session: Session, case_id: int) -> Sequence[CaseAttachment]:
    stmt = select(CaseAttachment).where(CaseAttachment.case_id == case_id)
    return session.scalars(stmt.order_by(CaseAttachment.id)).all()


def _one(session: Session, case: Case, key: str) -> CaseAttachment:
    row = session.scalar(
        select(CaseAttachment).where(
            CaseAttachment.case_id == case.id, CaseAttachment.storage_key == key
        )
    )
    if row is None:
        raise NotFound("照片不存在", code="attachment_not_found")
    return row


def attachment_for_staff(session: Session, actor: User, number: str, key: str) -> CaseAttachment:
    """Through the scope chokepoint: out of scope is the same 404 as missing."""
    return _one(session, get_case_for(session, actor, number), key)


def attachment_for_resident(session: Session, number: str, code: str, key: str) -> CaseAttachment:
    return _one(session, case_for_resident(session, number=number, code=code), key)


def stored_path(upload_dir: Path, row: CaseAttachment) -> Path:
    path = upload_dir / row.storage_key
    if not path.is_file():
        raise NotFound("照片文件已丢失", code="attachment_missing")
    return path
