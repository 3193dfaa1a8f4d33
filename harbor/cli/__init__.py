"""The top layer: the `harbor` command (harbor/cli/main.py), `harbor up` and its supervisor, training,
the terminal chat, and the processes `harbor up` starts (the Rasa server, the pager worker). It may
import every other package; nothing below imports it (the import-linter contract in pyproject.toml)."""
