"""How fast `write_tiles` is next to libvips `dzsave(layout="iiif3")` and next to its own floor.

The floor ("bound") is decoding the master once plus encoding every tile's pixels once, to memory:
anything above it is our overhead (reducing levels, cropping, writing files, the full sizes).
Each measurement runs in its own subprocess, so its peak resident memory is its own; the times
shown are the best of a few interleaved runs, because other work on the machine only ever adds
time, and each ratio is the median of the ratios of runs made one after the other (`paired`).
Outputs go to RAM (/dev/shm) unless BENCH_TMP names a directory: a disk's metadata latency (three
directories per tile) swings by 10x here and would drown the difference between the two tilers.

    .venv/bin/python bench/tiling.py [--repeat N] [--threads N]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from heritage.config import Config  # noqa: E402

SHARED = REPO.parent / "shared"
SAMPLES = SHARED / "samples"
TILE_SIZE = 512
SCRATCH = os.environ.get("BENCH_TMP") or ("/dev/shm" if os.path.isdir("/dev/shm") else None)
GENERATED = {"generated-7000x5000.jpg": (7000, 5000), "generated-20000x15000.jpg": (20000, 15000)}


def real_scans() -> list[Path]:
    return [
        SAMPLES / "barzaz-breiz-01" / "0001.jpg",
        *sorted((SAMPLES / "real" / "voltaire-henriade-1728").glob("*.tif"))[:1],
        SAMPLES / "real" / "nubis-1840" / "1msc_1840_1.jpg",
    ]


def generate(directory: Path) -> list[Path]:
    """Large JPEG masters with a real scan's texture (paper, ink), not a smooth synthetic gradient."""
    import pyvips

    scan = pyvips.Image.new_from_file(str(SAMPLES / "barzaz-breiz-01" / "0001.jpg"))
    paths = []
    for name, (width, height) in GENERATED.items():
        across, down = -(-width // scan.width), -(-height // scan.height)
        path = directory / name
        scan.replicate(across, down).crop(0, 0, width, height).jpegsave(str(path), Q=90)
        paths.append(path)
    return paths


class Clock:
    """Wall and CPU time (user + system, every thread: the work a busy worker pays for) of a span."""

    def __init__(self) -> None:
        self.seconds = self.cpu = 0.0

    def __enter__(self) -> Clock:
        self._wall, self._cpu = time.perf_counter(), cpu_seconds()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds += time.perf_counter() - self._wall
        self.cpu += cpu_seconds() - self._cpu


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_ours(master: Path, out: Path, threads: int) -> Clock:
    from PIL import Image

    from heritage.iiif.tiles import write_tiles

    Image.init()  # plugin imports are paid once per worker process, not per page
    out.mkdir()
    with Clock() as clock:
        write_tiles(master, out, "http://127.0.0.1/iiif/image/bench", TILE_SIZE, threads=threads)
    return clock


def run_vips(master: Path, out: Path) -> Clock:
    import pyvips

    from heritage.iiif.tiles import JPEG_QUALITY

    with Clock() as clock:
        image = pyvips.Image.new_from_file(str(master), access="sequential")
        image.dzsave(str(out), layout="iiif3", tile_size=TILE_SIZE, suffix=f".jpg[Q={JPEG_QUALITY}]", id="http://x")
    return clock


def run_bound(master: Path) -> Clock:
    """Decode once, then encode each tile of every level once into memory; levels are made untimed."""
    from PIL import Image

    from heritage.iiif.tile_geometry import level_tiles, scale_factors
    from heritage.iiif.tiles import JPEG_QUALITY

    Image.init()
    Image.MAX_IMAGE_PIXELS = None
    clock = Clock()
    with clock, Image.open(master) as opened:
        opened.load()
    image = opened if opened.mode in ("L", "RGB") else opened.convert("L" if opened.mode == "1" else "RGB")
    width, height = image.size
    for scale in scale_factors(width, height, TILE_SIZE):
        image = image if scale == 1 else image.reduce(2)
        for tile in level_tiles(width, height, TILE_SIZE, scale):
            crop = image.crop(tile.box)
            with clock:
                crop.save(io.BytesIO(), "JPEG", quality=JPEG_QUALITY)
    return clock


def child(kind: str, master: Path, threads: int) -> None:
    with tempfile.TemporaryDirectory(dir=SCRATCH) as tmp:
        out = Path(tmp) / "service"
        if kind == "ours":
            clock = run_ours(master, out, threads)
        elif kind == "vips":
            clock = run_vips(master, out)
        else:
            clock = run_bound(master)
    print(json.dumps({"seconds": clock.seconds, "cpu": clock.cpu, "peak_mib": peak_mib()}))


def peak_mib() -> float:
    """This process's own high-water mark (ru_maxrss would include the parent's, inherited at fork)."""
    status = Path("/proc/self/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def measure(kind: str, master: Path, threads: int = 1, env: dict[str, str] | None = None) -> dict[str, float]:
    command = [sys.executable, __file__, "--child", kind, str(master), "--threads", str(threads)]
    result = subprocess.run(command, capture_output=True, text=True, check=True, env={**os.environ, **(env or {})})
    return json.loads(result.stdout.splitlines()[-1])


def best(runs: list[dict[str, float]]) -> dict[str, float]:
    return {
        "seconds": min(r["seconds"] for r in runs),
        "cpu": min(r["cpu"] for r in runs),
        "peak_mib": max(r["peak_mib"] for r in runs),
    }


def paired(ours: list[dict[str, float]], other: list[dict[str, float]], key: str) -> float:
    """The median of the ratios of runs made one after the other: a slow minute of the host, which
    here swings times by a fifth, then weighs on both sides of a ratio alike."""
    return statistics.median(a[key] / b[key] for a, b in zip(ours, other, strict=True))


HEADER = (
    f"{'master':30} {'MP':>6} {'ours s':>7} {'cpu s':>6} {'vips s':>7} {'cpu s':>6} {'ours/vips':>9} {'cpu':>5} "
    f"{'vips1 s':>7} {'bound s':>7} {'ours/bound':>10} {'cpu':>5} {'ms/MP':>6} {'ours MiB':>8} {'vips MiB':>8}"
)


def line(name: str, megapixels: float, runs: dict[str, list[dict[str, float]]], kind: str) -> str:
    ours, vips, vips1, bound = (best(runs[k]) for k in (kind, "vips", "vips1", "bound"))
    return (
        f"{name[:30]:30} {megapixels:6.1f} {ours['seconds']:7.3f} {ours['cpu']:6.2f} {vips['seconds']:7.3f} "
        f"{vips['cpu']:6.2f} {paired(runs[kind], runs['vips'], 'seconds'):9.2f} "
        f"{paired(runs[kind], runs['vips'], 'cpu'):5.2f} {vips1['seconds']:7.3f} {bound['seconds']:7.3f} "
        f"{paired(runs[kind], runs['bound'], 'seconds'):10.2f} {paired(runs[kind], runs['bound'], 'cpu'):5.2f} "
        f"{1000 * ours['seconds'] / megapixels:6.1f} {ours['peak_mib']:8.0f} {vips['peak_mib']:8.0f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measurement")
    parser.add_argument(
        "--threads", type=int, default=Config.from_env().tile_threads, help="also time write_tiles with N threads"
    )
    parser.add_argument("--child", nargs=2, metavar=("KIND", "MASTER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), args.threads)
        return
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; best of {args.repeat} runs,")
    print("ratios the median of the paired runs' ratios")
    print(f"ours = write_tiles single-threaded, then with {args.threads} threads (HERITAGE_TILE_THREADS, as workers);")
    print("vips = pyvips dzsave iiif3 (its default threads); vips1 = one thread;")
    print("bound = decode once + encode every tile once, to memory; cpu s = user+system seconds of all threads;")
    print("the cpu columns are ours/vips and ours/bound in CPU seconds: the work each costs a worker that has")
    print("only its own core, less swayed by other work on the machine than the wall times")
    print(f"tiles written under {SCRATCH or tempfile.gettempdir()}")
    worker: dict[str, tuple[float, float]] = {}  # master: (ours/vips, ours/bound) in time, as workers tile
    work: dict[str, float] = {}  # master: ours/bound in CPU seconds, one thread
    with tempfile.TemporaryDirectory(dir=SCRATCH) as tmp:
        masters = real_scans() + generate(Path(tmp))
        print(HEADER)
        for master in masters:
            with Image.open(master) as probe:
                megapixels = probe.size[0] * probe.size[1] / 1e6
            runs: dict[str, list[dict[str, float]]] = {"ours": [], "threads": [], "vips": [], "vips1": [], "bound": []}
            for _ in range(args.repeat):  # interleaved, so a burst of other work hits every kind alike
                runs["ours"].append(measure("ours", master))
                runs["vips"].append(measure("vips", master))
                runs["vips1"].append(measure("vips", master, env={"VIPS_CONCURRENCY": "1"}))
                runs["bound"].append(measure("bound", master))
                if args.threads > 1:
                    runs["threads"].append(measure("ours", master, args.threads))
            print(line(master.name, megapixels, runs, "ours"), flush=True)
            kind = "ours"
            if args.threads > 1:
                kind = "threads"
                print(line(f"  {args.threads} threads", megapixels, runs, kind), flush=True)
            worker[master.name] = (
                paired(runs[kind], runs["vips"], "seconds"),
                paired(runs[kind], runs["bound"], "seconds"),
            )
            work[master.name] = paired(runs["ours"], runs["bound"], "cpu")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    summary(worker, work, args.threads)


def summary(worker: dict[str, tuple[float, float]], work: dict[str, float], threads: int) -> None:
    """Each target against the time a worker takes on an idle machine, and the work beside it."""
    print(f"targets, in the time a worker on an idle machine takes ({threads} thread(s)):")
    for index, (name, limit) in enumerate([("ours/vips", 0.8), ("ours/bound", 1.3)]):
        ratios = {master: pair[index] for master, pair in worker.items()}
        over = [master for master, ratio in ratios.items() if ratio > limit]
        verdict = f"FAIL on {', '.join(over)}" if over else "PASS"
        print(f"  {name} <= {limit}: {min(ratios.values()):.2f}-{max(ratios.values()):.2f}  {verdict}")
    over = [master for master, ratio in work.items() if ratio > 1.3]
    print(
        f"work, one thread, CPU seconds: ours/bound {min(work.values()):.2f}-{max(work.values()):.2f}"
        + (f" (above 1.3 on {', '.join(over)})" if over else "")
    )


if __name__ == "__main__":
    main()
