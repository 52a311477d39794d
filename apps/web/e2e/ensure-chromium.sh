#!/usr/bin/env bash
# Makes sure the e2e tests have a Chromium: PLAYWRIGHT_CHROMIUM_EXECUTABLE, a system one, or,
# as root on Debian/Ubuntu, Debian's package (`playwright install` cannot download here).
set -euo pipefail

if [[ -n "${PLAYWRIGHT_CHROMIUM_EXECUTABLE:-}" ]]; then
  if [[ -x "$PLAYWRIGHT_CHROMIUM_EXECUTABLE" ]]; then exit 0; fi
  echo "ensure-chromium: PLAYWRIGHT_CHROMIUM_EXECUTABLE=$PLAYWRIGHT_CHROMIUM_EXECUTABLE is not executable" >&2
  exit 1
fi

for candidate in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
  if [[ -x "$candidate" ]]; then exit 0; fi
done

if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null && [[ -r /etc/os-release ]] &&
  grep -qiE '^(ID|ID_LIKE)=.*(debian|ubuntu)' /etc/os-release; then
  echo "ensure-chromium: no Chromium found; installing Debian's chromium package" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium
  exit 0
fi

# Playwright's own browser may still be installed (`npx playwright install chromium`).
echo "ensure-chromium: no system Chromium and not root on Debian/Ubuntu; relying on Playwright's own browser" >&2
