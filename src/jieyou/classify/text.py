"""Turning a message into the terms the classifier counts.

A message is a title and a description. Both are normalised (full-width to half-width, URLs and
long digit runs dropped, place names neutralised, latin lowercased), then cut into blocks of
terms, each its own TF-IDF space:

- ``chars``: character 1-2-grams of the description plus the title counted ``title_repeat`` times;
- ``title_chars``: character 1-3-grams of the title alone;
- ``title_words``: jieba words of the title, only when ``title_words_weight`` > 0.

The title blocks let the model weigh a term differently when it is in the title, which is where
people say what the message is about. jieba words are off by default: in cross-validation they
added nothing over character n-grams (neither on titles nor on descriptions), while jieba costs
0.7 s to load its dictionary and, on whole descriptions, more time than everything else together
(docs/decisions/0003-text-classifier.md). The block stays so a retraining can switch it on.

Place names: the training messages are anonymised ("A市", "A1区", "K3县"), while Chenzhou
residents write real names ("郴州市", "北湖区", "华塘镇"). Both become the bare suffix ("市",
"区", "镇"), so the model learns nothing from which place a message names and a real name does
not read as unseen text.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
import warnings
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from importlib import resources
from typing import Any

BLOCKS = ("chars", "title_chars", "title_words")

_URL = re.compile(r"(?:https?://|www\.)[0-9a-z._~:/?#@!$&'()*+,;=%-]+", re.IGNORECASE)
_LONG_DIGITS = re.compile(r"\d{5,}")
# Anonymised names in the training data: a capital letter, an optional number, a suffix.
_ANONYMISED_PLACE = re.compile(r"[A-Z]\d{0,2}(市|区|县|州|镇|乡|村|街道)")
_SPACES = re.compile(r"\s+")
# Runs of letters, digits and CJK; n-grams never span punctuation or spaces, and no term holds
# a line break (vocabularies are saved one term a line).
_SEGMENT = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class FeatureConfig:
    """How text becomes terms and weights. Saved with every model, so a model always reads text
    the way it was trained to. Values chosen by cross-validation on train.csv."""

    title_repeat: int = 2
    ngram_max: int = 2
    title_ngram_max: int = 3
    # The title blocks' share next to the shared character block (which has weight 1).
    title_chars_weight: float = 0.35
    title_words_weight: float = 0.0
    # Only the start of a long description is read: it bounds the cost of a message, and long
    # messages repeat themselves.
    max_chars: int = 1000
    # A term must occur in at least this many training messages.
    min_df: int = 2

    def block_weights(self) -> tuple[float, float, float]:
        return (1.0, self.title_chars_weight, self.title_words_weight)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FeatureConfig:
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown feature settings: {sorted(unknown)}")
        return cls(**data)


@lru_cache(maxsize=1)
def _real_places() -> tuple[re.Pattern[str], dict[str, str]]:
    """Chenzhou's city, county and township names from the bundled divisions, mapped to their
    suffix. City and county names also match without the suffix ("郴州", "北湖"): people write
    them that way and they are distinctive. Longest first, so "北湖街道" wins over "北湖"."""
    suffixes: dict[str, str] = {}
    with resources.files("jieyou.data").joinpath("divisions.csv").open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            _code, _short, name, level, _parent = line.rstrip("\n").split(",")
            if level not in ("city", "county", "township"):
                continue
            suffix = "街道" if name.endswith("街道") else name[-1]
            suffixes[name] = suffix
            if level != "township" and len(name) >= 3:
                suffixes[name[: -len(suffix)]] = suffix
    ordered = sorted(suffixes, key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in ordered)), suffixes


def _suffix(match: re.Match[str]) -> str:
    return match.group(1)


def normalise(text: str) -> str:
    """Half-width, no URLs or long digit runs (phone and ID numbers), places reduced to their
    suffix, lowercase, single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = _URL.sub(" ", text)
    text = _LONG_DIGITS.sub(" ", text)
    text = _ANONYMISED_PLACE.sub(_suffix, text)
    pattern, suffixes = _real_places()
    text = pattern.sub(lambda m: suffixes[m.group(0)], text)
    return _SPACES.sub(" ", text.lower()).strip()


def char_ngrams(text: str, low: int, high: int) -> list[str]:
    """Character n-grams (``low`` to ``high`` characters) inside each run of word characters."""
    grams: list[str] = []
    for segment in _SEGMENT.findall(text):
        for n in range(low, high + 1):
            grams.extend(_ngrams(segment, n))
    return grams


def _ngrams(segment: str, n: int) -> Iterable[str]:
    # Chained map(str.__add__) runs in C: a third faster than slicing in a generator, and the
    # n-grams are the hot loop of prediction.
    if n == 1:
        return segment
    grams: Iterable[str] = map(str.__add__, segment, segment[1:])
    for k in range(2, n):
        grams = map(str.__add__, grams, segment[k:])
    return grams


_jieba_lock = threading.Lock()
_lcut: Callable[..., list[str]] | None = None


def load_jieba() -> Callable[..., list[str]]:
    """jieba's ``lcut`` with its dictionary loaded, quietly. The first call costs about 0.7 s
    (import and dictionary), so loading a model calls this up front rather than leaving it to
    the first prediction."""
    global _lcut
    with _jieba_lock:
        if _lcut is None:
            # jieba 0.42 has invalid escape sequences in its regexes (a DeprecationWarning when
            # first compiled) and logs "Building prefix dict..." to stderr: not ours to fix.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                warnings.simplefilter("ignore", SyntaxWarning)
                import jieba

            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _lcut = jieba.lcut
        return _lcut


def words(text: str) -> list[str]:
    """jieba words of two or more word characters (single characters are in the n-grams)."""
    lcut = load_jieba()
    # Without the HMM, unknown words fall apart into characters: faster, and deterministic.
    return [w for w in lcut(text, HMM=False) if len(w) > 1 and _SEGMENT.fullmatch(w)]


def terms(title: str, text: str, config: FeatureConfig) -> tuple[list[str], list[str], list[str]]:
    """The three blocks of terms of one message (see the module docstring). Inputs are raw."""
    title = normalise(title)
    body = normalise(text[: config.max_chars * 2])[: config.max_chars]
    chars = char_ngrams(body, 1, config.ngram_max)
    if not title:
        return chars, [], []
    chars.extend(char_ngrams(title, 1, config.ngram_max) * config.title_repeat)
    title_words = words(title) if config.title_words_weight > 0 else []
    return chars, char_ngrams(title, 1, config.title_ngram_max), title_words
