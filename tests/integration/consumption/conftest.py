"""The catalogue's fixtures (an API with its imports queue, callers of two labels, a registered
release), shared with the tests of what is built on imported consumption."""

from tests.integration.test_consumption_api import imports_queue, release  # noqa: F401
