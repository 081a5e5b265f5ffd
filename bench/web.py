"""The reader site's weight and speed: bytes of a first visit, server time under load.

A first visit of home, a search results page and an item page in headless Chromium, with an
empty cache: compressed bytes per kind (HTML, CSS, JS, images; the item page also without its
tiles, as the target counts "before tiles"). Then server time percentiles with concurrent
clients on loopback, read from the ``Server-Timing`` header the app sets, beside the latency
the clients saw.

    python bench/web.py                 # builds a library of the shared samples first (~3 min)
    python bench/web.py --data DIR --base-url URL   # an existing library, served on that URL

Targets: home <= 100 KB and item page <= 300 KB before tiles; server p95 <= 30 ms for item
pages and <= 80 ms for search pages.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from playwright.sync_api import Response, sync_playwright

from heritage.model import ItemState
from heritage.status import item_status
from heritage.store import Store

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"
REDIS = os.environ.get("HERITAGE_BENCH_REDIS", "redis://127.0.0.1:6379/12")
CHROMIUM = "/usr/bin/chromium"
LIBRARY = {
    "Barzaz Breiz": ["barzaz-breiz-01", "barzaz-breiz-02", "barzaz-breiz-03", "barzaz-breiz-05"],
    "Keleier": ["keleier-bremaik"],
    "Imprimés français": ["real/nubis-1886", "real/montesquieu-1783", "real/voltaire-henriade-1728"],
}
QUERIES = ["eostik", "Arzhur", "kanaouenn", "brezhoneg", "roi", "amour", "gant an", "lune", "Bretagne", "nevez"]
CONCURRENCY = 8
REQUESTS = 400
KB = 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(data: Path, base_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "HERITAGE_DATA_DIR": str(data),
        "HERITAGE_REDIS_URL": REDIS,
        "HERITAGE_BASE_URL": base_url,
        "HERITAGE_QUEUE": f"bench-web-{os.getpid()}",
        "HERITAGE_INDEX": f"bench-web-{os.getpid()}",
        "OMP_THREAD_LIMIT": "1",
    }


def heritage(args: list[str], env: dict[str, str], **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "heritage.cli", *args], env=env, cwd=REPO, start_new_session=True, **kwargs
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def build_library(env: dict[str, str]) -> None:
    print("building a library of the shared samples with two workers...", flush=True)
    workers = heritage(["worker", "--count", "2"], env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ids = []
        for collection, names in LIBRARY.items():
            result = subprocess.run(
                [sys.executable, "-m", "heritage.cli", "ingest", "--collection", collection]
                + [str(SAMPLES / n) for n in names],
                env=env,
                cwd=REPO,
                capture_output=True,
                text=True,
                check=True,
            )
            ids += [line.split("\t")[0] for line in result.stdout.splitlines()]
        store = Store(Path(env["HERITAGE_DATA_DIR"]))
        done = (ItemState.PUBLISHED, ItemState.FAILED)
        while not all(item_status(store, store.load_item(i), 3600).state in done for i in ids):
            time.sleep(0.5)
    finally:
        stop(workers)


@contextmanager
def served(env: dict[str, str], port: int) -> Iterator[str]:
    server = heritage(["serve", "--port", str(port)], env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/healthz", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise SystemExit("the web server did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        stop(server)


def kind(response: Response) -> str:
    resource = response.request.resource_type
    if resource == "document":
        return "html"
    if resource == "stylesheet":
        return "css"
    if resource == "script":
        return "js"
    if resource == "image":
        return "tiles" if is_tile(response.url) else "images"
    return "other"


def is_tile(url: str) -> bool:
    """A tile names a pixel region; thumbnails and the static page image ask for ``full``."""
    return "/iiif/image/" in url and "/full/" not in url


def first_visit(url: str) -> dict[str, int]:
    """Compressed bytes (body + headers) by kind for one page loaded with an empty cache."""
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        browser = p.chromium.launch_persistent_context(
            profile,
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            viewport={"width": 1280, "height": 900},
        )
        page = browser.new_page()
        responses: list[Response] = []
        page.on("response", lambda response: responses.append(response))
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(1000)
        for response in responses:
            transfer = response.request.sizes()
            size = transfer["responseBodySize"] + transfer["responseHeadersSize"]
            sizes[kind(response)] = sizes.get(kind(response), 0) + size
        browser.close()
    return sizes


def weights(base: str, item_id: str, query: str) -> None:
    targets = {"home": (f"{base}/", 100), "search": (f"{base}/search?q={query}", None)}
    targets["item"] = (f"{base}/items/{item_id}", 300)
    print("first visit, compressed KB (body + headers), Chromium with an empty cache, 1280x900:")
    print(f"  {'page':8} {'html':>7} {'css':>7} {'js':>7} {'images':>7} {'other':>7} {'total':>8} {'tiles':>7}  target")
    for name, (url, target) in targets.items():
        sizes = first_visit(url)
        before_tiles = sum(v for k, v in sizes.items() if k != "tiles")
        verdict = (
            ""
            if target is None
            else f"<= {target} KB before tiles: {'PASS' if before_tiles <= target * KB else 'FAIL'}"
        )
        cells = " ".join(f"{sizes.get(k, 0) / KB:7.1f}" for k in ("html", "css", "js", "images", "other"))
        print(f"  {name:8} {cells} {before_tiles / KB:8.1f} {sizes.get('tiles', 0) / KB:7.1f}  {verdict}")


async def load(urls: list[str], requests: int = REQUESTS) -> tuple[list[float], list[float], int]:
    """Server and client milliseconds for ``requests`` requests, CONCURRENCY at a time."""
    server: list[float] = []
    client: list[float] = []
    errors = 0
    queue = [urls[i % len(urls)] for i in range(requests)][::-1]
    async with httpx.AsyncClient(timeout=30, headers={"accept-encoding": "gzip"}) as http:

        async def run() -> None:
            nonlocal errors
            while queue:
                url = queue.pop()
                start = time.perf_counter()
                response = await http.get(url)
                client.append((time.perf_counter() - start) * 1000)
                if response.status_code != 200:
                    errors += 1
                server.append(float(response.headers["server-timing"].split("dur=")[1]))

        await asyncio.gather(*(run() for _ in range(CONCURRENCY)))
    return server, client, errors


def percentile(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1]


def speeds(base: str, store: Store) -> None:
    items = [store.load_item(i) for i in store.item_ids() if store.manifest_path(i).exists()]
    pages = [f"{base}/items/{item.id}/{n}" for item in items for n in range(1, len(item.pages) + 1)]
    longest = max(items, key=lambda item: len(item.pages))
    in_item = [f"{base}/items/{longest.id}/{n}?q={q}" for q in QUERIES for n in (1, 2)]
    first_views = asyncio.run(load(pages, requests=len(pages)))  # each page once, caches cold
    groups = {
        "home": ([f"{base}/"], None),
        "collection": ([f"{base}/collections/barzaz-breiz"], None),
        "item": (pages, 30),
        "item+q": (in_item, 30),
        "search": ([f"{base}/search?q={q}" for q in QUERIES], 80),
    }
    print(f"server time under load: {REQUESTS} requests per page kind, {CONCURRENCY} concurrent clients, loopback")
    print(f"  {'page':10} {'p50':>7} {'p95':>7} {'p99':>7}   {'client p50':>10} {'p95':>7}  errors  target")
    report("item, 1st", first_views, 30)
    for name, (urls, target) in groups.items():
        asyncio.run(load(urls, requests=4 * len(urls)))  # warm: each URL a few times, so each process has it
        report(name, asyncio.run(load(urls)), target)


def report(name: str, measured: tuple[list[float], list[float], int], target: int | None) -> None:
    """One line of percentiles; ``item, 1st`` is every page's first view, before any cache."""
    server, client, errors = measured
    p95 = percentile(server, 95)
    verdict = "" if target is None else f"p95 <= {target} ms: {'PASS' if p95 <= target and not errors else 'FAIL'}"
    print(
        f"  {name:10} {percentile(server, 50):7.1f} {p95:7.1f} {percentile(server, 99):7.1f}   "
        f"{percentile(client, 50):10.1f} {percentile(client, 95):7.1f}  {errors:6}  {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, help="an existing data directory (default: build one)")
    parser.add_argument("--base-url", help="the HERITAGE_BASE_URL that library was built with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.data:
            base_url = args.base_url or "http://127.0.0.1:8000"
            env = {**os.environ, "HERITAGE_DATA_DIR": str(args.data), "HERITAGE_BASE_URL": base_url}
        else:
            base_url = f"http://127.0.0.1:{free_port()}"
            env = environment(Path(tmp) / "data", base_url)
            build_library(env)
        store = Store(Path(env["HERITAGE_DATA_DIR"]))
        with served(env, int(base_url.rsplit(":", 1)[1])) as base:
            items = [i for i in store.item_ids() if store.manifest_path(i).exists()]
            weights(base, items[0], QUERIES[0])
            speeds(base, store)
        if not args.data:
            httpx.delete(f"{env.get('HERITAGE_OPENSEARCH_URL', 'http://127.0.0.1:9200')}/{env['HERITAGE_INDEX']}-*")


if __name__ == "__main__":
    main()
