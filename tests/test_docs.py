"""Every setting, command and option a user can reach is documented; the compose file uses real ones."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from hub.cli.main import app
from hub.config import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> dict[str, set[str]]:
    """Answers each command path of the console script and the long options it takes."""
    import typer.main

    group = typer.main.get_command(app)
    found: dict[str, set[str]] = {}

    def walk(command: object, path: tuple[str, ...]) -> None:
        sub = getattr(command, "commands", None)
        if sub:
            for name, child in sub.items():
                walk(child, (*path, name))
            return
        options = {o for p in getattr(command, "params", []) for o in p.opts if o.startswith("--")}
        options |= {o for p in getattr(command, "params", []) for o in getattr(p, "secondary_opts", [])}
        found[" ".join(path)] = options

    walk(group, ())
    return found


def test_every_setting_is_in_the_readme() -> None:
    for name in Settings.model_fields:
        assert re.search(rf"`{name}[`.,]", README), f"setting '{name}' is not in README.md's configuration table"


def test_every_command_is_in_the_readme() -> None:
    for command in _commands():
        top = command.split()[0]
        assert f"credit-hub {top}" in README, f"command '{command}' is not documented in README.md"


def test_compose_uses_only_existing_commands_options_and_settings() -> None:
    compose = yaml.safe_load((ROOT / "docker" / "compose.yaml").read_text(encoding="utf-8"))
    commands = _commands()
    for name, service in compose["services"].items():
        command = service.get("command")
        if isinstance(service.get("environment"), dict):
            for variable in (v for v in service["environment"] if v.startswith("HUB_")):
                key = variable.removeprefix("HUB_").lower().split("__")[0]
                assert key in Settings.model_fields, f"{name}: {variable} names no setting"
        if not command:
            continue
        words = command if isinstance(command, list) else command.split()
        path = " ".join(w for w in words[:2] if not w.startswith("-") and " ".join(words[:2]) in commands) or words[0]
        assert path in commands, f"{name}: unknown command {path}"
        for word in words:
            if word.startswith("--"):
                assert word in commands[path], f"{name}: `credit-hub {path}` has no option {word}"


def test_dockerfile_entrypoint_is_the_console_script() -> None:
    dockerfile = (ROOT / "docker" / "Dockerfile").read_text(encoding="utf-8")
    assert 'ENTRYPOINT ["credit-hub"]' in dockerfile
    cmd = re.search(r"CMD \[(.*)\]", dockerfile)
    assert cmd is not None
    words = [w.strip().strip('"') for w in cmd.group(1).split(",")]
    assert words[0] in _commands()
    assert all(w in _commands()[words[0]] for w in words if w.startswith("--"))
