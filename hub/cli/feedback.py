"""`credit-hub feedback pull`: a source's department fetches its correction notices from a running hub.

It talks to the hub over HTTP like any integrator (client credentials, then `sourceFeedback` and
`acknowledgeSourceFeedback`), not to the hub's database: the source runs elsewhere, and the hub
decides which notices the department sees and registers every pull.
"""

from __future__ import annotations

import json
import sys
from typing import IO, Annotated, Any

import httpx
import typer
from rich.console import Console

from hub.errors import ErrorCode, HubError
from hub.identity.scopes import Scope

PULL = """query($first: Int!, $after: String) { sourceFeedback(first: $first, after: $after) {
  edges { cursor node { id source itemId recordType kind action decisionId decidedOn corrections { field value }
    queuedAt deliveries } }
  pageInfo { hasNextPage endCursor } } }"""
ACK = "mutation($ids: [ID!]!) { acknowledgeSourceFeedback(ids: $ids) { id acknowledgedAt } }"
SCOPE = Scope.FEEDBACK_READ
_SOFT = frozenset({"FIELD_DENIED"})  # a correction value the policy withholds is null, the notice still counts

status = Console(stderr=True, highlight=False, soft_wrap=True)


def _oauth_error(response: httpx.Response) -> str:
    try:
        return str(response.json().get("error") or response.status_code)
    except ValueError:
        return str(response.status_code)


class FeedbackClient:
    """A department's client of the hub: one token, then GraphQL calls with it."""

    def __init__(self, url: str, client_id: str, client_secret: str, operator: str | None) -> None:
        self.base = url.rstrip("/")
        self.http = httpx.Client(timeout=30)
        self.operator = operator
        self.token = self._token(client_id, client_secret)

    def _token(self, client_id: str, client_secret: str) -> str:
        try:
            response = self.http.post(
                f"{self.base}/oauth/token",
                data={"grant_type": "client_credentials", "scope": SCOPE},
                auth=(client_id, client_secret),
            )
        except httpx.HTTPError as error:
            raise HubError(
                ErrorCode.SOURCE_UNAVAILABLE, f"the hub at {self.base} did not answer ({type(error).__name__})",
                fix="check --url and that the hub is running",
            ) from None  # fmt: skip
        if response.status_code != 200:
            reason = _oauth_error(response)
            if reason == "invalid_scope":
                raise HubError(
                    ErrorCode.FORBIDDEN,
                    f"the client is not registered with the scope {SCOPE} (invalid_scope)",
                    fix=f"use a client of the source's department registered with {SCOPE}",
                )
            raise HubError(
                ErrorCode.UNAUTHENTICATED,
                f"the hub refused the client credentials ({reason})",
                fix="check --client-id and --client-secret",
            )
        return str(response.json()["access_token"])

    def call(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """Answers the data of a GraphQL operation; HubError with the hub's code for any error but a withheld value."""
        headers = {"Authorization": f"Bearer {self.token}"}
        if self.operator:
            headers["X-Hub-Operator"] = self.operator
        response = self.http.post(
            f"{self.base}/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        body = response.json()
        for error in body.get("errors") or []:
            code = str((error.get("extensions") or {}).get("code", "INTERNAL"))
            if code not in _SOFT:
                known = code if code in ErrorCode.__members__ else ErrorCode.BAD_USER_INPUT.value
                raise HubError(ErrorCode(known), f"the hub answered {code}: {error.get('message')}")
        return dict(body.get("data") or {})

    def close(self) -> None:
        """Answers nothing; closes the connection pool."""
        self.http.close()


def pull(client: FeedbackClient, out: IO[str], *, page_size: int, acknowledge: bool) -> tuple[int, int]:
    """Answers how many notices were written to `out` (one JSON object a line) and how many acknowledged.

    Each page is written and flushed before it is acknowledged, so a notice is never acknowledged unread.
    """
    written = acknowledged = 0
    after: str | None = None
    while True:
        page = client.call(PULL, {"first": page_size, "after": after})["sourceFeedback"]
        nodes = [edge["node"] for edge in page["edges"]]
        for node in nodes:
            out.write(json.dumps(node, ensure_ascii=False, sort_keys=True) + "\n")
        out.flush()
        written += len(nodes)
        if acknowledge and nodes:
            acknowledged += len(client.call(ACK, {"ids": [node["id"] for node in nodes]})["acknowledgeSourceFeedback"])
        if not page["pageInfo"]["hasNextPage"]:
            return written, acknowledged
        after = page["pageInfo"]["endCursor"]


def register(app: typer.Typer) -> None:
    """Answers nothing; adds the `feedback` command group (`pull`) to `app`."""
    group = typer.Typer(help="Correction notices for a source's own department.", no_args_is_help=True)
    app.add_typer(group, name="feedback")

    @group.command("pull")
    def pull_command(
        url: Annotated[str, typer.Option("--url", help="the hub, e.g. https://credit-hub.example.gov.cn")],
        client_id: Annotated[str, typer.Option("--client-id", help="a client of the source's department")],
        client_secret: Annotated[
            str, typer.Option("--client-secret", envvar="CREDIT_HUB_CLIENT_SECRET", help="or CREDIT_HUB_CLIENT_SECRET")
        ],
        ack: Annotated[bool, typer.Option("--ack", help="acknowledge each page once it is written")] = False,
        out: Annotated[
            typer.FileTextWrite | None,
            typer.Option("--out", help="write the JSON Lines to this file (default: stdout)"),
        ] = None,
        page_size: Annotated[int, typer.Option("--page-size", min=1, max=200)] = 50,
        operator: Annotated[str | None, typer.Option("--operator", help="the person running the pull")] = None,
    ) -> None:
        """Writes the department's pending correction notices as JSON Lines; with --ack, acknowledges them.

        Without --ack nothing changes but the delivery count: every pull delivers them again.
        """
        client = FeedbackClient(url, client_id, client_secret, operator)
        try:
            written, acknowledged = pull(client, out or sys.stdout, page_size=page_size, acknowledge=ack)
        finally:
            client.close()
        status.print(f"{written} notices delivered, {acknowledged} acknowledged")
