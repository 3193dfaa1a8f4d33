"""The risk classifier: a calibrated TF-IDF logistic regression that votes on every message.

Trained in seconds (scikit-learn) on the labelled training side (every bot/risk_data/*.tsv) and the
NLU examples (risk intents as their category, every other intent as none); never on the held-out
set. Character 2-5-grams carry texting spellings; word 1-2-grams carry phrasing.

The threshold is recall-first within a page budget, chosen on a validation split of the training
side, never on the held-out set: out-of-fold probabilities from stratified 5-fold cross-validation, then the lowest
threshold (the most recall) at which the live decision, rules' floor OR classifier, pages for at
most FALSE_ESCALATION_BUDGET of the validation messages that need no page. A page wakes a person;
that budget is what buys recall. The threshold, with the recall, precision and false-escalation
rate it gave on the validation split, is saved with the model and printed by `harbor train` and
`python -m bench.risk_eval`.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from harbor.settings import MODELS_DIR, PROJECT_ROOT
from hotline import risk_patterns as p
from hotline.risk import ClassifierVote
from hotline.risk_rules import normalise

log = logging.getLogger("harbor.risk.classifier")

RISK_DATA = PROJECT_ROOT / "bot" / "risk_data"
LABELLED = RISK_DATA / "labelled.tsv"  # the set the rules were tuned on; other *.tsv there are written data
NLU_DIR = PROJECT_ROOT / "bot" / "data" / "nlu"
MODEL_PATH = MODELS_DIR / "risk_classifier.joblib"
NONE = "none"
FALSE_ESCALATION_BUDGET = 0.04
FOLDS = 5
SEED = 7
VERSION = 1  # bump when the features or model change, so `harbor train` retrains
NLU_RISK_INTENTS = {"in_danger_now": p.IMMINENT_DANGER, "self_harm": p.SELF_HARM,
                    "disclose_exploitation": p.EXPLOITATION}


@dataclass(frozen=True)
class Validation:
    threshold: float
    recall: float
    precision: float
    false_escalation_rate: float
    positives: int
    negatives: int

    def describe(self) -> str:
        return (f"threshold {self.threshold:.3f} (chosen on {FOLDS}-fold validation of the training side, rules "
                f"OR classifier paging at most {FALSE_ESCALATION_BUDGET:.0%} of non-risk messages): "
                f"recall {self.recall:.3f}, precision {self.precision:.3f}, "
                f"false escalations {self.false_escalation_rate:.3f} ({self.positives} risk, "
                f"{self.negatives} none)")


def load_labelled(path: Path) -> list[tuple[str, str]]:
    """(label, text) rows of a labelled TSV whose comment lines start with #."""
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return [(r["label"], r["text"]) for r in csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)]


def nlu_examples(nlu_dir: Path = NLU_DIR) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for path in sorted(nlu_dir.glob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "intent" not in item:
                continue
            label = NLU_RISK_INTENTS.get(item["intent"], NONE)
            for line in item.get("examples", "").splitlines():
                text = line.strip().removeprefix("- ").strip()
                if text:
                    rows.append((label, text))
    return rows


def training_rows() -> list[tuple[str, str]]:
    """Every labelled message once (after normalising), so no copy sits on both sides of a fold;
    where copies disagree, a risk label wins over none."""
    rows = [row for path in sorted(RISK_DATA.glob("*.tsv")) for row in load_labelled(path)] + nlu_examples()
    kept: dict[str, tuple[str, str]] = {}
    for label, text in rows:
        key = normalise(text)
        if key not in kept or (kept[key][0] == NONE and label != NONE):
            kept[key] = (label, text)
    return list(kept.values())


def fingerprint(rows: list[tuple[str, str]]) -> str:
    import sklearn

    digest = hashlib.sha256(f"v{VERSION}|{FALSE_ESCALATION_BUDGET}|sklearn {sklearn.__version__}".encode())
    for label, text in rows:
        digest.update(f"{label}\t{text}\n".encode())
    return digest.hexdigest()


def _pipeline():  # type: ignore[no-untyped-def]
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, preprocessor=normalise),
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, preprocessor=normalise,
                        token_pattern=r"(?u)\b\w+\b"),
    )
    model = LogisticRegression(C=10.0, class_weight="balanced", max_iter=5000, random_state=SEED)
    return CalibratedClassifierCV(make_pipeline(features, model), method="sigmoid", cv=3)


def _risk_scores(probabilities, classes: list[str]) -> list[float]:  # type: ignore[no-untyped-def]
    none_column = classes.index(NONE)
    return [1.0 - float(row[none_column]) for row in probabilities]


def choose_threshold(scores: list[float], is_risk: list[bool], rules_page: list[bool]) -> Validation:
    """The lowest threshold at which rules OR classifier page for at most FALSE_ESCALATION_BUDGET of the
    non-risk messages, with the recall of any risk it gives (all on out-of-fold scores)."""
    rows = list(zip(scores, is_risk, rules_page, strict=True))
    negatives = sum(1 for _, risk, _ in rows if not risk)
    positives = len(rows) - negatives
    budget = math.floor(FALSE_ESCALATION_BUDGET * negatives)
    always_paged = sum(1 for _, risk, rule in rows if not risk and rule)
    # Non-risk messages only the classifier would page, highest score first: each one the threshold
    # passes spends budget.
    only_classifier = sorted((s for s, risk, rule in rows if not risk and not rule), reverse=True)
    room = budget - always_paged
    threshold = 1.0 if room < 0 else (only_classifier[room] + 1e-9 if room < len(only_classifier) else 0.0)
    if room < 0:
        log.error("RISK CLASSIFIER SILENCED: the rules alone page %s of %s validation messages that need no "
                  "page, over the %.0f%% budget; the classifier cannot vote until that is fixed",
                  always_paged, negatives, FALSE_ESCALATION_BUDGET * 100)
    caught = sum(1 for s, risk, rule in rows if risk and (rule or s >= threshold))
    false = sum(1 for s, risk, rule in rows if not risk and (rule or s >= threshold))
    return Validation(threshold=threshold, recall=caught / positives if positives else 1.0,
                      precision=caught / (caught + false) if caught + false else 1.0,
                      false_escalation_rate=false / negatives if negatives else 0.0,
                      positives=positives, negatives=negatives)


@dataclass
class RiskClassifier:
    model: object
    classes: list[str]
    validation: Validation
    data_fingerprint: str

    def vote(self, text: str | None) -> ClassifierVote:
        probabilities = self.model.predict_proba([text or ""])[0]  # type: ignore[attr-defined]
        ranked = sorted(zip(self.classes, probabilities, strict=True), key=lambda pair: -pair[1])
        category = next(label for label, _ in ranked if label != NONE)
        risk = 1.0 - float(probabilities[self.classes.index(NONE)])
        return ClassifierVote(risk=risk, category=category, threshold=self.validation.threshold)


def train(rows: list[tuple[str, str]] | None = None) -> RiskClassifier:
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    rows = rows if rows is not None else training_rows()
    import numpy as np

    texts = [text for _, text in rows]
    labels = np.asarray([label for label, _ in rows])  # sklearn 1.1's calibration counts classes with ==
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    out_of_fold = cross_val_predict(_pipeline(), texts, labels, cv=folds, method="predict_proba")
    classes = sorted(set(labels))
    from hotline.risk import assess

    rules_page = [assess(text).escalates for text in texts]
    validation = choose_threshold(_risk_scores(out_of_fold, classes), [label != NONE for label in labels],
                                  rules_page)
    model = _pipeline().fit(texts, labels)
    return RiskClassifier(model, list(model.classes_), validation, fingerprint(rows))


def save(classifier: RiskClassifier, path: Path = MODEL_PATH) -> None:
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(classifier, path)
    path.with_suffix(".json").write_text(json.dumps({
        "sha256": _sha256(path),
        "threshold": classifier.validation.threshold, "recall": classifier.validation.recall,
        "precision": classifier.validation.precision,
        "false_escalation_rate": classifier.validation.false_escalation_rate,
        "false_escalation_budget": FALSE_ESCALATION_BUDGET,
        "data_fingerprint": classifier.data_fingerprint}, indent=2) + "\n")


def ensure_trained(force: bool = False, path: Path = MODEL_PATH) -> tuple[RiskClassifier, bool]:
    """The saved classifier when its training data is unchanged; else train and save. (model, trained?)"""
    rows = training_rows()
    if not force and path.exists():
        try:
            saved = load(path)
        except ClassifierFileError:
            saved = None
        if saved is not None and saved.data_fingerprint == fingerprint(rows):
            return saved, False
    classifier = train(rows)
    save(classifier, path)
    return classifier, True


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class ClassifierFileError(RuntimeError):
    """The saved classifier is not the file `harbor train` wrote: it is never unpickled."""


def load(path: Path = MODEL_PATH) -> RiskClassifier:
    """Unpickle only the exact file `save` wrote (its sha256 is in the .json beside it)."""
    import joblib

    meta = path.with_suffix(".json")
    expected = json.loads(meta.read_text()).get("sha256") if meta.exists() else None
    if expected is None or expected != _sha256(path):
        raise ClassifierFileError(f"{path} does not match {meta.name}; retrain with `harbor train`")
    return joblib.load(path)


@lru_cache(maxsize=2)
def live_classifier(path: Path = MODEL_PATH) -> RiskClassifier | None:
    """The classifier the live path uses; None (rules alone, logged loudly) when none was trained."""
    if not path.exists():
        log.error("NO RISK CLASSIFIER at %s: scoring with the rules alone; run `harbor train`", path)
        return None
    classifier = load(path)
    if classifier.data_fingerprint != fingerprint(training_rows()):
        log.warning("the risk classifier was trained on other data than bot/risk_data and the NLU examples "
                    "hold now; run `harbor train`")
    return classifier


def vote(text: str | None) -> ClassifierVote | None:
    classifier = live_classifier()
    return None if classifier is None else classifier.vote(text)
