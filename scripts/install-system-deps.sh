#!/usr/bin/env bash
# Debian packages the tests need: headless Chromium and its driver for the end-to-end web test
# (Playwright's and Selenium's own browser downloads are not reachable here), CJK fonts so screenshots
# show the Chinese text, a TrueType CJK font to write the test PDF (Noto CJK's CFF outlines don't embed),
# and PostgreSQL 15 with pgvector for the pgvector store's test.
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null \
   && [ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] && fc-list 2>/dev/null | grep -qi "Noto Sans CJK" \
   && [ -f /usr/share/postgresql/15/extension/vector.control ]; then
  exit 0
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-noto-cjk fonts-wqy-zenhei >/dev/null

# Bookworm has no pgvector package: build Debian's own source (trixie, 0.8.0-1) against PostgreSQL 15,
# portable (pgvector's default is -march=native). The system's apt sources are left untouched.
if [ ! -f /usr/share/postgresql/15/extension/vector.control ]; then
  $SUDO apt-get install -y -qq --no-install-recommends postgresql-15 postgresql-server-dev-15 build-essential >/dev/null
  tmp=$(mktemp -d); mkdir -p "$tmp/lists/partial"
  # The machine's own Debian mirror (the first URIs line of its sources), asked for trixie's source package.
  mirror=$(grep -h -m1 -oP '^URIs:\s*\K\S+' /etc/apt/sources.list.d/*.sources 2>/dev/null \
           || awk '/^deb /{print $2; exit}' /etc/apt/sources.list)
  echo "deb-src $mirror trixie main" > "$tmp/sources.list"
  APTO="-o Dir::Etc::sourcelist=$tmp/sources.list -o Dir::Etc::sourceparts=- -o Dir::State::Lists=$tmp/lists"
  $SUDO apt-get $APTO update -qq
  (cd "$tmp" && $SUDO apt-get $APTO source --download-only pgvector=0.8.0-1 && tar xzf pgvector_0.8.0.orig.tar.gz)
  $SUDO make -C "$tmp/pgvector-0.8.0" PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config OPTFLAGS="" install >/dev/null
fi
