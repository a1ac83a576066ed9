"""`credit-hub redact`: plain and JSON Lines modes, files and stdin, and bad input that exits 2 cleanly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner, Result

from hub.cli.redact import register

PLAIN = "当事人：张三，联系电话：13812345678。\n住所：山西省太原市小店区长治路111号\n"
PLAIN_REDACTED = "当事人：张*，联系电话：138****5678。\n住所：山西省太原市小店区****\n"


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Credit Hub (test shell)."""

    register(app)
    return app


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("nlp") / "pipeline")


def run(app: typer.Typer, pipeline: str, *args: str, stdin: str | bytes | None = None) -> Result:
    return CliRunner().invoke(app, ["redact", "--pipeline-dir", pipeline, *args], input=stdin)


def test_plain_stdin(app: typer.Typer, pipeline: str) -> None:
    result = run(app, pipeline, stdin=PLAIN)
    assert result.exit_code == 0, result.output
    assert result.stdout == PLAIN_REDACTED


def test_plain_keeps_line_endings_and_a_missing_final_newline(app: typer.Typer, pipeline: str) -> None:
    result = run(app, pipeline, stdin="电话13812345678\r\n\r\n邮箱 a.b@example.com")
    assert result.stdout_bytes.decode() == "电话138****5678\r\n\r\n邮箱 a***@example.com"


def test_plain_known_names(app: typer.Typer, pipeline: str) -> None:
    result = run(app, pipeline, "--name", "王小二", "-n", "慕容复", stdin="王小二和慕容复到场\n")
    assert result.stdout == "王**和慕容*到场\n"


def test_files_and_dash_for_stdin(app: typer.Typer, pipeline: str, tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("电话13812345678\n", encoding="utf-8")
    second.write_bytes("\ufeff邮箱 a.b@example.com\n".encode())
    result = run(app, pipeline, str(first), "-", str(second), stdin="姓名：李四\n")
    assert result.exit_code == 0, result.output
    assert result.stdout == "电话138****5678\n姓名：李*\n邮箱 a***@example.com\n"


def test_jsonl(app: typer.Typer, pipeline: str) -> None:
    lines: list[dict[str, Any]] = [
        {"text": "当事人：张三，电话13812345678", "known_names": ["张三"]},
        {"text": "王小二住太原市小店区长治路111号", "known_names": ["王小二"]},
        {"text": "没有个人信息"},
    ]
    stdin = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n\n"
    result = run(app, pipeline, "--jsonl", stdin=stdin)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["text"] for o in out] == ["当事人：张*，电话138****5678", "王**住太原市小店区****", "没有个人信息"]
    for given, got in zip(lines, out, strict=True):
        assert set(got) == {"text", "entities"}
        for entity in got["entities"]:
            assert set(entity) == {"type", "start", "end", "score"}
            piece = given["text"][entity["start"] : entity["end"]]
            assert piece
            assert piece not in got["text"]
    first = [(e["type"], lines[0]["text"][e["start"] : e["end"]]) for e in out[0]["entities"]]
    assert first == [("PERSON", "张三"), ("PHONE_NUMBER", "13812345678")]
    assert out[2]["entities"] == []
    assert "张*" in result.stdout


def test_jsonl_with_null_known_names(app: typer.Typer, pipeline: str) -> None:
    result = run(app, pipeline, "--jsonl", stdin='{"text": "电话13812345678", "known_names": null}\n')
    assert json.loads(result.stdout)["text"] == "电话138****5678"


@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ('{"text": "电话13812345678"', "<stdin>:3: not valid JSON"),
        ("电话13812345678", "<stdin>:3: not valid JSON"),
        ('["电话13812345678"]', "<stdin>:3: expected a JSON object, got list"),
        ('{"txt": "电话13812345678"}', '<stdin>:3: missing "text"'),
        ('{"text": 13812345678}', '<stdin>:3: "text" must be a string'),
        ('{"text": "x", "known_names": "张三"}', '<stdin>:3: "known_names" must be a list of strings'),
        ('{"text": "x", "known_names": [1]}', '<stdin>:3: "known_names" must be a list of strings'),
    ],
)
def test_jsonl_bad_line(app: typer.Typer, pipeline: str, bad_line: str, message: str) -> None:
    good = '{"text": "电话13912345678"}'
    result = run(app, pipeline, "--jsonl", stdin=f"{good}\n{good}\n{bad_line}\n{good}\n")
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert "fix:" in result.stderr
    assert "Traceback" not in result.output
    assert "13812345678" not in result.stderr
    assert (
        result.stdout.splitlines()
        == ['{"text": "电话139****5678", "entities": [{"type": "PHONE_NUMBER", "start": 2, "end": 13, "score": 0.95}]}']
        * 2
    )


def test_bad_line_in_a_file_names_the_file(app: typer.Typer, pipeline: str, tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"text": "a"}\n{"text": \n', encoding="utf-8")
    result = run(app, pipeline, "--jsonl", str(source))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{source}:2: not valid JSON")


def test_unreadable_file(app: typer.Typer, pipeline: str, tmp_path: Path) -> None:
    missing = tmp_path / "missing.txt"
    result = run(app, pipeline, str(missing))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{missing}: cannot read: No such file or directory")
    assert "Traceback" not in result.output


def test_a_directory_is_unreadable(app: typer.Typer, pipeline: str, tmp_path: Path) -> None:
    result = run(app, pipeline, str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{tmp_path}: cannot read")


def test_input_that_is_not_utf8(app: typer.Typer, pipeline: str) -> None:
    result = run(app, pipeline, stdin="电话13812345678\n".encode() + "第二行\n".encode("gbk"))
    assert result.exit_code == 2
    assert "<stdin>:2: not UTF-8 text" in result.stderr
    assert "Traceback" not in result.output


def test_help_documents_the_modes(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["redact", "--help"])
    assert result.exit_code == 0
    for word in ("--jsonl", "--name", "known_names", "entities", "--pipeline-dir"):
        assert word in result.stdout


def test_jsonl_batches_give_the_same_lines(app: typer.Typer, pipeline: str) -> None:
    lines = [{"text": f"证人禚明{n}号到场，书记员王五，电话1391234567{n}", "known_names": []} for n in range(5)]
    stdin = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n"
    one_by_one = run(app, pipeline, "--jsonl", "--batch", "1", stdin=stdin)
    batched = run(app, pipeline, "--jsonl", "--batch", "2", stdin=stdin)
    assert one_by_one.exit_code == batched.exit_code == 0
    assert batched.stdout == one_by_one.stdout
    out = [json.loads(line) for line in batched.stdout.splitlines()]
    assert [o["text"] for o in out] == [f"证人禚*{n}号到场，书记员王*，电话139****567{n}" for n in range(5)]
