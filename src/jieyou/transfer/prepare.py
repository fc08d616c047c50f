"""Reading a batch of rows before anything is written: validation, classification, risk and
routing. Pure CPU work on in-memory data, so it runs outside any transaction — and, for a
large file, in a second process while the first writes the previous batch
(:mod:`jieyou.transfer.importer`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from jieyou.alerts.risk import assess
from jieyou.cases.states import Status
from jieyou.classify.keywords import best_match
from jieyou.classify.model import TextClassifier
from jieyou.classify.store import default_model
from jieyou.config import get_settings
from jieyou.regions.models import PATH_LENGTH, Level, official_code
from jieyou.routing.models import TIER_LABELS, TIER_ORDER, Tier, tier_of_level
from jieyou.routing.service import centre_code
from jieyou.transfer.reader import Value
from jieyou.transfer.validate import CategoryRef, Problem, Record, Reference, validate_row

RawRow = tuple[int, dict[str, Value]]
Prediction = tuple[str | None, float, list[list[object]], str]  # code, confidence, top, model


@dataclass(frozen=True)
class ClassifierSettings:
    """What the importing process was configured with, handed to the worker process."""

    enabled: bool
    model_dir: str | None
    threshold: float

    @classmethod
    def current(cls) -> ClassifierSettings:
        s = get_settings().classifier
        return cls(s.enabled, s.model_dir, s.auto_route_threshold)


@dataclass(slots=True)
class Routed:
    """A good row with what reading and routing it decided."""

    record: Record
    category: CategoryRef | None
    confirmed: bool  # the category came from the file (a person chose it back then)
    needs_triage: bool
    predicted: Prediction | None
    risk_level: str
    risk_reasons: list[str]
    tier: Tier
    owner: tuple[int, str, str]  # unit id, code, name


@dataclass
class Prepared:
    routed: list[Routed] = field(default_factory=list)
    refused: list[list[Problem]] = field(default_factory=list)  # one list per refused row
    classified: int = 0
    triage: int = 0


class Classifier:
    """The configured model, with the intake's routing rule, one call per batch (predicting
    1,000 texts at once is far cheaper than 1,000 calls)."""

    def __init__(self, ref: Reference, settings: ClassifierSettings) -> None:
        self.threshold = settings.threshold
        self.model: TextClassifier | None = None
        if settings.enabled:
            self.model = (
                TextClassifier.load(Path(settings.model_dir))
                if settings.model_dir
                else default_model()
            )
        self.codes = {c.name: c.code for c in ref.categories.values() if c.level == 1}
        labels = self.model.labels if self.model else []
        self.known = frozenset(self.codes[label] for label in labels if label in self.codes)

    def predict(self, records: list[Record]) -> list[tuple[Prediction, str | None]]:
        """(prediction, category code to route by or None) for each record."""
        if self.model is None or not records:
            return []
        found = self.model.predict([r.title for r in records], [r.description for r in records])
        out = []
        for record, p in zip(records, found, strict=True):
            code = self.codes.get(p.label)
            confidence = round(float(p.confidence), 4)
            top: list[list[object]] = [
                [self.codes.get(label, label), round(float(q), 4)] for label, q in p.top
            ]
            text = f"{record.title} {record.description}"
            prediction = (code, confidence, top, self.model.version)
            out.append((prediction, self.route(code, confidence, text)))
        return out

    def route(self, code: str | None, confidence: float, text: str) -> str | None:
        # The rule of cases.intake.analyse: a confident prediction routes, narrowed to the
        # second level by telling words, unless the words plainly name a first-level
        # category the model was never taught.
        if code is None or confidence < self.threshold:
            return None
        overall = best_match(text)
        within = best_match(text, within=code)
        if (
            overall is not None
            and overall.first_level not in self.known
            and overall.weight >= 2
            and (within is None or overall.weight > within.weight)
        ):
            return None
        return within.code if within is not None else code


def owner_of(
    ref: Reference, record: Record, category: CategoryRef | None
) -> tuple[Tier, tuple[int, str, str] | None]:
    """routing.service.owner_for over the preloaded centres: the category's tier, never below
    the level of the place, and that tier's centre above the place (None if it has none)."""
    wanted = Tier(category.default_tier) if category else Tier.township
    tier = max(wanted, tier_of_level(record.region.level), key=TIER_ORDER.index)
    code = centre_code(official_code(record.region.path[: PATH_LENGTH[Level(tier.value)]]))
    centre = ref.centres.get(code)
    return tier, (centre[0], code, centre[1]) if centre else None


class Preparer:
    """Validates and routes a batch of rows."""

    def __init__(self, ref: Reference, settings: ClassifierSettings, now: datetime) -> None:
        self.ref = ref
        self.now = now
        self.classifier = Classifier(ref, settings)

    def __call__(self, rows: list[RawRow]) -> Prepared:
        out = Prepared()
        records: list[Record] = []
        for number, cells in rows:
            result = validate_row(number, cells, self.ref, now=self.now)
            if isinstance(result, list):
                out.refused.append(result)
            else:
                records.append(result)
        unsure = [r for r in records if r.category is None]
        # No model (classification off): no predictions at all, hence not strict.
        pairs = zip(unsure, self.classifier.predict(unsure), strict=False)
        predictions = {id(r): p for r, p in pairs}
        for record in records:
            category = record.category
            predicted = None
            found = predictions.get(id(record))
            if found is not None:
                predicted, routed_code = found
                if routed_code is not None:
                    category = self.ref.categories.get(routed_code)
                    out.classified += category is not None
            # Only cases someone still works on wait in triage; a finished case without a
            # category stays without one.
            triage = category is None and (record.is_open or record.status == Status.resolved)
            out.triage += triage
            if record.is_open:
                risk = assess(record.title, record.description)
                level, reasons = risk.level, list(risk.reasons)
            else:  # history: nobody acts on the risk of a finished case
                level, reasons = "normal", []
            tier, owner = owner_of(self.ref, record, category)
            if owner is None:
                message = f"{record.region.name} 没有{TIER_LABELS[tier]}受理单位"
                out.refused.append([Problem(record.row, "region_code", message)])
                continue
            out.routed.append(
                Routed(
                    record,
                    category,
                    record.category is not None,
                    triage,
                    predicted,
                    level,
                    reasons,
                    tier,
                    owner,
                )
            )
        return out


# --- the worker process --------------------------------------------------------------------

_preparer: Preparer | None = None


def start_worker(ref: Reference, settings: ClassifierSettings, now: datetime) -> None:
    """Initializer of the worker process: the reference data and the model, once."""
    global _preparer
    _preparer = Preparer(ref, settings, now)


def prepare_in_worker(rows: list[RawRow]) -> Prepared:
    assert _preparer is not None, "start_worker did not run"
    return _preparer(rows)
