#!/bin/sh
# Installs the Debian packages Dera needs that pip cannot bring, if missing.
#   install-system-packages.sh run   python3-venv (to create .venv)
#   install-system-packages.sh test  the above, plus Chromium and its driver
#                                    (browser tests), PostgreSQL (the second
#                                    test run) and gettext (msgfmt) [default]
#   install-system-packages.sh bench python3-venv and wrk (the load generator)
# Does nothing when everything is already there; safe to run repeatedly.
set -eu

want=${1:-test}
case $want in
run | test | bench) ;;
*)
    echo "usage: $0 [run|test|bench]" >&2
    exit 2
    ;;
esac

missing=""

# python3 -m venv needs ensurepip, which Debian ships in python3-venv.
if ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
    missing="$missing python3-venv"
fi

if [ "$want" = test ]; then
    command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
    command -v chromedriver >/dev/null 2>&1 || missing="$missing chromium-driver"
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
    command -v msgfmt >/dev/null 2>&1 || missing="$missing gettext"
    # The deployment test (tests/deploy/) serves Dera through nginx, with Redis and a self-signed certificate.
    command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing="$missing nginx"
    command -v redis-server >/dev/null 2>&1 || missing="$missing redis-server"
    command -v openssl >/dev/null 2>&1 || missing="$missing openssl"
fi

if [ "$want" = bench ]; then
    command -v wrk >/dev/null 2>&1 || missing="$missing wrk"
fi

[ -n "$missing" ] || exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "Missing system packages:$missing (and no apt-get here to install them)." >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    as_root=""
else
    as_root="sudo"
fi

echo "Installing system packages:$missing"
$as_root apt-get update -q
# env, not a prefix assignment, so the setting survives sudo. $missing is a
# space-separated list of package names: split it on purpose.
# shellcheck disable=SC2086
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q $missing
