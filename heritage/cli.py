"""The `heritage` command: ingest, watch, worker, serve, status, rerun, rebuild, publish, user.

Expected failures (HeritageError) become one clear line on stderr and the error's exit code;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import getpass
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from redis import Redis
from tqdm import tqdm

from heritage import audit, enqueue, jobs, pipeline
from heritage.accounts import Accounts, Role
from heritage.config import Config
from heritage.errors import HeritageError, InvalidInputError, JobFailedError, NotFoundError, ServiceUnavailableError
from heritage.ingest import watch
from heritage.ingest.items import ingest, plan
from heritage.model import Item, ItemState, Stage, StageState, StageStatus
from heritage.search.client import connect
from heritage.search.index import reindex
from heritage.status import ItemStatus, item_status
from heritage.store import Store, now

POLL_SECONDS = 0.5


def _stall_after(config: Config) -> float:
    return config.job_timeout + 60.0


def _ingest_path(config: Config, store: Store, path: Path, collection: str, redis: Redis, draft: bool = False) -> Item:
    """Validate and store one PATH, then queue its jobs: what both `ingest` and `watch` do."""
    ingest_plan = plan(path)
    item = ingest(store, ingest_plan, collection, config.max_pixels, config.max_file_bytes, draft=draft)
    if ingest_plan.skipped:
        print(f"  {path}: left out {len(ingest_plan.skipped)} files that are not page images", file=sys.stderr)
    jobs.enqueue_item(config, store, item, redis)
    return item


def cmd_ingest(args: argparse.Namespace, config: Config, store: Store) -> int:
    redis = jobs.connect(config)
    items: list[Item] = []
    refused = 0
    for raw in args.paths:
        path = Path(raw)
        try:
            item = _ingest_path(config, store, path, args.collection or "", redis, draft=args.draft)
        except (InvalidInputError, NotFoundError) as e:
            print(f"heritage: refused {path}: {e}", file=sys.stderr)
            refused += 1
            continue
        print(f"{item.id}\t{len(item.pages)} pages\t{item.metadata.title}")
        items.append(item)
    if args.wait and items:
        _wait(config, store, items)
    return InvalidInputError.exit_code if refused else 0


def cmd_watch(args: argparse.Namespace, config: Config, store: Store) -> int:
    inbox = Path(args.inbox) if args.inbox else config.inbox
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):  # finish the entry in hand, then exit cleanly
        signal.signal(signum, lambda *_: stop.set())
    inbox.mkdir(parents=True, exist_ok=True)

    def ingest_one(path: Path) -> Item:
        return _ingest_path(config, store, path, args.collection or "", jobs.connect(config))

    def report(result: watch.Result) -> None:
        stream = sys.stdout if result.outcome is watch.Outcome.DONE else sys.stderr
        print(f"{result.outcome.value} {result.name}: {result.message}", file=stream, flush=True)

    if not args.once:
        print(f"watching {inbox} every {args.interval:g} s (Ctrl-C to stop)", file=sys.stderr, flush=True)
    while not stop.is_set():
        results = watch.watch_pass(inbox, ingest_one, args.interval, stop.wait, report, stop.is_set)
        if args.once:
            outcomes = {r.outcome for r in results}
            if watch.Outcome.WAITING in outcomes:
                return ServiceUnavailableError.exit_code
            return InvalidInputError.exit_code if watch.Outcome.FAILED in outcomes else 0
    return 0


def _wait(config: Config, store: Store, items: Sequence[Item]) -> None:
    """Show one progress bar until every item is published or failed; fail loudly if any failed."""
    total = sum(len(item.pages) * len(Stage) + 1 for item in items)
    with tqdm(total=total, unit="step", desc="processing", file=sys.stderr) as bar:
        while True:
            statuses = [item_status(store, item, _stall_after(config)) for item in items]
            bar.n = sum(s.done_units for s in statuses)
            bar.refresh()
            if all(s.state in (ItemState.PUBLISHED, ItemState.FAILED) for s in statuses):
                break
            time.sleep(POLL_SECONDS)
    failed = [s for s in statuses if s.state is ItemState.FAILED]
    if failed:
        lines = [f"{s.item.id}: {error}" for s in failed for error in s.errors]
        raise JobFailedError(f"{len(failed)} of {len(items)} items failed:\n  " + "\n  ".join(lines))
    for s in statuses:
        if store.is_draft(s.item.id):
            print(f"ready {s.item.id}: a draft, seen by archivists only; `heritage publish {s.item.id}` shows it")
        else:
            print(f"published {s.item.id}: {config.base_url}/iiif/{s.item.id}/manifest.json")


def _print_item_line(status: ItemStatus, draft: bool) -> None:
    title = status.item.metadata.title
    visibility = "draft" if draft else "public"
    print(f"{status.item.id}\t{status.state.value}\t{status.done_units}/{status.total_units}\t{visibility}\t{title}")


def cmd_status(args: argparse.Namespace, config: Config, store: Store) -> int:
    if not args.item:
        for item_id in store.item_ids():
            status = item_status(store, store.load_item(item_id), _stall_after(config))
            _print_item_line(status, store.is_draft(item_id))
        return 0
    status = item_status(store, store.load_item(args.item), _stall_after(config))
    _print_item_line(status, store.is_draft(args.item))
    for page in status.pages:
        stages = " ".join(f"{stage.value}={s.state.value}" for stage, s in page.stages.items())
        print(f"  page {page.number}\t{page.page_id}\t{page.state}\t{stages}")
        for error in page.errors:
            print(f"    {error}")
    print(f"  publish\t{status.publish.state.value}\t{status.publish.error}")
    return 0


def _requeue(args: argparse.Namespace, config: Config, store: Store, force: bool) -> int:
    redis = jobs.connect(config)
    item_ids = args.items or store.item_ids()
    items = [store.load_item(item_id) for item_id in item_ids]
    for item in items:
        if force:
            for page in item.pages:
                for stage in Stage:
                    store.set_stage_status(item.id, page.id, stage, StageStatus(StageState.QUEUED, updated=now()))
        jobs.enqueue_item(config, store, item, redis)
        print(f"queued {item.id}")
    if args.wait and items:
        _wait(config, store, items)
    return 0


def cmd_rerun(args: argparse.Namespace, config: Config, store: Store) -> int:
    for item_id in enqueue.queue_pending(config, store):
        print(f"queued {item_id} (stored while the job queue was down)")
    return _requeue(args, config, store, force=False)


def cmd_rebuild(args: argparse.Namespace, config: Config, store: Store) -> int:
    return _requeue(args, config, store, force=True)


def cmd_withdraw(args: argparse.Namespace, config: Config, store: Store) -> int:
    for item_id in args.items:
        pipeline.withdraw(store, config, item_id)
        print(f"withdrew {item_id}: off the site and out of search; its masters are kept")
    return 0


def cmd_publish(args: argparse.Namespace, config: Config, store: Store) -> int:
    for item_id in args.items:
        pipeline.make_public(store, config, item_id)
        audit.record(store, "cli", "publish", item_id)
        print(f"published {item_id}" if store.manifest_path(item_id).exists() else f"{item_id}: public once processed")
    return 0


def cmd_unpublish(args: argparse.Namespace, config: Config, store: Store) -> int:
    for item_id in args.items:
        pipeline.make_draft(store, config, item_id)
        audit.record(store, "cli", "unpublish", item_id)
        print(f"{item_id} is a draft again: archivists still see it, the public does not")
    return 0


def _new_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    password = getpass.getpass("password: ")
    if getpass.getpass("again: ") != password:
        raise InvalidInputError("the two passwords differ")
    return password


def cmd_user(args: argparse.Namespace, config: Config, store: Store) -> int:
    users = Accounts(store)
    if args.action == "list":
        for user in users.users():
            print(f"{user.username}\t{user.role.value}\t{user.name}\t{user.created}")
        return 0
    if not args.username:
        raise InvalidInputError(f"`heritage user {args.action}` needs a USERNAME")
    if args.action == "add":
        role = Role.ADMIN if args.admin else Role.ARCHIVIST
        user = users.add_user(args.username, _new_password(args), role, args.name or "")
        audit.record(store, "cli", "add user", user.username, role.value)
        print(f"created {user.role.value} {user.username}")
    elif args.action == "password":
        users.set_password(args.username, _new_password(args))
        audit.record(store, "cli", "set password", args.username)
        print(f"new password for {args.username}; their sessions were ended")
    return 0


def cmd_reindex(args: argparse.Namespace, config: Config, store: Store) -> int:
    client = connect(config.opensearch_url)
    name = reindex(client, config.index, pipeline.search_documents(store))
    print(f"the alias {config.index!r} now serves {name}, rebuilt from {len(pipeline.published_items(store))} items")
    return 0


def cmd_worker(args: argparse.Namespace, config: Config, store: Store) -> int:
    enqueue.queue_pending(config, store)  # items stored while Redis was down
    jobs.run_workers(config, args.count or config.workers, burst=args.burst)
    return 0


def cmd_serve(args: argparse.Namespace, config: Config, store: Store) -> int:
    import uvicorn

    uvicorn.run(
        "heritage.web.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.processes or config.web_processes,
        log_level="info",
    )
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="heritage", description="Digital heritage library for Breton documents.")
    sub = p.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="store item folders or image files and queue their processing")
    ing.add_argument(
        "paths", nargs="+", metavar="PATH", help="an item folder (page images + metadata.json) or an image"
    )
    ing.add_argument("--collection", metavar="NAME", help="put the items in this collection (created if new)")
    ing.add_argument("--wait", action="store_true", help="show progress until published; non-zero exit on failure")
    ing.add_argument("--draft", action="store_true", help="keep the items as drafts, hidden until `heritage publish`")
    ing.set_defaults(func=cmd_ingest)

    wt = sub.add_parser("watch", help="ingest item folders and images dropped into the inbox once they stop changing")
    wt.add_argument("inbox", nargs="?", metavar="INBOX", help="the hot folder (default: HERITAGE_INBOX)")
    wt.add_argument("--interval", type=float, default=5.0, metavar="S", help="seconds between two scans (default 5)")
    wt.add_argument("--collection", metavar="NAME", help="put the items in this collection (created if new)")
    wt.add_argument("--once", action="store_true", help="one pass (two scans, then ingest), then exit")
    wt.set_defaults(func=cmd_watch)

    st = sub.add_parser("status", help="where every item, or every page of ITEM, stands")
    st.add_argument("item", nargs="?", metavar="ITEM")
    st.set_defaults(func=cmd_status)

    for name, func, text in (
        ("rerun", cmd_rerun, "queue again what is not done (failed or interrupted pages)"),
        ("rebuild", cmd_rebuild, "rebuild every derivative (OCR, tiles, manifests) from the masters"),
    ):
        r = sub.add_parser(name, help=text)
        r.add_argument("items", nargs="*", metavar="ITEM", help="items to process (default: all)")
        r.add_argument("--wait", action="store_true", help="show progress until done")
        r.set_defaults(func=func)

    wd = sub.add_parser("withdraw", help="take items off the public site and out of search (masters are kept)")
    wd.add_argument("items", nargs="+", metavar="ITEM")
    wd.set_defaults(func=cmd_withdraw)

    for name, func, text in (
        ("publish", cmd_publish, "show draft items to the public (as soon as they are processed)"),
        ("unpublish", cmd_unpublish, "make items drafts again: hidden from the public, kept for archivists"),
    ):
        pb = sub.add_parser(name, help=text)
        pb.add_argument("items", nargs="+", metavar="ITEM")
        pb.set_defaults(func=func)

    us = sub.add_parser("user", help="archivist and administrator accounts")
    us.add_argument("action", choices=("add", "list", "password"))
    us.add_argument("username", nargs="?", metavar="USERNAME")
    us.add_argument("--admin", action="store_true", help="an administrator (manages accounts, empties the trash)")
    us.add_argument("--name", metavar="NAME", help="the name shown in the workspace and the audit log")
    us.add_argument("--password-stdin", action="store_true", help="read the password from one line of stdin")
    us.set_defaults(func=cmd_user)

    ri = sub.add_parser("reindex", help="rebuild the search index from the store, then switch the alias to it")
    ri.set_defaults(func=cmd_reindex)

    w = sub.add_parser("worker", help="run RQ workers (one per core by default)")
    w.add_argument("--count", type=int, default=0, help="number of worker processes (default HERITAGE_WORKERS)")
    w.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    w.set_defaults(func=cmd_worker)

    s = sub.add_parser("serve", help="run the web server")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--processes", type=int, default=0, help="web server processes (default: HERITAGE_WEB_PROCESSES)")
    s.set_defaults(func=cmd_serve)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        config = Config.from_env()
        store = Store(config.data_dir).ensure()
        return int(args.func(args, config, store))
    except HeritageError as e:
        print(f"heritage: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `heritage status | head`
        return 0


if __name__ == "__main__":
    sys.exit(main())
