"""The published red and black lists and repair results over GraphQL, for PUBLIC_DISCLOSURE (subject:read)."""

from __future__ import annotations

import datetime
from typing import Any

import strawberry
from strawberry.types.nodes import SelectedField

from hub.errors import ErrorCode, HubError
from hub.graphql.audit_types import PageInfo
from hub.graphql.context import HubContext
from hub.graphql.permissions import HubInfo, needs
from hub.graphql.selection import snake
from hub.graphql.types import ListKind
from hub.identity.codes import SubjectKind
from hub.identity.scopes import Scope
from hub.policy.purposes import Purpose
from hub.records.public_lists import PublicPage, checked_first, checked_region

DEFAULT_PAGE = 20
_LISTING_FIELDS = frozenset(
    {"list", "reason", "department", "basis_document", "listed_on", "expires_on", "exit_conditions"}
)


@strawberry.type(description="A published list entry, desensitised as for the public.")
class PublicListing:
    id: strawberry.ID
    source: str
    code: str = strawberry.field(description="An enterprise's USCC; a natural person's resident ID masked.")
    kind: SubjectKind
    name: str | None = strawberry.field(description="As your policy discloses it (a person's name masked).")
    list: ListKind | None
    reason: str | None
    department: str | None
    basis_document: str | None
    listed_on: datetime.date | None
    expires_on: datetime.date | None
    exit_conditions: str | None


@strawberry.type
class PublicListingEdge:
    cursor: str
    node: PublicListing


@strawberry.type(description="A page of a published list, newest entry first.")
class PublicListingConnection:
    edges: list[PublicListingEdge]
    page_info: PageInfo


@strawberry.type(description="A published credit repair result (信用修复结果公示).")
class PublicRepair:
    id: strawberry.ID
    code: str = strawberry.field(description="An enterprise's USCC; a natural person's resident ID masked.")
    kind: SubjectKind
    name: str | None
    item_id: strawberry.ID = strawberry.field(description="The repaired item, no longer shared or disclosed.")
    record_type: str
    department: str = strawberry.field(description="The department that approved the repair.")
    repaired_on: datetime.date


@strawberry.type
class PublicRepairEdge:
    cursor: str
    node: PublicRepair


@strawberry.type(description="A page of published repair results, newest first.")
class PublicRepairConnection:
    edges: list[PublicRepairEdge]
    page_info: PageInfo


def _node_fields(info: HubInfo) -> set[str]:
    """Answers the snake_case fields selected on `edges { node { ... } }`."""
    found: set[str] = set()
    for edges in info.selected_fields[0].selections:
        if isinstance(edges, SelectedField) and edges.name == "edges":
            for node in edges.selections:
                if isinstance(node, SelectedField) and node.name == "node":
                    found |= {snake(f.name) for f in node.selections if isinstance(f, SelectedField)}
    return found


def _register(context: HubContext, page: PublicPage, path: list[Any]) -> None:
    """Registers the page as a public disclosure about each subject it names, noting sources that did not answer."""
    context.purpose, context.data_query = Purpose.PUBLIC_DISCLOSURE, True
    context.disclosures.extend(page.disclosures)
    for name in page.failed_sources:
        context.soft_errors.append(
            HubError(
                ErrorCode.SOURCE_UNAVAILABLE,
                f"source '{name}' did not answer; the list is partial",
                extra={"source": name, "path": path},
            )
        )


@strawberry.type
class PublicListsQuery:
    """What the public may browse: the red and black lists and the repair results."""

    @strawberry.field(
        description="A published list (RED or BLACK), newest entry first, desensitised as for the public; "
        "region: a division code prefix (14, 1401, 140105); since: listed on or after (PUBLIC_DISCLOSURE).",
        extensions=needs(Scope.SUBJECT_READ),
    )
    async def public_listings(
        self, info: HubInfo, list: ListKind, region: str | None = None, since: datetime.date | None = None,
        first: int | None = DEFAULT_PAGE, after: str | None = None,
    ) -> PublicListingConnection:  # fmt: skip
        context = info.context
        policy = context.services.policy_for(context.principal)
        selected = _node_fields(info)
        page = await context.services.public_lists.listings(
            policy, list.value, region=checked_region(region), since=since,
            first=checked_first(DEFAULT_PAGE if first is None else first), after=after,
            fields=frozenset(selected & _LISTING_FIELDS), named="name" in selected, today=context.services.today(),
        )  # fmt: skip
        _register(context, page, info.path.as_list())
        edges = [PublicListingEdge(cursor=item["cursor"], node=item) for item in page.items]  # type: ignore[arg-type]
        info_ = PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor)
        return PublicListingConnection(edges=edges, page_info=info_)

    @strawberry.field(
        description="Published credit repair results, newest first; region and since as for publicListings "
        "(PUBLIC_DISCLOSURE).",
        extensions=needs(Scope.SUBJECT_READ),
    )
    async def public_repairs(
        self, info: HubInfo, region: str | None = None, since: datetime.date | None = None,
        first: int | None = DEFAULT_PAGE, after: str | None = None,
    ) -> PublicRepairConnection:  # fmt: skip
        context = info.context
        policy = context.services.policy_for(context.principal)
        page = await context.services.public_lists.repairs(
            policy, region=checked_region(region), since=since,
            first=checked_first(DEFAULT_PAGE if first is None else first), after=after,
            named="name" in _node_fields(info), today=context.services.today(),
        )  # fmt: skip
        _register(context, page, info.path.as_list())
        edges = [PublicRepairEdge(cursor=item["cursor"], node=item) for item in page.items]  # type: ignore[arg-type]
        info_ = PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor)
        return PublicRepairConnection(edges=edges, page_info=info_)
