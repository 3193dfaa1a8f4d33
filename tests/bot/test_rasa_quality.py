"""Rasa's own gates, run on the trained model: data validation, test stories for every persona,
and intent macro-F1 on the held-out split."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from harbor.core.settings import PROJECT_ROOT, venv_executable

RASA = venv_executable("rasa")
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"}
# The goal is 0.90. Split d measured 0.904 on 2026-11-26 and 0.899 on 2026-12-08; split e (two new writers) 0.865 once
# on 2026-12-08; both went to training. Split f, by a new writer who saw no training data, measured once on 2026-12-08
# (70 intents, 302 lines): 0.916, accuracy 0.894. A model trained from scratch moves it by about a point, so the gate
# is a floor below that measurement (README reports both).
MIN_MACRO_F1 = 0.90


def rasa(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([RASA, *args], cwd=PROJECT_ROOT, env=ENV, capture_output=True, text=True,
                          timeout=timeout)


def test_data_validates_with_warnings_as_failures():
    result = rasa("data", "validate", "--fail-on-warnings", "--domain", "domain.yml",
                  "--data", "bot/data", "--config", "config.yml")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # Rasa only warns (even with --fail-on-warnings) about examples it cannot read.
    assert "doesn't start with a '-'" not in result.stderr


def test_story_tests_for_every_persona_pass(trained_model, tmp_path):
    result = rasa("test", "core", "--model", str(trained_model), "--stories", "tests/stories",
                  "--fail-on-prediction-errors", "--out", str(tmp_path))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    failed = tmp_path / "failed_test_stories.yml"
    assert "None of the test stories failed" in failed.read_text()


@pytest.fixture(scope="module")
def holdout_evaluation(trained_model):
    from bench.nlu_eval import evaluate

    return evaluate(trained_model)


def test_holdout_macro_f1_stays_above_its_floor(holdout_evaluation):
    from bench.nlu_eval import render

    assert holdout_evaluation.macro_f1 >= MIN_MACRO_F1, render(holdout_evaluation)


def test_safety_intents_are_never_mistaken_for_small_talk(holdout_evaluation):
    safety = {"in_danger_now", "self_harm", "disclose_exploitation"}
    small_talk = {"greet", "goodbye", "thanks", "affirm", "deny", "out_of_scope", "menu", "more",
                  "stop_form", "no_words"}
    wrong = [e for e in holdout_evaluation.errors if e["expected"] in safety and e["predicted"] in small_talk]
    assert wrong == []


def test_the_trained_model_scores_risk_exactly_as_the_bench_measures_it(trained_model):
    """The numbers in bench/risk_eval (and the held-out gate) are the live path's: the model's risk
    detector gives the same assessment as the rules' floor plus the classifier's vote."""
    from bench.risk_eval import live_scorer
    from harbor.cli.live_risk import LiveRiskScorer

    live = LiveRiskScorer(trained_model)
    for text in ["i'm going to kill myself in the shower", "this homework is killing me", "hi",
                 "he took my id and wont let me leave", "what are the warning signs of trafficking"]:
        risk = live.score(text)
        assert (risk["escalates"], set(risk["categories"])) == live_scorer(text), text


def test_harbor_risk_score_prints_one_json_object_per_line(trained_model):
    harbor = venv_executable("harbor")
    lines = "he wont let me leave\nthis homework is killing me\n\nkms\n"
    result = subprocess.run([harbor, "risk", "score", "-"], input=lines, capture_output=True, text=True,
                            env=ENV, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    scored = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(s["text"], s["level"]) for s in scored] == [
        ("he wont let me leave", "imminent"), ("this homework is killing me", "none"), ("kms", "high")]
    assert scored[0]["categories"] == ["imminent_danger"] and scored[0]["signals"]
    only = subprocess.run([harbor, "risk", "score", "-", "--escalates"], input=lines, capture_output=True,
                          text=True, env=ENV, timeout=300)
    assert [json.loads(line)["text"] for line in only.stdout.splitlines()] == ["he wont let me leave", "kms"]


def test_harbor_risk_score_bad_file_is_exit_2(trained_model):
    harbor = venv_executable("harbor")
    result = subprocess.run([harbor, "risk", "score", "/no/such/file"], capture_output=True, text=True,
                            env=ENV, timeout=120)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == "harbor: error: no such file: /no/such/file"
