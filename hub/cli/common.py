"""What every command shares: turning a HubError into one clear line and an exit code."""

from __future__ import annotations

import sys
from typing import NoReturn

from rich.console import Console

from hub.errors import HubError

err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(error: HubError, code: int = 2) -> NoReturn:
    """Prints the error's place, message and fix on stderr and exits with `code`."""
    err_console.print("error:", style="bold red", end=" ")
    err_console.print(error.render(), markup=False)
    sys.exit(code)
