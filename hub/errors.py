"""Error codes of CONTRACT.md and the one exception type that carries them; imports nothing."""

from __future__ import annotations

from enum import StrEnum


class ErrorCode(StrEnum):
    """The `extensions.code` values a caller may see (CONTRACT.md)."""

    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    FIELD_DENIED = "FIELD_DENIED"
    PURPOSE_NOT_ALLOWED = "PURPOSE_NOT_ALLOWED"
    CONSENT_REQUIRED = "CONSENT_REQUIRED"
    INVALID_SUBJECT_CODE = "INVALID_SUBJECT_CODE"
    NOT_FOUND = "NOT_FOUND"
    SOURCE_UNAVAILABLE = "SOURCE_UNAVAILABLE"
    QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
    RATE_LIMITED = "RATE_LIMITED"
    AUDIT_UNAVAILABLE = "AUDIT_UNAVAILABLE"
    BAD_USER_INPUT = "BAD_USER_INPUT"
    PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
    DOCUMENT_REQUIRED = "DOCUMENT_REQUIRED"
    INTERNAL_ERROR = "INTERNAL_ERROR"


class HubError(Exception):
    """A failure meant for a caller or operator: a code, a message, where it happened and the fix."""

    def __init__(
        self,
        code: ErrorCode,
        message: str,
        *,
        place: str | None = None,
        fix: str | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        self.code = code
        self.message = message
        self.place = place
        self.fix = fix
        self.extra = dict(extra or {})
        super().__init__(self.render())

    def render(self) -> str:
        """Answers the one-line text shown to a person: place, message and fix."""
        text = f"{self.place}: {self.message}" if self.place else self.message
        if self.fix:
            text = f"{text} (fix: {self.fix})"
        return text


class ConfigError(HubError):
    """A configuration, catalogue, mapping or policy file that cannot be used; stops start-up."""

    def __init__(self, message: str, *, place: str | None = None, fix: str | None = None) -> None:
        super().__init__(ErrorCode.BAD_USER_INPUT, message, place=place, fix=fix)
