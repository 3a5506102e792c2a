#!/usr/bin/env bash
# Debian packages the tests need: PostgreSQL (knowledge-base tests on a real server), Chromium
# (the widget tested in a real browser), and Redis and nginx (the production topology of
# `make run-prod` and its kill test in tests/scale/). Installs what is missing; quiet when all is there.
set -euo pipefail
packages=(postgresql redis-server nginx chromium fonts-dejavu-core)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "error: the tests need these Debian packages: ${missing[*]}; install them (sudo apt-get install ${missing[*]}) and run make again." >&2
  exit 1
fi
echo "Installing ${missing[*]} …"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
