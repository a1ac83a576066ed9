"""The demo's decided rights cases, so that a source's pull (`credit-hub feedback pull`) has notices to deliver.

Made once, through the same services a request uses, for synthetic subjects other than the samples (whose
records the README's walkthroughs show unchanged): an objection upheld by revoking a listing, and an
approved credit repair of a penalty.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hub.composition import open_hub
from hub.config import Settings
from hub.demo.generator import SPECIAL_SUBJECTS, samples, subject_facts
from hub.federation.adapter import ITEM
from hub.identity.principal import Principal
from hub.identity.scopes import SELF_SCOPES
from hub.rights.objections import Decision, Outcome
from hub.rights.repairs import RepairDecision
from hub.services import Services
from hub.store.rights_rows import Evidence

# Synthetic subjects searched for items to decide on (after the samples); enough for any seed.
SEARCHED = 200


def _self(code: str) -> Principal:
    return Principal(subject=code, scopes=SELF_SCOPES, self_code=code)


def _deciding(department: str) -> Principal:
    return Principal(subject=f"demo-{department}", scopes=frozenset(), client_id=f"demo-{department}",
                     department=department)  # fmt: skip


async def _candidates(services: Services, seed: int, subjects: int) -> tuple[tuple[str, str], tuple[str, str]]:
    """Answers (code, item id) of a listing to revoke and of a penalty to repair, of two other subjects."""
    shown = set(samples(seed, subjects).values())  # the samples' records stay as the walkthroughs show them
    codes = [subject_facts(seed, i).subject.code for i in range(SPECIAL_SUBJECTS, min(subjects, SEARCHED))]
    codes = [code for code in codes if code not in shown]
    fetched = await services.federation.fetch(codes, {"listing": frozenset({"list"}), "penalty": frozenset()})
    listing = penalty = None
    for code in codes:
        rows = fetched.rows.get(code, {})
        if listing is None and rows.get("listing"):
            listing = (code, str(rows["listing"][0][ITEM]))
        elif penalty is None and rows.get("penalty"):
            penalty = (code, str(rows["penalty"][0][ITEM]))
    if listing is None or penalty is None:
        raise LookupError("no demo subject with a listing and another with a penalty")
    return listing, penalty


async def decide_demo_cases(settings: Settings, seed: int, subjects: int) -> None:
    """Answers nothing; decides the demo's objection and repair unless the hub has rights cases already."""
    now = datetime.now(UTC)
    async with open_hub(settings) as hub:
        services = hub.services
        credit = services.credit
        if await credit.objections.repository.objections(now.date()):
            return
        (listed, listing), (penalised, penalty) = await _candidates(services, seed, subjects)
        objection, _ = await credit.objections.file(_self(listed), listing, "该名单列入依据已被撤销，申请核实", now)
        await credit.objections.resolve(
            _deciding(objection.department), objection.id, Decision.UPHOLD, Outcome.REVOKE, {},
            "经核实，列入依据已被撤销，予以撤销", now,
        )  # fmt: skip
        evidence = [Evidence("RECTIFICATION", "已全部履行行政处罚决定并完成整改")]
        repair, _ = await credit.repairs.apply(_self(penalised), penalty, evidence, now)
        await credit.repairs.decide(_deciding(repair.department), repair.id, RepairDecision.APPROVE, "整改到位", now)
