"""Structured logs: one JSON object a line, for the production profile (KARI_LOG_FORMAT=json).

Each record carries the time (UTC, ISO 8601), level, logger, message and the process's instance
name (KARI_INSTANCE, e.g. rasa-1), so a log collector can follow one instance or one kind of event
("kari.channel.busy"). Kari's own log lines never contain a citizen's text (the channel logs only
lengths and kinds, and masks DEBUG records), so neither do these.
"""

from __future__ import annotations

import json
import logging
import os
import time


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "instance": os.environ.get("KARI_INSTANCE", ""),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(entry, ensure_ascii=False)


def configure(level: str | None = None) -> None:
    """Root logging for Kari's own servers: JSON lines when KARI_LOG_FORMAT=json, else plain text."""
    handler = logging.StreamHandler()
    if os.environ.get("KARI_LOG_FORMAT", "").lower() == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)-8s %(name)s - %(message)s"))
    logging.basicConfig(level=level or os.environ.get("LOG_LEVEL", "INFO"), handlers=[handler])


def json_on_root_if_asked() -> None:
    """Rasa sets its own (coloredlogs) handler on the root logger after reading any logging config;
    the Kari channel, imported once that is done, calls this to make Rasa's lines JSON too."""
    if os.environ.get("KARI_LOG_FORMAT", "").lower() != "json":
        return
    for handler in logging.getLogger().handlers:
        if not isinstance(handler.formatter, JsonFormatter):
            handler.setFormatter(JsonFormatter())
