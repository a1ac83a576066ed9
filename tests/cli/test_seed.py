from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from hub.cli.seed import register
from hub.demo.generator import samples


def run(*args: str) -> tuple[int, str, str]:
    app = typer.Typer()

    @app.callback()
    def _group() -> None:
        """Keeps `seed` a subcommand, as in credit-hub."""

    register(app)
    result = CliRunner().invoke(app, ["seed", *args])
    return result.exit_code, result.stdout, result.stderr


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])  # noqa: S608


def test_seeds_four_sqlite_files_and_prints_rows_and_samples(tmp_path: Path) -> None:
    code, out, err = run("--subjects", "25", "--seed", "7", "--data-dir", str(tmp_path))
    assert (code, err) == (0, "")
    sources = tmp_path / "sources"
    assert sorted(path.name for path in sources.glob("*.db")) == ["court.db", "datong.db", "taiyuan.db", "tax.db"]
    for table in ("QYJBXX", "XZCF", "XZXK", "HHMD", "nsrxydj", "sxbzxr", "t_corp", "t_person", "t_punish"):
        assert table in out
    assert f"{_count(sources / 'taiyuan.db', 'QYJBXX'):,}" in out
    for key, value in samples(7, 25).items():
        assert f"sample {key}: {value}" in out


def test_a_source_url_sends_that_source_elsewhere(tmp_path: Path) -> None:
    elsewhere = tmp_path / "court-elsewhere.db"
    code, _, err = run(
        "--subjects", "10", "--data-dir", str(tmp_path), "--source-url", f"court=sqlite+aiosqlite:///{elsewhere}"
    )
    assert (code, err) == (0, "")
    assert _count(elsewhere, "sxbzxr") > 0
    assert not (tmp_path / "sources" / "court.db").exists()


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["--subjects", "0"], ["--subjects", "fix:"]),
        (["--source-url", "bank=sqlite+aiosqlite:///b"], ["--source-url 'bank=", "unknown source 'bank'", "taiyuan"]),
        (["--source-url", "datong"], ["--source-url 'datong'", "NAME=URL"]),
        (["--source-url", "tax=mysql://u:secret@h/db"], ["--source-url 'tax=mysql://u:***@h/db'", "fix:"]),
        (["--source-url", "court=sqlite+aiosqlite:////nonexistent/dir/c.db"], ["--source-url 'court=", "'court'"]),
        (["--source-url", "datong=postgresql+asyncpg://u@127.0.0.1:1/db"], ["'datong'", "fix:"]),
    ],
)
def test_bad_arguments_give_one_line_naming_the_argument_and_exit_2(
    tmp_path: Path, args: list[str], names: list[str]
) -> None:
    code, out, err = run("--subjects", "5", "--data-dir", str(tmp_path), *args)
    assert code == 2
    assert out == ""
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert "secret" not in err
    for name in names:
        assert name in err


def test_an_unwritable_data_dir_is_named(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    code, _, err = run("--subjects", "5", "--data-dir", str(blocker))
    assert code == 2
    assert err.startswith(f"error: --data-dir '{blocker}'")
