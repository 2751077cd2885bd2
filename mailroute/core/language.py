"""A cheap language hint from stop-word counts: good enough to choose a reply template."""

from __future__ import annotations

import re
from collections import Counter

_STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split())
    for lang, words in {
        "nl": "de het een en van ik je is dat op te zijn niet met voor aan er maar om ook als "
        "bij nog wij u uw graag wilt hierbij bedankt groet vriendelijke mijn onze heb kunt",
        "en": "the a and of to is in that it for on with as you are be this have we your our "
        "please thank regards would could my i will from",
        "de": "der die das und ist nicht mit sie ich zu den von ein eine auf für ihre wir "
        "bitte danke grüßen freundlichen",
        "fr": "le la les et de des un une est pas pour que vous nous avec sur merci bonjour "
        "cordialement votre",
    }.items()
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


# word -> the languages it is a stop word of: one dictionary lookup per word
_LANGUAGES_OF: dict[str, tuple[str, ...]] = {}
for _lang, _words in _STOPWORDS.items():
    for _word in _words:
        _LANGUAGES_OF[_word] = (*_LANGUAGES_OF.get(_word, ()), _lang)


def detect_language(text: str, *, max_chars: int = 1500) -> str:
    """Return an ISO 639-1 hint (``nl``, ``en``, ``de``, ``fr``) or ``""`` when unsure.

    The first ``max_chars`` (about 200 words) decide: enough for a hint, and the regex
    over a long body cost more than the rest of our parsing.
    """
    scores = dict.fromkeys(_STOPWORDS, 0)
    words = Counter(_WORD.findall(text[:max_chars].lower()))  # counted in C
    if not words:
        return ""
    for word in _LANGUAGES_OF.keys() & words.keys():
        for lang in _LANGUAGES_OF[word]:
            scores[lang] += words[word]
    best = max(scores, key=lambda lang: scores[lang])
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] < 2 or ranked[0] == ranked[1]:
        return ""
    return best
