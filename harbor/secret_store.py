"""Secrets: from the environment, else generated once into var/secrets/ (directory 0700, files 0600).

Nothing secret is ever passed on a command line or written anywhere else: children read what
they need from here (or from the environment `harbor up` gives them).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from harbor.settings import var_dir

# name in var/secrets -> environment variable that overrides it
KNOWN = {
    "rasa_token": "HARBOR_RASA_TOKEN",
    "rest_token": "HARBOR_REST_TOKEN",
    "actions_token": "HARBOR_ACTIONS_TOKEN",
    "id_secret": "HARBOR_ID_SECRET",
}


def private_dir(path: Path) -> Path:
    """Create `path` (and parents under it) readable by this user only."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def secrets_dir() -> Path:
    private_dir(var_dir())
    return private_dir(var_dir() / "secrets")


def secret(name: str) -> str:
    """The environment's value (KNOWN[name]) or var/secrets/<name>, generated on first use."""
    env_var = KNOWN.get(name)
    if env_var and os.environ.get(env_var):
        return os.environ[env_var]
    path = secrets_dir() / name
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    # Another process may race us to create it: O_EXCL makes exactly one of us the writer.
    token = secrets.token_urlsafe(32)
    with os.fdopen(fd, "w") as handle:
        handle.write(token + "\n")
    return token


def derived_key(purpose: str) -> bytes:
    """A 32-byte key for one purpose (pseudonyms, number encryption, web sessions), derived from
    the one id secret, so rotating HARBOR_ID_SECRET rotates them all and no two purposes share a key."""
    return hmac.new(secret("id_secret").encode(), f"harbor:{purpose}".encode(), hashlib.sha256).digest()


def fernet_key(purpose: str) -> bytes:
    """A key for cryptography's Fernet (urlsafe base64 of 32 bytes)."""
    return base64.urlsafe_b64encode(derived_key(purpose))
