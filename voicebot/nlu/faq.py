"""FAQ answers by retrieval: the stored question most similar to what the caller asked.

Question and question-plus-answer are compared with the caller's words by cosine similarity of
TF-IDF vectors over words and character n-grams (robust to ASR misspellings, about a millisecond
per question asked). Function words are dropped, and the dialog's intent examples join the corpus the
IDF weights are fitted on, so that words every caller says weigh little even in a short FAQ. A
Markdown file of `## question` headings, each followed by its answer paragraphs, is one way to
write the pairs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as l2_normalize

from voicebot.nlu.errors import NluDataError
from voicebot.nlu.text import normalize

DEFAULT_FAQ_THRESHOLD = 0.25

# Function words only. Not scikit-learn's English list: it drops words that decide an answer
# ("bill", "call", "move", "amount", "not"), and question words ("when", "why") are kept too,
# since "when is my bill due" and "why is my bill high" want different answers.
FUNCTION_WORDS = frozenset(
    """a an the i i'm i'd i've me my mine you you're your yours we our us it it's its they them
    their is are was were be been being am do does did doing to of in on at for with from by
    about into and or but if so as than then that this these those there here have has had
    having can could would will shall should may might must please hi hello hey um uh er oh
    well just also get got some any very really okay ok""".split()
)


@dataclass(frozen=True, slots=True)
class FaqAnswer:
    question: str
    answer: str
    score: float  # cosine similarity, 0..1


def _content_words(text: str) -> str:
    words = normalize(text).split()
    kept = [word for word in words if word not in FUNCTION_WORDS]
    return " ".join(kept or words)


class FaqIndex:
    """`background`: other texts of the same dialog (intent examples), used only for IDF."""

    def __init__(
        self,
        pairs: list[tuple[str, str]],
        threshold: float = DEFAULT_FAQ_THRESHOLD,
        background: Iterable[str] = (),
    ) -> None:
        self.threshold = threshold
        self._pairs = [(q, a) for q, a in pairs if normalize(q)]
        self._words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        if self._pairs:
            questions = [_content_words(q) for q, _ in self._pairs]
            with_answers = [_content_words(f"{q} {a}") for q, a in self._pairs]
            corpus = questions + with_answers + [_content_words(t) for t in background]
            self._words.fit(corpus)
            self._chars.fit(corpus)
            self._questions = self._vectors(questions)
            self._with_answers = self._vectors(with_answers)

    def _vectors(self, texts: list[str]) -> csr_matrix:
        words, chars = self._words.transform(texts), self._chars.transform(texts)
        return l2_normalize(hstack([words, chars]).tocsr())

    def answer(self, text: str) -> FaqAnswer | None:
        """The best answer when its question is similar enough, else None."""
        if not self._pairs or not normalize(text):
            return None
        query = self._vectors([_content_words(text)]).T
        scores = np.maximum(
            (self._questions @ query).toarray().ravel(),
            (self._with_answers @ query).toarray().ravel(),
        )
        best = int(scores.argmax())
        if scores[best] < self.threshold:
            return None
        question, answer = self._pairs[best]
        return FaqAnswer(question, answer, float(scores[best]))


def load_faq_markdown(path: str | Path) -> list[tuple[str, str]]:
    """(question, answer) pairs from `## question` headings and the paragraphs under each."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise NluDataError(f"cannot read FAQ file: {exc.strerror}", path=path) from exc
    pairs: list[tuple[str, str]] = []
    question: str | None = None
    question_line = 0
    answer_lines: list[str] = []

    def finish() -> None:
        answer = " ".join(" ".join(answer_lines).split())
        if question is not None:
            if not answer:
                raise NluDataError(
                    f"question {question!r} has no answer", path=path, line=question_line
                )
            pairs.append((question, answer))

    for number, line in enumerate(lines, start=1):
        if line.startswith("## "):
            finish()
            question, question_line, answer_lines = line[3:].strip(), number, []
        elif line.startswith("#"):
            continue  # a title or a deeper heading is not part of an answer
        elif question is not None:
            answer_lines.append(line.strip())
    finish()
    if not pairs:
        raise NluDataError("no '## question' headings found", path=path)
    return pairs
