"""The `credit-hub` console script: one typer app, one module per command group."""

from __future__ import annotations

import sys

import typer

from hub.cli import audit as audit_commands
from hub.cli import calendar as calendar_commands
from hub.cli import client as client_commands
from hub.cli import db, demo, documents, feedback, quality, redact, report, seed, server, submit
from hub.cli import policy as policy_commands
from hub.cli.common import department_scopes, fail, known_department
from hub.errors import HubError

app = typer.Typer(
    name="credit-hub",
    help="Credit Hub: a privacy-controlled GraphQL gateway for public credit information.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
server.register(app)
demo.register(app)
seed.register(app)
redact.register(app)
policy_commands.register(app)
client_commands.register(app, department_check=known_department, scope_ceiling=department_scopes)
audit_commands.register(app)
feedback.register(app)
db.register(app)
documents.register(app)
report.register(app)
submit.register(app)
quality.register(app)
calendar_commands.register(app)


def main() -> None:
    """Runs the console script; a HubError becomes one line on stderr and exit code 2."""
    try:
        app()
    except HubError as error:
        fail(error)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
