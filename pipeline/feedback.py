"""The reader's corrections of the matcher (`storywatch feedback`), as a story's memory takes
them and as a reader who knows the right verdict gives them. Pure: the command's I/O is in
`cli_feedback`, what the memory does with them in `StoryMemory.correct`."""

from __future__ import annotations

from .matching.matcher import Correction

# the command's flags, and the words a line tells a correction by
FLAGS: dict[Correction, str] = {
    "not_story": "--not-story",
    "not_new": "--not-new",
    "update": "--update",
}
TOLD: dict[Correction, str] = {
    "not_story": "not the story: a look-alike nearer to it than to the story is related",
    "not_new": "not new: its sentences are known, later copies of that news are a rehash",
    "update": "an update: its facts are known and its lead joins the story's core",
}
# `story_memory`'s roles for what the reader corrected
ROLES: dict[str, Correction] = {"negative": "not_story", "told": "not_new"}
STORY = ("duplicate", "rehash", "update")  # the verdicts that take an article for the story


def memory_documents(
    known: list[dict], texts: dict[int, str]
) -> tuple[list[tuple[int, str]], list[tuple[int, str]], list[tuple[int, str, Correction]]]:
    """`story_memory`'s rows as a StoryMemory takes them: its seeds, its accepted updates (the
    matcher's or its reader's), and the other corrections (a negative, a story told again)."""
    seeds = [(r["id"], texts[r["id"]]) for r in known if r["role"] == "seed"]
    updates = [(r["id"], texts[r["id"]]) for r in known if r["role"] == "update"]
    corrections = [(r["id"], texts[r["id"]], ROLES[r["role"]]) for r in known if r["role"] in ROLES]
    return seeds, updates, corrections


def correction_for(verdict: str, truth: str) -> Correction | None:
    """What a reader who knows the article is `truth` (a verdict) says when the matcher said
    `verdict`; None when there is nothing to correct: the verdict is right, or it is wrong
    only between duplicate and rehash, or related and unrelated, which a reader never sees."""
    if (verdict in STORY) == (truth in STORY) and (verdict == "update") == (truth == "update"):
        return None
    if truth not in STORY:
        return "not_story"
    return "update" if truth == "update" else "not_new"


def story_judged(rows: list[dict], article_id: int) -> tuple[int, str, str | None]:
    """Which story a correction of the article is for, when the reader named none: the one
    story that took it for itself (or, failing that, the one that judged it). `rows`: the
    article's `feedback_article` rows. Returns the story's id, slug and verdict."""
    judged = [r for r in rows if r["story_id"] is not None]
    took = [r for r in judged if r["verdict"] in STORY] or judged
    if len(took) == 1:
        return took[0]["story_id"], took[0]["slug"], took[0]["verdict"]
    if not took:
        raise ValueError(f"article {article_id} was not judged for any story: name it with --story")
    slugs = ", ".join(r["slug"] for r in took)
    raise ValueError(f"article {article_id} was judged for {slugs}: name the story with --story")
