"""`credit-hub demo`: the embedded demo from a fresh install, in one command."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from hub.cli.common import fail
from hub.demo.officers import DEV_OFFICERS
from hub.errors import ConfigError, HubError

console = Console(highlight=False)
SHOWN_TOKENS = ["approval-bureau", "bank", "public", "privacy-office"]


def register(app: typer.Typer) -> None:
    """Adds the `demo` command to `app`."""
    app.command("demo", help="Build the embedded demo (SQLite), print tokens, and serve on 127.0.0.1.")(demo)


def demo(
    port: Annotated[int, typer.Option(min=1, max=65535, help="port to serve on")] = 8000,
    data_dir: Annotated[Path, typer.Option(help="where the demo's SQLite files go")] = Path("credit-hub-demo"),
    subjects: Annotated[int, typer.Option(min=20, max=1_000_000, help="synthetic subjects to seed")] = 2000,
    seed: Annotated[int, typer.Option(help="seed of the synthetic data")] = 42,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="serve after building")] = True,
    federation: Annotated[
        bool,
        typer.Option(
            "--federation",
            help="a provincial hub on --port over two municipal hubs on the next two ports (each its own databases)",
        ),
    ] = False,
) -> None:
    """Builds the demo, prints how to use it, and serves it."""
    if federation:
        from hub.cli.demo_federation import federation_demo

        federation_demo(port, data_dir, subjects, seed, serve)
        return
    from hub.cli.demo_decisions import decide_demo_cases
    from hub.demo.collection import submit_demo_month
    from hub.demo.setup import build_demo, demo_tokens

    data_dir = data_dir.resolve()
    console.print(f"[bold]Credit Hub demo[/] — data dir: {data_dir}")
    try:
        with Progress(
            TextColumn("seeding sources"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task("seed", total=subjects)
            built = asyncio.run(
                build_demo(
                    data_dir, subjects=subjects, seed=seed, port=port, progress=lambda n: progress.advance(task, n)
                )
            )
        asyncio.run(decide_demo_cases(built.settings, seed, subjects))
        asyncio.run(submit_demo_month(built.settings, seed, subjects, date.today()))
        tokens = asyncio.run(demo_tokens(built, SHOWN_TOKENS))
    except HubError as error:
        fail(error)
    except OSError as exc:
        fail(
            ConfigError(
                f"cannot write the demo: {exc.strerror}",
                place=f"--data-dir {data_dir}",
                fix="pass a writable --data-dir",
            )
        )
    _explain(built.data_dir, built.samples, tokens, port)
    if serve:
        _serve(built.settings, port)


def _explain(data_dir: Path, samples: dict[str, str], tokens: dict[str, str], port: int) -> None:
    base = f"http://127.0.0.1:{port}"
    console.print(f"clients and sample codes: {data_dir / 'demo.json'}")
    console.print(
        f"sample enterprise {samples['enterprise']}, legal representative {samples['person']}, "
        f"black-listed {samples['blacklisted']}"
        + (f", a person with items to object to {samples['objector']}" if "objector" in samples else "")
    )
    for department, token in tokens.items():
        console.print(f"\n[bold]{department}[/] token (15 min):\n{token}", soft_wrap=True)
    query = (
        "query($c: ID!) { subject(code: $c, purpose: ADMINISTRATIVE_APPROVAL) { code name "
        "legalRepresentative { name idNumber } penalties { decisionNumber authority decidedOn amount } "
        "listings { list reason listedOn } courtDishonesty { caseNumber court } taxCredit { year grade } "
        "sources { name status } } }"
    )
    body = json.dumps({"query": query, "variables": {"c": samples["enterprise"]}}, ensure_ascii=False)
    console.print("\n[bold]Try it[/] (approval bureau token):", soft_wrap=True)
    console.print(
        f"curl -s {base}/graphql -H 'content-type: application/json' "
        f"-H \"authorization: Bearer {tokens['approval-bureau']}\" -H 'x-hub-operator: clerk-0042' -d '{body}'",
        soft_wrap=True,
        markup=False,
    )
    verify = f"credit-hub report verify report.pdf --jwks {base}/reports/keys.json"
    console.print(f"\n[bold]A signed credit report[/] (PDF; verify it with `{verify}`):")
    console.print(
        f"curl -s -o report.pdf '{base}/reports/{samples['enterprise']}.pdf?purpose=ADMINISTRATIVE_APPROVAL' "
        f"-H \"authorization: Bearer {tokens['approval-bureau']}\" -H 'x-hub-operator: clerk-0042'",
        soft_wrap=True,
        markup=False,
    )
    console.print(f"\nNew tokens: POST {base}/oauth/token with a client of demo.json (client_credentials).")
    console.print(f"GraphiQL: {base}/graphql   citizens' portal: {base}/portal   console: {base}/console")
    officers = ", ".join(f"{o.name} {o.account}" for o in DEV_OFFICERS)
    console.print(f"Privacy officers sign in to the console as themselves (development IdP): {officers}\n")


def _serve(settings: object, port: int) -> None:
    import uvicorn

    from hub.app import create_app_from_settings
    from hub.config import Settings

    assert isinstance(settings, Settings)
    console.print(f"serving on http://127.0.0.1:{port} (Ctrl-C stops)")
    uvicorn.run(create_app_from_settings(settings), host="127.0.0.1", port=port, log_level="warning")
