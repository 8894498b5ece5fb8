"""A story's thresholds, shared by the match stage and the replay of an archive."""

from __future__ import annotations

from .config import Settings
from .matching import Thresholds
from .stories import Story


def thresholds(settings: Settings, story: Story) -> Thresholds:
    """The config's thresholds, with the story's own where its story.toml sets them."""
    values = settings.matching.model_dump() | story.matching
    return Thresholds(**values)
