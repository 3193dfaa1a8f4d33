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

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    exit 0
fi

echo "harbor setup: installing pinned dependencies into $venv (first time: several minutes; TensorFlow is large)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "pip<25" wheel "setuptools>=64,<71"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
echo "$want" > "$stamp"
echo "harbor setup: done"
