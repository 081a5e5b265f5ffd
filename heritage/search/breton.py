"""Breton rules for search, as data: initial mutations and historical spellings.

The tables here are the single source of the Breton analysis: ``analysis.py`` turns them into
OpenSearch token filters, so the same rules run on the page text at index time and on the
reader's words at query time, and the tests check every example below against the live node.

Initial mutations
-----------------
Breton changes the first consonant of a word after some particles (``tad`` "father": ``da dad``,
``he zad``; ``kador``: ``ur gador``, ``ar c'hador``). A reader types the dictionary form, or a
form she saw. Each token of the ``demutated`` field is therefore indexed together with every
radical it may come from (``zad`` -> ``zad dad tad``), at the same position, then respelled
by ``SPELLING_RULES`` (radicals first, so a rule that looks at the start or the length of a
word sees the radical: ``win`` -> ``gwin`` -> ``gwi``, as ``gwin`` itself); the query word is
analysed the same way, so a radical finds all its mutated forms and a mutated form finds its
radical and the radical's other forms. Exact forms keep their own, higher-boosted field.

Mutations are ambiguous (``v`` comes from ``b`` or ``m``, ``c'h`` from ``k`` or ``g``, ``z`` from
``d`` or ``t``; a ``d`` may be a radical or come from ``t``), and a few frequent short words would
pull in unrelated words through that ambiguity (``ket`` "not" <- ``get``, ``me`` "I" <- ``ve``,
``pont`` <- "``bont``" -> ``vont``). Those words, listed in ``FIXED_WORDS``, are neither expanded
nor produced as a radical. Measured on the 884 modern sentences of UD Breton-KEB plus the
Keleier pages, with Apertium's Breton analyser as the judge of which forms share a lemma.

Historical spellings
--------------------
Books printed before the 20th century use older spellings: Le Gonidec's (1807-1850, the Barzaz
Breiz of 1846), the KLT of 1908-1911, and before Le Gonidec a French-like one (``c``/``qu`` for
/k/). The ``spelling`` field indexes a normalised key that old and modern spellings share;
printed text is never changed, only its index key. Rules apply in order to each lowercased,
accent-folded token (so ``-où`` = ``-ou``, ``ñ`` = ``n``, ``ê``/``é``/``ô`` = plain vowels), and
``a-walc'h`` = ``awalc'h``, ``gan-in`` = ``ganin`` (hyphens inside a word are dropped for this
field only). Each rule lists pairs (older, modern) that must meet, most taken from the sample
texts (Barzaz Breiz 1846, KLT prose of 1912-1925, the Keleier and UD-KEB modern sentences).

Not covered (left to the exact and mutation fields): ``ch`` written for ``c'h`` in the oldest
prints (ambiguous with French-like ``ch``), Middle Breton ``ff`` (nasal or /v/), ``ou`` for ``w``
outside ``go-``/``ko-``/``c'hou-``, and word-level dialect or lexical differences (``hano``/``anv``,
``galoun``/``kalon``, ``diou``/``div``), apart from the short list in the last rules.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Mutation:
    """One initial mutation: after the triggering word, ``radical`` is written ``mutated``."""

    kind: str  # soft, aspirate, hard or mixed
    radical: str
    mutated: str


MUTATIONS: tuple[Mutation, ...] = (
    *(Mutation("soft", r, m) for r, m in (("k", "g"), ("t", "d"), ("p", "b"), ("g", "c'h"), ("gw", "w"),
                                           ("b", "v"), ("d", "z"), ("m", "v"))),
    *(Mutation("aspirate", r, m) for r, m in (("k", "c'h"), ("p", "f"), ("t", "z"))),
    *(Mutation("hard", r, m) for r, m in (("b", "p"), ("d", "t"), ("g", "k"), ("gw", "kw"))),
    *(Mutation("mixed", r, m) for r, m in (("b", "v"), ("d", "t"), ("g", "c'h"), ("gw", "w"), ("m", "v"))),
)

FIXED_WORDS: frozenset[str] = frozenset({
    # particles, pronouns and auxiliaries whose mutation neighbours are other frequent words,
    # in modern and older spellings
    "ba", "be", "bet", "bez", "bo", "da", "de", "dre", "gant", "gand", "get", "ged", "ket", "ked",
    "ma", "me", "met", "mes", "mez", "pa", "pe", "pez", "pezh", "ta", "te", "tre", "va", "ve", "vez",
    "vo", "war", "ze", "zo", "c'hoazh", "c'hoaz",
    # not words, but the shared "radical" of unrelated ones (pont <- bont -> vont)
    "bont",
})
"""Lowercased, folded words that are never demutated nor produced as a radical."""


def demutations() -> list[tuple[str, str]]:
    """(mutated initial, radical initial) pairs, each once, longest mutated initial first.

    A pair implied by a shorter one is dropped: ``kw`` -> ``gw`` is ``k`` -> ``g`` already.
    """
    pairs = sorted({(m.mutated, m.radical) for m in MUTATIONS}, key=lambda p: (-len(p[0]), p))
    kept = []
    for mutated, radical in pairs:
        implied = any(
            mutated.startswith(m2) and len(m2) < len(mutated) and r2 + mutated[len(m2):] == radical
            for m2, r2 in pairs
        )
        if not implied:
            kept.append((mutated, radical))
    return kept


@dataclass(frozen=True)
class SpellingRule:
    """A Java regular expression replaced in each token, and spellings that must then meet."""

    name: str
    pattern: str
    replacement: str
    examples: tuple[tuple[str, str], ...]  # (older spelling, modern spelling)
    why: str


SPELLING_RULES: tuple[SpellingRule, ...] = (
    SpellingRule("qu", "qu", "k", (("quer", "ker"), ("quement", "kement")),
                 "before Le Gonidec (1807) /k/ was written c, qu as in French"),
    SpellingRule("c", "c(?!'|h)", "k", (("caer", "kaer"), ("coms", "komz")),
                 "c for /k/ in old prints; c'h and ch are kept"),
    SpellingRule("gu", "^gu(?=[aeio])", "gw", (("guelas", "gwelas"), ("guerz", "gwerz")),
                 "Middle Breton gu- before a vowel is modern gw-"),
    SpellingRule("y", "y", "i", (("iaouank", "yaouank"), ("iez", "yezh"), ("ialc'h", "yalc'h")),
                 "the semi-vowel is i in Le Gonidec and KLT, y in modern spelling (and -iou/-you)"),
    SpellingRule("zh", "zh", "z", (("koz", "kozh"), ("Breiz", "Breizh"), ("lazet", "lazhet"), ("diouz", "diouzh")),
                 "zh (1941, KLT z + Vannetais h) is z in older spellings"),
    SpellingRule("w", "(?<=^g|^k|^c'h)o(?=[ae])|(?<=^c'h)ou(?=[aei])", "w",
                 (("goad", "gwad"), ("goaz", "gwaz"), ("c'houec'h", "c'hwec'h")),
                 "1846 writes o/ou for /w/ after g-, k-, c'h-"),
    SpellingRule("double", "([bdfgklmnprstvz])\\1", "$1",
                 (("ann", "an"), ("enn", "en"), ("oann", "oan"), ("vinn", "vin"), ("well", "wel")),
                 "Le Gonidec doubles final n and some consonants (ann heol, enn noz)"),
    SpellingRule("eo", "(?<=\\p{L})([ae])o$", "$1v", (("beo", "bev"), ("nao", "nav"), ("glao", "glav")),
                 "final -eo/-ao of 1846 is -ev/-av today"),
    SpellingRule("nasal", "(?<=\\p{L}{2})([ai])n$", "$1",
                 (("kana", "kanañ"), ("gantan", "gantañ"), ("digeri", "digeriñ")),
                 "old infinitives -a/-i are modern -añ/-iñ; KLT -an is -añ (folded to -an)"),
    SpellingRule("s", "(?<=\\p{L})s$", "z", (("braz", "bras"), ("lavaraz", "lavaras"), ("euz", "eus")),
                 "final -z of 1846 is often -s today"),
    SpellingRule("d", "(?<=\\p{L})d$", "t", (("gand", "gant"), ("evid", "evit"), ("mad", "mat"), ("ked", "ket")),
                 "final consonants: old spelling writes the voiced one"),
    SpellingRule("b", "(?<=\\p{L})b$", "p", (("heb", "hep"), ("peb", "pep")), "final b/p likewise"),
    SpellingRule("g", "(?<=\\p{L})g$", "k", (("brezonek", "brezhoneg"), ("pennadik", "pennadig")),
                 "final g/k likewise"),
    SpellingRule("articles", "^eu([nl])$", "u$1", (("eunn", "un"), ("eul", "ul")),
                 "KLT indefinite article eun/eul is un/ul since 1941 (eur is left alone: it is also 'hour')"),
    SpellingRule("ive", "^ive$", "ivez", (("ive", "ivez"),), "1846 ive 'also' is ivez"),
)
"""Applied in this order to each lowercased, folded token of the spelling field."""
