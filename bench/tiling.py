"""How fast `write_tiles` is next to libvips `dzsave(layout="iiif3")` and next to its own floor.

The floor ("bound") is decoding the master once plus encoding every tile's pixels once, to memory:
anything above it is our overhead (reducing levels, cropping, writing files, the full sizes).
Each measurement runs in its own subprocess, so its peak resident memory is its own; every figure
is the best of a few interleaved runs, because other work on the machine only ever adds time.

    .venv/bin/python bench/tiling.py [--repeat N] [--threads]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = SHARED / "samples"
TILE_SIZE = 512
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


def run_ours(master: Path, out: Path, threads: int) -> float:
    from PIL import Image

    from heritage.iiif.tiles import write_tiles

    Image.init()  # plugin imports are paid once per worker process, not per page
    started = time.perf_counter()
    write_tiles(master, out, "http://127.0.0.1/iiif/image/bench", TILE_SIZE, threads=threads)
    return time.perf_counter() - started


def run_vips(master: Path, out: Path) -> float:
    import pyvips

    from heritage.iiif.tiles import JPEG_QUALITY

    started = time.perf_counter()
    image = pyvips.Image.new_from_file(str(master), access="sequential")
    image.dzsave(str(out), layout="iiif3", tile_size=TILE_SIZE, suffix=f".jpg[Q={JPEG_QUALITY}]", id="http://127.0.0.1")
    return time.perf_counter() - started


def run_bound(master: Path) -> float:
    """Decode once, then encode each tile of every level once into memory; levels are made untimed."""
    from PIL import Image

    from heritage.iiif.tile_geometry import pyramid
    from heritage.iiif.tiles import JPEG_QUALITY, MAX_SIDE

    Image.MAX_IMAGE_PIXELS = None
    started = time.perf_counter()
    with Image.open(master) as opened:
        opened.load()
        image = opened if opened.mode in ("L", "RGB") else opened.convert("L" if opened.mode == "1" else "RGB")
    decoded = time.perf_counter() - started
    encoding = 0.0
    for level in pyramid(*image.size, TILE_SIZE, MAX_SIDE):
        if level.scale > 1:
            image = image.reduce(2)
        for tile in level.tiles:
            crop = image.crop(tile.box)
            started = time.perf_counter()
            crop.save(io.BytesIO(), "JPEG", quality=JPEG_QUALITY)
            encoding += time.perf_counter() - started
    return decoded + encoding


def child(kind: str, master: Path, threads: int) -> None:
    sys.path.insert(0, str(REPO))
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        out = Path(tmp) / "service"
        if kind == "ours":
            out.mkdir()
            seconds = run_ours(master, out, threads)
        elif kind == "vips":
            seconds = run_vips(master, out)
        else:
            seconds = run_bound(master)
    print(json.dumps({"seconds": seconds, "peak_mib": peak_mib()}))


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
    return {"seconds": min(r["seconds"] for r in runs), "peak_mib": max(r["peak_mib"] for r in runs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each measurement (the best counts)")
    parser.add_argument("--threads", type=int, default=1, help="also time write_tiles with this many threads")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "MASTER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), args.threads)
        return
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores; other work on the machine only adds time)")
    header = (f"{'master':32} {'MP':>6} {'ours s':>7} {'vips s':>7} {'ours/vips':>9} {'vips1 s':>7} {'bound s':>7} "
              f"{'ours/bound':>10} {'ms/MP':>6} {'ours MiB':>8} {'vips MiB':>8}")
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        masters = real_scans() + generate(Path(tmp))
        print(header)
        for master in masters:
            with Image.open(master) as probe:
                megapixels = probe.size[0] * probe.size[1] / 1e6
            repeat = args.repeat if megapixels < 100 else max(1, args.repeat - 1)
            runs: dict[str, list[dict[str, float]]] = {"ours": [], "vips": [], "vips1": [], "bound": []}
            for _ in range(repeat):
                runs["ours"].append(measure("ours", master))
                runs["vips"].append(measure("vips", master))
                runs["vips1"].append(measure("vips", master, env={"VIPS_CONCURRENCY": "1"}))
                runs["bound"].append(measure("bound", master))
            ours, vips, vips1, bound = (best(runs[k]) for k in ("ours", "vips", "vips1", "bound"))
            print(f"{master.name[:32]:32} {megapixels:6.1f} {ours['seconds']:7.3f} {vips['seconds']:7.3f} "
                  f"{ours['seconds'] / vips['seconds']:9.2f} {vips1['seconds']:7.3f} {bound['seconds']:7.3f} "
                  f"{ours['seconds'] / bound['seconds']:10.2f} {1000 * ours['seconds'] / megapixels:6.1f} "
                  f"{ours['peak_mib']:8.0f} {vips['peak_mib']:8.0f}", flush=True)
            if args.threads > 1:
                threaded = best([measure("ours", master, args.threads) for _ in range(repeat)])
                print(f"{'  ... ours, ' + str(args.threads) + ' threads':32} {'':6} {threaded['seconds']:7.3f} {'':7} "
                      f"{threaded['seconds'] / vips['seconds']:9.2f} {'':7} {'':7} "
                      f"{threaded['seconds'] / bound['seconds']:10.2f} {1000 * threaded['seconds'] / megapixels:6.1f} "
                      f"{threaded['peak_mib']:8.0f}", flush=True)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
