"""Risk language in one grievance: self-harm, violence, group action, petition escalation,
people in danger and strong emotion (see docs/decisions/0004-risk-detector.md).

Four readers look at one text, and the most severe answer wins:

1. **Rules** (`risk_lexicon.RULES`): explicit phrases ("不想活了", "集体上访"). Each match is
   checked against its sentence: negation just before it ("不会去上访"), hearsay or news
   ("新闻说有人跳楼"), a past event since resolved, and the rule's own `needs` / `unless`.
2. **Combined evidence** (`CUES`, `COMBOS`): weak cues scored across the whole text. A means at
   hand ("绳子买了"), a farewell with despair, a crowd with a blockade and a plan.
3. **A learned second opinion**: a character-bigram logistic regression trained on the labelled
   sets (`risk_model.json`, plain weights, no pickle). It raises a text to `high` only when
   its score is very high, or high and backed by some rule or cue; it never lowers a level.
4. **Parties**: ten or more named parties are `elevated`.

Before reading, the text is folded: spaces between short chunks and symbols inside words are
dropped ("跳 楼", "自*杀"), longer space-separated chunks become clauses (WeChat style), and
traditional characters, Xiang dialect, typos and homophones are folded one character for one
character ("冇得"→"没有", "在不给钱"→"再不给钱", "安眠要"→"安眠药"). Reasons quote the
resident's own words. Deterministic; needs only numpy at run time (no scikit-learn).
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from jieyou.alerts.risk_lexicon import (
    BEFORE,
    COMBOS,
    CONSEQUENCE,
    CUES,
    DENIED,
    DISSUADED,
    EMOTION,
    GROUP,
    HAS_TRADITIONAL,
    HEARSAY,
    HOMOPHONES,
    NEGATION,
    NEGATION_WINDOW,
    PAST,
    PINYIN,
    QUESTION,
    RESOLVED,
    RISK_KINDS,
    RISK_LEVELS,
    RULES,
    SELF,
    SETTLED,
    TRADITIONAL,
    VARIANT,
    VARIANTS,
    Combo,
    Rule,
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
    evidence: str  # the matched fragment (fragments joined by "…" for combined evidence)


@dataclass(frozen=True)
class RiskAssessment:
    level: str  # normal | elevated | high | critical: the highest signal level
    reasons: list[str]  # one per signal, most severe first, no duplicates
    signals: list[RiskSignal]


# --------------------------------------------------------------------------- reading the text

# Full-width digits and letters to ASCII ("１２次" → "12次"), the part of NFKC the rules need.
_WIDE = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_NARROW = {code: code - 0xFEE0 for code in range(0xFF10, 0xFF5B)}
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Spaces, symbols typed inside a word ("自*杀"), and romanised words ("tiao楼").
_EDIT = re.compile(
    r"[ \t\u3000]+|(?<=[\u4e00-\u9fff])[*＊~～_·•/|\\]+(?=[\u4e00-\u9fff])|[A-Za-z]+"
)
_NEEDS_EDIT = re.compile(r"[ \t\u3000*＊~～_·•/|\\A-Za-z]")
_DELIMITERS = ",，。.!！?？;；:：、\n"
_PINYIN = re.compile("|".join(sorted(PINYIN, key=len, reverse=True)))


def _chunk(text: str) -> bool:
    """Three characters without a space or delimiter: a phrase, not a split word."""
    return len(text) == 3 and not any(c in _DELIMITERS or c.isspace() for c in text)


def _replacement(text: str, match: re.Match[str]) -> str:
    start, end = match.span()
    piece = match.group()
    if piece[0].isspace():
        # WeChat writes clauses separated by spaces; a single character on either side is an
        # evasion ("跳 楼") or a typing habit, and is joined.
        if _chunk(text[max(0, start - 3) : start]) and _chunk(text[end : end + 3]):
            return "，"
        return ""
    if piece[0].isascii() and piece.isalpha():
        beside = text[start - 1 : start] + text[end : end + 1]
        syllables = _PINYIN.findall(piece.lower())
        if _CJK.search(beside) and "".join(syllables) == piece.lower():
            return "".join(PINYIN[s] for s in syllables)
        return piece
    return ""


def _edit(text: str) -> tuple[str, list[int] | None]:
    """The text with spaces, inner symbols and pinyin handled, and each character's origin."""
    if not _NEEDS_EDIT.search(text):
        return text, None
    pieces: list[str] = []
    origin: list[int] = []
    last = 0
    for match in _EDIT.finditer(text):
        start, end = match.span()
        pieces.append(text[last:start])
        origin.extend(range(last, start))
        new = _replacement(text, match)
        pieces.append(new)
        if new == match.group():
            origin.extend(range(start, end))
        else:
            origin.extend([start] * len(new))
        last = end
    pieces.append(text[last:])
    origin.extend(range(last, len(text)))
    return "".join(pieces), origin


def _fold(text: str) -> str:
    """Traditional characters, dialect, typos and homophones, one character for one."""
    if HAS_TRADITIONAL.search(text):
        text = text.translate(TRADITIONAL)
    text = VARIANT.sub(lambda m: VARIANTS[m.group()], text)
    for pattern, replacement in HOMOPHONES:
        text = pattern.sub(replacement, text)
    return text


@dataclass(frozen=True)
class _Text:
    original: str  # what the resident wrote (title。description)
    folded: str  # what the lexicon reads
    origin: list[int] | None  # folded index -> original index; None when they are aligned
    grams: npt.NDArray[np.uint64]  # the codes of its characters and bigrams, sorted, unique
    possible: int  # bit i: rule i (then the cues) may match, for its keys occur in the text
    score: float  # the learned model's probability that the text is high risk (0: no model)

    def quote(self, start: int, end: int) -> str:
        if self.origin is not None:
            start, end = self.origin[start], self.origin[end - 1] + 1
        return self.original[start:end].strip(_DELIMITERS)


def read(title: str, description: str) -> _Text:
    original = f"{title.strip()}。{description.strip()}"
    narrow = original.translate(_NARROW) if _WIDE.search(original) else original
    edited, origin = _edit(narrow)
    folded = _fold(edited)
    grams = _grams(folded)
    possible, score = _lookup(grams)
    return _Text(original, folded, origin, grams, possible, score)


# Characters and character bigrams as integers: a character is its code point, a bigram is
# (first << 21) | second. Code points need 21 bits, so the two never collide. Numpy does in a
# few calls what a set of 600 two-character strings costs a hundred microseconds to build.
def gram_code(gram: str) -> int:
    return ord(gram) if len(gram) == 1 else (ord(gram[0]) << 21) | ord(gram[1])


def gram_strings(folded: str) -> list[str]:
    """The model's features as strings (for training; `_grams` is the fast equivalent)."""
    return sorted({*folded, *(folded[i : i + 2] for i in range(len(folded) - 1))})


_NEW = np.array([True])


def _grams(folded: str) -> npt.NDArray[np.uint64]:
    chars = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    codes = np.sort(np.concatenate((chars, (chars[:-1] << np.uint64(21)) | chars[1:])))
    # np.unique is several times slower than this on arrays of a few hundred
    return codes[np.concatenate((_NEW, codes[1:] != codes[:-1]))]  # type: ignore[no-any-return]


class _Table:
    """One sorted array of gram codes for two uses: each rule's keys (as bit masks of the
    rules they belong to, in 64-bit words) and the learned model's weights. One search per
    text answers both which rules may match and what the model says."""

    def __init__(self, model: _Model | None) -> None:
        rules = [*RULES, *CUES]
        masks: dict[int, int] = {}
        self.keyless = 0
        for index, rule in enumerate(rules):
            if rule.keys is None:
                self.keyless |= 1 << index
                continue
            for code in map(gram_code, rule.keys):
                masks[code] = masks.get(code, 0) | 1 << index
        weights = model.weights if model is not None else {}
        # a sentinel above every code, so that a search never runs off the end
        codes = [*sorted({*masks, *weights}), 2**63]
        self.codes = np.array(codes, dtype=np.uint64)
        self.masks = [
            np.array([masks.get(c, 0) >> (64 * w) & (2**64 - 1) for c in codes], dtype=np.uint64)
            for w in range((len(rules) + 63) // 64)
        ]
        self.weights = np.array([weights.get(c, 0.0) for c in codes], dtype=np.float64)
        self.bias = model.bias if model is not None else None

    def lookup(self, grams: npt.NDArray[np.uint64]) -> tuple[int, float]:
        at = np.searchsorted(self.codes, grams)
        rows = at[self.codes[at] == grams]
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


def _lookup(grams: npt.NDArray[np.uint64]) -> tuple[int, float]:
    return _table(_model()).lookup(grams)


# --------------------------------------------------------------------------- context

_SENTENCE_END = re.compile(r"[。.!！?？;；\n]")
_CLAUSE_END = re.compile(r"[。.!！?？;；\n,，:：、]")
# A "sentence" never reaches further than this from its match, so that a long text without
# punctuation costs linear, not quadratic, time.
_REACH = 120


class _Context:
    """Sentence and clause boundaries of one text, computed on the first match only."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.sentences = [m.start() for m in _SENTENCE_END.finditer(text)]
        self.clauses = [m.start() for m in _CLAUSE_END.finditer(text)]
        self.in_text: dict[re.Pattern[str], bool] = {}
        self.flags: dict[tuple[int, int], int] = {}  # per sentence span: _sentence_flags

    @staticmethod
    def _span(ends: list[int], start: int, end: int, length: int) -> tuple[int, int]:
        before = bisect_right(ends, start - 1)
        left = ends[before - 1] + 1 if before else 0
        after = bisect_left(ends, end)
        right = ends[after] if after < len(ends) else length
        return max(left, start - _REACH), min(right, end + _REACH)

    def anywhere(self, pattern: re.Pattern[str]) -> bool:
        if pattern not in self.in_text:
            self.in_text[pattern] = pattern.search(self.text) is not None
        return self.in_text[pattern]

    def sentence_span(self, start: int, end: int) -> tuple[int, int]:
        return self._span(self.sentences, start, end, len(self.text))

    def clause_before(self, start: int, width: int) -> str:
        left, _ = self._span(self.clauses, start, start, len(self.text))
        return self.text[max(left, start - width) : start]

    def clause_around(self, start: int, end: int) -> str:
        left, right = self._span(self.clauses, start, end, len(self.text))
        return self.text[left:right]


def _negated(prefix: str) -> bool:
    negators = list(NEGATION.finditer(prefix))
    return bool(negators) and not CONSEQUENCE.search(prefix, negators[-1].end())


# Not the writer's own intent: news, rumour, fiction, a joke or a lesson; or a denial.
_NOT_INTENT = re.compile(f"{HEARSAY.pattern}|{DENIED.pattern}")
_HEARSAY, _DISSUADED, _SETTLED, _RESOLVED = 1, 2, 4, 8


def _sentence_flags(sentence: str) -> int:
    flags = 0
    for flag, pattern in (
        (_HEARSAY, _NOT_INTENT),
        (_DISSUADED, DISSUADED),
        (_SETTLED, SETTLED),
        (_RESOLVED, RESOLVED),
    ):
        if pattern.search(sentence):
            flags |= flag
    return flags


def _span(rule: Rule, match: re.Match[str], text: str) -> tuple[int, int]:
    """Where a match really starts: one character earlier for a shifted alternative."""
    start, end = match.span()
    if rule.shifted and start and text[start - 1 : start + 1] in rule.shifted:
        start -= 1
    return start, end


def _accepted(rule: Rule, start: int, end: int, ctx: _Context) -> int | None:
    """Where the evidence of an accepted match starts (before its context, if the rule needs
    one: "去…政府" for "政府"), or None when the context rejects it."""
    evidence = start
    if rule.before is not None:
        prefix = ctx.clause_before(start, BEFORE)
        lead = rule.before.search(prefix)
        if lead is None:
            return None
        evidence = start - len(prefix) + lead.start()
        start = evidence
    if rule.negatable and _negated(ctx.clause_before(start, NEGATION_WINDOW)):
        return None
    span = ctx.sentence_span(start, end)
    sentence = ctx.text[span[0] : span[1]]
    if rule.unless is not None and rule.unless.search(sentence):
        return None
    if any(need.search(sentence) is None for need in rule.needs):
        return None
    if not all(ctx.anywhere(need) for need in rule.needs_in_text):
        return None
    flags = ctx.flags.get(span)
    if flags is None:
        flags = ctx.flags[span] = _sentence_flags(sentence)
    if flags & _HEARSAY and rule.kind != EMOTION:
        return None
    if flags & _DISSUADED and rule.kind == GROUP:
        return None
    if flags & _SETTLED:
        return None
    if flags & _RESOLVED:
        past = PAST.search(ctx.clause_around(start, end)) or ctx.text.startswith("过", end)
        if past:
            return None
    return evidence


# --------------------------------------------------------------------------- the four readers

_Found = tuple[int, int, tuple[int, int] | None, RiskSignal]  # rank, order, span, signal


def _rule_signals(text: _Text, ctx: _Context | None) -> tuple[list[_Found], _Context | None]:
    found: list[_Found] = []
    best: dict[str, int] = {}  # per kind, the highest level found so far
    folded = text.folded
    for order, rule in enumerate(RULES):
        if not text.possible >> order & 1 or best.get(rule.kind, -1) >= _RANK[rule.level]:
            continue  # the keys are absent, or the kind already has a signal this strong
        match = rule.pattern.search(folded)
        while match is not None:
            ctx = ctx or _Context(folded)
            start, end = _span(rule, match, folded)
            accepted = _accepted(rule, start, end, ctx)
            if accepted is not None:
                span = (accepted, end)
                evidence = text.quote(*span)
                signal = RiskSignal(rule.kind, rule.level, f"{rule.label}：“{evidence}”", evidence)
                found.append((_RANK[rule.level], order, span, signal))
                best[rule.kind] = max(best.get(rule.kind, -1), _RANK[rule.level])
                break
            match = rule.pattern.search(folded, match.end())
    return found, ctx


_MAX_HITS = 4  # per cue: enough to find two different farewells
_CUE = {cue.level: (len(RULES) + i, cue) for i, cue in enumerate(CUES)}  # `level`: its role


class _Cues:
    """Cue matches of one text, searched only when a combination could still use them."""

    def __init__(self, text: _Text, ctx: _Context | None) -> None:
        self.text = text
        self.ctx = ctx
        self.raw: dict[str, list[tuple[int, int]]] = {}
        self.accepted: dict[str, list[tuple[int, int]]] = {}

    def found(self, role: str) -> list[tuple[int, int]]:
        if role not in self.raw:
            index, cue = _CUE[role]
            matches: list[tuple[int, int]] = []
            if not self.text.possible >> index & 1:
                self.raw[role] = matches
                return matches
            for match in cue.pattern.finditer(self.text.folded):
                matches.append(_span(cue, match, self.text.folded))
                if len(matches) >= _MAX_HITS:
                    break
            self.raw[role] = matches
        return self.raw[role]

    def hits(self, role: str) -> list[tuple[int, int]]:
        if role not in self.accepted:
            found = self.found(role)
            if found:
                self.ctx = self.ctx or _Context(self.text.folded)
            cue = _CUE[role][1]
            ctx = self.ctx
            assert ctx is not None or not found
            hits = []
            for start, end in found:
                accepted = _accepted(cue, start, end, ctx)  # type: ignore[arg-type]
                if accepted is not None:
                    hits.append((accepted, end))
            self.accepted[role] = hits
        return self.accepted[role]

    def combine(self, combo: Combo) -> list[tuple[int, int]]:
        """Different, non-overlapping accepted matches filling every role of `combo`, or []."""
        groups = [group.split("|") for group in combo.roles]
        if not all(any(self.found(role) for role in group) for group in groups):
            return []  # cheap: no acceptance checks unless every role was seen

        def fill(index: int, chosen: list[tuple[int, int]]) -> list[tuple[int, int]]:
            if index == len(groups):
                return chosen
            for role in groups[index]:
                for span in self.hits(role):
                    if any(span[0] < e and s < span[1] for s, e in chosen):
                        continue
                    spans = [*chosen, span]
                    width = max(e for _, e in spans) - min(s for s, _ in spans)
                    if combo.window is not None and width > combo.window:
                        continue
                    if done := fill(index + 1, spans):
                        return done
            return []

        return fill(0, [])


def _evidence_signals(cues: _Cues, rules: list[_Found]) -> list[_Found]:
    """Signals from combined weak evidence: the first (most severe) combination of each kind
    that adds to what the rules found (a kind the rules put at this level or above is done)."""
    best: dict[str, int] = {}
    for rank, _, _, signal in rules:
        best[signal.kind] = max(best.get(signal.kind, -1), rank)
    found: list[_Found] = []
    done: set[str] = set()
    for order, combo in enumerate(COMBOS, start=len(RULES)):
        if combo.kind in done or best.get(combo.kind, -1) >= _RANK[combo.level]:
            continue
        spans = sorted(cues.combine(combo))
        if spans:
            evidence = "…".join(dict.fromkeys(cues.text.quote(s, e) for s, e in spans))
            reason = f"{combo.label}：“{evidence}”"
            signal = RiskSignal(combo.kind, combo.level, reason, evidence)
            found.append((_RANK[combo.level], order, None, signal))
            done.add(combo.kind)
    return found


class _Model:
    """Logistic regressions on the codes of the folded text's characters and bigrams: one for
    high risk or not, one for the kind of a high-risk text."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.bias = float(data["bias"])
        self.weights = {gram_code(g): float(w) for g, w in data["weights"].items()}
        self.kinds: tuple[str, ...] = tuple(data["kinds"])
        self.kind_bias = np.array(data["kind_bias"], dtype=np.float64)
        self.kind_keys, self.kind_weights = self._table(data["kind_weights"])
        self.alone = float(data["alone"])  # this score alone makes a text high
        self.backed = float(data["backed"])  # this one does when a cue backs it

    @staticmethod
    def _table(
        weights: dict[str, list[float]],
    ) -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.float64]]:
        rows = sorted((gram_code(gram), ws) for gram, ws in weights.items())
        keys = np.array([code for code, _ in rows], dtype=np.uint64)
        return keys, np.array([ws for _, ws in rows], dtype=np.float64)

    @staticmethod
    def _rows(keys: npt.NDArray[np.uint64], grams: npt.NDArray[np.uint64]) -> npt.NDArray[np.intp]:
        at = np.minimum(np.searchsorted(keys, grams), len(keys) - 1)
        return at[keys[at] == grams]  # type: ignore[no-any-return]

    def kind(self, grams: npt.NDArray[np.uint64]) -> str:
        totals = self.kind_bias + self.kind_weights[self._rows(self.kind_keys, grams)].sum(axis=0)
        return self.kinds[int(np.argmax(totals))]


@cache
def _model() -> _Model | None:
    if not MODEL_PATH.exists():
        return None
    return _Model(json.loads(MODEL_PATH.read_text(encoding="utf-8")))


def model_score(title: str, description: str) -> float | None:
    """The learned second opinion alone: the probability that the text is high risk."""
    return None if _model() is None else read(title, description).score


# The model reads character pairs, not sentences: it cannot tell a question, a settled matter,
# news or a denial from a threat. Framed like that, a text needs a cue to back the model.
_FRAMED = re.compile("|".join(p.pattern for p in (QUESTION, RESOLVED, SETTLED, DENIED, HEARSAY)))
# Cues that back a middling model score: each says something on its own.
_ANCHORS = ("means", "ready", "farewell", "entrust", "despair", "armed", "stalk", "veiled", "crowd")


def _model_signal(text: _Text, level: str, cues: _Cues) -> _Found | None:
    model = _model()
    if model is None or _RANK[level] >= _RANK["high"]:
        return None
    score = text.score
    if score < model.backed:
        return None
    alone = score >= model.alone and not _FRAMED.search(text.folded)
    if not alone and not any(cues.hits(role) for role in _ANCHORS):
        return None
    reason = f"整体表述与高风险诉求相近（模型评分 {score:.2f}）"
    signal = RiskSignal(model.kind(text.grams), "high", reason, f"模型评分 {score:.2f}")
    return (_RANK["high"], len(RULES) + len(COMBOS), None, signal)


# --------------------------------------------------------------------------- assessment


def assess(title: str, description: str, *, parties: int = 0) -> RiskAssessment:
    """The risk level of one grievance and the reasons for it, most severe first."""
    text = read(title, description)
    found, ctx = _rule_signals(text, None)
    cues = _Cues(text, ctx)
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
