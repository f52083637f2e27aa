"""Logging configuration, applied once per process before any app exists."""

from __future__ import annotations

import logging.config

from lrs.settings import Settings

_configured = False


def configure_logging(settings: Settings) -> None:
    """Send Elimu's logs to stderr at the configured level (once per process)."""
    global _configured
    if _configured:
        return
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
            "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
            "loggers": {
                "lrs": {"level": settings.log_level},
                "connectors": {"level": settings.log_level},
                "reports": {"level": settings.log_level},
            },
            "root": {"handlers": ["stderr"], "level": "WARNING"},
        }
    )
    _configured = True
