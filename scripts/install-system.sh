#!/usr/bin/env bash
# Installs the Debian packages the project needs, only those missing.
# A fast no-op when everything is there (one dpkg-query, no apt-get update).
#
#   scripts/install-system.sh
#
# Runs as root (CI, these machines) or through sudo.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$SCRIPT_DIR/lib.sh"
# shellcheck disable=SC2034 # read by log() in lib.sh
HERITAGE_LOG_TAG=install-system

PACKAGES=(
    redis-server                  # job queue (scripts/redis.sh)
    tesseract-ocr                 # OCR engine
    tesseract-ocr-bre             # Breton
    tesseract-ocr-fra             # French
    tesseract-ocr-eng             # English
    tesseract-ocr-frm             # Middle French
    tesseract-ocr-lat             # Latin
    chromium                      # browser tests
    libvips-tools                 # image tiling (vips)
    maven                         # fetches OpenSearch (scripts/opensearch.sh)
    poppler-utils                 # pdftoppm, pdfinfo: uploaded PDFs to page images; pdftotext: PDF tests
    fonts-dejavu-core             # the PDF text layer's font (heritage/pdf.py)
)

# OpenSearch 2.x needs Java 11-21; bring a JDK 17 only when there is no `java`
# at all (maven alone would pull Debian's default JRE, which is 17 too).
if ! command -v java >/dev/null 2>&1; then
    PACKAGES+=(openjdk-17-jdk-headless)
fi

command -v dpkg-query >/dev/null || die "not a Debian system (no dpkg-query)"

# One dpkg-query for all; packages it does not know are simply not listed.
installed="$(dpkg-query -W -f='${Package} ${Status}\n' "${PACKAGES[@]}" 2>/dev/null |
    awk '$NF == "installed" { print $1 }' || true)"
missing=()
for pkg in "${PACKAGES[@]}"; do
    grep -qxF "$pkg" <<<"$installed" || missing+=("$pkg")
done

if ((${#missing[@]} == 0)); then
    exit 0
fi

SUDO=()
if ((EUID != 0)); then
    command -v sudo >/dev/null || die "need root (or sudo) to install: ${missing[*]}"
    SUDO=(sudo)
fi

log "installing: ${missing[*]}"
apt_log="$(mktemp)"
cleanup() {
    rm -f "$apt_log"
    if [[ ${POLICY_ADDED:-0} == 1 ]]; then "${SUDO[@]}" rm -f /usr/sbin/policy-rc.d; fi
}
trap cleanup EXIT

# Keep package scripts from starting services (a system redis on 6379 with its
# own persistence would shadow scripts/redis.sh). Only if no policy exists.
if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' | "${SUDO[@]}" tee /usr/sbin/policy-rc.d >/dev/null
    "${SUDO[@]}" chmod 755 /usr/sbin/policy-rc.d
    POLICY_ADDED=1
fi

apt() {
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get -qq -o Dpkg::Use-Pty=0 -o DPkg::Options::=--force-confdef \
        -o DPkg::Options::=--force-confold "$@" >>"$apt_log" 2>&1
}

# Package lists are refreshed only now that something is actually missing.
if ! apt update; then
    show_log_tail "$apt_log" 30
    die "apt-get update failed"
fi
if ! apt install -y --no-install-recommends "${missing[@]}"; then
    show_log_tail "$apt_log" 30
    die "apt-get install failed"
fi
log "done"
