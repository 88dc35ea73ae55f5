"""The archive folder: find its files and read each into ``RawArticle`` records.

File I/O and formats only (README, "The archive"); cleaning and entities come later.
Parts:
    ``walk_archive(root)``: every file below the root, as ``ArchiveFile`` (relative path,
    kind, content hash) or a rejection for what cannot be an archive file;
    ``read_archive_file(root, file)``: one file's articles, line-level problems, or the
    reason the whole file is rejected;
    ``decode_text(data)``: UTF-8, else cp1252, else Latin-1.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from indexer.bylines import author_list
from indexer.clean.textdump import split_articles
from indexer.documents import RawArticle

KINDS = {".html": "html", ".htm": "html", ".txt": "text", ".jsonl": "jsonl"}

# Limits that keep one odd file from stalling a build; larger files are rejected with a reason.
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_HTML_BYTES = 15 * 1024 * 1024
_BINARY_SNIFF_BYTES = 8192


@dataclass(frozen=True)
class ArchiveFile:
    """One file found in the archive."""

    path: str  # relative to the archive root, with "/" separators
    kind: str  # "html", "text" or "jsonl"
    content_hash: str


@dataclass(frozen=True)
class Rejected:
    """A file that cannot be indexed, with the reason (reported, never dropped silently)."""

    path: str
    reason: str


@dataclass
class FileRead:
    """What reading one file gave: its articles and any line-level problems."""

    articles: list[RawArticle] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    rejected: str | None = None


def kind_of(name: str) -> str | None:
    """The archive kind of a file name (``.gz`` allowed), or None for other files."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    return KINDS.get(os.path.splitext(lower)[1])


def file_hash(data: bytes) -> str:
    """Content hash of a file's raw bytes (what decides "unchanged")."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def walk_archive(root: Path) -> Iterator[ArchiveFile | Rejected]:
    """Yield every file below ``root`` in path order.

    Symlinked folders are not followed (no loops); a link that leads nowhere is rejected.
    """
    root = Path(root)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        rel_dir = Path(dirpath).relative_to(root)
        for d in list(dirnames):
            if os.path.islink(os.path.join(dirpath, d)):
                dirnames.remove(d)
                yield Rejected((rel_dir / d).as_posix(), "symlinked folder (not followed)")
        for name in sorted(filenames):
            rel = (rel_dir / name).as_posix()
            full = os.path.join(dirpath, name)
            kind = kind_of(name)
            if kind is None:
                yield Rejected(rel, "not an archive file type (.html, .htm, .txt, .jsonl, .gz)")
                continue
            try:
                if not os.path.isfile(full):
                    yield Rejected(rel, "not a regular file (broken link?)")
                    continue
                size = os.path.getsize(full)
                if size > MAX_FILE_BYTES:
                    yield Rejected(rel, f"too large ({size} bytes; limit {MAX_FILE_BYTES})")
                    continue
                with open(full, "rb") as fh:
                    data = fh.read()
            except OSError as exc:
                yield Rejected(rel, f"unreadable: {exc.strerror or exc}")
                continue
            yield ArchiveFile(rel, kind, file_hash(data))


def decode_text(data: bytes) -> str:
    """Decode text: UTF-8 (BOM allowed), else cp1252, else Latin-1 (which never fails)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _load_bytes(root: Path, file: ArchiveFile) -> bytes:
    with open(Path(root) / file.path, "rb") as fh:
        data = fh.read()
    if file.path.lower().endswith(".gz"):
        data = gzip.decompress(data)
    return data


def read_archive_file(root: Path, file: ArchiveFile) -> FileRead:
    """Read one archive file into raw articles.

    Never raises for bad content: the result carries the reason instead.
    """
    try:
        data = _load_bytes(root, file)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        return FileRead(rejected=f"corrupt or truncated gzip ({exc or type(exc).__name__})")
    except OSError as exc:
        return FileRead(rejected=f"unreadable: {exc.strerror or exc}")
    if not data.strip():
        return FileRead(rejected="empty file")
    if b"\x00" in data[:_BINARY_SNIFF_BYTES]:
        return FileRead(rejected="binary file (NUL bytes), not text")
    if file.kind == "html":
        return _read_html(file, data)
    if file.kind == "text":
        return _read_text(file, data)
    return _read_jsonl(file, data)


def _read_html(file: ArchiveFile, data: bytes) -> FileRead:
    if len(data) > MAX_HTML_BYTES:
        return FileRead(rejected=f"HTML page too large ({len(data)} bytes; limit {MAX_HTML_BYTES})")
    # Raw bytes go to the cleaner, which honours the page's declared charset.
    return FileRead(articles=[RawArticle(id=file.path, source=file.path, html=data)])


def _read_text(file: ArchiveFile, data: bytes) -> FileRead:
    text = decode_text(data)
    pieces = split_articles(text)
    if not pieces:
        return FileRead(rejected="no article text (a title line, a blank line, paragraphs)")
    articles = [
        RawArticle(
            id=file.path if n == 1 else f"{file.path}#{n}",
            source=file.path,
            title=title,
            body=body,
        )
        for n, (title, body) in enumerate(pieces, start=1)
    ]
    return FileRead(articles=articles)


def _str_list(value: object) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("must be a list of strings")
    seen: dict[str, None] = {}
    for v in value:
        v = " ".join(v.replace(",", " ").split())
        if v:
            seen.setdefault(v, None)
    return tuple(seen)


def _opt_str(record: dict, key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str | int | float):
        raise ValueError(f"'{key}' must be a string")
    return str(value)


def _read_jsonl(file: ArchiveFile, data: bytes) -> FileRead:
    result = FileRead()
    seen: dict[str, int] = {}
    text = decode_text(data)
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            result.problems.append(f"line {lineno}: bad JSON ({exc.msg})")
            continue
        try:
            raw = _record_to_raw(file, record)
        except ValueError as exc:
            result.problems.append(f"line {lineno}: {exc}")
            continue
        if raw.id in seen:
            result.problems.append(
                f"line {lineno}: duplicate id {raw.id!r} (first at line {seen[raw.id]}; kept that)"
            )
            continue
        seen[raw.id] = lineno
        result.articles.append(raw)
    if not result.articles:
        reason = "no valid records"
        if result.problems:
            reason += f" ({len(result.problems)} bad lines; first: {result.problems[0]})"
        return FileRead(rejected=reason, problems=[])
    return result


def _record_to_raw(file: ArchiveFile, record: object) -> RawArticle:
    if not isinstance(record, dict):
        raise ValueError("not a JSON object")
    rid = record.get("id")
    if rid is None or (isinstance(rid, str) and not rid.strip()):
        raise ValueError("no 'id'")
    if not isinstance(rid, str | int):
        raise ValueError("'id' must be a string or a number")
    body = _opt_str(record, "body")
    html = _opt_str(record, "html")
    if not (body and body.strip()) and not (html and html.strip()):
        raise ValueError("no 'body' or 'html'")
    try:
        people = _str_list(record.get("people"))
        places = _str_list(record.get("places"))
    except ValueError as exc:
        raise ValueError(f"'people'/'places' {exc}") from None
    author, authors = _author(record.get("author"))
    return RawArticle(
        id=str(rid).strip(),
        source=file.path,
        title=_opt_str(record, "title"),
        body=body if body and body.strip() else None,
        html=html if not (body and body.strip()) else None,
        url=_opt_str(record, "url"),
        date=_opt_str(record, "date"),
        author=author,
        authors=authors,
        section=_opt_str(record, "section"),
        people=people,
        places=places,
    )


def _author(value: object) -> tuple[str | None, tuple[str, ...] | None]:
    """A record's ``author``: a byline string (its names read later), or a list of names
    (kept as the newsroom gave them; the byline is then the names joined)."""
    if value is None or isinstance(value, str | int | float):
        return (None if value is None else str(value)), None
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        authors = author_list(value)
        return (", ".join(authors) or None), authors
    raise ValueError("'author' must be a string or a list of strings")
