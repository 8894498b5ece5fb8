"""A story's memory as DuckDB keeps it: read into a `StoryMemory`, and what the matcher
made on the way (copies' fingerprints, leads and sentences embedded) written back, so that
the next run does not make it again."""

from __future__ import annotations

import numpy as np

from .feedback import memory_documents
from .matching import StoryMemory, features
from .matching.embedding import Embedder
from .matching.features import SIGNATURE_SCHEME, pack_copy, unpack_copy, with_title
from .matching.lead import lead_md5, lead_vector
from .store import Store
from .stories import Story


def memory_rows(store: Store, story_id: int, model: str = "") -> tuple[list[dict], list[dict]]:
    """What a story's memory is made from: what it knows (with its leads embedded by `model`
    where stored), and the copies it has seen."""
    known = store.rows("story_memory", {"story_id": story_id, "model": model})
    copies = store.rows(
        "story_copies", {"story_id": story_id, "scheme": SIGNATURE_SCHEME, "model": model}
    )
    return known, copies


def stored_sentences(store: Store, story_id: int, model: str) -> dict[str, np.ndarray]:
    """The story's known sentences as `model` embedded them, by md5."""
    rows = store.rows("story_sentence_embeddings", {"story_id": story_id, "model": model})
    return {r["sentence_md5"]: np.asarray(r["vector"], dtype=np.float32) for r in rows}


def stored_lookalikes(
    store: Store, story_id: int, model: str, language: str
) -> dict[int, np.ndarray]:
    """The leads, as `model` embedded them, of what the story judged related in `language`."""
    rows = store.rows(
        "story_lookalikes", {"story_id": story_id, "model": model, "language": language}
    )
    return {r["id"]: np.asarray(r["vector"], dtype=np.float32) for r in rows}


def memory_from(
    known: list[dict],
    copies: list[dict],
    story: Story,
    embedder: Embedder | None = None,
    sentences: dict[str, np.ndarray] | None = None,
    lookalikes: dict[int, np.ndarray] | None = None,
) -> tuple[StoryMemory, dict[int, tuple[bytes, bytes]], dict[int, tuple[str, np.ndarray]]]:
    """The story's memory: what it knows (with its sentences' stored embeddings), the
    copies it has seen, by their stored fingerprints, and the leads of its look-alikes
    (`lookalikes`, used with an embedder); with the fingerprints it had to make
    (from the text, for copies that have none of the current scheme) and the leads it had to
    embed, for the caller to store. Pure."""
    texts = {r["id"]: with_title(r["title"], r["text"]) for r in known}
    digests = {ident: lead_md5(text) for ident, text in texts.items()} if embedder else {}
    stored = {
        r["id"]: np.asarray(r["vector"], dtype=np.float32)
        for r in known
        if r.get("vector") is not None and r["lead_md5"] == digests.get(r["id"])
    }
    seeds, updates, corrections = memory_documents(known, texts)
    memory = StoryMemory(seeds, story.language, embedder, stored, updates, sentences, corrections)
    embedded = dict(memory.core)
    if embedder is not None:  # a negative's lead too: it is compared with every candidate
        embedded |= {i: lead_vector(n, embedder) for i, n in memory.negatives.items()}
    leads = {i: (digests[i], v) for i, v in embedded.items() if i not in stored}
    if embedder is not None:
        for ident, lead in (lookalikes or {}).items():
            memory.remember_lookalike(ident, lead)
    made = {}
    for row in copies:
        if row["minhash"] is None:
            f = features(with_title(row["title"], row["text"]), story.language)
            memory.remember_copy(row["id"], f)
            made[row["id"]] = pack_copy(f)
        else:
            memory.remember_copy_signature(row["id"], *unpack_copy(row["minhash"], row["runs"]))
        if embedder is not None and row["lead"] is not None:
            memory.remember_retelling(row["id"], np.asarray(row["lead"], dtype=np.float32))
    return memory, made, leads


def memory_of(store: Store, story_id: int, story: Story) -> StoryMemory:
    """The story's memory, storing the fingerprints it had to make."""
    memory, made, _ = memory_from(*memory_rows(store, story_id), story)
    save_fingerprints(store, made)
    return memory


def save_fingerprints(store: Store, prints: dict[int, tuple[bytes, bytes]]) -> None:
    if prints:
        store.execute(
            "save_fingerprints",
            {
                "article_ids": list(prints),
                "scheme": SIGNATURE_SCHEME,
                "minhashes": [minhash for minhash, _ in prints.values()],
                "runs": [runs for _, runs in prints.values()],
            },
        )


def save_sentences(
    store: Store, model: str, story_id: int, embedded: dict[str, np.ndarray]
) -> None:
    if embedded and model:
        store.execute(
            "save_sentence_embeddings",
            {
                "story_id": story_id,
                "model": model,
                "sentence_md5s": list(embedded),
                "vectors": [vector.tolist() for vector in embedded.values()],
            },
        )


def save_leads(store: Store, model: str, leads: dict[int, tuple[str, np.ndarray]]) -> None:
    if leads and model:
        store.execute(
            "save_lead_embeddings",
            {
                "article_ids": list(leads),
                "model": model,
                "lead_md5s": [digest for digest, _ in leads.values()],
                "vectors": [vector.tolist() for _, vector in leads.values()],
            },
        )
