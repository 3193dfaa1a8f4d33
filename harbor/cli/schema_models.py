"""Every module that declares a table on harbor.core.db.Base, imported: the models as a whole.

Only what compares the models with the migrations needs them all (`harbor db revision`, the drift
test); running the migrations does not (harbor/core/schema.py). It sits in the CLI's layer because
only that layer may import the hotline, the channels and the directory together. A new module that
declares a table goes here; tests/core/test_migrations.py fails until it does.
"""

from __future__ import annotations

from types import ModuleType

from sqlalchemy import MetaData


def declaring_modules() -> tuple[ModuleType, ...]:
    """The modules that declare Harbor's tables, imported (their import is what declares them)."""
    from channels import erasure, outreach, sms_store
    from hotline import heartbeat, models, takeover
    from hotline.console import accounts, audit, casework, transfers
    from resources_db import models as directory

    return (erasure, outreach, sms_store, heartbeat, models, takeover, accounts, audit, casework, transfers,
            directory)


def harbor_metadata() -> MetaData:
    """Base.metadata with every Harbor table declared."""
    from harbor.core.db import Base

    declaring_modules()
    return Base.metadata
