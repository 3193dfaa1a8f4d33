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

from harbor.core.settings import var_dir

# name in var/secrets -> environment variable that overrides it
KNOWN = {
    "rasa_token": "HARBOR_RASA_TOKEN",
    "rest_token": "HARBOR_REST_TOKEN",
    "actions_token": "HARBOR_ACTIONS_TOKEN",
    "id_secret": "HARBOR_ID_SECRET",
}


def private_dir(path: Path) -> Path:
    """Create `path` (and parents under it) readable by this user only. A directory someone else
    owns (HARBOR_VAR_DIR=/tmp, say) is refused rather than silently re-permissioned."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.stat().st_uid != os.geteuid():
        raise PermissionError(f"{path} belongs to another user; point HARBOR_VAR_DIR at a directory of your own")
    if path.stat().st_mode & 0o1000:
        raise PermissionError(f"{path} is a shared directory; point HARBOR_VAR_DIR at a directory of its own")
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
    if path.exists():
        return _read(path)
    # Publish atomically: write a private temp file, then link it into place. Exactly one process
    # wins the link; a loser reads the winner's complete file, never a half-written one.
    token = secrets.token_urlsafe(32)
    temp = path.with_name(f".{name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(token + "\n")
    try:
        os.link(temp, path)
    except FileExistsError:
        return _read(path)
    finally:
        temp.unlink(missing_ok=True)
    return token


def _read(path: Path) -> str:
    value = path.read_text().strip()
    if not value:
        raise RuntimeError(f"{path} is empty: delete it to have a new secret generated")
    return value


def derived_key(purpose: str) -> bytes:
    """A 32-byte key for one purpose (pseudonyms, number encryption, web sessions), derived from
    the one id secret, so rotating HARBOR_ID_SECRET rotates them all and no two purposes share a key."""
    return hmac.new(secret("id_secret").encode(), f"harbor:{purpose}".encode(), hashlib.sha256).digest()


def fernet_key(purpose: str) -> bytes:
    """A key for cryptography's Fernet (urlsafe base64 of 32 bytes)."""
    return base64.urlsafe_b64encode(derived_key(purpose))
