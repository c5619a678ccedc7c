#!/bin/sh
# Makes a fresh machine with only Node and npm ready: pnpm, the workspace's packages, ffmpeg
# (Debian's, for ingest and the tests' clips), then a build. Safe to run again: each step
# is skipped when already done.
set -e
cd "$(dirname "$0")/.."
if ! command -v pnpm >/dev/null 2>&1; then
  echo "setup: installing pnpm" >&2
  npm install -g pnpm@10.34.8 >/dev/null
fi
if ! command -v ffmpeg >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing ffmpeg (Debian package)" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg >/dev/null
  else
    echo "setup: ffmpeg is not installed; install it (e.g. 'sudo apt-get install ffmpeg') and run again" >&2
    exit 1
  fi
fi
pnpm install --frozen-lockfile --reporter=silent
pnpm --silent build >/dev/null
