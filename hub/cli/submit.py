"""`credit-hub submit FILE --record-type T`: a department submits a file of records to a running hub.

It talks to the hub over HTTP like any integrator: a token with `records:submit` (client credentials), then
`POST /records/<type>` with the file streamed from disk behind a progress bar (bytes sent). The answer is printed
as a summary, or whole with `--json`; `--refused FILE` writes the refused rows' row, field, code, reason and fix in
the submitted file's format (CSV or JSON Lines). Exit status 0 when no row was refused, 1 otherwise.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

from hub.cli.common import fail
from hub.errors import ErrorCode, HubError
from hub.identity.scopes import Scope

CHUNK = 256 * 1024
status = Console(stderr=True, highlight=False, soft_wrap=True)
_TYPES = {".csv": "text/csv", ".jsonl": "application/jsonl", ".ndjson": "application/jsonl"}


def _token(http: httpx.Client, base: str, client_id: str, secret: str) -> str:
    try:
        response = http.post(
            f"{base}/oauth/token",
            data={"grant_type": "client_credentials", "scope": Scope.RECORDS_SUBMIT.value},
            auth=(client_id, secret),
        )
    except httpx.HTTPError as error:
        raise HubError(
            ErrorCode.SOURCE_UNAVAILABLE,
            f"the hub at {base} did not answer ({type(error).__name__})",
            fix="check --url and that the hub is running",
        ) from None
    if response.status_code != 200:
        raise HubError(
            ErrorCode.UNAUTHENTICATED,
            f"the hub refused the client credentials ({response.json().get('error', response.status_code)})",
            fix="check --client-id and --client-secret, and that the client holds records:submit",
        )
    return str(response.json()["access_token"])


def _chunks(path: Path, progress: Progress, task: Any) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            progress.update(task, advance=len(chunk))
            yield chunk


def send(
    path: Path,
    record_type: str,
    *,
    url: str,
    client_id: str,
    secret: str,
    operator: str | None,
    charset: str | None,
    quiet: bool = False,
) -> dict[str, Any]:
    """Answers the hub's answer to the file at `path`, streamed with a progress bar; HubError on a refusal."""
    kind = _TYPES.get(path.suffix.lower())
    if kind is None:
        raise HubError(
            ErrorCode.BAD_USER_INPUT,
            f"cannot tell the format of {path.name}",
            place=str(path),
            fix="name the file .csv or .jsonl",
        )
    if not path.is_file():
        raise HubError(ErrorCode.BAD_USER_INPUT, "no such file", place=str(path), fix="check the path")
    base = url.rstrip("/")
    headers = {"Content-Type": kind + (f"; charset={charset}" if charset else "")}
    if operator:
        headers["X-Hub-Operator"] = operator
    with httpx.Client(timeout=httpx.Timeout(30, read=600)) as http:
        headers["Authorization"] = f"Bearer {_token(http, base, client_id, secret)}"
        columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TimeElapsedColumn())
        with Progress(*columns, console=status, disable=quiet, transient=True) as progress:
            task = progress.add_task(f"submitting {path.name}", total=path.stat().st_size)
            try:
                response = http.post(
                    f"{base}/records/{record_type}",
                    content=_chunks(path, progress, task),
                    headers=headers,
                    params={"name": path.name},
                )
            except httpx.HTTPError as error:
                raise HubError(
                    ErrorCode.SOURCE_UNAVAILABLE,
                    f"the submission was cut off ({type(error).__name__})",
                    fix="submit the same file again: rows that landed are not landed twice",
                ) from None
    body: dict[str, Any] = response.json()
    if response.status_code != 200 and "accepted" not in body:
        first = (body.get("errors") or [{}])[0]
        code = str((first.get("extensions") or {}).get("code", "BAD_USER_INPUT"))
        known = ErrorCode(code) if code in ErrorCode.__members__ else ErrorCode.BAD_USER_INPUT
        raise HubError(known, str(first.get("message")), fix=(first.get("extensions") or {}).get("fix"))
    return body


def write_refused(refused: list[dict[str, Any]], out: Path, like: Path) -> None:
    """Answers nothing; writes the refusals in the format of the submitted file (CSV, UTF-8 with BOM, or JSONL)."""
    columns = ("row", "field", "code", "reason", "fix")
    if like.suffix.lower() == ".csv":
        with out.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows([[r.get(c) for c in columns] for r in refused])
        return
    with out.open("w", encoding="utf-8") as handle:
        for refusal in refused:
            handle.write(json.dumps({c: refusal.get(c) for c in columns}, ensure_ascii=False) + "\n")


def register(app: typer.Typer) -> None:
    """Answers nothing; adds `submit` to `app`."""

    @app.command("submit")
    def submit(
        file: Annotated[Path, typer.Argument(help="a .csv (field names or national 双公示 columns) or .jsonl file")],
        record_type: Annotated[str, typer.Option("--record-type", help="e.g. licence or penalty")],
        url: Annotated[str, typer.Option("--url", help="the hub")] = "http://127.0.0.1:8000",
        client_id: Annotated[
            str, typer.Option("--client-id", envvar="CREDIT_HUB_CLIENT_ID", help="or CREDIT_HUB_CLIENT_ID")
        ] = "",
        client_secret: Annotated[
            str, typer.Option("--client-secret", envvar="CREDIT_HUB_CLIENT_SECRET", help="or CREDIT_HUB_CLIENT_SECRET")
        ] = "",
        operator: Annotated[
            str | None, typer.Option("--operator", help="the clerk submitting (X-Hub-Operator)")
        ] = None,
        charset: Annotated[
            str | None, typer.Option("--charset", help="utf-8 or gb18030 (default: detected from the file)")
        ] = None,
        refused_out: Annotated[
            Path | None, typer.Option("--refused", help="write the refused rows here, in the file's format")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="print the hub's whole answer as JSON")] = False,
    ) -> None:
        """Submits a file of licences, penalties or any record type open to collection; exit 1 if rows were refused."""
        try:
            if not client_id or not client_secret:
                raise HubError(
                    ErrorCode.UNAUTHENTICATED,
                    "no client credentials",
                    fix="pass --client-id and --client-secret (or CREDIT_HUB_CLIENT_ID/SECRET)",
                )
            body = send(
                file,
                record_type,
                url=url,
                client_id=client_id,
                secret=client_secret,
                operator=operator,
                charset=charset,
                quiet=as_json,
            )
        except HubError as error:
            fail(error)
        if refused_out is not None:
            write_refused(body.get("refused", []), refused_out, file)
        if as_json:
            typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        else:
            typer.echo(
                f"{body.get('rows', 0)} rows: {body['accepted']} accepted, {body.get('unchanged', 0)} unchanged, "
                f"{body.get('refusedCount', len(body['refused']))} refused (receipt {body.get('auditEventId')})"
            )
            for refusal in body["refused"][:20]:
                field = f" {refusal['field']}" if refusal.get("field") else ""
                typer.echo(f"  row {refusal['row']}{field}: {refusal['reason']} — {refusal['fix']}")
        if body.get("errors"):
            status.print(body["errors"][0]["message"])
        raise typer.Exit(1 if body.get("refusedCount", len(body["refused"])) else 0)
