"""Intent classification: TF-IDF over words and character n-grams, then logistic regression.

Besides the dialog's intents, the model can learn one background class of unrelated sentences
(voicebot.nlu.out_of_scope), so that out-of-domain input has a class to go to instead of
lending its probability to the least unlikely intent.

Character n-grams make the classifier robust to what ASR gets wrong ("balanced" for "balance",
"cart" for "card"); word n-grams keep phrases like "not working" together. Trains in about a
tenth of a second on a few hundred examples.

scikit-learn fits the model; classifying one utterance through its sparse-matrix API costs about
3 ms of overhead, so `probabilities` computes the same TF-IDF features and the same softmax
directly from the fitted vocabularies, idf weights and coefficients (a test checks that both
agree), in about a tenth of that.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence

import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from voicebot.nlu.errors import NluDataError
from voicebot.nlu.out_of_scope import OUT_OF_SCOPE_INTENT
from voicebot.nlu.text import normalize


class _SparseFeatures:
    """One fitted TfidfVectorizer (sublinear tf, l2 norm), applied to one text without scipy."""

    def __init__(self, vectorizer: TfidfVectorizer, column_offset: int) -> None:
        self._analyze: Callable[[str], list[str]] = vectorizer.build_analyzer()
        self._column = {term: column_offset + i for term, i in vectorizer.vocabulary_.items()}
        self._idf = {column_offset + i: w for i, w in enumerate(vectorizer.idf_)}

    def weights(self, text: str) -> dict[int, float]:
        counts = Counter(self._analyze(text))
        weights = {}
        for term, count in counts.items():
            column = self._column.get(term)
            if column is not None:
                weights[column] = (1.0 + np.log(count)) * self._idf[column]
        norm = float(np.sqrt(sum(w * w for w in weights.values())))
        return {column: w / norm for column, w in weights.items()} if norm else weights


class IntentClassifier:
    """Trained on intent -> examples; `rank` gives (intent, probability) best first."""

    def __init__(self, intents: Mapping[str, list[str]], background: Sequence[str] = ()) -> None:
        texts: list[str] = []
        labels: list[str] = []
        classes = dict(intents)
        if background:
            classes[OUT_OF_SCOPE_INTENT] = list(background)
        for intent, examples in classes.items():
            for example in examples:
                normalized = normalize(example)
                if normalized:
                    texts.append(normalized)
                    labels.append(intent)
        names = sorted(set(labels))
        if len(names) < 2:
            raise NluDataError(
                f"need examples for at least two classes to train a classifier, got {names}"
            )
        self._words = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True)
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
        features = hstack([self._words.fit_transform(texts), self._chars.fit_transform(texts)])
        self._model = LogisticRegression(
            C=20.0,
            class_weight="balanced",  # the background class has more examples than any intent
            solver="saga",
            max_iter=300,
            tol=1e-3,
            random_state=0,
        )
        self._model.fit(features.tocsr(), labels)
        self.classes: tuple[str, ...] = tuple(str(c) for c in self._model.classes_)
        self.intents = tuple(name for name in self.classes if name != OUT_OF_SCOPE_INTENT)
        self._index = {name: i for i, name in enumerate(self.classes)}
        self._fast = (
            _SparseFeatures(self._words, 0),
            _SparseFeatures(self._chars, len(self._words.vocabulary_)),
        )
        coef, intercept = self._model.coef_, self._model.intercept_
        if len(self.classes) == 2:
            # A binary model scores only the second class: p = sigmoid(z) = softmax([0, z]).
            coef = np.vstack([np.zeros_like(coef), coef])
            intercept = np.concatenate([[0.0], intercept])
        self._coef_columns = np.ascontiguousarray(coef.T)  # feature -> one score per intent
        self._intercept = intercept.astype(float)

    def probabilities(self, text: str) -> np.ndarray:
        """One probability per class in `self.classes`, for already normalized text."""
        scores = self._intercept.copy()
        for features in self._fast:
            weights = features.weights(text)
            if weights:
                columns = np.fromiter(weights.keys(), dtype=np.intp, count=len(weights))
                values = np.fromiter(weights.values(), dtype=float, count=len(weights))
                scores += values @ self._coef_columns[columns]
        scores -= scores.max()
        exp = np.exp(scores)
        return exp / exp.sum()

    def sklearn_probabilities(self, text: str) -> np.ndarray:
        """The same as `probabilities`, through scikit-learn's own (slower) path."""
        features = hstack([self._words.transform([text]), self._chars.transform([text])])
        return self._model.predict_proba(features.tocsr())[0]

    def rank(
        self, text: str, expected: Collection[str] | None = None
    ) -> tuple[list[tuple[str, float]], float]:
        """(intents with their probability among the intents, best first; the probability that
        the text is out of scope). With `expected`, only those intents count (renormalized
        among them, so an intent that is the only sensible answer in this state is not drowned
        by intents of other states); the out-of-scope class always competes."""
        probabilities = self.probabilities(normalize(text))
        names = self.intents if expected is None else [n for n in expected if n in self._index]
        # once each: a name listed twice would count its probability twice in the total
        names = list(dict.fromkeys(name for name in names if name != OUT_OF_SCOPE_INTENT))
        in_scope = probabilities[[self._index[name] for name in names]] if names else np.zeros(0)
        total = float(in_scope.sum())
        background = self._index.get(OUT_OF_SCOPE_INTENT)
        out_of_scope = float(probabilities[background]) if background is not None else 0.0
        if total <= 0.0:
            return [], 1.0 if background is not None else 0.0
        ranked = [(name, float(p) / total) for name, p in zip(names, in_scope, strict=True)]
        ranked.sort(key=lambda pair: pair[1], reverse=True)
        return ranked, out_of_scope / (out_of_scope + total)
