"""Lines run across a column gutter are cut, and the page is read column by column."""

from __future__ import annotations

from heritage.ocr.columns import find_gutter, split_columns
from heritage.ocr.page import Block, Line, Page, Token

HEIGHT = 40


def _line(y: int, *words: tuple[str, int]) -> Line:
    return Line([Token(text, x, y, 20 * len(text), HEIGHT, 0.9) for text, x in words])


def _two_columns_merged() -> Page:
    """A title, then left and right verses that Tesseract joined line by line."""
    title = Block([_line(100, ("GWERZ", 300), ("AR", 430), ("VARZH", 500), ("(LA", 630), ("GUERZE)", 700))])
    merged = Block(
        [_line(300 + 60 * i, (f"brezhoneg{i}", 100), ("ha", 310), (f"français{i}", 700), ("et", 900)) for i in range(6)]
    )
    right_only = Block([_line(700 + 60 * i, (f"suite{i}", 700), ("encore", 820)) for i in range(3)])
    folio = Block([_line(1200, ("3", 590))])
    return Page(1200, 1400, [title, merged, right_only, folio])


def test_finds_the_gutter_between_the_columns() -> None:
    gutter = find_gutter(_two_columns_merged())
    assert gutter is not None
    assert 350 <= gutter[0] < gutter[1] <= 700


def test_merged_lines_are_cut_and_read_left_column_first() -> None:
    page = split_columns(_two_columns_merged())
    texts = [[line.text for line in block.lines] for block in page.blocks]
    assert texts[0] == ["GWERZ AR VARZH (LA GUERZE)"]
    assert texts[1] == [f"brezhoneg{i} ha" for i in range(6)]
    assert texts[2] == [f"français{i} et" for i in range(6)]
    assert texts[3] == [f"suite{i} encore" for i in range(3)]
    assert texts[4] == ["3"]
    assert sorted(t.text for t in _two_columns_merged().blocks[1].lines[0].tokens) == sorted(
        t.text for b in page.blocks[1:3] for t in b.lines[0].tokens
    )


def test_single_column_page_is_unchanged() -> None:
    page = Page(
        1200,
        1400,
        [Block([_line(100 + 60 * i, ("Dont", 100 + 7 * i), ("l'Europe", 200 + 5 * i), ("en", 380)) for i in range(8)])],
    )
    assert split_columns(page) is page


def test_columns_already_apart_are_left_in_tesseract_s_order() -> None:
    left = Block([_line(300 + 60 * i, (f"brezhoneg{i}", 100)) for i in range(5)])
    right = Block([_line(300 + 60 * i, (f"français{i}", 700)) for i in range(5)])
    page = Page(1200, 1400, [left, right])
    assert split_columns(page) is page


def test_table_of_contents_is_not_taken_for_columns() -> None:
    """Page numbers far right form no column: too narrow."""
    page = Page(
        1200,
        1400,
        [Block([_line(100 + 60 * i, ("Chapitre", 100), (f"premier{i}", 300), (str(i + 1), 1000)) for i in range(8)])],
    )
    assert find_gutter(page) is None
