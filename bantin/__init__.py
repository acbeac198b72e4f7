"""bantin: a static-site generator for the news portals of party units."""

__version__ = "0.1.0"
