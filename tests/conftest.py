import pytest

from assistant.app.service import Assistant
from assistant.app.settings import Settings
from assistant.embedders.hashing import HashEmbedder

from helpers.common import new_database


@pytest.fixture
def embedder():
    return HashEmbedder(dim=64)


@pytest.fixture
def make_service(tmp_path, embedder):
    def make(index_dir=None, emb=embedder, **settings):
        s = Settings(index_dir=str(index_dir or tmp_path / "index"), sample_dir="none", **settings)
        return Assistant(s, embedder=emb)

    return make


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL 16 server with pgvector (the pgserver package), in a temp
    dir, reached over a unix socket; started once for the test session."""
    import tempfile

    import pgserver

    server = pgserver.get_server(tempfile.mkdtemp(prefix="assistant-pg-"), cleanup_mode="delete")
    yield server
    server.cleanup()


@pytest.fixture
def pg_url(pg_server):
    """A URL to a new, empty database of the session's server."""
    return new_database(pg_server)


