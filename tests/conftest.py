"""Fixtures on real services: Redis (own database, flushed around each test), OpenSearch, Tesseract.

A missing service fails the test that needs it, loudly: nothing here ever skips.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from redis import Redis
from starlette.testclient import TestClient

from heritage.config import Config
from heritage.model import ItemState
from heritage.status import item_status
from heritage.store import Store

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = SHARED / "samples"
SCHEMAS = SHARED / "schemas"
VALIDATION_IMAGE = SHARED / "iiif" / "validation-image.png"
REDIS_URL = os.environ.get("HERITAGE_TEST_REDIS", "redis://127.0.0.1:6379")
OPENSEARCH_URL = os.environ.get("HERITAGE_OPENSEARCH_URL", "http://127.0.0.1:9200")
TEST_DB = int(os.environ.get("HERITAGE_TEST_DB", "15"))  # per-test jobs; flushed around each test
LIBRARY_DB = int(os.environ.get("HERITAGE_TEST_LIBRARY_DB", "14"))  # the session-wide published library
"""Two test runs side by side on one Redis (say, two developers) each set their own pair."""
ARTIFACTS = REPO / "test-artifacts"
RUN_ID = uuid.uuid4().hex[:8]  # a per-run index name, so runs never see each other's documents


def pytest_sessionstart(session: pytest.Session) -> None:
    if not SAMPLES.is_dir():
        raise pytest.UsageError(f"the shared sample documents are missing: {SAMPLES}")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop this run's indices; a node that is down has nothing to drop."""
    with contextlib.suppress(httpx.HTTPError):
        httpx.delete(f"{OPENSEARCH_URL}/heritage-test-{RUN_ID}-*", timeout=30)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _require_redis(db: int) -> Redis:
    redis = Redis.from_url(f"{REDIS_URL}/{db}")
    try:
        redis.ping()
    except Exception as e:  # noqa: BLE001 - any failure to reach Redis is the same fact for the test
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({e}): run `make services`", pytrace=False)
    return redis


def environment(data_dir: Path, db: int, base_url: str) -> dict[str, str]:
    return {
        "HERITAGE_DATA_DIR": str(data_dir),
        "HERITAGE_REDIS_URL": f"{REDIS_URL}/{db}",
        "HERITAGE_BASE_URL": base_url,
        "HERITAGE_OPENSEARCH_URL": OPENSEARCH_URL,
        "HERITAGE_QUEUE": f"test-{RUN_ID}-{db}",
        "HERITAGE_INDEX": f"heritage-test-{RUN_ID}-{db}",
        "HERITAGE_JOB_RETRIES": "1",
        "OMP_THREAD_LIMIT": "1",
    }


@pytest.fixture
def redis() -> Iterator[Redis]:
    conn = _require_redis(TEST_DB)
    conn.flushdb()
    yield conn
    conn.flushdb()


@pytest.fixture
def env(tmp_path: Path, redis: Redis, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    values = environment(tmp_path / "data", TEST_DB, "http://127.0.0.1:8999")
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


@pytest.fixture
def config(env: dict[str, str]) -> Config:
    return Config.from_env()


@pytest.fixture
def store(config: Config) -> Store:
    return Store(config.data_dir).ensure()


def tree(root: Path) -> dict[str, int]:
    """Every file under root with its size: equal trees mean an untouched store."""
    return {str(p.relative_to(root)): p.stat().st_size for p in sorted(root.rglob("*")) if p.is_file()}


class LiveServer:
    def __init__(self, app: object, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test web server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)


def heritage_cli(args: list[str], env: dict[str, str], timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "heritage.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )


@contextlib.contextmanager
def running_workers(env: dict[str, str], count: int = 1) -> Iterator[subprocess.Popen[bytes]]:
    """Real `heritage worker` processes in their own session, stopped (group and all) afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", "heritage.cli", "worker", "--count", str(count)],
        env={**os.environ, **env},
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:  # a warm shutdown waits for jobs; do not hide why we stopped
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(30)


LIBRARY_SAMPLES = {
    "Barzaz Breiz": [
        "barzaz-breiz-01",
        "barzaz-breiz-02",
        "barzaz-breiz-03",
        "barzaz-breiz-03-worn",
        "barzaz-breiz-05",
    ],
    "Keleier": ["keleier-bremaik"],
    "Imprimés français": [
        f"real/{name}"
        for name in (
            "montesquieu-1783",
            "nubis-1840",
            "nubis-1886",
            "nubis-1941",
            "typescript-rapport-1984",
            "voltaire-henriade-1728",
        )
    ],
}


class Library:
    """Every shared sample ingested through the real CLI, processed by two real workers, served."""

    def __init__(self, data_dir: Path, env: dict[str, str], server: LiveServer, items: dict[str, str]) -> None:
        self.data_dir = data_dir
        self.env = env
        self.server = server
        self.items = items  # sample name -> item id
        self.store = Store(data_dir)

    @property
    def url(self) -> str:
        return self.server.url


@pytest.fixture(scope="session")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    from heritage.web.app import create_app

    redis = _require_redis(LIBRARY_DB)
    redis.flushdb()
    data_dir = tmp_path_factory.mktemp("library") / "data"
    port = free_port()
    lib_env = environment(data_dir, LIBRARY_DB, f"http://127.0.0.1:{port}")
    images_dir = tmp_path_factory.mktemp("validation")
    shutil.copy(VALIDATION_IMAGE, images_dir / "validation-image.png")
    items: dict[str, str] = {}
    with running_workers(lib_env, count=2):
        for collection, names in LIBRARY_SAMPLES.items():
            paths = [str(SAMPLES / name) for name in names]
            result = heritage_cli(["ingest", "--collection", collection, *paths], lib_env)
            assert result.returncode == 0, result.stderr
            for name, line in zip(names, result.stdout.splitlines(), strict=True):
                items[name] = line.split("\t")[0]
        result = heritage_cli(["ingest", str(images_dir / "validation-image.png")], lib_env)
        assert result.returncode == 0, result.stderr
        items["validation-image"] = result.stdout.split("\t")[0]
        wait_until_settled(Store(data_dir), items.values(), timeout=1800)
    app = create_app(Config.from_env(lib_env))
    with LiveServer(app, port) as server:
        yield Library(data_dir, lib_env, server, items)
    redis.flushdb()


def wait_until_settled(store: Store, item_ids: Iterable[str], timeout: float) -> None:
    """Poll the store until every item is published or failed, as `ingest --wait` does."""
    ids = list(item_ids)
    deadline = time.monotonic() + timeout
    while True:
        states = [item_status(store, store.load_item(i), stall_after=3600).state for i in ids]
        if all(s in (ItemState.PUBLISHED, ItemState.FAILED) for s in states):
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"items still processing after {timeout} s: {states}")
        time.sleep(0.5)


def get(url: str, headers: dict[str, str] | None = None, **kwargs: object) -> httpx.Response:
    """A GET as an English-speaking browser makes it, so assertions can quote the English text."""
    return httpx.get(url, timeout=30, headers={"accept-language": "en", **(headers or {})}, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def web(config: Config) -> Iterator[TestClient]:
    """The application in-process on this test's store, Redis database and index, logged out."""
    from heritage.web.app import create_app

    with TestClient(create_app(config), base_url=config.base_url, follow_redirects=False) as client:
        yield client


@pytest.fixture
def archivist(web: TestClient, store: Store) -> TestClient:
    """``web`` logged in as the archivist "anna"; ``archivist.csrf`` is the session's token."""
    from tests.workspace import add_user, log_in

    web.csrf = log_in(web, add_user(store))  # type: ignore[attr-defined]
    return web
