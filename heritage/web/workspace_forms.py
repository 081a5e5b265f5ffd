"""What the admin pages of the workspace share: reading a small form, and the message after a change.

After a change the browser is sent back to a page (post/redirect/get) with ``?done=<code>``; the
page's template shows the message that code stands for (``_workspace_notice.html``), so no text
from the request is ever echoed.
"""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse

from heritage.errors import InvalidInputError
from heritage.model import clean_text

MAX_FIELDS = 20


async def read_form(request: Request) -> FormData:
    """A form of a few text fields (no files); the CSRF guard has already parsed it."""
    return await request.form(max_files=0, max_fields=MAX_FIELDS)


def text(form: FormData, name: str, label: str, limit: int, required: bool = False) -> str:
    """One text field, cleaned like metadata (no control characters) and bounded."""
    value = form.get(name, "")
    cleaned = clean_text(value if isinstance(value, str) else "", label)
    if len(cleaned) > limit:
        raise InvalidInputError(f"{label} is longer than {limit} characters")
    if required and not cleaned:
        raise InvalidInputError(f"{label} is required")
    return cleaned


def secret(form: FormData, name: str) -> str:
    """A password field as typed: never cleaned, never shown back."""
    value = form.get(name, "")
    return value if isinstance(value, str) else ""


def confirmed(form: FormData) -> bool:
    """The confirmation checkbox of a destructive form."""
    return form.get("confirm") == "yes"


def done(path: str, code: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?done={code}", status_code=303)
