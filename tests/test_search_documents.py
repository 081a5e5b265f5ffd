"""Page documents from real ground-truth pages: fields aligned word for word, joins, metadata."""

from __future__ import annotations

from heritage.model import DublinCore, Item, Page
from heritage.ocr.alto import parse_words
from heritage.search.analysis import GAP
from heritage.search.documents import FACET_SEPARATOR, JOIN, clean, item_documents, page_document, year_of
from heritage.search.layout import Box, Layout, pack, unpack
from heritage.search.terms import SENTINEL, SEPARATOR
from tests.search_samples import SAMPLES, line_words, made_up_item, sample_item


def test_every_text_field_has_one_chunk_per_word() -> None:
    item, words = sample_item("barzaz-breiz-01", "barzaz-breiz")
    page = item.pages[0]
    doc = page_document(item, page, 1, words[page.id])
    layout = Layout(doc["layout"])
    n = len(layout.words)
    assert n == len(words[page.id])
    gt = words[page.id]
    assert [layout.box(i) for i in range(n)] == [Box(w.x, w.y, w.w, w.h) for w in gt]
    lines = list(dict.fromkeys((w.block_id, w.line_id) for w in gt))
    assert [layout.line(i) for i in range(n)] == [lines.index((w.block_id, w.line_id)) for w in gt]
    for name in ("text_br", "text_br_variants", "text_fr", "text_other"):
        chunks = doc[name].split(" ")
        assert len(chunks) == n, name
    # each word is in exactly one field, as printed; elsewhere it is the gap placeholder
    for i, word in enumerate(words[page.id]):
        owners = [f for f in ("text_br", "text_fr", "text_other") if doc[f].split(" ")[i] != GAP]
        field = {"br": "text_br", "fr": "text_fr"}.get(word.lang or "", "text_other")
        assert owners == [field], (i, word)
        assert doc[field].split(" ")[i] == word.text


def test_item_metadata_travels_with_each_page() -> None:
    item, words = sample_item("barzaz-breiz-02", "barzaz-breiz")
    *docs, (item_id, item_doc) = item_documents(item, words)
    assert [d["page_number"] for _, d in docs] == list(range(1, len(item.pages) + 1))
    assert item_id == item.id and item_doc["kind"] == "item" and all(d["kind"] == "page" for _, d in docs)
    _, first = docs[0]
    assert first["year"] == 1846 and first["collection"] == "barzaz-breiz"
    assert sorted(first["facets"]) == [
        f"{name}{FACET_SEPARATOR}{value}"
        for name, value in (
            ("collection", "barzaz-breiz"),
            ("decade", 1840),
            ("language", "br"),
            ("language", "fr"),
            ("type", "Text"),
        )
    ]
    assert first["rights"] == "http://creativecommons.org/licenses/by-sa/3.0/"
    assert first["language"] == ["br", "fr"]
    assert docs[0][0] == f"{item.id}.{item.pages[0].id}"


def test_line_end_hyphen_adds_the_joined_word() -> None:
    item, words = made_up_item("Hyphens", [line_words(["Komz a ra bre-", "zoneg ervat"])])
    (_, doc), (_, item_doc) = item_documents(item, words)
    assert doc["text_br"].split(" ") == ["Komz", "a", "ra", "bre-", f"zoneg{JOIN}brezoneg", "ervat"]
    assert doc["text_br_variants"].split(" ")[4] == f"τonek{JOIN}πrezonek"
    assert doc["layout"]["joins"] == [3]
    assert doc["layout"]["words"][4] == "zoneg"  # text is kept as printed
    assert f"brezoneg{SEPARATOR}brezoneg" in item_doc["vocab"]["b"]


def test_no_join_inside_a_line_or_across_languages() -> None:
    words = line_words(["tro-war-dro gwall-"]) + line_words(["gamm"], lang="fr")
    item, _ = made_up_item("No join", [words])
    doc = page_document(item, item.pages[0], 1, words)
    assert doc["layout"]["joins"] == []


def test_page_without_words_is_indexed_for_its_metadata() -> None:
    page = Page("p", "p.jpg", 0, "", "JPEG", 10, 10, "p.jpg")
    item = Item("abcdefghijkm", DublinCore(title="Kartenn", date="ca. 1900"), [page])
    (_, doc), (_, item_doc) = item_documents(item, {})
    assert doc["year"] == 1900 and "text_br" not in doc and doc["layout"]["words"] == []
    assert item_doc["vocab"] == {} and item_doc["vocab_pages"] == ""


def test_words_are_cleaned_of_markers_and_spaces() -> None:
    assert clean(f" a{GAP}b{JOIN}c\ue000\u202e ") == "abc"
    assert clean("New York") == "New\u00a0York"
    assert clean("\x00\x07") == ""


def test_year_of_free_text_dates() -> None:
    assert [year_of(d) for d in ("1846", "1846-03-01", "ca. 1840-1850", "[1783]", "XIXe siècle", "")] == [
        1846,
        1846,
        1840,
        1783,
        None,
        None,
    ]


def test_documents_take_the_real_alto_words() -> None:
    """``heritage.ocr.alto.parse_words`` gives what ``page_document`` needs."""
    alto = (SAMPLES / "keleier-bremaik" / "0001.gt.alto.xml").read_bytes()
    item, words = sample_item("keleier-bremaik", "keleier")
    ours = page_document(item, item.pages[0], 1, words[item.pages[0].id])
    theirs = page_document(item, item.pages[0], 1, parse_words(alto))
    assert theirs["layout"] == ours["layout"] and theirs["text_br"] == ours["text_br"]


def test_boxes_survive_packing_and_are_clamped() -> None:
    assert list(unpack(pack([0, 1, 65535, 70000, -3]))) == [0, 1, 65535, 65535, 0]


def test_item_vocabulary_counts_pages() -> None:
    item, words = sample_item("barzaz-breiz-03", "barzaz-breiz")
    *_, (_, item_doc) = item_documents(item, words)
    counts = {word: int(n) for _, word, n in (line.split(SEPARATOR) for line in item_doc["vocab_pages"].split("\n"))}
    assert counts["iaouank"] == 2 and counts["iaouang"] == 1
    assert item_doc["vocab"]["i"][-1] == SENTINEL and f"iaouank{SEPARATOR}iaouank" in item_doc["vocab"]["i"]
