"""What the LLM tests share: the sample article's index (hash model) and a
scripted OpenAI-style server, one each per test module."""

import pytest

from helpers.common import sample_hash_index
from helpers.llm_server import serve


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return sample_hash_index(tmp_path_factory.mktemp("llm"))


@pytest.fixture(scope="module")
def server():
    httpd, state = serve()
    yield state
    state.release.set()
    httpd.shutdown()
