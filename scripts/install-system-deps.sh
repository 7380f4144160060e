#!/usr/bin/env bash
# Debian packages the tests and benchmarks use as real peers and audio tools. Installs only what is missing.
set -euo pipefail
declare -A wanted=(
  [sipp]=sip-tester
  [baresip]=baresip-core
  [chromium]=chromium
  [chromedriver]=chromium-driver
  [espeak-ng]=espeak-ng
  [sox]=sox
  [kamailio]=kamailio
)
missing=()
for cmd in "${!wanted[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || missing+=("${wanted[$cmd]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "missing Debian packages: ${missing[*]} (run: sudo apt-get install -y ${missing[*]})" >&2
  exit 1
fi
echo "installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
