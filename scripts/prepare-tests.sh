#!/usr/bin/env bash
# Run by `pnpm test` before vitest: brings up what the tests need on this machine kind, so the
# README's test command works on a fresh machine. Each step is a no-op when already done.
# PostgreSQL and Redis are part of the machine but may be stopped; Chromium (for the browser
# test of examples/express) is a Debian package the machine does not ship. Where a step cannot
# run (not Debian, not root), the tests that need it fail with a message saying what to install.
set -uo pipefail

say() { printf '[exportkit] %s\n' "$*" >&2; }

if command -v pg_isready >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 >/dev/null 2>&1 &&
  command -v pg_ctlcluster >/dev/null; then
  say "starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
fi

if command -v redis-cli >/dev/null && ! redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 &&
  command -v redis-server >/dev/null; then
  say "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no || true
fi

if [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null && [ "$(id -u)" -eq 0 ]; then
  say "installing Debian's chromium for the browser test (once)"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null ||
    say "could not install chromium; the browser test will say what to do"
fi
exit 0
