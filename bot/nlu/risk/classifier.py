"""The risk classifier: two linear SVMs over TF-IDF n-grams (risk or not; none or which category), their
margins scaled and summed, that vote on every message.

Trained in seconds (scikit-learn) on the labelled training side (every bot/risk_data/*.tsv) and the
NLU examples (risk intents as their category, every other intent as none); never on the held-out
set. Character 2-5-grams carry texting spellings; word 1-2-grams carry phrasing.

The threshold is recall-first within a page budget, chosen on a validation split of the training
side, never on the held-out set: out-of-fold probabilities from 5-fold cross-validation grouped by
writer (each file is one writer, so every message is scored by a model that never saw its writer's
voice), then the lowest threshold (the most recall) at which the live decision, rules' floor OR
classifier, pages for at most FALSE_ESCALATION_BUDGET of the validation messages that need no page.
A page wakes a person; that budget is what buys recall. Measured here on 2026-11-26 (writer-grouped
validation, 11.5k messages): a 5% budget caught 0.73 of risk messages, 8% 0.83, 10% 0.86, 15% 0.91; on
2026-12-07 (16.4k messages, four more writers and sets e and f): 8% 0.900, 10% 0.931, 12% 0.951. Recall first:
10% pages. The writers' hard negatives are near misses on purpose; on independent held-out set e, the
8% point paged for 2.4% of the messages that needed none, under the 5% goal, so 10% spends that room on
recall (held-out set f measures what it costs). Below that threshold, a check-in threshold: the score
from which Harbor asks "are you safe right now?" (rather than paging)
for at most CHECK_IN_BUDGET more of those messages.
The thresholds, with the recall, precision and false-escalation rate they gave on the validation
split, are saved with the model and printed by `harbor train` and `python -m bench.risk_eval`.
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

from bot.nlu.risk import patterns as p
from bot.nlu.risk.assessment import ClassifierVote
from bot.nlu.risk.rules import normalise
from harbor.core.settings import MODELS_DIR, PROJECT_ROOT

log = logging.getLogger("harbor.risk.classifier")

RISK_DATA = PROJECT_ROOT / "bot" / "risk_data"
LABELLED = RISK_DATA / "labelled.tsv"  # the set the rules were tuned on; other *.tsv there are written data
NLU_DIR = PROJECT_ROOT / "bot" / "data" / "nlu"
RULE_SOURCES = [Path(__file__).with_name(name) for name in ("patterns.py", "rules.py", "assessment.py")]
MODEL_PATH = MODELS_DIR / "risk_classifier.joblib"
NONE = "none"
FALSE_ESCALATION_BUDGET = 0.10
CHECK_IN_BUDGET = 0.10
FOLDS = 5
SEED = 7
VERSION = 4  # bump when the features or model change, so `harbor train` retrains
NLU_RISK_INTENTS = {"in_danger_now": p.IMMINENT_DANGER, "self_harm": p.SELF_HARM,
                    "disclose_exploitation": p.EXPLOITATION, "report_missing": p.THIRD_PARTY}
# Intents whose examples are neither risk nor clean negatives ("she keeps going back to him", "i'm
# not okay"): the risk writers label such messages by their content, so they train nothing here.
NLU_UNLABELLED_INTENTS = {"ask_suspect_what_to_do", "ask_relapse", "ask_youth_returned", "need_someone_to_talk",
                          "faq/harm_reduction", "faq/recruitment"}
# The first NLU files were written by one writer, split by topic.
ORIGINAL_NLU = {"caregivers", "general", "providers", "resources", "safety", "youth"}


@dataclass(frozen=True)
class Validation:
    threshold: float
    check_in_threshold: float
    recall: float
    precision: float
    false_escalation_rate: float
    positives: int
    negatives: int

    def describe(self) -> str:
        return (f"threshold {self.threshold:.3f} (chosen on {FOLDS}-fold validation grouped by writer, rules "
                f"OR classifier paging at most {FALSE_ESCALATION_BUDGET:.0%} of the hard non-risk messages): "
                f"recall {self.recall:.3f}, precision {self.precision:.3f}, "
                f"false escalations {self.false_escalation_rate:.3f} ({self.positives} risk, "
                f"{self.negatives} none); asks if safe from {self.check_in_threshold:.3f}")


def load_labelled(path: Path) -> list[tuple[str, str]]:
    """(label, text) rows of a labelled TSV whose comment lines start with #."""
    rows = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return [(r["label"], r["text"]) for r in csv.DictReader(rows, delimiter="\t", quoting=csv.QUOTE_NONE)]


def nlu_examples(nlu_dir: Path = NLU_DIR, with_writer: bool = False) -> list:
    """(label, text) of every NLU example: risk intents as their category, the rest none; with the
    writer (the file's name) as a third field when asked."""
    rows: list = []
    for path in sorted(nlu_dir.glob("*.yml")):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "intent" not in item or item["intent"] in NLU_UNLABELLED_INTENTS:
                continue
            label = NLU_RISK_INTENTS.get(item["intent"], NONE)
            writer = "nlu:original" if path.stem in ORIGINAL_NLU else f"nlu:{path.stem}"
            for line in item.get("examples", "").splitlines():
                text = line.strip().removeprefix("- ").strip()
                if text:
                    rows.append((label, text, writer) if with_writer else (label, text))
    return rows


def training_rows_by_writer() -> list[tuple[str, str, str]]:
    """Every labelled message once (after normalising), with its writer, so no copy sits on both sides
    of a fold; where copies disagree, a risk label wins over none."""
    rows = [(label, text, f"risk:{path.stem}") for path in sorted(RISK_DATA.glob("*.tsv"))
            for label, text in load_labelled(path)] + nlu_examples(with_writer=True)
    kept: dict[str, tuple[str, str, str]] = {}
    for label, text, writer in rows:
        key = normalise(text)
        if key not in kept or (kept[key][0] == NONE and label != NONE):
            kept[key] = (label, text, writer)
    return list(kept.values())


def training_rows() -> list[tuple[str, str]]:
    return [(label, text) for label, text, _ in training_rows_by_writer()]


def fingerprint(rows: list[tuple[str, str]]) -> str:
    import sklearn

    digest = hashlib.sha256(f"v{VERSION}|{FALSE_ESCALATION_BUDGET}|{CHECK_IN_BUDGET}|sklearn {sklearn.__version__}"
                            .encode())
    # The threshold is chosen with the rules' pages counted against the budget: new rules, new threshold.
    for source in RULE_SOURCES:
        digest.update(source.read_bytes())
    for label, text in rows:
        digest.update(f"{label}\t{text}\n".encode())
    return digest.hexdigest()


def _features():  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_union

    return make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2, preprocessor=normalise),
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, preprocessor=normalise,
                        token_pattern=r"(?u)\b\w+\b"),
    )


def _risk_model():  # type: ignore[no-untyped-def]
    """Risk or not: a linear SVM's margin. Compared on the writer-grouped split with a calibrated
    logistic regression (the first model here) and NB-SVM, it paged as much and trained in a second
    instead of minutes; the threshold is chosen on its margin, so no calibration is needed."""
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    return make_pipeline(_features(), LinearSVC(C=0.5, class_weight="balanced", random_state=SEED))


def _multi_model():  # type: ignore[no-untyped-def]
    """Which of none and the five categories: its margin of the best risk category over none is a second
    opinion on risk. Summed with the binary margin (each scaled by its out-of-fold spread), it caught more
    at the same page budget on the writer-grouped split (2026-12-07, 15.6k messages, 10% budget): recall
    0.956 binary alone, 0.966 this alone, 0.969 both (self-harm 0.914, 0.937, 0.933)."""
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    return make_pipeline(_features(), LinearSVC(C=1.0, class_weight="balanced", random_state=SEED))


def _risk_over_none(decision, classes) -> list[float]:  # type: ignore[no-untyped-def]
    """Per message: the best risk category's margin minus none's, from a multi-class decision_function."""
    import numpy as np

    none = list(classes).index(NONE)
    scores = np.asarray(decision)
    return [float(x) for x in np.delete(scores, none, axis=1).max(axis=1) - scores[:, none]]


@dataclass(frozen=True)
class Scaling:
    """The two margins on one scale: each minus its out-of-fold mean, over its out-of-fold spread."""

    binary_mean: float
    binary_scale: float
    multi_mean: float
    multi_scale: float

    @classmethod
    def fitted(cls, binary: list[float], multi: list[float]) -> Scaling:
        import numpy as np

        return cls(float(np.mean(binary)), float(np.std(binary)) or 1.0, float(np.mean(multi)),
                   float(np.std(multi)) or 1.0)

    def combine(self, binary: float, multi: float) -> float:
        return (binary - self.binary_mean) / self.binary_scale + (multi - self.multi_mean) / self.multi_scale


def _category_model():  # type: ignore[no-untyped-def]
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    return make_pipeline(_features(), LinearSVC(C=0.5, class_weight="balanced", random_state=SEED))


def choose_threshold(scores: list[float], is_risk: list[bool], rules_page: list[bool],
                     hard: list[bool] | None = None) -> Validation:
    """The lowest threshold at which rules OR classifier page for at most FALSE_ESCALATION_BUDGET of the
    hard non-risk messages (the near misses writers wrote on purpose; the NLU's everyday examples are
    too easy to count), with the recall of any risk it gives (all on out-of-fold scores)."""
    hard = hard if hard is not None else [True] * len(scores)
    rows = list(zip(scores, is_risk, rules_page, hard, strict=True))
    negatives = sum(1 for _, risk, _, h in rows if not risk and h)
    positives = sum(1 for _, risk, _, _ in rows if risk)
    budget = math.floor(FALSE_ESCALATION_BUDGET * negatives)
    always_paged = sum(1 for _, risk, rule, h in rows if not risk and rule and h)
    # Non-risk messages only the classifier would page, highest score first: each one the threshold
    # passes spends budget.
    only_classifier = sorted((s for s, risk, rule, h in rows if not risk and not rule and h), reverse=True)
    room = budget - always_paged
    threshold = math.inf if room < 0 else (only_classifier[room] + 1e-9 if room < len(only_classifier) else -math.inf)
    if room < 0:
        log.error("RISK CLASSIFIER SILENCED: the rules alone page %s of %s validation messages that need no "
                  "page, over the %.0f%% budget; the classifier cannot vote until that is fixed",
                  always_paged, negatives, FALSE_ESCALATION_BUDGET * 100)
    caught = sum(1 for s, risk, rule, _ in rows if risk and (rule or s >= threshold))
    false = sum(1 for s, risk, rule, h in rows if not risk and h and (rule or s >= threshold))
    # Below the page threshold: ask "are you safe right now?" for at most CHECK_IN_BUDGET more of them.
    below = sorted((s for s, risk, rule, h in rows if not risk and h and not rule and s < threshold), reverse=True)
    asks = math.floor(CHECK_IN_BUDGET * negatives)
    check_in = min(threshold, below[asks] + 1e-9 if asks < len(below) else -math.inf)
    return Validation(threshold=threshold, check_in_threshold=check_in,
                      recall=caught / positives if positives else 1.0,
                      precision=caught / (caught + false) if caught + false else 1.0,
                      false_escalation_rate=false / negatives if negatives else 0.0,
                      positives=positives, negatives=negatives)


@dataclass
class RiskClassifier:
    risk_model: object  # margin: risk or not
    multi_model: object  # none or a category: the best category's margin over none
    scaling: Scaling
    category_model: object  # which risk, trained on the risk messages only
    validation: Validation
    data_fingerprint: str

    def vote(self, text: str | None) -> ClassifierVote:
        binary = float(self.risk_model.decision_function([text or ""])[0])  # type: ignore[attr-defined]
        multi = _risk_over_none(self.multi_model.decision_function([text or ""]),  # type: ignore[attr-defined]
                                self.multi_model.classes_)[0]  # type: ignore[attr-defined]
        risk = self.scaling.combine(binary, multi)
        category = str(self.category_model.predict([text or ""])[0])  # type: ignore[attr-defined]
        return ClassifierVote(risk=risk, category=category, threshold=self.validation.threshold,
                              check_in_threshold=self.validation.check_in_threshold)


def train(rows: list[tuple[str, str, str]] | None = None) -> RiskClassifier:
    import numpy as np
    from sklearn.model_selection import StratifiedGroupKFold, cross_val_predict

    rows = rows if rows is not None else training_rows_by_writer()
    texts = [text for _, text, _ in rows]
    labels = np.asarray([label for label, _, _ in rows])
    writers = [writer for _, _, writer in rows]
    is_risk = labels != NONE
    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    binary = [float(s) for s in cross_val_predict(_risk_model(), texts, is_risk, groups=writers, cv=folds,
                                                  method="decision_function")]
    multi = _risk_over_none(cross_val_predict(_multi_model(), texts, labels, groups=writers, cv=folds,
                                              method="decision_function"), np.unique(labels))
    scaling = Scaling.fitted(binary, multi)
    out_of_fold = [scaling.combine(b, m) for b, m in zip(binary, multi, strict=True)]
    from bot.nlu.risk.assessment import assess

    rules_page = [assess(text).escalates for text in texts]
    hard = [writer.startswith("risk:") for writer in writers]
    validation = choose_threshold(out_of_fold, list(is_risk), rules_page, hard)
    risk_model = _risk_model().fit(texts, is_risk)
    multi_model = _multi_model().fit(texts, labels)
    risky = [i for i, flag in enumerate(is_risk) if flag]
    category_model = _category_model().fit([texts[i] for i in risky], labels[risky])
    return RiskClassifier(risk_model, multi_model, scaling, category_model, validation,
                          fingerprint([(lab, t) for lab, t, _ in rows]))


def save(classifier: RiskClassifier, path: Path = MODEL_PATH) -> None:
    import joblib

    path.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(classifier, path)
    path.with_suffix(".json").write_text(json.dumps({
        "sha256": _sha256(path), "version": VERSION,
        "threshold": classifier.validation.threshold, "recall": classifier.validation.recall,
        "check_in_threshold": classifier.validation.check_in_threshold,
        "precision": classifier.validation.precision,
        "false_escalation_rate": classifier.validation.false_escalation_rate,
        "false_escalation_budget": FALSE_ESCALATION_BUDGET,
        "data_fingerprint": classifier.data_fingerprint}, indent=2) + "\n")


def ensure_trained(force: bool = False, path: Path = MODEL_PATH) -> tuple[RiskClassifier, bool]:
    """The saved classifier when its training data is unchanged; else train and save. (model, trained?)"""
    rows = training_rows_by_writer()
    if not force and path.exists():
        try:
            saved = load(path)
        except ClassifierFileError:
            saved = None
        if saved is not None and saved.data_fingerprint == fingerprint([(lab, t) for lab, t, _ in rows]):
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
    saved = json.loads(meta.read_text()) if meta.exists() else {}
    expected = saved.get("sha256")
    if expected is None or expected != _sha256(path):
        raise ClassifierFileError(f"{path} does not match {meta.name}; retrain with `harbor train`")
    if saved.get("version") != VERSION:  # another model's fields: it would fail on every message
        raise ClassifierFileError(f"{path} was saved by an older Harbor (model version {saved.get('version')}, "
                                  f"this one reads {VERSION}); retrain with `harbor train`")
    try:
        return joblib.load(path)
    except (ModuleNotFoundError, AttributeError) as error:  # pickled by a Harbor whose modules had other names
        raise ClassifierFileError(f"{path} was saved by an older Harbor ({error}); "
                                  "retrain with `harbor train`") from None


@lru_cache(maxsize=2)
def live_classifier(path: Path = MODEL_PATH) -> RiskClassifier | None:
    """The classifier the live path uses; None (rules alone, logged loudly) when none was trained."""
    if not path.exists():
        log.error("NO RISK CLASSIFIER at %s: scoring with the rules alone; run `harbor train`", path)
        return None
    classifier = load(path)
    if classifier.data_fingerprint != fingerprint(training_rows()):
        log.warning("the risk classifier was trained on other data or rules than bot/risk_data, the NLU "
                    "examples and bot/nlu/risk hold now; run `harbor train`")
    return classifier


def vote(text: str | None) -> ClassifierVote | None:
    classifier = live_classifier()
    return None if classifier is None else classifier.vote(text)
