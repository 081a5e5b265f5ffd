"""The interface language of a request, and its gettext catalogue.

Catalogues are the ``.po`` files under ``locale/`` (msgids are English), compiled in memory at
start-up so no binary ``.mo`` file is committed. The language comes from the ``lang`` cookie the
switcher sets, else ``Accept-Language``, else the configured default; it is held in a context
variable for the request, so templates and Python code translate the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from functools import cache
from gettext import GNUTranslations, NullTranslations
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES: dict[str, str] = {"br": "Brezhoneg", "fr": "Français", "en": "English"}
"""Interface languages, each named in itself, in the order the switcher lists them."""
COOKIE = "lang"
LOCALE_DIR = Path(__file__).parent / "locale"

_current: ContextVar[str] = ContextVar("language", default="br")


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "messages.po"


@cache
def translations(language: str) -> NullTranslations:
    path = catalogue_path(language)
    if not path.exists():
        return NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    mo = BytesIO()
    write_mo(mo, catalog)
    mo.seek(0)
    return GNUTranslations(mo)


def _accepted(header: str) -> list[str]:
    """Primary language tags of an ``Accept-Language`` header, best first (q=0 dropped)."""
    ranked = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        if tag and quality > 0:
            ranked.append((-quality, position, tag.split("-")[0].lower()))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(cookie: str | None, accept_language: str, default: str) -> str:
    if cookie in LANGUAGES:
        return cookie
    return next((tag for tag in _accepted(accept_language) if tag in LANGUAGES), default)


def request_language(cookies: Mapping[str, str], headers: Mapping[str, str], default: str) -> str:
    return negotiate(cookies.get(COOKIE), headers.get("accept-language", ""), default)


def activate(language: str) -> None:
    _current.set(language)


def current() -> str:
    return _current.get()


def gettext(message: str) -> str:
    return translations(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current()).ngettext(singular, plural, n)


def pick(values: Mapping[str, list[str]]) -> tuple[str, str]:
    """The best entry of an IIIF language map for the reader, with its language (for ``lang``)."""
    for language in (current(), "none", "br", "fr", "en", *values):
        if values.get(language):
            return " ".join(values[language]), language
    return "", "none"
