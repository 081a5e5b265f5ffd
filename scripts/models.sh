#!/usr/bin/env bash
# Tesseract models better than Debian's fast ones, from npm, unpacked once into the cache (never
# the repo). `HERITAGE_TESSDATA` points Tesseract at them (`--tessdata-dir`).
#
#   scripts/models.sh            best_int: tessdata_best converted to integers, LSTM only
#   scripts/models.sh standard   the standard tessdata 4.0.0 (the same LSTM plus the legacy engine)
#
# Into $HERITAGE_CACHE_DIR/tessdata/<variant>/. npm has `fra`, `eng` and `lat`
# (@tesseract.js-data, pinned below, checked by npm against the registry's integrity hash); what
# it lacks (`bre`, `frm`, `osd`) and Tesseract's `configs` (our `alto`) are linked from the
# system tessdata, so the directory is a whole tessdata. A fast no-op once done.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$SCRIPT_DIR/lib.sh"
# shellcheck disable=SC2034 # read by log() in lib.sh
HERITAGE_LOG_TAG=models

VERSION=1.0.0 # of every @tesseract.js-data/<lang> package
LANGS=(fra eng lat)

variant="${1:-best_int}"
case "$variant" in
    best_int) folder=4.0.0_best_int ;;
    standard) folder=4.0.0 ;;
    *) die "unknown model set '$variant' (best_int or standard)" ;;
esac
dest="$(heritage_cache_dir)/tessdata/$variant"

missing=()
for lang in "${LANGS[@]}"; do
    [[ -s "$dest/$lang.traineddata" ]] || missing+=("$lang")
done

if ((${#missing[@]} > 0)); then
    command -v npm >/dev/null || die "npm is needed to fetch the Tesseract models"
    mkdir -p "$dest"
    scratch="$(mktemp -d "$dest/.fetch.XXXXXX")"
    trap 'rm -rf "$scratch"' EXIT
    for lang in "${missing[@]}"; do
        log "fetching @tesseract.js-data/$lang@$VERSION ($variant) into $dest (once)"
        (cd "$scratch" && npm pack --silent --loglevel=error "@tesseract.js-data/$lang@$VERSION" >/dev/null)
        tar -xzf "$scratch/tesseract.js-data-$lang-$VERSION.tgz" -C "$scratch" "package/$folder/$lang.traineddata.gz"
        gunzip -c "$scratch/package/$folder/$lang.traineddata.gz" >"$scratch/$lang.traineddata"
        mv -f "$scratch/$lang.traineddata" "$dest/$lang.traineddata" # same filesystem: atomic
    done
fi

# The rest from the system tessdata (Tesseract prints it on the first line of --list-langs).
system="$(tesseract --list-langs 2>&1 | sed -n '1s/.*"\(.*\)".*/\1/p')"
system="${system%/}"
[[ -d $system ]] || die "no system tessdata found (is tesseract-ocr installed?)"
for path in "$system"/*.traineddata "$system/configs" "$system/tessconfigs"; do
    name="$(basename "$path")"
    if [[ -e $path && ! -e "$dest/$name" ]]; then
        ln -sfn "$path" "$dest/$name"
    fi
done
