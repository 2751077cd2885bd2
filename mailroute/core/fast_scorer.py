"""The fitted vectorisers and calibrated LinearSVC, evaluated without sklearn's checks.

sklearn validates its input on every call, which costs more than the model itself on one
message; :class:`FastScorer` computes the same probabilities directly.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from itertools import pairwise, repeat

import numpy as np
import scipy.sparse as sp
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline


def fast_analyzer(vec: TfidfVectorizer) -> Callable[[str], list[str]] | None:
    """The word 1-2 gram analyser of ``vec`` without sklearn's per-token Python loop.

    Same terms as ``vec.build_analyzer()`` (order aside, which counting ignores) for a plain
    configuration; None for anything else.
    """
    plain = (vec.analyzer == "word" and tuple(vec.ngram_range) in ((1, 1), (1, 2))
             and vec.stop_words is None and vec.preprocessor is None and vec.tokenizer is None
             and vec.strip_accents is None and vec.input == "content")
    if not plain:
        return None
    if tuple(vec.ngram_range) == (1, 1):
        if vec.token_pattern == r"\S+" and not vec.lowercase:
            return str.split  # the header tokens: whitespace-separated, case kept
        return None
    if not vec.lowercase:
        return None
    findall = re.compile(vec.token_pattern).findall

    def analyze(doc: str) -> list[str]:
        tokens = findall(doc.lower())
        return tokens + list(map(" ".join, pairwise(tokens)))

    return analyze


class FastScorer:
    """The fitted vectorisers and calibrated LinearSVC, evaluated without sklearn's checks.

    Computes exactly what ``pipeline.predict_proba`` does (TF-IDF with sublinear tf and l2
    norm per view, one linear decision per class, Platt sigmoid per class, normalised), at
    a fraction of the per-call cost. :meth:`build` returns ``None`` for any pipeline whose
    shape it does not know, and the caller then uses the pipeline itself.
    """

    def __init__(self, views, coef: np.ndarray, intercept: np.ndarray, a: np.ndarray,
                 b: np.ndarray, positions: np.ndarray, n_classes: int):
        self.views = views  # [(column, analyzer, vocabulary, idf, offset, view weight)]
        self.offsets = np.array([view[4] for view in views], dtype=np.int64)
        self.view_weights = np.array([view[5] for view in views], dtype=np.float64)
        self.idf = np.concatenate([view[3] for view in views]) if views else np.zeros(0)
        self.coef_t = np.ascontiguousarray(coef.T)  # (n_features, n_scores)
        self.intercept = intercept
        self.a, self.b = a, b
        self.positions = positions
        self.n_classes = n_classes

    @classmethod
    def build(cls, pipeline: Pipeline) -> FastScorer | None:
        try:
            features, model = pipeline.steps[0][1], pipeline.steps[-1][1]
            if not isinstance(features, ColumnTransformer):
                return None
            weights = features.transformer_weights or {}
            if not isinstance(model, CalibratedClassifierCV) or model.method != "sigmoid":
                return None
            if len(model.calibrated_classifiers_) != 1:
                return None
            views, offset = [], 0
            for name, vec, col in features.transformers_:
                if not (isinstance(vec, TfidfVectorizer) and isinstance(col, int)
                        and vec.norm == "l2" and vec.use_idf and not vec.binary
                        and vec.sublinear_tf):
                    return None
                views.append((col, fast_analyzer(vec) or vec.build_analyzer(), vec.vocabulary_,
                              vec.idf_.astype(np.float64), offset,
                              float(weights.get(name, 1.0))))
                offset += len(vec.vocabulary_)
            calibrated = model.calibrated_classifiers_[0]
            svm = calibrated.estimator
            if not hasattr(svm, "coef_") or svm.coef_.shape[1] != offset:
                return None
            classes = list(model.classes_)
            positions = np.array([classes.index(c) for c in svm.classes_])
            a = np.array([c.a_ for c in calibrated.calibrators], dtype=np.float64)
            b = np.array([c.b_ for c in calibrated.calibrators], dtype=np.float64)
            return cls(views, np.asarray(svm.coef_, dtype=np.float64),
                       np.asarray(svm.intercept_, dtype=np.float64), a, b, positions,
                       len(classes))
        except (AttributeError, IndexError, ValueError):
            return None

    def _matrix_parts(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(data, indices, indptr) of the TF-IDF rows of ``docs``, all views side by side.

        Python only counts terms and looks them up (in C: ``Counter``, ``map``); the
        arithmetic runs once for the whole batch. Each (message, view) segment is
        normalised by a sum over its own terms in their own order (``bincount``), so a
        message gets bit-identical values alone or in any batch.
        """
        terms: list[int] = []
        counts: list[int] = []
        lengths: list[int] = []  # terms per (message, view) segment
        seg_view: list[int] = []  # which view each segment is
        per_row = np.zeros(len(docs), dtype=np.int64)  # segments per message
        for r, doc in enumerate(docs):
            for v, (col, analyze, vocab, _idf, _offset, _weight) in enumerate(self.views):
                counted = Counter(analyze(doc[col]))
                if not counted:
                    continue
                terms.extend(map(vocab.get, counted, repeat(-1)))
                counts.extend(counted.values())
                lengths.append(len(counted))
                seg_view.append(v)
                per_row[r] += 1
        if not terms:
            return np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(len(docs) + 1, np.int64)
        views = np.asarray(seg_view, dtype=np.int64)
        segment = np.repeat(np.arange(len(lengths)), lengths)
        idx = np.asarray(terms, dtype=np.int64)
        known = idx >= 0  # terms outside the vocabulary carry no weight
        idx, segment = idx[known], segment[known]
        tf = np.asarray(counts, dtype=np.float64)[known]
        element_view = views[segment]
        idx = idx + self.offsets[element_view]
        weight = (1.0 + np.log(tf)) * self.idf[idx]
        norm = np.sqrt(np.bincount(segment, weights=weight * weight, minlength=len(lengths)))
        weight = weight / norm[segment] * self.view_weights[element_view]
        row_of_segment = np.repeat(np.arange(len(docs)), per_row)
        indptr = np.concatenate([[0], np.cumsum(
            np.bincount(row_of_segment[segment], minlength=len(docs)))])
        return weight, idx, indptr

    def predict_proba(self, docs: np.ndarray) -> np.ndarray:
        data, indices, indptr = self._matrix_parts(docs)
        n = len(docs)
        # one sparse product for the batch; each row's result depends on that row only
        X = sp.csr_matrix((data, indices, indptr), shape=(n, len(self.coef_t)))
        scores = np.asarray(X @ self.coef_t) + self.intercept
        if self.n_classes == 2:
            p1 = 1.0 / (1.0 + np.exp(self.a[0] * scores[:, -1] + self.b[0]))
            return np.column_stack([1.0 - p1, p1])
        out = np.zeros((n, self.n_classes))
        out[:, self.positions] = 1.0 / (1.0 + np.exp(self.a * scores + self.b))
        total = out.sum(axis=1, keepdims=True)
        # sklearn's rule: all-zero probabilities become the uniform distribution
        return np.divide(out, total, out=np.full_like(out, 1.0 / self.n_classes),
                         where=total > 0)
