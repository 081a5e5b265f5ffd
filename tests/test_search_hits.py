"""Marked highlight chunks map back to the page's words, whatever the tags span."""

from __future__ import annotations

from heritage.search.hits import matched_words
from heritage.search.query import MARK_END, MARK_START


def marked(text: str) -> str:
    return text.replace("[", MARK_START).replace("]", MARK_END)


def test_a_marked_word_is_matched() -> None:
    assert matched_words({"text_fr": [marked("le [roi] dit")]}, 3, []) == [1]


def test_a_mark_spanning_several_words_matches_each_of_them() -> None:
    assert matched_words({"text_fr": [marked("a [b c d] e")]}, 5, []) == [1, 2, 3]


def test_two_marks_in_one_field_and_marks_in_two_fields_are_merged() -> None:
    highlight = {"text_fr": [marked("[a] b [c] d")], "text_other": [marked("a b c [d]")]}
    assert matched_words(highlight, 4, []) == [0, 2, 3]


def test_a_field_whose_chunks_do_not_line_up_with_the_words_is_not_trusted() -> None:
    assert matched_words({"text_fr": [marked("[a] b")]}, 3, []) == []
