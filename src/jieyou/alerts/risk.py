"""Risk language in one grievance: self-harm, violence, group action, petition escalation,
people in danger and strong emotion (see docs/decisions/0004-risk-detector.md).

Three readers look at one text, and the most severe answer wins:

1. **Rules** (`risk_lexicon.RULES`): explicit phrases ("不想活了", "集体上访"). Each match is
   checked against its sentence: negation just before it ("不会去上访"), hearsay, jokes or
   news ("新闻说有人跳楼"), a past event since resolved, and the rule's own conditions.
2. **Combined evidence** (`CUES`, `COMBOS`): weak cues that only together are a signal: a
   means at hand ("绳子买了"), a farewell with despair, a crowd with a blockade and a plan.
3. **A learned second opinion**: logistic regression on the text's characters and bigrams,
   trained on the labelled sets (`risk_model.json`: plain weights, no pickle). It can raise a
   text to `high`, never lower it, and it must be surer when the text reads as a question, a
   settled matter or mere emotion.

Ten or more named parties add an `elevated` signal. Before reading, spellings are folded
(`risk_lexicon.edit` and `fold`: spaces, pinyin, traditional characters, Xiang dialect,
homophones); reasons still quote what the resident wrote. Deterministic; numpy at run time.
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from jieyou.alerts.risk_lexicon import (
    BEFORE,
    COMBOS,
    CONSEQUENCE,
    CUES,
    DELIMITERS,
    DENIED,
    DISSUADED,
    EMOTION,
    GROUP,
    HEARSAY,
    NEGATION,
    NEGATION_WINDOW,
    PAST,
    QUESTION,
    RESOLVED,
    RISK_KINDS,
    RISK_LEVELS,
    RULES,
    SETTLED,
    Combo,
    Rule,
    edit,
    fold,
)

__all__ = ["RISK_KINDS", "RISK_LEVELS", "RiskAssessment", "RiskSignal", "assess"]

_RANK = {level: rank for rank, level in enumerate(RISK_LEVELS)}
PARTIES_ELEVATED = 10  # this many named parties alone is an elevated risk
MODEL_PATH = Path(__file__).with_name("risk_model.json")


@dataclass(frozen=True)
class RiskSignal:
    kind: str  # one of RISK_KINDS
    level: str  # elevated | high | critical
    reason: str  # a Chinese sentence quoting the evidence
    evidence: str  # the words quoted (several fragments joined by "…" for combined evidence)


@dataclass(frozen=True)
class RiskAssessment:
    level: str  # normal | elevated | high | critical: the highest signal level
    reasons: list[str]  # one per signal, most severe first, no duplicates
    signals: list[RiskSignal]


# --------------------------------------------------------------------------- grams and model

# Characters and character bigrams as integers: a character is its code point, a bigram is
# (first << 21) | second; code points need 21 bits, so the two never collide. They are both
# the model's features and the rules' keys. Numpy does in a few calls what a set of 600
# two-character strings costs a hundred microseconds to build.


def gram_code(gram: str) -> int:
    return ord(gram) if len(gram) == 1 else (ord(gram[0]) << 21) | ord(gram[1])


def gram_strings(folded: str) -> list[str]:
    """The model's features as strings (for training; `_grams` is the fast equivalent)."""
    return sorted({*folded, *(folded[i : i + 2] for i in range(len(folded) - 1))})


_NEW = np.array([True])


def _grams(folded: str) -> npt.NDArray[np.uint64]:
    chars = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    codes = np.sort(np.concatenate((chars, (chars[:-1] << np.uint64(21)) | chars[1:])))
    return codes[np.concatenate((_NEW, codes[1:] != codes[:-1]))]  # np.unique is slower


def _rows(codes: npt.NDArray[np.uint64], grams: npt.NDArray[np.uint64]) -> npt.NDArray[np.intp]:
    """The rows of `codes` (sorted, ending in a sentinel above every gram) found in `grams`."""
    at = np.searchsorted(codes, grams)
    return at[codes[at] == grams]


def _codes(table: dict[int, Any]) -> tuple[npt.NDArray[np.uint64], list[int]]:
    codes = [*sorted(table), 2**63]  # the sentinel: a search never runs off the end
    return np.array(codes, dtype=np.uint64), codes


class _Model:
    """Two logistic regressions on the folded text's grams: high risk or not, and (for the
    reason) which kind. Thresholds: `alone` makes a text high by itself, `alone_elevated` when
    the rules already found it elevated, `backed` when a cue backs it."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.bias = float(data["bias"])
        self.weights = {gram_code(g): float(w) for g, w in data["weights"].items()}
        self.alone = float(data["alone"])
        self.alone_elevated = float(data["alone_elevated"])
        self.backed = float(data["backed"])
        self.kinds: tuple[str, ...] = tuple(data["kinds"])
        self.kind_bias = np.array(data["kind_bias"], dtype=np.float64)
        kind_weights = {gram_code(g): ws for g, ws in data["kind_weights"].items()}
        self.kind_codes, codes = _codes(kind_weights)
        zero = [0.0] * len(self.kinds)
        self.kind_weights = np.array([kind_weights.get(c, zero) for c in codes])

    def kind(self, grams: npt.NDArray[np.uint64]) -> str:
        rows = _rows(self.kind_codes, grams)
        return self.kinds[int(np.argmax(self.kind_bias + self.kind_weights[rows].sum(axis=0)))]

    def strongest(self, folded: str, count: int = 3) -> list[tuple[int, int]]:
        """Where the bigrams that raised the score most first occur."""
        pairs = {folded[i : i + 2] for i in range(len(folded) - 1)}
        weighed = sorted(((self.weights.get(gram_code(p), 0.0), p) for p in pairs), reverse=True)
        starts = [folded.index(p) for w, p in weighed[:count] if w > 0 and p.isalnum()]
        return [(start, start + 2) for start in starts]


@cache
def _model() -> _Model | None:
    if not MODEL_PATH.exists():
        return None
    return _Model(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


class _Table:
    """One sorted array of gram codes for two uses: the rules' keys, as bit masks of the rules
    they belong to (64 rules per word), and the model's weights. One search per text tells
    which rules may match at all and what the model says."""

    def __init__(self, model: _Model | None) -> None:
        masks: dict[int, int] = {}
        self.keyless = 0
        for index, rule in enumerate((*RULES, *CUES)):
            if rule.keys is None:
                self.keyless |= 1 << index
            for code in map(gram_code, rule.keys or ()):
                masks[code] = masks.get(code, 0) | 1 << index
        weights = model.weights if model is not None else {}
        self.codes, codes = _codes({**masks, **weights})
        self.masks = [
            np.array([masks.get(c, 0) >> (64 * w) & (2**64 - 1) for c in codes], dtype=np.uint64)
            for w in range((len(RULES) + len(CUES) + 63) // 64)
        ]
        self.weights = np.array([weights.get(c, 0.0) for c in codes])
        self.bias = model.bias if model is not None else None

    def lookup(self, grams: npt.NDArray[np.uint64]) -> tuple[int, float]:
        rows = _rows(self.codes, grams)
        possible = self.keyless
        for w, masks in enumerate(self.masks):
            possible |= int(np.bitwise_or.reduce(masks[rows])) << (64 * w)
        if self.bias is None:
            return possible, 0.0
        z = self.bias + float(self.weights[rows].sum())
        return possible, 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0


@cache
def _table(model: _Model | None) -> _Table:
    return _Table(model)


# --------------------------------------------------------------------------- one text

_SENTENCE_END = re.compile(r"[。.!！?？;；\n]")
_CLAUSE_END = re.compile(r"[。.!！?？;；\n,，:：、]")
# A "sentence" never reaches further than this from its match, so that a long text without
# punctuation costs linear, not quadratic, time.
_REACH = 120


class _Context:
    """Sentence and clause boundaries of one text, and what its sentences say about intent."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentences = [m.start() for m in _SENTENCE_END.finditer(text)]
        self.clauses = [m.start() for m in _CLAUSE_END.finditer(text)]
        self.flags: dict[tuple[int, int], int] = {}  # per sentence span: _sentence_flags
        self.in_text: dict[re.Pattern[str], bool] = {}

    def anywhere(self, pattern: re.Pattern[str]) -> bool:
        if pattern not in self.in_text:
            self.in_text[pattern] = pattern.search(self.text) is not None
        return self.in_text[pattern]

    def _span(self, ends: list[int], start: int, end: int) -> tuple[int, int]:
        before = bisect_right(ends, start - 1)
        left = ends[before - 1] + 1 if before else 0
        after = bisect_left(ends, end)
        right = ends[after] if after < len(ends) else len(self.text)
        return max(left, start - _REACH), min(right, end + _REACH)

    def sentence(self, start: int, end: int) -> tuple[tuple[int, int], str, int]:
        span = self._span(self.sentences, start, end)
        sentence = self.text[span[0] : span[1]]
        flags = self.flags.get(span)
        if flags is None:
            flags = self.flags[span] = _sentence_flags(sentence)
        return span, sentence, flags

    def clause_before(self, start: int, width: int) -> str:
        left, _ = self._span(self.clauses, start, start)
        return self.text[max(left, start - width) : start]

    def clause_around(self, start: int, end: int) -> str:
        left, right = self._span(self.clauses, start, end)
        return self.text[left:right]


@dataclass(frozen=True)
class _Text:
    original: str  # what the resident wrote (title。description)
    folded: str  # what the lexicon reads
    origin: list[int] | None  # folded index -> original index; None when they are aligned
    grams: npt.NDArray[np.uint64]  # the codes of its characters and bigrams, sorted, unique
    possible: int  # bit i: rule i (then the cues) may match, for its keys occur in the text
    score: float  # the model's probability that the text is high risk (0 without a model)

    @cached_property
    def context(self) -> _Context:  # built on the first match only
        return _Context(self.folded)

    def quote(self, start: int, end: int) -> str:
        if self.origin is not None:
            start, end = self.origin[start], self.origin[end - 1] + 1
        return self.original[start:end].strip(DELIMITERS)


def folded_text(title: str, description: str) -> str:
    """The text as the lexicon and the model read it (what the model is trained on)."""
    return fold(edit(f"{title.strip()}。{description.strip()}")[0])


def read(title: str, description: str) -> _Text:
    original = f"{title.strip()}。{description.strip()}"
    edited, origin = edit(original)
    folded = fold(edited)
    grams = _grams(folded)
    possible, score = _table(_model()).lookup(grams)
    return _Text(original, folded, origin, grams, possible, score)


def model_score(title: str, description: str) -> float | None:
    """The learned second opinion alone: the probability that the text is high risk."""
    return None if _model() is None else read(title, description).score


# --------------------------------------------------------------------------- context checks

# Not the writer's own intent: news, rumour, fiction, a joke or a lesson; or a denial.
_NOT_INTENT = re.compile(f"{HEARSAY.pattern}|{DENIED.pattern}")
_HEARSAY, _DISSUADED, _SETTLED, _RESOLVED = 1, 2, 4, 8
_FLAGS = (
    (_HEARSAY, _NOT_INTENT),
    (_DISSUADED, DISSUADED),
    (_SETTLED, SETTLED),
    (_RESOLVED, RESOLVED),
)


def _sentence_flags(sentence: str) -> int:
    return sum(flag for flag, pattern in _FLAGS if pattern.search(sentence))


def _negated(prefix: str) -> bool:
    negators = list(NEGATION.finditer(prefix))
    return bool(negators) and not CONSEQUENCE.search(prefix, negators[-1].end())


def _true_span(rule: Rule, match: re.Match[str], text: str) -> tuple[int, int]:
    """Where a match really starts: one character earlier for a shifted alternative."""
    start, end = match.span()
    if rule.shifted:
        for back in (1, 2, 3):
            if text[max(start - back, 0) : start + 1] in rule.shifted:
                return start - back, end
    return start, end


def _accepted(rule: Rule, start: int, end: int, ctx: _Context) -> int | None:
    """Where the evidence of an accepted match starts (earlier if the rule needs words before
    it: "去…政府" for "政府"), or None when the context rejects the match."""
    if rule.before is not None:
        prefix = ctx.clause_before(start, BEFORE)
        lead = rule.before.search(prefix)
        if lead is None:
            return None
        start += lead.start() - len(prefix)
    if rule.negatable and _negated(ctx.clause_before(start, NEGATION_WINDOW)):
        return None
    _, sentence, flags = ctx.sentence(start, end)
    if rule.unless is not None and rule.unless.search(sentence):
        return None
    if any(need.search(sentence) is None for need in rule.needs):
        return None
    if not all(map(ctx.anywhere, rule.needs_in_text)):
        return None
    if flags & _SETTLED or (flags & _HEARSAY and rule.kind != EMOTION):
        return None
    if flags & _DISSUADED and rule.kind == GROUP:
        return None
    past = flags & _RESOLVED and (
        PAST.search(ctx.clause_around(start, end)) or ctx.text.startswith("过", end)
    )
    return None if past else start


# --------------------------------------------------------------------------- the readers

_Found = tuple[int, int, tuple[int, int] | None, RiskSignal]  # rank, order, span, signal

# Per rule: its position, its bit in `_Text.possible` and its rank (this loop runs sixty
# times per text).
_RULE_TABLE = [(order, 1 << order, _RANK[rule.level], rule) for order, rule in enumerate(RULES)]


def _rule_signals(text: _Text) -> list[_Found]:
    """One signal per rule: its first match the context accepts. A rule is skipped when its
    keys are absent, or when its kind already has a signal at least as severe."""
    found: list[_Found] = []
    best = dict.fromkeys(RISK_KINDS, -1)
    folded, possible = text.folded, text.possible
    for order, bit, rank, rule in _RULE_TABLE:
        if not possible & bit or best[rule.kind] >= rank:
            continue
        match = rule.pattern.search(folded)
        while match is not None:
            start, end = _true_span(rule, match, folded)
            accepted = _accepted(rule, start, end, text.context)
            if accepted is not None:
                evidence = text.quote(accepted, end)
                signal = RiskSignal(rule.kind, rule.level, f"{rule.label}：“{evidence}”", evidence)
                found.append((rank, order, (accepted, end), signal))
                best[rule.kind] = rank
                break
            match = rule.pattern.search(folded, match.end())
    return found


_MAX_HITS = 4  # matches kept per cue: enough to find two different farewells
_CUE = {cue.level: (1 << (len(RULES) + i), cue) for i, cue in enumerate(CUES)}  # level: role
_GROUPS = {combo: tuple(tuple(group.split("|")) for group in combo.roles) for combo in COMBOS}


class _Cues:
    """The cues of one text, searched only when a combination could still use them."""

    def __init__(self, text: _Text) -> None:
        self.text = text
        self.raw: dict[str, list[tuple[int, int]]] = {}
        self.accepted: dict[str, list[tuple[int, int]]] = {}

    def found(self, role: str) -> list[tuple[int, int]]:
        matches = self.raw.get(role)
        if matches is None:
            bit, cue = _CUE[role]
            matches = self.raw[role] = []
            if self.text.possible & bit:
                folded = self.text.folded
                for match in cue.pattern.finditer(folded):
                    matches.append(_true_span(cue, match, folded))
                    if len(matches) >= _MAX_HITS:
                        break
        return matches

    def hits(self, role: str) -> list[tuple[int, int]]:
        if role not in self.accepted:
            cue = _CUE[role][1]
            checked = ((_accepted(cue, s, e, self.text.context), e) for s, e in self.found(role))
            self.accepted[role] = [(s, e) for s, e in checked if s is not None]
        return self.accepted[role]

    def combine(self, combo: Combo) -> list[tuple[int, int]]:
        """Different, non-overlapping accepted matches filling every role of `combo`, or []."""
        groups = _GROUPS[combo]
        if not all(any(map(self.found, group)) for group in groups):
            return []  # cheap: no context checks unless every role was seen

        def fill(index: int, chosen: list[tuple[int, int]]) -> list[tuple[int, int]]:
            if index == len(groups):
                return chosen
            for role in groups[index]:
                for start, end in self.hits(role):
                    if any(start < e and s < end for s, e in chosen):
                        continue
                    spans = [*chosen, (start, end)]
                    width = max(e for _, e in spans) - min(s for s, _ in spans)
                    if combo.window is not None and width > combo.window:
                        continue
                    if done := fill(index + 1, spans):
                        return done
            return []

        return fill(0, [])


def _evidence_signals(cues: _Cues, rules: list[_Found]) -> list[_Found]:
    """The first (most severe) combination of each kind that adds to what the rules found."""
    best = dict.fromkeys(RISK_KINDS, -1)
    for rank, _, _, signal in rules:
        best[signal.kind] = max(best[signal.kind], rank)
    found: list[_Found] = []
    for order, combo in enumerate(COMBOS, start=len(RULES)):
        rank = _RANK[combo.level]
        if best[combo.kind] >= rank:
            continue
        spans = sorted(cues.combine(combo))
        if spans:
            evidence = "…".join(dict.fromkeys(cues.text.quote(s, e) for s, e in spans))
            signal = RiskSignal(combo.kind, combo.level, f"{combo.label}：“{evidence}”", evidence)
            found.append((rank, order, None, signal))
            best[combo.kind] = max(best[combo.kind], rank + 1)  # one combination per kind
    return found


# The model reads character pairs, not sentences: it cannot tell a question, a settled matter,
# news or a denial from a threat. Framed like that, a text needs a cue to back the model.
_FRAMED = re.compile(
    "|".join(p.pattern for p in (QUESTION, RESOLVED, SETTLED, DENIED, HEARSAY, DISSUADED))
)
# Cues that back a middling model score: each says something on its own.
_ANCHORS = ("means", "ready", "farewell", "entrust", "despair", "armed", "stalk", "veiled", "crowd")


def _model_signal(text: _Text, level: str, cues: _Cues) -> _Found | None:
    model = _model()
    if model is None or _RANK[level] >= _RANK["high"] or text.score < model.backed:
        return None
    # Strong emotion and repeated complaints read much like threats to a bag of bigrams: when
    # the rules already explain a text as elevated, the model alone must be surer.
    threshold = model.alone_elevated if level == "elevated" else model.alone
    alone = text.score >= threshold and not _FRAMED.search(text.folded)
    backing = [] if alone else [span for role in _ANCHORS for span in cues.hits(role)][:1]
    if not alone and not backing:
        return None
    # Quote the backing cue and the words that weighed most, so that a person can judge.
    strongest = [s for s in model.strongest(text.folded) if not backing or s[0] >= backing[0][1]]
    evidence = "…".join(dict.fromkeys(text.quote(*span) for span in (backing + strongest)[:3]))
    reason = f"整体表述与高风险诉求相近（模型评分 {text.score:.2f}）：“{evidence}”"
    signal = RiskSignal(model.kind(text.grams), "high", reason, evidence)
    return (_RANK["high"], len(RULES) + len(COMBOS), None, signal)


# --------------------------------------------------------------------------- assessment


def assess(title: str, description: str, *, parties: int = 0) -> RiskAssessment:
    """The risk level of one grievance and the reasons for it, most severe first."""
    text = read(title, description)
    found = _rule_signals(text)
    cues = _Cues(text)
    found += _evidence_signals(cues, found)
    if parties >= PARTIES_ELEVATED:
        reason = f"当事人众多（{parties} 人），可能引发群体性事件"
        signal = RiskSignal(GROUP, "elevated", reason, f"{parties} 名当事人")
        found.append((_RANK["elevated"], len(RULES) + len(COMBOS) + 1, None, signal))
    level = RISK_LEVELS[max((rank for rank, *_ in found), default=0)]
    second = _model_signal(text, level, cues)
    if second is not None:
        found.append(second)
    found.sort(key=lambda item: (-item[0], item[1]))

    signals: list[RiskSignal] = []
    spans: list[tuple[int, int, int]] = []
    for rank, _, span, signal in found:
        # A weaker signal inside a stronger one's evidence adds nothing ("集体上访" ⊃ "上访").
        if span and any(r > rank and s <= span[0] and span[1] <= e for r, s, e in spans):
            continue
        if any(signal.reason == other.reason for other in signals):
            continue
        if span:
            spans.append((rank, *span))
        signals.append(signal)
    level = signals[0].level if signals else "normal"
    return RiskAssessment(level, [s.reason for s in signals], signals)
