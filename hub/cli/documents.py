"""`credit-hub documents`: register a client's trusted documents, review them, list them with their profiles."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from hub.cli.common import ConfigFile, DatabaseUrl, fail, hub_database, on_stores
from hub.composition.stores import deployment_policies, trusted_documents
from hub.config import load_settings
from hub.errors import ErrorCode, HubError
from hub.graphql.document_profile import Profile
from hub.graphql.trusted import DocumentStatus, TrustedDocuments
from hub.store.documents import DocumentRow

if TYPE_CHECKING:
    pass

T = TypeVar("T")
ClientId = Annotated[str, typer.Option("--client-id", help="the client id, as `client create` printed it")]
Note = Annotated[str | None, typer.Option("--note", help="the reviewer's note, kept with the document")]
Reviewer = Annotated[str, typer.Option("--by", help="who reviews, kept with the document")]
AsJson = Annotated[bool, typer.Option("--json", help="print JSON and nothing else")]


def _with_documents(url: str | None, config: Path | None, work: Callable[[TrustedDocuments], Awaitable[T]]) -> T:
    target = hub_database(url, config)
    policies = deployment_policies(load_settings(config))
    return on_stores(target, lambda stores: work(trusted_documents(stores, policies)))


def _public(row: DocumentRow) -> dict[str, object]:
    profile = Profile.from_json(row.profile)
    return {
        "id": row.document_id,
        "client_id": row.client_id,
        "status": row.status,
        "operations": list(profile.operations),
        "profile": [
            {"purpose": e.purpose, "subject_kind": e.subject_kind, "field": e.field, "form": e.form,
             "consent_required": e.consent}
            for e in profile.entries
        ],
        "note": row.note,
        "reviewed_by": row.reviewed_by,
    }  # fmt: skip


def _print(rows: list[DocumentRow], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps({"documents": [_public(row) for row in rows]}, ensure_ascii=False))
        return
    for row in rows:
        profile = Profile.from_json(row.profile)
        disclosed = sorted({f"{e.field} ({e.form})" for e in profile.entries if e.form != "denied"})
        typer.echo(f"{row.document_id}  {row.client_id}  {row.status}  {', '.join(profile.operations)}")
        if disclosed:
            typer.echo(f"  discloses: {', '.join(disclosed)}")


def _manifest(path: Path) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise HubError(
            ErrorCode.BAD_USER_INPUT, f"cannot read the manifest: {exc}", place=str(path),
            fix='write one JSON object {"sha256:<hex>": "<document text>", ...}',
        ) from None  # fmt: skip
    if not isinstance(data, dict):
        raise HubError(ErrorCode.BAD_USER_INPUT, "the manifest is not a JSON object", place=str(path))
    return data


def register(app: typer.Typer) -> None:
    """Answers nothing; adds the `documents` command group (`register`, `approve`, `reject`, `list`) to `app`."""
    group = typer.Typer(help="Register and review trusted documents.", no_args_is_help=True)
    app.add_typer(group, name="documents")

    @group.command("register")
    def register_documents(
        manifest: Annotated[Path, typer.Argument(help="JSON object: sha256:<hex> id -> document text")],
        client_id: ClientId,
        database_url: DatabaseUrl = None,
        config: ConfigFile = None,
        as_json: AsJson = False,
    ) -> None:
        """Registers a client's documents (pending review) and prints each one's disclosure profile."""
        now = datetime.now(UTC)
        try:
            entries = _manifest(manifest)
            rows = _with_documents(database_url, config, lambda docs: docs.register(client_id, entries, now))
        except HubError as exc:
            fail(exc)
        _print(rows, as_json)

    def _review(given: str, client_id: str, approve: bool, note: str | None, by: str, url: str | None,
                config: Path | None, as_json: bool) -> None:  # fmt: skip
        now = datetime.now(UTC)
        try:
            row = _with_documents(url, config, lambda docs: docs.review(client_id, given, approve, note, by, now))
        except HubError as exc:
            fail(exc)
        _print([row], as_json)

    @group.command("approve")
    def approve(
        document_id: Annotated[str, typer.Argument(help="sha256:<hex>")],
        client_id: ClientId,
        note: Note = None,
        by: Reviewer = "credit-hub documents approve",
        database_url: DatabaseUrl = None,
        config: ConfigFile = None,
        as_json: AsJson = False,
    ) -> None:
        """Approves a client's document: it runs from now on."""
        _review(document_id, client_id, True, note, by, database_url, config, as_json)

    @group.command("reject")
    def reject(
        document_id: Annotated[str, typer.Argument(help="sha256:<hex>")],
        client_id: ClientId,
        note: Note = None,
        by: Reviewer = "credit-hub documents reject",
        database_url: DatabaseUrl = None,
        config: ConfigFile = None,
        as_json: AsJson = False,
    ) -> None:
        """Rejects a client's document: it never runs."""
        _review(document_id, client_id, False, note, by, database_url, config, as_json)

    @group.command("list")
    def list_documents(
        status: Annotated[
            DocumentStatus | None, typer.Option("--status", help="only documents with this status")
        ] = None,
        database_url: DatabaseUrl = None,
        config: ConfigFile = None,
        as_json: AsJson = False,
    ) -> None:
        """Lists registered documents with their status and what they can disclose."""
        try:
            rows = _with_documents(database_url, config, lambda docs: docs.repository.listing(status))
        except HubError as exc:
            fail(exc)
        _print(rows, as_json)
