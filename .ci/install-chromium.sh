#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (tests/test_browser.py); run by `make test`.
# Playwright (pip package) drives this system browser: never `playwright install`, which
# downloads a browser of its own.
#
# - Does nothing when a Chromium/Chrome is already there.
# - As root with apt-get: `apt-get update` + `apt-get install -y chromium`.
# - Otherwise (no root, no apt-get, or the install fails outside CI): a Dutch message and exit 0,
#   so the browser tests skip. With CI=true a failed install is an error: in CI the browser tests
#   must run, not skip.
set -uo pipefail

if [ -x /usr/bin/chromium ]; then
    exit 0
fi
for candidate in chromium chromium-browser google-chrome chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then
        exit 0
    fi
done

skip() {
    echo "Let op: Chromium is niet geïnstalleerd ($1); de browsertests worden overgeslagen." >&2
    echo "Installeer het zelf, bijvoorbeeld: sudo apt-get install chromium" >&2
    exit 0
}

if [ "$(id -u)" != "0" ]; then
    skip "geen root-rechten"
fi
if ! command -v apt-get >/dev/null 2>&1; then
    if [ "${CI:-}" = "true" ]; then
        echo "Fout: Chromium ontbreekt en apt-get is er niet; de browsertests kunnen niet draaien." >&2
        exit 1
    fi
    skip "apt-get ontbreekt"
fi

echo "Chromium installeren voor de browsertests (apt-get install chromium) ..."
export DEBIAN_FRONTEND=noninteractive
if apt-get update -qq && apt-get install -y -qq chromium; then
    /usr/bin/chromium --version 2>/dev/null || true
    exit 0
fi
if [ "${CI:-}" = "true" ]; then
    echo "Fout: apt-get install chromium is mislukt; de browsertests kunnen niet draaien." >&2
    exit 1
fi
skip "apt-get install chromium is mislukt"
