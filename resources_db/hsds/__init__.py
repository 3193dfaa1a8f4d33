"""Open Referral HSDS 3.0 tabular data packages: export (export.py), import (read.py, checks.py,
importer.py), and the official descriptor they follow (descriptor.py, datapackage.json)."""

from resources_db.hsds.checks import RowProblem
from resources_db.hsds.export import export_package
from resources_db.hsds.importer import ImportFailed, ImportReport, import_package
from resources_db.hsds.read import read_package

__all__ = ["ImportFailed", "ImportReport", "RowProblem", "export_package", "import_package", "read_package"]
