#!/usr/bin/env bash
# One-command set-up for a fresh machine with Python 3.11.
#   ./dev.sh serve   create .venv, install, build every language, serve at http://localhost:8000
#   ./dev.sh test    create .venv, install test dependencies (and the Debian packages
#                    the browser and signature tests need, and the npm tools under
#                    tools/), run the whole test suite
set -euo pipefail
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

ensure_venv() {
  local requirements=$1
  if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
  fi
  # Reinstall only when the requirements changed since the last install.
  local stamp="$VENV/.installed-$(basename "$requirements")"
  if [ ! -f "$stamp" ] || [ -n "$(find requirements*.txt -newer "$stamp" 2>/dev/null)" ]; then
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    touch "$stamp"
  fi
}

case "${1:-}" in
  serve)
    ensure_venv requirements.txt
    "$VENV/bin/invoke" build
    exec "$VENV/bin/invoke" serve
    ;;
  test)
    shift
    ensure_venv requirements-dev.txt
    if [ -x .ci/system-packages ]; then .ci/system-packages; fi
    # npm tools pinned by their package-lock.json (ipfs-car for IPFS deploys,
    # Lighthouse for the audits of tests/test_lighthouse.py).
    for tool in tools/ipfs tools/lighthouse; do
      if [ ! -d "$tool/node_modules" ] || [ "$tool/package-lock.json" -nt "$tool/node_modules" ]; then
        npm ci --prefix "$tool" --no-audit --no-fund --loglevel=error
      fi
    done
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  *)
    echo "usage: ./dev.sh serve | ./dev.sh test [pytest arguments]" >&2
    exit 2
    ;;
esac
