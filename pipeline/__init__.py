"""storywatch: follow news stories and say what is new."""

__version__ = "0.1.0"
