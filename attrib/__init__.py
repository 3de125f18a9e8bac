"""attrib: find who said what in news articles, and build a speaker-claim graph."""
__version__ = "0.1.0"

__all__ = ["__version__"]
