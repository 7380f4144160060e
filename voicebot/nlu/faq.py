"""FAQ answers by retrieval: the stored question most similar to what the caller asked.

Questions are compared by cosine similarity of TF-IDF vectors over words and character n-grams
(robust to ASR misspellings, cheap enough to answer in about a millisecond). A Markdown file of
`## question` headings, each followed by its answer paragraphs, is one way to write the pairs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as l2_normalize

from voicebot.nlu.errors import NluDataError
from voicebot.nlu.text import normalize


@dataclass(frozen=True, slots=True)
class FaqAnswer:
    question: str
    answer: str
    score: float  # cosine similarity, 0..1


class FaqIndex:
    def __init__(self, pairs: list[tuple[str, str]], threshold: float = 0.45) -> None:
        self.threshold = threshold
        self._pairs = [(q, a) for q, a in pairs if normalize(q)]
        self._words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        if self._pairs:
            questions = [normalize(q) for q, _ in self._pairs]
            self._matrix = self._vectors(questions, fit=True)

    def _vectors(self, texts: list[str], *, fit: bool = False) -> csr_matrix:
        if fit:
            words, chars = self._words.fit_transform(texts), self._chars.fit_transform(texts)
        else:
            words, chars = self._words.transform(texts), self._chars.transform(texts)
        return l2_normalize(hstack([words, chars]).tocsr())

    def answer(self, text: str) -> FaqAnswer | None:
        """The best answer when its question is similar enough, else None."""
        query = normalize(text)
        if not self._pairs or not query:
            return None
        scores = (self._matrix @ self._vectors([query]).T).toarray().ravel()
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
