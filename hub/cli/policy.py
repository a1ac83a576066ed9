"""`credit-hub policy check`: validates policies/ against the catalogue and runs the expected decisions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from hub.catalog.load import load_catalog
from hub.catalog.model import Catalog, RecordType
from hub.config import load_settings
from hub.errors import HubError
from hub.evaluation.cases import FILE_NAME as EVALUATION_CASES
from hub.evaluation.cases import check_evaluation_cases
from hub.evaluation.load import evaluation_path, load_evaluation
from hub.measures.load import load_measures, measures_path
from hub.policy.cases import check_cases, load_cases
from hub.policy.decision import Action
from hub.policy.load import load_policies
from hub.policy.policy import Policy
from hub.policy.purposes import Purpose

PoliciesOption = Annotated[
    Path | None, typer.Option("--policies", help="policies folder [default: the shipped policies/]")
]
CatalogOption = Annotated[
    Path | None, typer.Option("--catalog", help="catalogue file [default: the shipped schema/catalog.yaml]")
]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="hub.toml whose policies_dir and catalog_path to check (HUB_* override)")
]
CasesOption = Annotated[Path | None, typer.Option("--cases", help="cases folder [default: <policies>/cases]")]


def register(app: typer.Typer) -> None:
    """Answers nothing; adds the `policy` command group to the CLI."""
    group = typer.Typer(help="Department access policies.", no_args_is_help=True)
    group.command("check")(check)
    app.add_typer(group, name="policy")


def check(
    policies: PoliciesOption = None,
    catalog: CatalogOption = None,
    cases: CasesOption = None,
    config: ConfigOption = None,
) -> None:
    """Validate every department policy, the measures list and the expected decisions; exit non-zero on any error."""
    try:
        settings = load_settings(config)  # what `serve` would load: hub.toml and HUB_* decide the defaults
        policies_dir = policies or settings.policies_dir
        cases_dir = cases or policies_dir / "cases"
        loaded_catalog = load_catalog(catalog or settings.catalog_path)
        policy_set = load_policies(policies_dir, loaded_catalog)
        measures = load_measures(measures_path(policies_dir), policy_set.departments)
        evaluation = load_evaluation(evaluation_path(policies_dir), loaded_catalog)
        failures = check_cases(policy_set, cases_dir)
        failures += check_evaluation_cases(evaluation, loaded_catalog, cases_dir / EVALUATION_CASES)
        counts = {dept: _case_count(cases_dir / f"{dept}.yaml") for dept in policy_set.departments}
    except HubError as exc:
        typer.echo(exc.render(), err=True)
        raise typer.Exit(1) from None
    if failures:
        for failure in failures:
            typer.echo(failure.render(), err=True)
        typer.echo(f"{len(failures)} expected decision(s) not met", err=True)
        raise typer.Exit(1)
    console = Console(soft_wrap=False)
    for dept, policy in policy_set.departments.items():
        console.print(_matrix(policy, loaded_catalog, counts[dept]))
    total = sum(counts.values())
    console.print(f"{len(policy_set.departments)} department policies valid; {total} expected decisions met.")
    console.print(f"measures list valid: {len(measures.measures)} measures for {len(measures.matters)} matters.")
    console.print(
        f"evaluation model {evaluation.version} valid: {len(evaluation.indicators)} indicators, "
        f"grades {'/'.join(g.grade for g in evaluation.grades)}; expected grades met."
    )


def _case_count(path: Path) -> int:
    return len(load_cases(path)[1]) if path.is_file() else 0


def _matrix(policy: Policy, catalog: Catalog, cases: int) -> Table:
    purposes = sorted(policy.purposes)
    notes = [
        policy.kind.value,
        "X-Hub-Operator required" if policy.operator_required else "no operator needed",
        "natural persons need consent" if policy.consent.natural_persons else "no consent needed",
        f"divisions {', '.join(policy.divisions)}" if policy.divisions else "all divisions",
        *(["own records only"] if policy.own_records_only else []),
        f"{cases} cases met",
    ]
    table = Table(
        title=f"{policy.department}: {policy.title}",
        caption=" · ".join(notes),
        box=box.SIMPLE_HEAD,
        title_justify="left",
        caption_justify="left",
    )
    table.add_column("record type")
    for purpose in purposes:
        table.add_column(purpose)
    for record_type in catalog.record_types.values():
        table.add_row(record_type.name, *(_cell(policy, purpose, record_type) for purpose in purposes))
    return table


def _cell(policy: Policy, purpose: Purpose, record_type: RecordType) -> str:
    clear = masked = 0
    for name in record_type.fields:
        actions = {
            policy.decide(purpose, kind, f"{record_type.name}.{name}").action for kind in record_type.subject_kinds
        }
        masked += Action.MASK in actions
        clear += Action.MASK not in actions and Action.ALLOW in actions
    if not clear and not masked:
        return "-"
    shown = ", ".join(part for part in (clear and f"{clear} clear", masked and f"{masked} masked") if part)
    return f"{shown} of {len(record_type.fields)}"
