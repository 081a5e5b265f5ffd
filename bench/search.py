"""Search at library scale: bulk indexing throughput and query latency on 100,000 pages.

The corpus is made of the real sample text recombined: Breton lines of the Barzaz Breiz (1846
spelling) for items dated before 1900, Keleier and UD Breton-KEB sentences (modern spelling)
after, French lines from the translations beside them, each word with a plausible box. Items
of 20-200 pages get a collection, a date, a type and a licence. The pages go in through
``reindex`` (the production bulk path) into an alias of their own, deleted at the end.

Queries mix single words (common and rare, Breton and French), phrases taken from the text,
radicals whose mutated forms must be found, and filtered searches; every one asks for the four
facets and highlights, 20 hits a page, as the site does. Latency is measured in this process
around ``heritage.search.search`` (request building, HTTP, response parsing, snippets, boxes),
once the merges that follow the bulk load are done.

The machine may be shared with other work: the bench prints load averages, and the CPU time
per page of this process and of the node (from the node's own statistics), hence what two
free cores would sustain.

    .venv/bin/python bench/search.py [--pages 100000] [--queries 600]

Targets on a 2-core machine: indexing at least 500 pages/s, p95 at most 50 ms.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from lxml import etree

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = SHARED / "samples"
sys.path.insert(0, str(REPO))

from heritage.model import DublinCore, Item, Page  # noqa: E402
from heritage.search import (  # noqa: E402
    Filters,
    SearchRequest,
    connect,
    drop_index,
    item_documents,
    reindex,
    search,
    search_item,
    suggest_terms,
)

COLLECTIONS = ("barzaz-breiz", "kanaouennou", "keleier", "levriou-kozh", "gwerziou", "imprimes")
RIGHTS = (
    "http://creativecommons.org/publicdomain/mark/1.0/",
    "http://creativecommons.org/licenses/by-sa/4.0/",
    "http://rightsstatements.org/vocab/InC/1.0/",
)
MUTATION_QUERIES = (
    "tad",
    "breur",
    "mamm",
    "kador",
    "bro",
    "penn",
    "gwin",
    "kalon",
    "bugel",
    "tro",
    "karr",
    "merc'h",
    "kêr",
    "gwele",
    "dor",
    "beg",
)


class BenchWord(NamedTuple):
    """A word as ``parse_words`` gives it; a tuple of strings and numbers, which the garbage
    collector stops tracking, so the cache of placed lines costs no collection time."""

    text: str
    x: int
    y: int
    w: int
    h: int
    lang: str | None
    line_id: str
    block_id: str


def alto_lines(path: Path) -> Iterator[tuple[str, list[str]]]:
    root = etree.parse(str(path)).getroot()
    ns = {"a": root.nsmap[None]}
    for line in root.iterfind(".//a:TextLine", ns):
        words = [s.get("CONTENT", "") for s in line.iterfind("a:String", ns)]
        if line.get("LANG") in ("br", "fr") and words:
            yield line.get("LANG", ""), words


def wrapped(sentence: str, width: int = 7) -> list[tuple[str, ...]]:
    words = sentence.split()
    return [tuple(words[i : i + width]) for i in range(0, len(words), width)]


def line_pools() -> dict[str, list[tuple[str, ...]]]:
    """Lines of text by kind: 1846 Breton, modern Breton, French."""
    pools: dict[str, list[tuple[str, ...]]] = {"br-1846": [], "br": [], "fr": []}
    for folder in ("barzaz-breiz-01", "barzaz-breiz-02", "barzaz-breiz-03", "barzaz-breiz-05", "keleier-bremaik"):
        for path in sorted((SAMPLES / folder).glob("*.gt.alto.xml")):
            for lang, words in alto_lines(path):
                kind = "br-1846" if lang == "br" and folder.startswith("barzaz") else lang
                pools[kind].append(tuple(words))
    with (SHARED / "corpora" / "ud-breton-keb" / "sentences.tsv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            pools["br"].extend(wrapped(row["text"]))
            pools["fr"].extend(wrapped(row.get("text[fra]") or ""))
    return {k: [line for line in v if line] for k, v in pools.items()}


@cache
def placed_line(words: tuple[str, ...], lang: str, row: int, left: int, block: int) -> tuple[BenchWord, ...]:
    """A line of words with boxes, as on a 400 dpi octavo page; cached, pages share lines."""
    placed, x = [], left
    for text in words:
        w = 22 * len(text) + 10
        placed.append(BenchWord(text, x, 220 + 78 * row, w, 52, lang, f"b{block}l{row}", f"b{block}"))
        x += w + 18
    return tuple(placed)


def page_words(rng: random.Random, pools: dict[str, list[tuple[str, ...]]], old: bool, layout: str) -> list[BenchWord]:
    """About 300 words in one or two columns."""
    breton = "br-1846" if old else "br"
    columns = {
        "bilingual": [(breton, "br", 160), ("fr", "fr", 1250)],
        "breton": [(breton, "br", 160)],
        "french": [("fr", "fr", 160)],
    }[layout]
    words: list[BenchWord] = []
    for block, (pool, lang, left) in enumerate(columns):
        for row in range(38 if len(columns) == 2 else 44):
            words.extend(placed_line(rng.choice(pools[pool]), lang, row, left, block))
    return words


def corpus(pages: int, seed: int = 1846) -> Iterator[tuple[Item, dict[str, list[BenchWord]]]]:
    rng = random.Random(seed)
    pools = line_pools()
    made = 0
    while made < pages:
        count = min(pages - made, rng.randint(20, 200))
        year = rng.randint(1700, 2020)
        layout = rng.choices(("bilingual", "breton", "french"), (5, 3, 2))[0]
        item_pages = [Page(f"p{made + n:07d}", "p.jpg", 0, "", "JPEG", 2400, 3600, "p.jpg") for n in range(count)]
        metadata = DublinCore(
            title=" ".join(rng.choice(pools["br"])),
            creator=[rng.choice(("Anonymous", "Yann ar Floc'h", "Théodore Hersart de La Villemarqué"))],
            date=str(year),
            language={"bilingual": ["br", "fr"], "breton": ["br"], "french": ["fr"]}[layout],
            type=rng.choices(("Text", "Image", "Sound"), (8, 1, 1))[0],
            rights=rng.choice(RIGHTS),
        )
        item = Item(f"i{made:07d}", metadata, item_pages, collection=rng.choice(COLLECTIONS))
        yield item, {p.id: page_words(rng, pools, year < 1900, layout) for p in item_pages}
        made += count


def queries(n: int, pools: dict[str, list[tuple[str, ...]]], seed: int = 1941) -> list[tuple[str, SearchRequest]]:
    rng = random.Random(seed)
    counts = Counter(w.strip(".,;:!?«»()").lower() for pool in pools.values() for line in pool for w in line)
    vocabulary = [w for w, _ in counts.most_common() if len(w) > 2 and w.isalpha()]
    common, rare = vocabulary[:200], vocabulary[200:]
    made: list[tuple[str, SearchRequest]] = []
    while len(made) < n:
        kind = rng.choice(("word", "rare word", "two words", "phrase", "mutation", "filtered"))
        if kind == "word":
            q = rng.choice(common)
        elif kind == "rare word":
            q = rng.choice(rare)
        elif kind == "two words":
            q = f"{rng.choice(common)} {rng.choice(rare)}"
        elif kind == "phrase":
            line = [w for w in rng.choice(rng.choice(list(pools.values()))) if any(c.isalpha() for c in w)]
            if len(line) < 2:
                continue
            start = rng.randrange(len(line) - 1)
            q = '"' + " ".join(line[start : start + rng.randint(2, 3)]) + '"'
        elif kind == "mutation":
            q = rng.choice(MUTATION_QUERIES)
        else:
            q = rng.choice(common + rare[:2000])
            year = rng.randint(1700, 1990)
            filters = Filters(
                collection=(rng.choice(COLLECTIONS),),
                year_from=year,
                year_to=year + 30,
                language=(rng.choice(("br", "fr")),),
            )
            made.append((kind, SearchRequest(q=q, filters=filters)))
            continue
        made.append((kind, SearchRequest(q=q)))
    return made


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def summary(values: list[float]) -> str:
    return (
        f"p50 {percentile(values, 50):6.1f} ms  p95 {percentile(values, 95):6.1f} ms  "
        f"p99 {percentile(values, 99):6.1f} ms  (n={len(values)})"
    )


def index_stats(client: Any, alias: str) -> str:
    stats = client.indices.stats(index=alias, metric="store,docs")["_all"]["primaries"]
    return f"{stats['docs']['count']:,} documents, {stats['store']['size_in_bytes'] / 2**20:,.0f} MiB on disk"


def node_cpu_seconds(client: Any) -> float:
    """CPU time the OpenSearch process has used, from its own statistics."""
    nodes = client.nodes.stats(metric="process")["nodes"]
    return sum(n["process"]["cpu"]["total_in_millis"] for n in nodes.values()) / 1000


def load() -> str:
    return "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def measure_indexing(client: Any, alias: str, pages: int, item_ids: list[str]) -> None:
    """Index the corpus through ``reindex``; wall time, and CPU of this process and of the node.

    The machine may be shared: CPU per page says what two free cores would sustain.
    """

    def documents() -> Iterator[tuple[str, dict[str, Any]]]:
        for item, words in corpus(pages):
            item_ids.append(item.id)
            yield from item_documents(item, words)

    print(f"indexing {pages:,} pages ({load()})")
    node0, own0, started = node_cpu_seconds(client), time.process_time(), time.perf_counter()
    reindex(client, alias, documents())
    seconds = time.perf_counter() - started
    node_ms = (node_cpu_seconds(client) - node0) * 1000 / pages
    own_ms = (time.process_time() - own0) * 1000 / pages
    rate = pages / seconds
    verdict = "PASS" if rate >= 500 else "FAIL"
    print(
        f"bulk indexing (documents built, sent in bulk, refreshed): {rate:,.0f} pages/s in {seconds:.0f} s "
        f"(target >= 500: {verdict}); {index_stats(client, alias)}"
    )
    print(
        f"  CPU per page: {own_ms:.2f} ms here (corpus, documents, JSON, HTTP), {node_ms:.2f} ms in OpenSearch; "
        f"two free cores would sustain about {2000 / (own_ms + node_ms):,.0f} pages/s ({load()})"
    )


def wait_for_merges(client: Any, alias: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        merges = client.indices.stats(index=alias, metric="merge")["_all"]["primaries"]["merges"]["current"]
        if not merges:
            return
        time.sleep(2)


def measure_queries(client: Any, alias: str, count: int, item_ids: list[str]) -> None:
    wait_for_merges(client, alias)
    workload = queries(count, line_pools())
    for _, request in workload[:50]:  # warm caches, as a running site has them
        search(client, alias, request)
    print(f"querying ({load()})")
    by_kind: dict[str, list[float]] = {}
    totals: list[int] = []
    for kind, request in workload:
        t0 = time.perf_counter()
        result = search(client, alias, request)
        by_kind.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
        totals.append(result.total)
    everything = [v for values in by_kind.values() for v in values]
    for kind, values in sorted(by_kind.items()):
        print(f"  {kind:10s} {summary(values)}")
    verdict = "PASS" if percentile(everything, 95) <= 50 else "FAIL"
    print(
        f"site search, facets + highlights, 20 hits: {summary(everything)} (target p95 <= 50 ms: {verdict}); "
        f"median hits {statistics.median(totals):,.0f}"
    )

    item_times: list[float] = []
    suggest_times: list[float] = []
    item_suggest_times: list[float] = []
    rng = random.Random(7)

    def timed(times: list[float], call: Callable[[], object]) -> None:
        t0 = time.perf_counter()
        call()
        times.append((time.perf_counter() - t0) * 1000)

    for _ in range(100):
        item_id, prefix = rng.choice(item_ids), rng.choice(("ka", "bre", "c'ho", "gw", "lav", "ch", "mor", "z"))
        word = rng.choice(MUTATION_QUERIES)
        timed(item_times, lambda: search_item(client, alias, item_id, word))  # noqa: B023 - called at once
        timed(suggest_times, lambda: suggest_terms(client, alias, prefix))  # noqa: B023
        timed(item_suggest_times, lambda: suggest_terms(client, alias, prefix, item_id=item_id))  # noqa: B023
    print(f"search within an item (up to 100 pages): {summary(item_times)}")
    print(f"suggest, whole library:                  {summary(suggest_times)}")
    print(f"suggest, within an item:                 {summary(item_suggest_times)} ({load()})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=600)
    parser.add_argument("--url", default=os.environ.get("HERITAGE_OPENSEARCH_URL", "http://127.0.0.1:9200"))
    args = parser.parse_args()
    client = connect(args.url, timeout=120)
    alias = f"heritage-bench-{uuid.uuid4().hex[:8]}"
    item_ids: list[str] = []
    try:
        print(f"corpus: {args.pages:,} pages recombined from {sum(map(len, line_pools().values())):,} sample lines")
        measure_indexing(client, alias, args.pages, item_ids)
        measure_queries(client, alias, args.queries, item_ids)
    finally:
        drop_index(client, alias)


if __name__ == "__main__":
    main()
