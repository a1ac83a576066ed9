"""Presidio recognizers for Chinese personal data; the entity types of CONTRACT.md and who finds them."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from hub.privacy.recognizers._base import LANGUAGE, ChinesePatternRecognizer, normalize
from hub.privacy.recognizers.address import AddressRecognizer
from hub.privacy.recognizers.bank_card import BankCardRecognizer
from hub.privacy.recognizers.email import EmailRecognizer
from hub.privacy.recognizers.licence_plate import LicencePlateRecognizer
from hub.privacy.recognizers.passport import PassportRecognizer
from hub.privacy.recognizers.person import KnownNamesRecognizer, RoleNameRecognizer
from hub.privacy.recognizers.phone import PhoneRecognizer
from hub.privacy.recognizers.qq import QqNumberRecognizer
from hub.privacy.recognizers.resident_id import ResidentIdRecognizer
from hub.privacy.recognizers.wechat import WeChatIdRecognizer

PD_CLASS_OF_ENTITY: Mapping[str, str] = MappingProxyType(
    {
        "PERSON": "person_name",
        "CN_RESIDENT_ID": "resident_id",
        "PHONE_NUMBER": "phone",
        "BANK_CARD": "bank_card",
        "EMAIL_ADDRESS": "email",
        "ADDRESS": "address",
        "QQ_NUMBER": "qq_number",
        "WECHAT_ID": "wechat_id",
        "LICENSE_PLATE": "license_plate",
        "PASSPORT": "passport",
    }
)
ENTITY_TYPES: tuple[str, ...] = tuple(PD_CLASS_OF_ENTITY)


def build_recognizers() -> list[ChinesePatternRecognizer]:
    """Answers a fresh instance of every standing recognizer (known names are added per call)."""
    return [
        ResidentIdRecognizer(),
        PhoneRecognizer(),
        BankCardRecognizer(),
        EmailRecognizer(),
        AddressRecognizer(),
        QqNumberRecognizer(),
        WeChatIdRecognizer(),
        LicencePlateRecognizer(),
        PassportRecognizer(),
        RoleNameRecognizer(),
    ]


__all__ = [
    "ENTITY_TYPES",
    "LANGUAGE",
    "PD_CLASS_OF_ENTITY",
    "AddressRecognizer",
    "BankCardRecognizer",
    "ChinesePatternRecognizer",
    "EmailRecognizer",
    "KnownNamesRecognizer",
    "LicencePlateRecognizer",
    "PassportRecognizer",
    "PhoneRecognizer",
    "QqNumberRecognizer",
    "ResidentIdRecognizer",
    "RoleNameRecognizer",
    "WeChatIdRecognizer",
    "build_recognizers",
    "normalize",
]
