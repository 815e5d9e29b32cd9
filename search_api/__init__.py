"""The HTTP face of unioncat: JSON API, librarians' page, and the server that runs them.

Imports config, store and index; only the CLI imports this package.
"""

from search_api.app import create_app
from search_api.server import serve

__all__ = ["create_app", "serve"]
