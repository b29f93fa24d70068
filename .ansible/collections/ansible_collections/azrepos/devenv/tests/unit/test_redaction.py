import base64
import logging

import pytest

from azrepos.auth.credentials import PatCredential
from azrepos.errors import ApiError
from azrepos.redaction import Secret, install_log_scrubbing

PAT = "abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrst"


def test_secret_never_shows_itself() -> None:
    secret = Secret(PAT)
    assert PAT not in repr(secret) and PAT not in str(secret) and PAT not in f"{secret}"
    assert PAT not in repr(PatCredential(secret, "test"))
    with pytest.raises(TypeError):
        __import__("pickle").dumps(secret)


def test_logs_and_errors_are_scrubbed(caplog: pytest.LogCaptureFixture) -> None:
    Secret(PAT)
    basic = base64.b64encode(f":{PAT}".encode()).decode()
    logger = logging.getLogger("azrepos.test")
    handler = logging.StreamHandler()
    install_log_scrubbing(handler)
    records: list[str] = []
    handler.emit = lambda record: records.append(record.getMessage())  # type: ignore[method-assign]
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        logger.debug("header Basic %s and %s", basic, PAT)
    finally:
        logger.removeHandler(handler)
    assert records and PAT not in records[0] and basic not in records[0]
    assert PAT not in str(ApiError(f"server said {PAT}"))
