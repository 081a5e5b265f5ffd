"""Query parsing and hostile input: either a clear InvalidInputError or sensible results, never
an OpenSearch error, and never user text inside a query_string."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from heritage.errors import InvalidInputError
from heritage.search import Filters, SearchRequest, Sort, parse_query, search, search_item, suggest_terms
from heritage.search.query import MAX_QUERY_CHARS, build_search, build_suggest
from tests.search_samples import Library, indexed_library, sample_item


@pytest.fixture(scope="module")
def library() -> Iterator[Library]:
    item, words = sample_item("barzaz-breiz-01", "barzaz-breiz")
    yield from indexed_library([("barzaz-breiz-01", item, words)])


def test_words_phrases_and_exclusions() -> None:
    parsed = parse_query('tad "ar c’hoad" -mamm -"gwall gamm" +breur')
    assert parsed.words == ("tad", "breur")
    assert parsed.phrases == (("ar", "c’hoad"),)
    assert parsed.excluded_words == ("mamm",)
    assert parsed.excluded_phrases == (("gwall", "gamm"),)


def test_an_unclosed_quote_runs_to_the_end() -> None:
    assert parse_query('kana "war dreuz ma').phrases == (("war", "dreuz", "ma"),)
    assert parse_query("«\u00a0ar c’hoad\u00a0»").phrases == (("ar", "c’hoad"),)


def test_query_syntax_is_only_words() -> None:
    assert parse_query("title:(a OR b)").words == ("title", "a", "OR", "b")
    parsed = parse_query('/re.*/ a* foo^2 {"match_all": {}}')
    assert parsed.words == ("re", "a", "foo", "2") and parsed.phrases == (("match", "all"),)
    assert parse_query("gwall-gamm c'hoari").words == ("gwall-gamm", "c'hoari")


def test_odd_unicode_is_cleaned() -> None:
    assert parse_query("t\u202ead\u200b").words == ("tad",)  # RTL override, zero-width space
    assert parse_query("e\u0301glise").words == ("église",)  # composed
    assert parse_query("tad\u0301\u0301\u0301\u0336").words == ("tad",)  # marks nothing composes with
    assert parse_query("🙂 tad 👨‍👩‍👧").words == ("tad",)


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("a" * (MAX_QUERY_CHARS + 1), "longer than"),
        ("tad\x00", "NUL"),
        ("🙂🙂", "no letters"),
        ("((( ))) :: //", "no letters"),
        (" ".join(["ger"] * 40), "at most"),
    ],
)
def test_unsearchable_queries_are_refused(q: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        parse_query(q)


def test_pages_and_filters_are_bounded() -> None:
    with pytest.raises(InvalidInputError, match="page_size"):
        SearchRequest(page_size=1000)
    with pytest.raises(InvalidInputError, match="beyond"):
        SearchRequest(page=600, page_size=20)
    with pytest.raises(InvalidInputError, match="page"):
        SearchRequest(page=0)
    with pytest.raises(InvalidInputError, match="after"):
        Filters(year_from=1900, year_to=1800)
    with pytest.raises(InvalidInputError, match="collection"):
        Filters(collection=("\x00",))
    with pytest.raises(InvalidInputError, match="sort"):
        SearchRequest(sort="random")  # type: ignore[arg-type]


def test_user_text_never_reaches_query_string() -> None:
    body = json.dumps(build_search(SearchRequest(q='title:(a OR b) "x y" -z', sort=Sort.DATE)))
    assert "query_string" not in body and "simple_query_string" not in body and "regexp" not in body


def test_suggest_prefix_is_escaped_for_the_include_regex() -> None:
    body = build_suggest("c’ho", 5)
    assert body["aggs"]["terms"]["terms"]["include"] == "c\\'ho.*"
    for bad in ("", "a.*", "12", "x" * 100):
        with pytest.raises(InvalidInputError):
            build_suggest(bad, 5)


HOSTILE = [
    "title:(a OR b)",
    "/re.*/",
    '"unbalanced',
    '""',
    '"',
    "-",
    "--tad",
    "*",
    "?",
    "\\",
    '\\\\"',
    "[",
    "{",
    "a AND OR NOT",
    "<script>alert(1)</script>",
    "'; DROP TABLE pages; --",
    "\u202egnp.exe",
    "ﷺ",
    "𝔱𝔞𝔡",
    "tad" * 100,
    "c'h",
    "’’’",
    "\u0301",
    "e\u0301" * 30,
    "🙂 kana",
    "ǂ",
    "ǂ kana",
    "¦",
    "\ue000kana\ue001",
    "\t\n\r kana",
    "ar c’hoad -",
    '-"ar c’hoad"',
    "%00",
    "${jndi:ldap://x}",
    "kana~2",
    "kana^10",
    "k*a",
]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_give_results_or_a_clear_error(library: Library, q: str) -> None:
    for call in (
        lambda: search(library.client, library.alias, SearchRequest(q=q)),
        lambda: search_item(library.client, library.alias, library.items["barzaz-breiz-01"].id, q),
    ):
        try:
            result = call()
        except InvalidInputError as e:
            assert str(e)
        else:
            assert result is not None


def test_hostile_prefixes_give_terms_or_a_clear_error(library: Library) -> None:
    for prefix in ("ka", "KA", "c’h", "zzz", "ø", ".*", "(", "\\", "🙂", "a" * 61, "ǂ"):
        try:
            found = suggest_terms(library.client, library.alias, prefix)
        except InvalidInputError as e:
            assert str(e)
        else:
            assert all(t.term.startswith(("k", "c'h")) for t in found)


def test_sensible_results_for_a_query_with_syntax(library: Library) -> None:
    result = search(library.client, library.alias, SearchRequest(q='kana:(("war dreuz'))
    assert result.total == 1 and "<mark>kana war dreuz</mark>" in result.hits[0].snippet
