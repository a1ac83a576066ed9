"""The built-in self-access policy: what a citizen or an enterprise sees of its own record (SELF_ACCESS).

It is no department's policy and no file in policies/: no client can be registered under it, and
only `myRecord` applies it, to the signed-in subject's own code. Its decisions follow one rule:
a subject sees its own data in clear, and the personal data of other people in its record the way
the public would.
- a natural person: every field in clear (own name, resident ID, phone, address);
- an enterprise: its own items in clear; personal data of natural persons in its registration
  (the legal representative's resident ID, the contact phone) masked unless the catalogue makes
  it public (the legal representative's name is on the business licence);
- free texts (decision texts, reasons, report topics) desensitised: they name third parties;
- confidential fields (a whistle-blower's identity) never, to anyone;
- items repaired or revoked, which no one else sees any more, marked as such with the day (`rightsStatus`).
"""

from __future__ import annotations

from hub.catalog.model import Catalog, CatalogField, RecordType, Sharing
from hub.identity.codes import SubjectKind
from hub.policy.decision import CONFIDENTIAL, MASKER_FOR_CLASS, NOT_FOR_KIND, Action, Decision, deny
from hub.policy.policy import ConsentRule, Limits, Policy
from hub.policy.purposes import DepartmentKind, Purpose

SELF_DEPARTMENT = "self"
SELF_LIMITS = Limits(subjects_per_request=1, depth=8, aliases=10, cost=2000)
_ALLOW = Decision(Action.ALLOW)
_compiled: dict[int, tuple[Catalog, Policy]] = {}


def decide_own(kind: SubjectKind, record_type: RecordType, found: CatalogField) -> Decision:
    """Answers what a subject of `kind` sees of one field of its own record."""
    if kind not in record_type.subject_kinds:
        return deny(NOT_FOR_KIND)
    if found.sharing is Sharing.CONFIDENTIAL:
        return deny(CONFIDENTIAL)
    pd_class = found.pd_class(kind)
    if pd_class == "free_text":
        return Decision(Action.MASK, "free_text")
    if kind is SubjectKind.LEGAL_ENTITY and pd_class != "none" and found.sharing is not Sharing.PUBLIC:
        return Decision(Action.MASK, MASKER_FOR_CLASS[pd_class])
    return _ALLOW


def self_access_policy(catalog: Catalog) -> Policy:
    """Answers the self-access policy compiled for `catalog` (compiled once per catalogue)."""
    cached = _compiled.get(id(catalog))
    if cached is not None and cached[0] is catalog:
        return cached[1]
    table = {
        (Purpose.SELF_ACCESS, kind, found.path): decide_own(kind, record_type, found)
        for record_type in catalog.record_types.values()
        for found in record_type.fields.values()
        for kind in SubjectKind
    }
    policy = Policy(
        department=SELF_DEPARTMENT,
        title="本人查询 a subject's own record",
        kind=DepartmentKind.PUBLIC,  # nominal: kind only bounds the purposes of policy files
        purposes=frozenset({Purpose.SELF_ACCESS}),
        operator_required=False,
        consent=ConsentRule(natural_persons=False, record_types=frozenset()),
        divisions=(),
        own_records_only=False,
        exceptions=frozenset(),
        max_sharing=Sharing.RESTRICTED,
        max_sharing_masked=Sharing.RESTRICTED,
        limits=SELF_LIMITS,
        table=table,
        sees_own_history=True,
    )
    _compiled[id(catalog)] = (catalog, policy)
    return policy
