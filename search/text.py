"""Words as PostgreSQL's ``english`` text search configuration sees them, in plain Python.

The database backend on SQLite has no ``to_tsvector``; it stores and matches the tokens this
module makes instead. They are the same lexemes PostgreSQL makes (lower case, English stop
words dropped, Snowball English stemmer, "Porter2"), so a query finds the same rows on both
(``tests/search/test_text.py`` checks the stemmer against PostgreSQL's own ``english_stem``).

Query text is split into plain words here on both databases: quotes, minus signs, asterisks and
brackets are never query syntax, and every word must match.
"""

from __future__ import annotations

import functools
import re
from html import escape

# PostgreSQL's english.stop (the Snowball English stop word list).
STOP_WORDS = frozenset(  # noqa: SIM905 - the list as PostgreSQL ships it
    [
        "i",
        "me",
        "my",
        "myself",
        "we",
        "our",
        "ours",
        "ourselves",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "he",
        "him",
        "his",
        "himself",
        "she",
        "her",
        "hers",
        "herself",
        "it",
        "its",
        "itself",
        "they",
        "them",
        "their",
        "theirs",
        "themselves",
        "what",
        "which",
        "who",
        "whom",
        "this",
        "that",
        "these",
        "those",
        "am",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "have",
        "has",
        "had",
        "having",
        "do",
        "does",
        "did",
        "doing",
        "a",
        "an",
        "the",
        "and",
        "but",
        "if",
        "or",
        "because",
        "as",
        "until",
        "while",
        "of",
        "at",
        "by",
        "for",
        "with",
        "about",
        "against",
        "between",
        "into",
        "through",
        "during",
        "before",
        "after",
        "above",
        "below",
        "to",
        "from",
        "up",
        "down",
        "in",
        "out",
        "on",
        "off",
        "over",
        "under",
        "again",
        "further",
        "then",
        "once",
        "here",
        "there",
        "when",
        "where",
        "why",
        "how",
        "all",
        "any",
        "both",
        "each",
        "few",
        "more",
        "most",
        "other",
        "some",
        "such",
        "no",
        "nor",
        "not",
        "only",
        "own",
        "same",
        "so",
        "than",
        "too",
        "very",
        "s",
        "t",
        "can",
        "will",
        "just",
        "don",
        "should",
        "now",
    ]
)

# Longest accepted query: anything longer is cut (a search box is not a document).
MAX_QUERY_WORDS = 32

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words(text: str) -> list[str]:
    """Lower-case words of ``text``; everything that is not a letter or digit separates."""
    return _WORD.findall((text or "").lower())


def lexemes(text: str) -> list[str]:
    """Stemmed words without stop words, in order, repeats kept."""
    return [stem(word) for word in words(text) if word not in STOP_WORDS]


def query_terms(text: str) -> list[tuple[str, str]]:
    """``(word, lexeme)`` for each distinct lexeme a query must match (AND), in the order typed,
    at most ``MAX_QUERY_WORDS``. Stop words and punctuation drop out, so ``"-(*`` mean nothing."""
    terms: dict[str, str] = {}
    for word in words(text):
        if word in STOP_WORDS:
            continue
        terms.setdefault(stem(word), word)
        if len(terms) == MAX_QUERY_WORDS:
            break
    return [(word, lexeme) for lexeme, word in terms.items()]


def query_lexemes(text: str) -> list[str]:
    return [lexeme for _word, lexeme in query_terms(text)]


def plain_query_text(text: str) -> str:
    """The query's words for ``plainto_tsquery('english', ...)``: plain words only, so it
    makes exactly the lexemes ``query_lexemes`` makes, ANDed."""
    return " ".join(word for word, _lexeme in query_terms(text))


def highlight(text: str, lexemes_wanted, *, max_chars: int = 240) -> str:
    """``text`` escaped, cut to about ``max_chars`` around the first match, with each word whose
    lexeme was searched for wrapped in ``<mark>``. Empty when nothing matches."""
    wanted = set(lexemes_wanted)
    if not text or not wanted:
        return ""
    matches = [
        m
        for m in _WORD.finditer(text)
        if m.group(0).lower() not in STOP_WORDS and stem(m.group(0).lower()) in wanted
    ]
    if not matches:
        return ""
    start = 0
    if len(text) > max_chars:
        start = max(0, matches[0].start() - max_chars // 4)
        while start > 0 and not text[start - 1].isspace():
            start -= 1
    end = min(len(text), start + max_chars)
    while end < len(text) and not text[end].isspace():
        end += 1
    out, position = [], start
    for m in matches:
        if m.start() < start or m.end() > end:
            continue
        out.append(escape(text[position : m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        position = m.end()
    out.append(escape(text[position:end]))
    snippet = "".join(out).strip()
    return ("… " if start > 0 else "") + snippet + (" …" if end < len(text) else "")


# --- Snowball English (Porter2) stemmer ------------------------------------------------------

_VOWELS = frozenset("aeiouy")
_DOUBLES = ("bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt")
_LI_ENDINGS = frozenset("cdeghkmnrt")
_EXCEPTIONS = {
    "skis": "ski",
    "skies": "sky",
    "dying": "die",
    "lying": "lie",
    "tying": "tie",
    "idly": "idl",
    "gently": "gentl",
    "ugly": "ugli",
    "early": "earli",
    "only": "onli",
    "singly": "singl",
    "sky": "sky",
    "news": "news",
    "howe": "howe",
    "atlas": "atlas",
    "cosmos": "cosmos",
    "bias": "bias",
    "andes": "andes",
}
_EXCEPTIONS_AFTER_1A = frozenset(
    ("inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed")
)
_R1_PREFIXES = ("gener", "commun", "arsen")

_STEP2 = (
    ("ization", "ize"),
    ("ational", "ate"),
    ("fulness", "ful"),
    ("ousness", "ous"),
    ("iveness", "ive"),
    ("tional", "tion"),
    ("biliti", "ble"),
    ("lessli", "less"),
    ("entli", "ent"),
    ("ation", "ate"),
    ("alism", "al"),
    ("aliti", "al"),
    ("ousli", "ous"),
    ("iviti", "ive"),
    ("fulli", "ful"),
    ("enci", "ence"),
    ("anci", "ance"),
    ("abli", "able"),
    ("izer", "ize"),
    ("ator", "ate"),
    ("alli", "al"),
    ("bli", "ble"),
    ("ogi", "og"),
    ("li", ""),
)
_STEP3 = (
    ("ational", "ate"),
    ("tional", "tion"),
    ("alize", "al"),
    ("icate", "ic"),
    ("iciti", "ic"),
    ("ative", ""),
    ("ical", "ic"),
    ("ness", ""),
    ("ful", ""),
)
_STEP4 = (
    "ement",
    "ance",
    "ence",
    "able",
    "ible",
    "ment",
    "ant",
    "ent",
    "ism",
    "ate",
    "iti",
    "ous",
    "ive",
    "ize",
    "ion",
    "al",
    "er",
    "ic",
)


def _is_vowel(word: str, i: int) -> bool:
    return word[i] in _VOWELS


def _region_after(word: str, start: int) -> int:
    """Start of the region after the first non-vowel following a vowel, from ``start``."""
    for i in range(start + 1, len(word)):
        if not _is_vowel(word, i) and _is_vowel(word, i - 1):
            return i + 1
    return len(word)


def _ends_short_syllable(word: str) -> bool:
    n = len(word)
    if n == 2:
        return _is_vowel(word, 0) and not _is_vowel(word, 1)
    if n >= 3:
        return (
            not _is_vowel(word, n - 3)
            and _is_vowel(word, n - 2)
            and not _is_vowel(word, n - 1)
            and word[n - 1] not in "wxY"
        )
    return False


def _is_short(word: str, r1: int) -> bool:
    return r1 >= len(word) and _ends_short_syllable(word)


def _contains_vowel(part: str) -> bool:
    return any(ch in _VOWELS for ch in part)


@functools.lru_cache(maxsize=65_536)
def stem(word: str) -> str:  # noqa: C901 - the algorithm's steps, in order
    """The Snowball English stem of one lower-case word. Remembered: a page of highlights
    stems a few hundred words, mostly the same few dozen (8 ms a search, uncached)."""
    if word in _EXCEPTIONS:
        return _EXCEPTIONS[word]
    if len(word) <= 2 or not word.isalpha():
        return word
    if word.startswith("'"):
        word = word[1:]
    # Consonant y: initial, or after a vowel.
    chars = list(word)
    for i, ch in enumerate(chars):
        if ch == "y" and (i == 0 or chars[i - 1] in _VOWELS):
            chars[i] = "Y"
    word = "".join(chars)

    r1 = next((len(p) for p in _R1_PREFIXES if word.startswith(p)), None)
    if r1 is None:
        r1 = _region_after(word, 0)
    r2 = _region_after(word, r1) if r1 < len(word) else len(word)

    # Step 1a
    if word.endswith("sses"):
        word = word[:-2]
    elif word.endswith(("ied", "ies")):
        word = word[:-2] if len(word) > 4 else word[:-1]
    elif word.endswith(("us", "ss")):
        pass
    elif word.endswith("s") and _contains_vowel(word[:-2]):
        word = word[:-1]
    if word in _EXCEPTIONS_AFTER_1A:
        return word

    # Step 1b
    for suffix in ("eedly", "ingly", "edly", "eed", "ing", "ed"):
        if not word.endswith(suffix):
            continue
        if suffix in ("eed", "eedly"):
            if len(word) - len(suffix) >= r1:
                word = word[: -len(suffix)] + "ee"
        else:
            stem_part = word[: -len(suffix)]
            if _contains_vowel(stem_part):
                word = stem_part
                if word.endswith(("at", "bl", "iz")):
                    word += "e"
                elif word.endswith(_DOUBLES):
                    word = word[:-1]
                elif _is_short(word, r1):
                    word += "e"
        break

    # Step 1c
    if len(word) > 2 and word[-1] in "yY" and word[-2] not in _VOWELS:
        word = word[:-1] + "i"

    # Step 2
    for suffix, replacement in _STEP2:
        if word.endswith(suffix):
            if len(word) - len(suffix) >= r1:
                if suffix == "ogi":
                    if word[-4:-3] == "l":
                        word = word[:-3] + replacement
                elif suffix == "li":
                    if word[-3:-2] in _LI_ENDINGS and len(word) >= 3:
                        word = word[:-2]
                else:
                    word = word[: -len(suffix)] + replacement
            break

    # Step 3
    for suffix, replacement in _STEP3:
        if word.endswith(suffix):
            if len(word) - len(suffix) >= r1:
                if suffix == "ative":
                    if len(word) - len(suffix) >= r2:
                        word = word[: -len(suffix)]
                else:
                    word = word[: -len(suffix)] + replacement
            break

    # Step 4
    for suffix in _STEP4:
        if word.endswith(suffix):
            if len(word) - len(suffix) >= r2:
                if suffix == "ion":
                    if word[-4:-3] in ("s", "t") and len(word) >= 4:
                        word = word[:-3]
                else:
                    word = word[: -len(suffix)]
            break

    # Step 5
    if word.endswith("e"):
        position = len(word) - 1
        if position >= r2 or (position >= r1 and not _ends_short_syllable(word[:-1])):
            word = word[:-1]
    elif word.endswith("l") and len(word) - 1 >= r2 and word[-2:-1] == "l":
        word = word[:-1]

    return word.replace("Y", "y")
