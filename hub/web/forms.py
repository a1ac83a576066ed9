"""Reading a page's POSTed form: bounded in size, from this site, with the session's CSRF token."""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from hub.web.sessions import Session, csrf_ok, same_origin

MAX_FORM_BYTES = 32_768
MAX_FIELDS = 64


async def checked_form(request: Request, session: Session) -> FormData | None:
    """Answers the form when it comes from this site with the session's CSRF token; None otherwise."""
    form = await posted_form(request)
    return form if form is not None and csrf_ok(session, form.get("csrf")) else None


async def posted_form(request: Request) -> FormData | None:
    """Answers the form when it comes from this site, bounded in size (its CSRF token not yet checked)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media != "application/x-www-form-urlencoded" or not same_origin(request):
        return None
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    try:
        pairs: list[tuple[str, str | UploadFile]] = list(
            parse_qsl(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
        )
    except (UnicodeDecodeError, ValueError):
        return None
    return FormData(pairs)


def text(form: FormData, name: str, limit: int = 200) -> str:
    """Answers a trimmed text field of the form ('' when absent)."""
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def texts(form: FormData, name: str, limit: int = 200) -> list[str]:
    """Answers every value of a repeated text field (checkboxes), trimmed."""
    return [value.strip()[:limit] for value in form.getlist(name) if isinstance(value, str) and value.strip()]
