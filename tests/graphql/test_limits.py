"""measure(): subject look-ups counted on the values an operation runs with."""

from __future__ import annotations

from graphql import parse

from hub.graphql.limits import coerced_variables, measure

CODE = "911401061304229066"


def _lookups(query: str, variables: dict[str, object] | None = None, name: str | None = None) -> int:
    return measure(parse(query), name, variables).subject_lookups


def test_a_default_list_counts_each_code() -> None:
    declared = f'$v: [ID!]! = ["{CODE}", "{CODE}", "{CODE}"]'
    query = f"query Q({declared}) {{ subjects(codes: $v, purpose: SUPERVISION) {{ code }} }}"
    assert _lookups(query) == 3


def test_defaults_are_summed_over_aliases_and_fragments() -> None:
    query = (
        f'query Q($v: [ID!]! = ["{CODE}", "{CODE}"]) {{ a: subjects(codes: $v, purpose: SUPERVISION) {{ code }}'
        ' ...F } fragment F on Query { b: creditChecks(codes: $v, matter: "HONOURS", purpose: SUPERVISION)'
        ' { code } c: subject(code: "x", purpose: SUPERVISION) { code } }'
    )
    assert _lookups(query) == 5


def test_a_given_value_wins_over_the_default() -> None:
    query = f'query Q($v: [ID!]! = ["{CODE}"]) {{ subjects(codes: $v, purpose: SUPERVISION) {{ code }} }}'
    assert _lookups(query, {"v": [CODE] * 7}) == 7
    assert _lookups(query, {"v": CODE}) == 1


def test_the_named_operation_s_defaults_apply() -> None:
    query = (
        'query A($v: [ID!]! = ["1"]) { subjects(codes: $v, purpose: SUPERVISION) { code } }'
        ' query B($v: [ID!]! = ["1", "2", "3", "4"]) { subjects(codes: $v, purpose: SUPERVISION) { code } }'
    )
    assert _lookups(query, name="A") == 1
    assert _lookups(query, name="B") == 4


def test_coerced_variables_leave_out_what_is_neither_given_nor_defaulted() -> None:
    operation = parse("query Q($a: [ID!], $b: Int = 3) { me { department } }").definitions[0]
    assert coerced_variables(operation, {}) == {"b": 3}  # type: ignore[arg-type]


def test_targets_of_initiations_count_from_a_literal_or_a_variable() -> None:
    literal = f'mutation {{ a: initiateMeasures(input: {{targets: ["{CODE}", "{CODE}"]}}) {{ id }} }}'
    assert _lookups(literal) == 2
    variable = "mutation M($i: InitiateMeasuresInput!) { a: initiateMeasures(input: $i) { id } }"
    assert _lookups(variable, {"i": {"targets": [CODE] * 3}}) == 3
