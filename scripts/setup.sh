#!/usr/bin/env bash
# Creates .venv with Python 3.10 and installs Harbor's pinned dependencies, only when
# pyproject.toml or constraints.txt changed since the last install.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv
stamp="$venv/.harbor-installed"
want=$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)

if [ -x "$venv/bin/python" ] && ! "$venv/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then
    echo "harbor setup: $venv is not Python 3.10; recreating it"
    rm -rf "$venv"
fi

if [ ! -x "$venv/bin/python" ]; then
    python=$(bash scripts/find_python310.sh)
    echo "harbor setup: creating $venv with $python"
    "$python" -m venv "$venv"
fi

# The browser tests drive Debian's Chromium (Playwright never downloads a browser here).
if [ ! -x /usr/bin/chromium ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "harbor setup: installing Debian's chromium for the browser tests"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "harbor setup: /usr/bin/chromium is missing; the browser tests need it (sudo apt-get install chromium)"
    fi
fi

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi

echo "harbor setup: installing pinned dependencies into $venv (first time: several minutes; TensorFlow is large)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip<25" "setuptools>=64,<71"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
echo "$want" > "$stamp"
echo "harbor setup: done"
