"""The interface's translatable strings and the state of each catalogue.

``python -m heritage.web.messages`` extracts every ``_()``/``gettext``/``ngettext`` string from
the templates and the web code and merges it into each ``.po`` file, keeping what translators
wrote; the tests use ``untranslated`` to insist that Breton and French lack nothing. English is
the msgid itself, so it needs no catalogue.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from heritage.web.i18n import catalogue_path

TRANSLATED = ("br", "fr")
"""Languages with a catalogue; English is the source text."""
PACKAGE = Path(__file__).parent
_TEMPLATES = "templates/**.html"
_METHODS = [(_TEMPLATES, "jinja2"), ("**.py", "python")]
_OPTIONS = {_TEMPLATES: {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}}
_KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2)}


def extract() -> Catalog:
    """Every interface string, as a template catalogue (no translations)."""
    catalog = Catalog(project="heritage", charset="utf-8")
    for filename, line, message, comments, context in extract_from_dir(
        PACKAGE, method_map=_METHODS, options_map=_OPTIONS, keywords=_KEYWORDS
    ):
        catalog.add(message, locations=[(filename, line)], auto_comments=comments, context=context)
    return catalog


def _read(language: str) -> Catalog:
    path = catalogue_path(language)
    if not path.exists():
        return Catalog(locale=language, project="heritage", charset="utf-8")
    with path.open("rb") as po:
        return read_po(po, locale=language)


def untranslated(language: str) -> list[str]:
    """Interface strings the language's catalogue does not translate (or only fuzzily)."""
    catalog = _read(language)
    missing = []
    for message in extract():
        if not message.id:
            continue
        found = catalog.get(message.id, message.context)
        strings = found.string if found else None
        values = strings if isinstance(strings, tuple) else (strings,)
        if found is None or found.fuzzy or not all(values):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def update(language: str) -> Path:
    """Merge the current strings into a language's catalogue, keeping existing translations."""
    catalog = _read(language)
    catalog.update(extract(), no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.fuzzy = False
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "heritage"
    catalog.language_team = f"heritage {language}"
    path = catalogue_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as po:
        write_po(po, catalog, width=100, omit_header=False, sort_output=False, include_lineno=False)
    return path


def main() -> int:
    for language in TRANSLATED:
        path = update(language)
        print(f"{path}: {len(untranslated(language))} strings to translate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
