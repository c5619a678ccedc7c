#!/bin/sh
# Makes a fresh machine with only Node and npm ready: pnpm, the workspace's packages, ffmpeg,
# openssl and mosquitto (Debian's), then a build. Safe to run again: each step
# is skipped when already done.
set -e
cd "$(dirname "$0")/.."
if ! command -v pnpm >/dev/null 2>&1; then
  echo "setup: installing pnpm" >&2
  npm install -g pnpm@10.34.8 >/dev/null
fi
# ffmpeg ingests video; openssl makes the throwaway certificate of the HTTPS transport test;
# mosquitto is the MQTT broker the MQTT sink is tested against.
missing=""
for tool in ffmpeg openssl mosquitto; do
  # mosquitto lives in /usr/sbin, which a user's PATH may lack.
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing$missing (Debian packages)" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    echo "setup: missing$missing; install (e.g. 'sudo apt-get install$missing') and run again" >&2
    exit 1
  fi
fi
pnpm install --frozen-lockfile --reporter=silent
log="$(mktemp)"
if ! pnpm --silent build >"$log" 2>&1; then
  cat "$log" >&2
  echo "setup: the build failed (above)" >&2
  exit 1
fi
rm -f "$log"
