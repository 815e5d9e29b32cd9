"""Typed configuration, the source registry, and the error tree every stage shares."""

from config.errors import ConfigError, UnioncatError
from config.settings import (
    ApiSettings,
    DedupeSettings,
    HarvestSettings,
    IndexSettings,
    LibraryConfig,
    Settings,
    load_settings,
)

__all__ = [
    "ApiSettings",
    "ConfigError",
    "DedupeSettings",
    "HarvestSettings",
    "IndexSettings",
    "LibraryConfig",
    "Settings",
    "UnioncatError",
    "load_settings",
]
