"""The config file (TOML): found, layered under flags and variables, checked,
and shown by `assistant info` with where each setting came from."""

import json

import pytest

from assistant.errors import ExitCode

from helpers.common import run_cli, sample_hash_index, write


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return sample_hash_index(tmp_path_factory.mktemp("config"))


def info(*args, env=None, cwd=None) -> dict:
    r = run_cli("info", "--json", *args, env=env, cwd=cwd)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_flags_beat_the_environment_which_beats_the_file(index_dir, tmp_path):
    config = write(tmp_path / "conf" / "my.toml",
                   f'index_dir = "{tmp_path / "elsewhere"}"\nk = 3\nmode = "dense"\n'
                   'rerank = "auto"\n\n[llm]\nmodel = "qwen2.5"\napi_key = "sk-secret"\n')
    data = info("--index-dir", index_dir, env={"ASSISTANT_CONFIG": str(config),
                                               "ASSISTANT_MODE": "keyword"})
    s = data["settings"]
    assert data["config_file"] == str(config)
    assert s["index_dir"] == {"value": str(index_dir), "source": "flag", "where": "--index-dir"}
    assert s["mode"] == {"value": "keyword", "source": "env", "where": "ASSISTANT_MODE"}
    assert s["k"] == {"value": 3, "source": "file", "where": str(config)}
    assert s["rerank"] == {"value": "auto", "source": "file", "where": str(config)}
    assert s["device"] == {"value": None, "source": "default", "where": None}
    assert s["llm.model"] == {"value": "qwen2.5", "source": "file", "where": str(config)}
    assert s["llm.total_timeout"]["source"] == "default"
    assert "sk-secret" not in json.dumps(data) and s["llm.api_key"]["value"] == "(set)"


def test_info_shows_where_each_setting_came_from(index_dir, tmp_path):
    config = write(tmp_path / "assistant.toml", "k = 7\n")
    r = run_cli("--config", config, "info", "--index-dir", index_dir,
                env={"ASSISTANT_RERANK": "4"})
    assert r.returncode == 0, r.stderr
    lines = {ln.split()[0]: ln for ln in r.stdout.splitlines() if ln.startswith("  ")}
    assert lines["k"].split()[1:] == ["7", "file", str(config)]
    assert lines["rerank"].split()[1:] == ["4", "env", "ASSISTANT_RERANK"]
    assert lines["index_dir"].split()[2:] == ["flag", "--index-dir"]
    assert lines["mode"].split()[1:] == ["hybrid", "default"]
    assert f"config file   {config}" in r.stdout


def test_ask_takes_k_from_the_file_unless_a_variable_or_flag_says_otherwise(index_dir, tmp_path):
    config = write(tmp_path / "c.toml", f'index_dir = "{index_dir}"\nk = 3\n')
    env = {"ASSISTANT_CONFIG": str(config)}

    def citations(*args, **more):
        r = run_cli("ask", "how many troops were sent?", "--json", *args, env={**env, **more})
        assert r.returncode == 0, r.stderr
        return len(json.loads(r.stdout)["citations"])

    assert citations() == 3
    assert citations(ASSISTANT_K="4") == 4
    assert citations("-k", "2", ASSISTANT_K="4") == 2


def test_the_file_is_found_in_the_working_folder_then_the_user_config_folder(index_dir, tmp_path):
    user = write(tmp_path / "xdg" / "assistant" / "config.toml", "k = 9\n")
    work = tmp_path / "work"
    work.mkdir()
    env = {"ASSISTANT_CONFIG": "", "XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    s = info("--index-dir", index_dir, env=env, cwd=work)["settings"]
    assert s["k"] == {"value": 9, "source": "file", "where": str(user)}
    local = write(work / "assistant.toml", "k = 8\n")
    s = info("--index-dir", index_dir, env=env, cwd=work)["settings"]
    assert s["k"] == {"value": 8, "source": "file", "where": str(local)}
    # ASSISTANT_CONFIG=none reads no file at all.
    s = info("--index-dir", index_dir, env={**env, "ASSISTANT_CONFIG": "none"}, cwd=work)["settings"]
    assert s["k"]["source"] == "default"


def test_a_relative_folder_in_the_file_is_relative_to_the_file(index_dir, tmp_path):
    config = write(index_dir.parent / "assistant.toml", f'index_dir = "{index_dir.name}"\n')
    s = info(env={"ASSISTANT_CONFIG": str(config)}, cwd=tmp_path)["settings"]
    assert s["index_dir"]["value"] == str(index_dir)


@pytest.mark.parametrize("text,named", [
    ("kk = 3\n", "unknown setting 'kk'"),
    ("[llm]\nurll = 'http://x'\n", "unknown setting 'llm.urll'"),
    ("k = 0\n", "k = 0: k must be within 1–100"),
    ("k = '3'\n", "k = '3': must be a whole number"),
    ("mode = 'fast'\n", "mode = 'fast': unknown mode 'fast'"),
    ("rerank = -1\n", "rerank = -1: rerank must be"),
    ("[llm]\ntotal_timeout = 'long'\n", "llm.total_timeout = 'long': must be a number"),
    ("k = 3\nk = [\n", "not valid TOML"),
])
@pytest.mark.parametrize("command", [("info",), ("ask", "troops"), ("index",)])
def test_a_bad_file_is_a_usage_error_naming_the_file_and_the_key(index_dir, tmp_path, text,
                                                                 named, command):
    config = write(tmp_path / "bad.toml", text)
    r = run_cli(*command, "--index-dir", index_dir, env={"ASSISTANT_CONFIG": str(config)})
    assert r.returncode == ExitCode.USAGE
    assert f"{config}: {named}" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_config_file_that_does_not_exist_is_a_usage_error(index_dir, tmp_path):
    r = run_cli("--config", tmp_path / "nope.toml", "info", "--index-dir", index_dir)
    assert r.returncode == ExitCode.USAGE
    assert "nope.toml does not exist" in r.stderr


def test_info_never_shows_a_password_in_a_url(index_dir, tmp_path):
    config = write(tmp_path / "c.toml", '[llm]\nurl = "http://me:s3cret@127.0.0.1:9/v1"\n')
    r = run_cli("info", "--index-dir", index_dir, env={"ASSISTANT_CONFIG": str(config)})
    assert r.returncode == 0, r.stderr
    assert "s3cret" not in r.stdout and "http://me:***@127.0.0.1:9/v1" in r.stdout
    r = run_cli("ask", "troops", "--index-dir", index_dir,
                env={"ASSISTANT_CONFIG": "none", "ASSISTANT_K": "postgresql://u:s3cret@h/db"})
    assert r.returncode == ExitCode.USAGE and "s3cret" not in r.stderr


def test_file_values_must_have_the_setting_s_type():
    from assistant.config.layers import expect
    from assistant.errors import UsageError

    assert expect(True, bool) is True and expect(3, int) == 3 and expect(2, (int, float)) == 2
    for value, kind in ((True, int), ("3", int), (1, bool), (1.5, str)):
        with pytest.raises(UsageError):
            expect(value, kind)
