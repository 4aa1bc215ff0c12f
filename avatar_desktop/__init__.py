"""Avatar Desktop: a desktop client for a digital-human video generation service."""

__version__ = "0.1.0"
