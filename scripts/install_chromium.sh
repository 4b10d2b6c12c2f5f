#!/usr/bin/env bash
# Install Debian's chromium for the dashboard test (headless screenshot).
# Idempotent: does nothing when a Chromium is already on PATH. `.ci/run` and
# the pull-request workflow call it before `make test`.
set -euo pipefail

for browser in chromium chromium-browser google-chrome; do
  if command -v "$browser" >/dev/null 2>&1; then
    echo "==> $browser found: $(command -v "$browser")"
    exit 0
  fi
done

if ! command -v apt-get >/dev/null 2>&1; then
  echo "error: no Chromium and no apt-get; install Chromium and set CHROMIUM to its binary" >&2
  exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "==> installing chromium (apt-get)"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
command -v chromium >/dev/null 2>&1 || { echo "error: chromium did not install" >&2; exit 1; }
echo "==> chromium installed: $(command -v chromium)"
