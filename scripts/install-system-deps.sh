#!/usr/bin/env bash
# Debian packages the tests need: headless Chromium and its driver for the end-to-end web test
# (Playwright's and Selenium's own browser downloads are not reachable here), CJK fonts so screenshots
# show the Chinese text, and a TrueType CJK font to write the test PDF (Noto CJK's CFF outlines don't embed).
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null \
   && [ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  exit 0
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-noto-cjk fonts-wqy-zenhei >/dev/null
