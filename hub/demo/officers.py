"""The demo's privacy officers: accounts its development identity provider lists (synthetic people)."""

from __future__ import annotations

from hub.identity.officers import Officer

DEV_OFFICERS = (
    Officer("wangmin", "王敏", "privacy-office"),
    Officer("zhaoli", "赵丽", "privacy-office"),
)
