"""A saved risk classifier is used only when it is exactly the file `harbor train` wrote, for this model."""

from __future__ import annotations

import hashlib
import json

import joblib
import pytest

from bot.nlu.risk.classifier import VERSION, ClassifierFileError, load


def _saved(tmp_path, version: int | None):
    path = tmp_path / "risk_classifier.joblib"
    joblib.dump({"not": "a classifier"}, path)
    meta = {"sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
    if version is not None:
        meta["version"] = version
    path.with_suffix(".json").write_text(json.dumps(meta))
    return path


@pytest.mark.parametrize("version", [None, VERSION - 1])
def test_a_classifier_saved_by_an_older_harbor_is_refused_with_what_to_do(tmp_path, version):
    with pytest.raises(ClassifierFileError, match="harbor train"):
        load(_saved(tmp_path, version))


def test_a_changed_file_is_refused(tmp_path):
    path = _saved(tmp_path, VERSION)
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(ClassifierFileError, match="does not match"):
        load(path)
