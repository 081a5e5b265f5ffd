"""The interface speaks Breton, French and English: negotiation and complete catalogues."""

from __future__ import annotations

import pytest

from heritage.web import i18n
from heritage.web.messages import TRANSLATED, extract, untranslated


def test_the_language_cookie_wins_over_the_browser() -> None:
    assert i18n.negotiate("fr", "br,en;q=0.5", default="en") == "fr"


def test_the_best_supported_browser_language_is_chosen() -> None:
    assert i18n.negotiate(None, "de-DE,de;q=0.9,fr-FR;q=0.8,br;q=0.7", default="br") == "fr"


def test_quality_ranks_languages_not_their_order() -> None:
    assert i18n.negotiate(None, "en;q=0.3, br;q=0.9", default="fr") == "br"


def test_a_language_refused_with_q0_is_never_chosen() -> None:
    assert i18n.negotiate(None, "fr;q=0, en;q=0.1", default="br") == "en"


def test_no_supported_language_falls_back_to_the_default() -> None:
    assert i18n.negotiate("xx", "de, ja;q=0.8", default="br") == "br"


def test_a_malformed_header_does_not_break_negotiation() -> None:
    assert i18n.negotiate(None, "fr;q=abc, ;;, br", default="en") == "br"


def test_the_interface_has_strings_to_translate() -> None:
    assert len([m for m in extract() if m.id]) > 50


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_interface_string_is_translated(language: str) -> None:
    assert untranslated(language) == [], f"run `python -m heritage.web.messages` and translate into {language}"


@pytest.mark.parametrize(("language", "expected"), [("br", "Klask"), ("fr", "Rechercher"), ("en", "Search")])
def test_gettext_follows_the_active_language(language: str, expected: str) -> None:
    i18n.activate(language)
    assert i18n.gettext("Search") == expected
