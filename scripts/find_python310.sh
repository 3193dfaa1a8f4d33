#!/usr/bin/env bash
# Prints the path of a Python 3.10 interpreter, or explains how to get one and exits 2.
# Rasa Open Source 3.6 supports Python 3.8-3.10 only; Harbor pins 3.10.
set -u

is_310() { "$1" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 10) else 1)' >/dev/null 2>&1; }

candidates=()
[ -n "${HARBOR_PYTHON:-}" ] && candidates+=("$HARBOR_PYTHON")
command -v python3.10 >/dev/null 2>&1 && candidates+=("$(command -v python3.10)")
if command -v pyenv >/dev/null 2>&1; then
    for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.10(\.[0-9]+)?$' | sort -rV); do
        candidates+=("$(pyenv root)/versions/$v/bin/python")
    done
fi
for d in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10*/bin/python /usr/local/bin/python3.10 /usr/bin/python3.10; do
    [ -e "$d" ] && candidates+=("$d")
done

for c in "${candidates[@]}"; do
    if is_310 "$c"; then
        echo "$c"
        exit 0
    fi
done

if [ -n "${HARBOR_PYTHON:-}" ]; then
    echo "harbor setup: HARBOR_PYTHON=$HARBOR_PYTHON is not a working Python 3.10." >&2
fi
cat >&2 <<'MSG'
harbor setup: Python 3.10 not found. Rasa 3.6 runs on Python 3.8-3.10 only, and Harbor pins 3.10.
Install it one of these ways, then run the command again:
  - pyenv:          pyenv install 3.10.13
  - Debian/Ubuntu:  apt-get install python3.10 python3.10-venv   (where your release has it)
  - or point Harbor at one you have:  HARBOR_PYTHON=/path/to/python3.10 make run
MSG
exit 2
