"""`myRecord`: the signed-in citizen's or enterprise's own record, under the self-access policy.

The subject's own data is in clear; other people's data in it is not. In free texts that means:
what the redactor finds is masked, except the subject's own name, code, phone and address, and the
names the record knows (the legal representative of an enterprise) are masked as third parties.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

import strawberry

from hub.errors import ErrorCode, HubError
from hub.federation.fetch import Federation
from hub.graphql.context import HubContext
from hub.graphql.errors import withheld_error
from hub.graphql.permissions import HubInfo, needs
from hub.graphql.selection import requested_fields
from hub.graphql.types import Subject
from hub.identity.codes import SubjectCode, SubjectKind, parse_subject_code
from hub.identity.scopes import Scope
from hub.policy.purposes import Purpose
from hub.privacy.disclose import Discloser, View, Withheld
from hub.privacy.masking import MASKERS
from hub.privacy.redact import Redactor, apply_masks
from hub.records.service import REGISTRATION, ReadRequest, RecordService
from hub.records.shape import Shaper

_OWN_FIELDS = {SubjectKind.NATURAL_PERSON: ("name", "phone", "address"), SubjectKind.LEGAL_ENTITY: ("address",)}
_SEPARATORS = re.compile(r"[\s\-()（）+]")
_MIN_PART = 6


def _plain(text: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()


class OwnDataRedaction:
    """Desensitises a free text of the subject's own record: everything found except the subject's own data."""

    def __init__(self, redactor: Redactor, own: Iterable[str]) -> None:
        self.redactor = redactor
        self.own = frozenset(_plain(value) for value in own if value)

    def is_own(self, span: str) -> bool:
        """Answers whether a found span is the subject's own value (or, if long enough, part of one)."""
        plain = _plain(span)
        return plain in self.own or (len(plain) >= _MIN_PART and any(plain in value for value in self.own))

    def __call__(self, text: str, known_names: Sequence[str]) -> str:
        """Answers the text with other people's data masked and the subject's own left in clear."""
        third_parties = [name for name in known_names if _plain(name) not in self.own]
        found = self.redactor.redact(text, third_parties)
        return apply_masks(text, [e for e in found.entities if not self.is_own(text[e.start : e.end])])


def own_code(context: HubContext) -> SubjectCode:
    """Answers the signed-in subject's code; FORBIDDEN for any department's token."""
    code = context.principal.self_code
    if code is None:
        raise HubError(ErrorCode.FORBIDDEN, "myRecord is for signed-in citizens and enterprises only")
    return parse_subject_code(code)


async def own_values(federation: Federation, code: SubjectCode) -> list[str]:
    """Answers the subject's own values free texts may show in clear: its code and registration items."""
    fields = _OWN_FIELDS[code.kind]
    fetched = await federation.fetch([code.value], {REGISTRATION: frozenset(fields)})
    rows = fetched.rows.get(code.value, {}).get(REGISTRATION, [])
    return [code.value, *(str(row[name]) for row in rows for name in fields if row.get(name))]


async def read_own(info: HubInfo, code: SubjectCode) -> View | Withheld:
    """Answers the subject's own view for the selection asked, noting disclosures and failed sources."""
    context, services = info.context, info.context.services
    context.purpose, context.data_query = Purpose.SELF_ACCESS, True
    requested, linked = requested_fields(info.selected_fields[0].selections).frozen()
    redaction = OwnDataRedaction(services.redactor, await own_values(services.federation, code))
    shaper = Shaper(services.catalog, Discloser(services.catalog, MASKERS, redaction), services.records.shaper.check)
    records = RecordService(
        services.catalog,
        services.federation,
        shaper,
        overlay=services.records.overlay,
        overlay_at_hand=services.records.overlay_at_hand,
        faulted=services.records.faulted,
    )
    policy = services.own_policy(context.principal)
    request = ReadRequest(policy, None, Purpose.SELF_ACCESS, [code], requested, linked)
    result = await records.read(request, services.today())
    context.disclosures.extend(result.disclosures)
    for _, outcome in result.failed_sources:
        context.soft_errors.append(
            HubError(
                ErrorCode.SOURCE_UNAVAILABLE,
                f"source '{outcome.name}' did not answer ({outcome.status}); the record is partial",
                extra={"source": outcome.name, "path": info.path.as_list()},
            )
        )
    return result.views[0]


@strawberry.type
class SelfAccessQuery:
    """The signed-in subject's own record."""

    @strawberry.field(
        description="Your own record (citizens and enterprises): in clear, except other people's data.",
        extensions=needs(Scope.SELF_READ, Scope.SELF_RECORD),
    )
    async def my_record(self, info: HubInfo) -> Subject | None:
        view = await read_own(info, own_code(info.context))
        if isinstance(view, Withheld):
            raise withheld_error(view)
        return view  # type: ignore[return-value]
