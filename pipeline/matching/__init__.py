"""Is an article part of a story, and what does it add? Pure functions of texts."""

from .features import Features, features
from .matcher import MATCHER_VERSION, Decision, StoryMemory, Thresholds, classify

__all__ = [
    "MATCHER_VERSION", "Decision", "Features", "StoryMemory", "Thresholds", "classify",
    "features",
]  # fmt: skip
