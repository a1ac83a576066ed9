"""The catalogue's rules on one item, day by day with an injected day, and `credit-hub policy check` refusing
an inconsistent set of period rules at its file:line."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from hub.catalog.load import load_catalog
from hub.catalog.rules import deciding_department, entry_flags, last_day, repairable_from, shown_on
from hub.cli.policy import register
from hub.config import resource_dir
from hub.demo.codes import resident_id

CATALOG_FILE = resource_dir("schema") / "catalog.yaml"
CATALOG = load_catalog(CATALOG_FILE)
PENALTY = CATALOG.record_types["penalty"]
LISTING = CATALOG.record_types["listing"]
DECIDED = date(2024, 2, 29)
MINOR = resident_id("140200", date(2011, 5, 20), 17)
ADULT = resident_id("140200", date(1980, 5, 20), 19)


def _penalty(category: str, until: date | None = None) -> dict[str, object]:
    return {"category": category, "decided_on": DECIDED, "disclosure_until": until}


@pytest.mark.parametrize(
    ("category", "last"),
    [
        ("罚款", date(2025, 2, 27)),  # general: one year from 29 February (28 February 2025) is the first day off
        ("没收违法所得、罚款", date(2025, 2, 27)),
        ("罚款、吊销许可证件", date(2027, 2, 27)),  # the most serious part decides: three years
        ("责令停产停业", date(2027, 2, 27)),
        ("其他", date(2025, 2, 27)),  # a category no class names: the default (general)
    ],
)
def test_a_penalty_is_shown_through_its_last_day_and_hidden_the_next(category: str, last: date) -> None:
    row = _penalty(category)
    assert last_day(PENALTY, row) == last
    assert shown_on(PENALTY, row, DECIDED)
    assert shown_on(PENALTY, row, last)
    assert not shown_on(PENALTY, row, last + timedelta(days=1))


@pytest.mark.parametrize("category", ["警告", "通报批评", "警告、通报批评"])
def test_warnings_and_circulated_criticism_are_never_published(category: str) -> None:
    for until in (None, date(2030, 1, 1)):
        assert not shown_on(PENALTY, _penalty(category, until), DECIDED)


def test_the_source_s_own_end_date_counts_within_the_longest_period() -> None:
    own = _penalty("罚款", date(2024, 6, 30))
    assert shown_on(PENALTY, own, date(2024, 6, 30))
    assert not shown_on(PENALTY, own, date(2024, 7, 1))
    beyond = _penalty("罚款", date(2035, 1, 1))
    assert last_day(PENALTY, beyond) == date(2027, 2, 27), "never past the record type's disclosure_period"


def test_repair_may_be_applied_for_once_the_minimum_period_has_run() -> None:
    assert repairable_from(PENALTY, _penalty("罚款")) == date(2024, 5, 29)
    assert repairable_from(PENALTY, _penalty("吊销许可证件")) == date(2025, 2, 28)


def test_an_exited_listing_ends_at_once() -> None:
    row = {"list": "KEY_ATTENTION", "status": "REMOVED", "listed_on": DECIDED, "expires_on": date(2026, 1, 1)}
    assert not shown_on(LISTING, row, DECIDED)
    assert shown_on(LISTING, {**row, "status": "ACTIVE"}, date(2026, 1, 1))
    assert not shown_on(LISTING, {**row, "status": "ACTIVE"}, date(2026, 1, 2))


def test_entry_checks_name_what_fails() -> None:
    row = {"list": "BLACK", "reason": "闯红灯一次", "basis_document": "", "listed_on": date(2025, 6, 1)}
    flags = entry_flags(LISTING, row, MINOR)
    assert [flag.code for flag in flags] == ["NO_BASIS_DOCUMENT", "OUTSIDE_BLACK_LIST_DOMAINS", "MINOR"]
    red = {**row, "list": "RED"}
    assert entry_flags(LISTING, red, MINOR) == ()
    sound = {**row, "reason": "拒不履行生效法律文书确定的义务", "basis_document": "（2025）晋02执9号"}
    assert entry_flags(LISTING, sound, ADULT) == ()
    lenient = {**sound, "reason": "受疫情影响未按期履行生效法律文书确定的义务"}
    assert [f.code for f in entry_flags(LISTING, lenient, ADULT)] == ["LENIENT_CASE"]


def test_the_deciding_authority_names_the_department() -> None:
    listing = {"department": "国家税务总局大同市税务局"}
    assert deciding_department(CATALOG, "listing", listing) == "tax"
    assert deciding_department(CATALOG, "listing", {"department": "大同市中级人民法院"}) == "court"
    assert deciding_department(CATALOG, "listing", {"department": None}) == "market-regulation"
    assert deciding_department(CATALOG, "tax_credit", {}) == "tax"


def _check(catalog: Path) -> tuple[int, str]:
    app = typer.Typer()
    register(app)
    result = CliRunner().invoke(app, ["policy", "check", "--catalog", str(catalog)])
    return result.exit_code, result.stderr


def _line(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    ("old", "new", "at", "words"),
    [
        ("          repair_after: P3M\n", "          repair_after: P2Y\n", "general:", "past its disclosure period"),
        ("          disclosure_period: P3Y\n          repair_after: P1Y", "          disclosure_period: P11M\n"
         "          repair_after: P6M", "serious:", "published for less"),
        ("          disclosure_period: P1Y\n", "          disclosure_period: P5Y\n", "general:", "longer than"),
        ("          match: [罚款, 没收违法所得", "          match: [警告, 没收违法所得", "match: [警告, 没收",
         "class 'unpublished'"),
        ("          published: false\n", "          published: false\n          disclosure_period: P1Y\n",
         "unpublished:", "is not published"),
        ("      default: general\n", "      default: grave\n", "default: grave", "not one of its classes"),
    ],
)  # fmt: skip
def test_policy_check_rejects_inconsistent_period_rules(
    tmp_path: Path, old: str, new: str, at: str, words: str
) -> None:
    text = CATALOG_FILE.read_text(encoding="utf-8")
    assert old in text
    broken = text.replace(old, new, 1)
    catalog = tmp_path / "catalog.yaml"
    catalog.write_text(broken, encoding="utf-8")
    code, err = _check(catalog)
    assert code == 1
    assert err.startswith(f"{catalog}:{_line(broken, at)}:"), err
    assert words in err
