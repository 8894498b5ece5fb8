"""Is an article part of a story, and what does it add? Pure functions of texts."""

from .matcher import MATCHER_VERSION, Decision, StoryMemory, Thresholds, classify

__all__ = ["MATCHER_VERSION", "Decision", "StoryMemory", "Thresholds", "classify"]
