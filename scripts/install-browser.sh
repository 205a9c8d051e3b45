#!/usr/bin/env bash
# Debian's headless Chromium and its driver for the end-to-end web test (Playwright's and Selenium's own
# browser downloads are not reachable here). CJK fonts so that screenshots show the Chinese text.
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  exit 0
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-noto-cjk >/dev/null
