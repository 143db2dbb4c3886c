"""paperdb: markdown paper lists -> one normalized SQLite database."""

__version__ = "0.1.0"
