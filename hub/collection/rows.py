"""Reading a submitted file as it streams in: CSV (national 双公示 column names too) or JSON Lines, UTF-8 or GB18030.

Rows come out one at a time with the line they start on (the header is line 1 of a CSV file), whatever the
size of the file: only the part of a line not yet complete is kept between chunks.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from enum import StrEnum

from hub.catalog.collection import Collection
from hub.errors import ErrorCode, HubError

ACTION, REASON = "action", "reason"
CONTROL_COLUMNS = {"action": ACTION, "操作": ACTION, "reason": REASON, "原因": REASON, "更正原因": REASON}
ENCODINGS = ("utf-8", "gb18030")


class FileFormat(StrEnum):
    """What a submitted body is written in."""

    CSV = "csv"
    JSONL = "jsonl"


@dataclass(frozen=True, slots=True)
class RawRow:
    """One row as submitted: its line, the canonical field names with their text, and columns nobody knows."""

    line: int
    values: dict[str, str | None]
    unknown: tuple[str, ...] = ()
    error: str | None = None


def file_format(content_type: str | None, name: str | None = None) -> FileFormat:
    """Answers the format a body declares (Content-Type, else the file's extension); BAD_USER_INPUT otherwise."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind in ("text/csv", "application/csv"):
        return FileFormat.CSV
    if kind in ("application/jsonl", "application/x-ndjson", "application/json-lines", "application/x-jsonlines"):
        return FileFormat.JSONL
    suffix = (name or "").lower().rsplit(".", 1)[-1]
    if suffix == "csv":
        return FileFormat.CSV
    if suffix in ("jsonl", "ndjson"):
        return FileFormat.JSONL
    raise HubError(
        ErrorCode.BAD_USER_INPUT,
        f"unknown submission format '{kind or 'none'}'",
        fix="send Content-Type text/csv or application/jsonl (JSON Lines)",
    )


def declared_charset(content_type: str | None) -> str | None:
    """Answers the charset a Content-Type names (utf-8 or gb18030, GBK and GB2312 read as GB18030), or None."""
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.strip().lower() == "charset":
            name = value.strip().strip('"').lower()
            if name in ("utf-8", "utf8"):
                return "utf-8"
            if name in ("gb18030", "gbk", "gb2312"):
                return "gb18030"
            raise HubError(ErrorCode.BAD_USER_INPUT, f"unsupported charset '{name}'", fix="send utf-8 or gb18030")
    return None


async def decoded(chunks: AsyncIterator[bytes], charset: str | None) -> AsyncIterator[str]:
    """Answers the text of a byte stream: the declared charset, else UTF-8 (BOM or not) unless the first bytes
    are not UTF-8, then GB18030 (the charset of files saved by Chinese Excel)."""
    decoder: codecs.IncrementalDecoder | None = None
    head = b""
    async for chunk in chunks:
        if decoder is None:
            head += chunk
            if len(head) < 4096 and charset is None:
                continue
            decoder = codecs.getincrementaldecoder(charset or _sniff(head))()
            chunk, head = head, b""
        yield _decode(decoder, chunk, final=False)
    if decoder is None:
        decoder = codecs.getincrementaldecoder(charset or _sniff(head))()
        yield _decode(decoder, head, final=True)
        return
    yield _decode(decoder, b"", final=True)


def _sniff(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # not merely a character cut at the end of the sample
            return "gb18030"
    return "utf-8"


def _decode(decoder: codecs.IncrementalDecoder, chunk: bytes, *, final: bool) -> str:
    try:
        return decoder.decode(chunk, final)
    except UnicodeDecodeError:
        raise HubError(
            ErrorCode.BAD_USER_INPUT,
            "the file is not valid text in its charset (文件编码无法识别)",
            fix="save it as UTF-8 or GB18030, and declare it: Content-Type text/csv; charset=gb18030",
        ) from None


async def read_rows(text: AsyncIterator[str], kind: FileFormat, collection: Collection) -> AsyncIterator[RawRow]:
    """Answers the rows of a submitted file, each with its line and canonical field names."""
    if kind is FileFormat.JSONL:
        async for row in _jsonl(text, collection):
            yield row
        return
    async for row in _csv(text, collection):
        yield row


async def _jsonl(text: AsyncIterator[str], collection: Collection) -> AsyncIterator[RawRow]:
    names = {**collection.column_names(), **CONTROL_COLUMNS}
    pending = ""
    line = 0
    async for piece in text:
        pending += piece
        *complete, pending = pending.split("\n")
        for raw in complete:
            line += 1
            if raw.strip():
                yield _json_row(line, raw, names)
    if pending.strip():
        yield _json_row(line + 1, pending, names)


def _json_row(line: int, raw: str, names: dict[str, str]) -> RawRow:
    try:
        loaded = json.loads(raw)
    except ValueError:
        return RawRow(line, {}, error="not a JSON object on one line")
    if not isinstance(loaded, dict):
        return RawRow(line, {}, error="not a JSON object on one line")
    values: dict[str, str | None] = {}
    unknown: list[str] = []
    for key, value in loaded.items():
        name = names.get(str(key).strip().casefold())
        if name is None:
            unknown.append(str(key))
        else:
            values[name] = None if value is None else str(value)
    return RawRow(line, values, tuple(unknown))


async def _csv(text: AsyncIterator[str], collection: Collection) -> AsyncIterator[RawRow]:
    names = {**collection.column_names(), **CONTROL_COLUMNS}
    header: list[str | None] | None = None
    unknown: tuple[str, ...] = ()
    pending = ""
    line = 1
    async for piece in text:
        pending += piece
        cut = _record_end(pending)
        if cut < 0:
            continue
        ready, pending = pending[: cut + 1], pending[cut + 1 :]
        for start, record in _records(ready, line):
            if header is None:
                header, unknown = _header(record, names)
                continue
            yield _csv_row(start, record, header, unknown)
        line += ready.count("\n")
    if pending.strip():
        for start, record in _records(pending, line):
            if header is None:
                header, unknown = _header(record, names)
                continue
            yield _csv_row(start, record, header, unknown)
    if header is None:
        raise HubError(ErrorCode.BAD_USER_INPUT, "the file is empty (文件为空)", fix="send a header line and rows")


def _record_end(text: str) -> int:
    """Answers the position of the last newline outside quotes (a whole number of records before it), or -1."""
    cut = text.rfind("\n")
    while cut >= 0 and text.count('"', 0, cut) % 2:
        cut = text.rfind("\n", 0, cut)
    return cut


def _records(text: str, first_line: int) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text))
    seen = 0
    for record in reader:
        start = first_line + seen
        seen = reader.line_num
        if record and any(cell.strip() for cell in record):
            yield start, record


def _header(record: list[str], names: dict[str, str]) -> tuple[list[str | None], tuple[str, ...]]:
    cleaned = [cell.strip().lstrip("\ufeff") for cell in record]
    header = [names.get(cell.casefold()) for cell in cleaned]
    unknown = tuple(cell for cell, name in zip(cleaned, header, strict=True) if name is None and cell)
    return header, unknown


def _csv_row(line: int, record: list[str], header: list[str | None], unknown: tuple[str, ...]) -> RawRow:
    if len(record) > len(header):
        return RawRow(line, {}, unknown, error=f"{len(record)} cells under a header of {len(header)}")
    values: dict[str, str | None] = {}
    for name, cell in zip(header, record, strict=False):
        if name is not None:
            values[name] = cell
    return RawRow(line, values, unknown)
