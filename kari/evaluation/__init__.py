"""`make evaluate`: answer-level evaluation (`answers.py`) and NLU evaluation (`nlu.py`), per written
standard."""


def quiet_rasa() -> None:
    """Only warnings from Rasa in this process (the report is what matters). Rasa also writes the level
    into os.environ["LOG_LEVEL"]; it is put back, so servers and `rasa` commands started later log as
    they would have."""
    import logging
    import os

    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    before = os.environ.get("LOG_LEVEL")
    configure_logging_and_warnings(logging.WARNING)
    configure_structlog(logging.WARNING)
    if before is None:
        os.environ.pop("LOG_LEVEL", None)
    else:
        os.environ["LOG_LEVEL"] = before
