"""`harbor resources ...` as an admin runs it: real subprocess, its own database."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from harbor.core.settings import venv_executable

HARBOR = venv_executable("harbor")


@pytest.fixture
def run(tmp_path: Path):
    env = {**os.environ, "HARBOR_VAR_DIR": str(tmp_path / "var"),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'harbor.db'}"}

    def harbor(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([HARBOR, "resources", *args], capture_output=True, text=True, env=env, timeout=120)

    assert harbor("seed").returncode == 0
    return harbor


def test_search_near_a_zip_prints_the_nearest_first(run):
    result = run("search", "--near", "94601", "--category", "emergency_shelter")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Near 94601 (Oakland, CA):"
    assert lines[1].startswith("1) Emergency Youth Shelter (Oakland, 2.6 mi)")
    assert "1-888-373-7888" in result.stdout


def test_search_json_is_one_object_with_every_field(run):
    result = run("search", "--near", "Van Nuys", "--age", "15", "--json")
    data = json.loads(result.stdout)
    first = data["results"][0]
    assert first["name"] == "Children of the Night residential program" and first["scope"] == "local"
    assert {"distance_miles", "phones", "hours", "last_verified", "source"} <= set(first)


@pytest.mark.parametrize("args, says", [
    (["search", "--near", "00000"], "can't find ZIP code 00000"),
    (["search", "--age", "200"], "age must be between 0 and 120"),
    (["search", "--radius", "-3"], "radius"),
    (["import", "/nonexistent/dir"], "is not a directory"),
])
def test_bad_input_exits_2_with_one_line(run, args, says):
    result = run(*args)
    assert result.returncode == 2
    assert says in result.stderr.strip().splitlines()[-1]
    assert "Traceback" not in result.stderr


def test_outside_california_says_so(run):
    result = run("search", "--near", "Chicago")
    assert result.returncode == 0
    assert "outside California" in result.stdout


def test_export_import_round_trip_and_a_failing_import_that_still_warns(run, tmp_path):
    package = tmp_path / "pkg"
    assert run("export", str(package)).returncode == 0
    imported = run("import", str(package))
    assert imported.returncode == 0 and imported.stdout.startswith("Imported 271 rows from harbor-resource-directory:")
    (package / "programs.csv").write_text("id,organization_id,name,alternate_name,description\n")
    service = package / "services.csv"
    service.write_text(service.read_text().replace(",active,", ",sometimes,", 1))
    failed = run("import", str(package))
    assert failed.returncode == 2
    lines = failed.stderr.splitlines()
    assert lines[0] == "harbor: warning: programs.csv: skipped (Harbor does not keep the HSDS table program)"
    assert "services.csv:2: status: 'sometimes' is not one of active, inactive, defunct, temporarily closed" in lines
    assert "nothing was imported" in lines[-1]
    data = json.loads(run("import", str(package), "--json").stdout)
    assert data["imported"] is False and data["warnings"] and data["problems"][0].startswith("services.csv:2: status:")


def test_the_first_search_on_a_fresh_machine_loads_the_seed(tmp_path):
    env = {**os.environ, "HARBOR_VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}"}
    result = subprocess.run([HARBOR, "resources", "search", "--near", "Oakland", "--category", "drop_in"],
                            capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0
    assert "loaded the 43 seed services" in result.stderr
    assert "MISSSEY" in result.stdout
