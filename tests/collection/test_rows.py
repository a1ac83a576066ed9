"""Reading submitted files as they stream: national column names, GB18030, quoted newlines, line numbers."""

from __future__ import annotations

import codecs
from collections.abc import AsyncIterator

import pytest

from hub.catalog.load import load_catalog
from hub.collection.rows import FileFormat, RawRow, declared_charset, decoded, file_format, read_rows
from hub.config import resource_dir
from hub.errors import HubError

LICENCE = load_catalog(resource_dir("schema") / "catalog.yaml").record_types["licence"].collection
assert LICENCE is not None


async def _chunks(data: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def _rows(data: bytes, kind: FileFormat, size: int = 5, charset: str | None = None) -> list[RawRow]:
    return [row async for row in read_rows(decoded(_chunks(data, size), charset), kind, LICENCE)]


@pytest.mark.parametrize("size", [1, 3, 7, 4096])
async def test_a_gb18030_csv_with_national_columns_and_a_quoted_newline_reads_whole(size: int) -> None:
    text = 'XK_XDR_SHXYM,XK_WSH,许可类别,XK_NR\r\nA,晋1号,普通,"两行\n内容，含""引号"""\r\n\r\nB,晋2号,特许,x\n'
    rows = await _rows(text.encode("gb18030"), FileFormat.CSV, size)
    assert [(r.line, r.values["subject_code"], r.values["decision_number"]) for r in rows] == [
        (2, "A", "晋1号"),
        (5, "B", "晋2号"),
    ]
    assert rows[0].values["content"] == '两行\n内容，含"引号"'


async def test_a_utf8_bom_and_an_unknown_column_are_told_apart() -> None:
    data = codecs.BOM_UTF8 + "subject_code,decision_number,颜色\nA,1,红\n".encode()
    [row] = await _rows(data, FileFormat.CSV)
    assert row.values == {"subject_code": "A", "decision_number": "1"}
    assert row.unknown == ("颜色",)


async def test_json_lines_keep_their_line_numbers_and_refuse_what_is_not_an_object() -> None:
    data = b'{"subject_code": "A", "XK_WSH": "1"}\n\n[1, 2]\n{"subject_code": "B", "note": 1}'
    rows = await _rows(data, FileFormat.JSONL)
    assert [(r.line, r.error) for r in rows] == [(1, None), (3, "not a JSON object on one line"), (4, None)]
    assert rows[0].values["decision_number"] == "1"
    assert rows[2].unknown == ("note",)


async def test_an_empty_file_and_a_bad_charset_are_named() -> None:
    with pytest.raises(HubError, match="empty"):
        await _rows(b"", FileFormat.CSV)
    with pytest.raises(HubError, match="not valid text"):
        await _rows("subject_code\nA\n".encode("gb18030") + b"\xff\xff", FileFormat.CSV, charset="utf-8")


@pytest.mark.parametrize(
    ("content_type", "name", "kind"),
    [
        ("text/csv; charset=gb18030", None, FileFormat.CSV),
        ("application/x-ndjson", None, FileFormat.JSONL),
        (None, "licences.jsonl", FileFormat.JSONL),
        ("application/octet-stream", "a.csv", FileFormat.CSV),
    ],
)
def test_the_format_comes_from_the_content_type_or_the_name(
    content_type: str | None, name: str | None, kind: FileFormat
) -> None:
    assert file_format(content_type, name) is kind


def test_an_unknown_format_and_charset_are_refused() -> None:
    with pytest.raises(HubError, match="text/csv or application/jsonl"):
        file_format("application/pdf")
    assert declared_charset("text/csv; charset=GBK") == "gb18030"
    with pytest.raises(HubError, match="unsupported charset"):
        declared_charset("text/csv; charset=latin-1")
