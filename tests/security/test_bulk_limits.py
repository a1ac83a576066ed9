"""Subject limits over real HTTP hold on the codes an operation runs with: defaults, variables, aliases."""

from __future__ import annotations

import json
from typing import Any


def _codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


def _defaults(name: str, codes: list[str]) -> str:
    return f"${name}: [ID!]! = {json.dumps(codes)}"


def test_credit_checks_with_default_codes_in_ten_aliases_count_every_code(hub: Any) -> None:
    twenty = [hub.samples["enterprise"]] * 20  # the bank's limit
    names = [f"v{i}" for i in range(10)]
    declared = ", ".join(_defaults(name, twenty) for name in names)
    fields = " ".join(
        f'c{i}: creditChecks(codes: ${name}, matter: "GOVERNMENT_PROCUREMENT", purpose: CREDIT_LENDING) {{ code }}'
        for i, name in enumerate(names)
    )
    body = hub.graphql("bank", f"query Probe({declared}) {{ {fields} }}").json()
    assert body["data"] is None
    assert _codes(body) == ["QUERY_TOO_COMPLEX"]
    assert "subjects per request is 200; your policy allows 20" in body["errors"][0]["message"]


def test_one_alias_at_the_limit_passes_and_one_code_more_is_refused(hub: Any) -> None:
    query = 'query Q({}) {{ c: creditChecks(codes: $v, matter: "HONOURS", purpose: CREDIT_LENDING) {{ code }} }}'
    at_limit = hub.graphql("bank", query.format(_defaults("v", [hub.samples["enterprise"]] * 20))).json()
    assert "errors" not in at_limit
    assert len(at_limit["data"]["c"]) == 20
    beyond = hub.graphql("bank", query.format(_defaults("v", [hub.samples["enterprise"]] * 21))).json()
    assert _codes(beyond) == ["QUERY_TOO_COMPLEX"]


def test_subjects_with_default_codes_in_two_aliases_are_summed(hub: Any) -> None:
    hundred = [hub.samples["enterprise"]] * 100  # the tax department's limit
    query = (
        f"query Read({_defaults('a', hundred)}, {_defaults('b', hundred)}) {{"
        " x: subjects(codes: $a, purpose: SUPERVISION) { code }"
        " y: subjects(codes: $b, purpose: SUPERVISION) { code } }"
    )
    body = hub.graphql("tax", query).json()
    assert body["data"] is None
    assert _codes(body) == ["QUERY_TOO_COMPLEX"]
    assert "subjects per request is 200; your policy allows 100" in body["errors"][0]["message"]


def test_a_given_variable_overrides_its_default_in_the_count(hub: Any) -> None:
    one = [hub.samples["enterprise"]]
    query = f"query Read({_defaults('a', one)}) {{ subjects(codes: $a, purpose: SUPERVISION) {{ code }} }}"
    body = hub.graphql("tax", query, {"a": one * 101}).json()
    assert _codes(body) == ["QUERY_TOO_COMPLEX"]
    assert hub.graphql("tax", query).json()["data"]["subjects"][0]["code"] == one[0]


def test_a_single_code_for_a_list_variable_counts_as_one(hub: Any) -> None:
    query = "query Read($a: [ID!]!) { subjects(codes: $a, purpose: SUPERVISION) { code } }"
    body = hub.graphql("tax", query, {"a": hub.samples["enterprise"]}).json()
    assert body["data"]["subjects"][0]["code"] == hub.samples["enterprise"]


def test_targets_of_aliased_initiations_are_summed_over_the_operation(hub: Any) -> None:
    sixty = [hub.samples["blacklisted"]] * 60  # the tax department's limit is 100 subjects per request
    initiate = (
        '{}: initiateMeasures(input: {{targets: {}, matter: "GOVERNMENT_PROCUREMENT", measures: ["GP-01"],'
        ' implementers: ["approval-bureau"], purpose: SUPERVISION}}) {{ id }}'
    )
    mutation = f"mutation {{ {initiate.format('a', json.dumps(sixty))} {initiate.format('b', json.dumps(sixty))} }}"
    body = hub.graphql("tax", mutation).json()
    assert body["data"] is None, "refused before any case is opened"
    assert _codes(body) == ["QUERY_TOO_COMPLEX"]
    assert "subjects per request is 120; your policy allows 100" in body["errors"][0]["message"]
