"""`credit-hub redact`: desensitise text from stdin or files, as plain text or as JSON Lines."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, BinaryIO

import typer

from hub.errors import ErrorCode, HubError

if TYPE_CHECKING:
    from hub.privacy.redact import Redaction, Redactor

STDIN = "<stdin>"
DEFAULT_BATCH = 32
EXIT_BAD_INPUT = 2
_READ_FIX = "check the path and its permissions"
_JSONL_FIX = 'write one JSON object per line, like {"text": "...", "known_names": ["张三"]}'


class _BadInput(HubError):
    def __init__(self, place: str, message: str, fix: str) -> None:
        super().__init__(ErrorCode.BAD_USER_INPUT, message, place=place, fix=fix)


def register(app: typer.Typer) -> None:
    """Answers nothing; adds the `redact` command to the given app."""
    app.command("redact")(redact)


def redact(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="Files to read (UTF-8); none, or '-', reads standard input.", show_default=False),
    ] = None,
    jsonl: Annotated[
        bool,
        typer.Option(
            "--jsonl",
            help='Each input line is {"text": ..., "known_names": [...]}; each output line is '
            '{"text": <redacted>, "entities": [{"type", "start", "end", "score"}]} (offsets in characters '
            "of the input text). Blank lines are skipped.",
        ),
    ] = False,
    names: Annotated[
        list[str] | None,
        typer.Option("--name", "-n", help="A person's name to mask wherever it occurs (plain mode; repeatable)."),
    ] = None,
    pipeline_dir: Annotated[
        Path | None,
        typer.Option(help="Where the blank spaCy pipeline is kept (default: under $XDG_CACHE_HOME/credit-hub)."),
    ] = None,
    batch: Annotated[
        int,
        typer.Option(
            min=1,
            help="JSON Lines mode: lines analysed together (the name model runs once per batch); "
            "1 answers each line as soon as it is read.",
        ),
    ] = DEFAULT_BATCH,
) -> None:
    """Desensitise text line by line: mask names, resident IDs, phones, bank cards, e-mails, street addresses."""
    from hub.privacy.redact import Redactor

    redactor = Redactor(pipeline_dir=pipeline_dir)
    known = tuple(names or ())
    try:
        for place, stream in _sources(files or [Path("-")]):
            if jsonl:
                _process_jsonl(stream, place, redactor, batch)
            else:
                _process(stream, place, redactor, known_names=known)
    except HubError as exc:
        typer.echo(exc.render(), err=True)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _sources(paths: list[Path]) -> Iterator[tuple[str, BinaryIO]]:
    for path in paths:
        if str(path) == "-":
            yield STDIN, sys.stdin.buffer
            continue
        with _opened(path) as stream:
            yield str(path), stream


@contextmanager
def _opened(path: Path) -> Iterator[BinaryIO]:
    try:
        stream = path.open("rb")
    except OSError as exc:
        raise _BadInput(str(path), f"cannot read: {exc.strerror or exc}", _READ_FIX) from None
    with stream:
        yield stream


def _lines(stream: BinaryIO, place: str) -> Iterator[tuple[int, str]]:
    try:
        for number, raw in enumerate(stream, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise _BadInput(f"{place}:{number}", "not UTF-8 text", "convert the input to UTF-8") from None
            yield number, line.removeprefix("\ufeff") if number == 1 else line
    except OSError as exc:
        raise _BadInput(place, f"cannot read: {exc.strerror or exc}", _READ_FIX) from None


def _process(stream: BinaryIO, place: str, redactor: Redactor, *, known_names: tuple[str, ...]) -> None:
    for _, line in _lines(stream, place):
        body = line.rstrip("\r\n")
        typer.echo(redactor.redact(body, known_names).text + line[len(body) :], nl=False)


def _process_jsonl(stream: BinaryIO, place: str, redactor: Redactor, batch: int) -> None:
    pending: list[tuple[str, tuple[str, ...]]] = []

    def flush() -> None:
        for redaction in redactor.redact_many(pending):
            typer.echo(_render_jsonl(redaction))
        pending.clear()

    try:
        for number, line in _lines(stream, place):
            body = line.rstrip("\r\n")
            if body.strip():
                pending.append(_parse_jsonl(body, f"{place}:{number}"))
                if len(pending) >= batch:
                    flush()
    finally:
        flush()


def _parse_jsonl(body: str, place: str) -> tuple[str, tuple[str, ...]]:
    try:
        record: Any = json.loads(body)
    except json.JSONDecodeError as exc:
        raise _BadInput(place, f"not valid JSON ({exc.msg} at column {exc.colno})", _JSONL_FIX) from None
    if not isinstance(record, dict):
        raise _BadInput(place, f"expected a JSON object, got {type(record).__name__}", _JSONL_FIX)
    if "text" not in record:
        raise _BadInput(place, 'missing "text"', _JSONL_FIX)
    text, names = record["text"], record.get("known_names") or []
    if not isinstance(text, str):
        raise _BadInput(place, '"text" must be a string', _JSONL_FIX)
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise _BadInput(place, '"known_names" must be a list of strings', _JSONL_FIX)
    return text, tuple(names)


def _render_jsonl(redaction: Redaction) -> str:
    entities = [{"type": e.type, "start": e.start, "end": e.end, "score": e.score} for e in redaction.entities]
    return json.dumps({"text": redaction.text, "entities": entities}, ensure_ascii=False)
