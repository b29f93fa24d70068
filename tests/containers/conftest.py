from tests.integration.conftest import sandbox  # noqa: F401 - the same sandbox fixture
