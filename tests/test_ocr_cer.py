"""The character error rate used by the OCR bench and tests."""

from __future__ import annotations

import random

from bench.cer import cer, levenshtein, normalise


def _reference(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def test_levenshtein_matches_the_textbook_algorithm() -> None:
    rng = random.Random(7)
    for _ in range(300):
        a = "".join(rng.choice("abc") for _ in range(rng.randint(0, 12)))
        b = "".join(rng.choice("abc") for _ in range(rng.randint(0, 12)))
        assert levenshtein(a, b) == _reference(a, b)


def test_diplomatic_conventions_are_normalised_away() -> None:
    assert normalise("qui lui ſem¬\nbloit le Gouvernement") == normalise("qui lui sem-\nbloit  le Gouvernement")
    assert normalise("( _Jean _baisse _la _tête)") == "(Jean baisse la tête)"
    assert normalise("l’Europe « tous » ; MAITEN ~~~") == normalise('l\'Europe "tous"; MAITEN')
    assert normalise("cœur") == "coeur"


def test_cer_counts_errors_per_ground_truth_character() -> None:
    assert cer("Pa guz ann heol", "Pa guz ann heol") == 0
    assert cer("Pa guz ann hcol", "Pa guz ann heol") == 1 / 15
