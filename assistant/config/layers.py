"""The config file, and how a setting's layers stack: flags beat ``ASSISTANT_*``
variables, which beat the file, which beats the defaults.

The file is TOML: ``--config PATH`` or ``ASSISTANT_CONFIG=PATH`` (``none``: no
file), else ``./assistant.toml``, else ``config.toml`` in the user's config
folder (platformdirs: ``~/.config/assistant/`` on Linux). Read with the
standard library's ``tomllib``, loaded only when there is a file; platformdirs
loads only when there is no ``./assistant.toml``.
"""

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import UsageError
from assistant.text.masking import mask_setting

CONFIG_ENV = "ASSISTANT_CONFIG"
LOCAL_NAME = "assistant.toml"
USER_NAME = "config.toml"


def user_config_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("assistant")) / USER_NAME


@dataclass(frozen=True)
class ConfigFile:
    """A parsed config file; ``path`` None: there is none."""

    path: str | None = None
    table: Mapping[str, Any] = field(default_factory=dict)

    def section(self, name: str) -> Mapping[str, Any]:
        """A ``[name]`` table of the file (empty when absent)."""
        value = self.table.get(name, {})
        if not isinstance(value, dict):
            raise UsageError(f"{self.path}: '{name}' must be a table ([{name}]), not {value!r}")
        return value

    def check_keys(self, known: list[str], section: str | None = None) -> None:
        """Every key is a known setting: a typo is an error, not silently ignored."""
        table = self.section(section) if section else self.table
        for key in table:
            if key not in known:
                name = f"{section}.{key}" if section else key
                raise UsageError(f"{self.path}: unknown setting '{name}' (known: "
                                 f"{', '.join(known)})")


NO_FILE = ConfigFile()


def find_config(explicit: str | None = None, environ: Mapping[str, str] | None = None
                ) -> str | None:
    """The config file in use: ``explicit`` (--config), else $ASSISTANT_CONFIG,
    else ./assistant.toml, else the user's; None when there is none. A named
    file must exist."""
    environ = os.environ if environ is None else environ
    named = explicit or environ.get(CONFIG_ENV) or None
    if named is not None:
        if named.strip().lower() == "none":
            return None
        if not os.path.isfile(named):
            how = "--config" if explicit else CONFIG_ENV
            raise UsageError(f"{how}: config file {named} does not exist")
        return os.path.abspath(named)
    for candidate in (Path.cwd() / LOCAL_NAME, None):
        path = candidate or user_config_path()
        if path.is_file():
            return str(path.absolute())
    return None


def load_config(explicit: str | None = None, environ: Mapping[str, str] | None = None
                ) -> ConfigFile:
    """The config file's contents (``NO_FILE`` when there is none). A file that
    cannot be read or is not TOML is a usage error naming it."""
    path = find_config(explicit, environ)
    if path is None:
        return NO_FILE
    import tomllib  # only when there is a file: most starts have none

    try:
        with open(path, "rb") as f:
            return ConfigFile(path, tomllib.load(f))
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{path}: not valid TOML ({e})") from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise UsageError(f"{path}: not valid TOML (nested too deeply)") from None
    except (OSError, UnicodeDecodeError) as e:
        raise UsageError(f"{path}: cannot be read ({e})") from None


@dataclass(frozen=True)
class Origin:
    """Where a setting's value came from: a flag, a variable, a file, the default."""

    kind: str  # "flag", "env", "file" or "default"
    where: str | None = None  # the flag, the variable or the file's path

    def __str__(self) -> str:
        return f"{self.kind} {self.where}" if self.where else self.kind

    def to_json(self) -> dict:
        return {"source": self.kind, "where": self.where}


DEFAULT = Origin("default")


def resolve(names: list[str], env_prefix: str, config: ConfigFile, section: str | None,
            environ: Mapping[str, str], overrides: Mapping[str, Any],
            from_text: Callable[[str, str], Any], from_file: Callable[[str, Any], Any],
            flags: Mapping[str, str] | None = None, tables: tuple[str, ...] = ()
            ) -> tuple[dict[str, Any], dict[str, Origin]]:
    """The values given for ``names`` and where each came from, the highest
    layer winning: ``overrides`` (flags; None is not given), the environment
    (``env_prefix`` + NAME; empty is not given), the file's ``section`` (top
    level when None). Names given nowhere are left out (their defaults hold).
    ``from_text`` parses a variable's text, ``from_file`` a TOML value; both
    raise ``UsageError``, which comes out naming the variable, or the file and key.
    ``tables``: the names of sub-tables the section may hold (read elsewhere)."""
    config.check_keys(names + list(tables), section)
    table = config.section(section) if section else config.table
    values: dict[str, Any] = {}
    origins: dict[str, Origin] = {}
    for name in names:
        key = f"{section}.{name}" if section else name
        if name in table:
            try:
                values[name] = from_file(name, table[name])
            except UsageError as e:
                raise UsageError(f"{config.path}: {key} = {shown(table[name], name)!r}: {e.message}") \
                    from None
            origins[name] = Origin("file", config.path)
        variable = env_prefix + name.upper()
        raw = environ.get(variable)
        if raw is not None and raw != "":
            try:
                values[name] = from_text(name, raw)
            except UsageError as e:
                raise UsageError(f"{variable}={shown(raw, name)!r}: {e.message}") from None
            origins[name] = Origin("env", variable)
        if overrides.get(name) is not None:
            values[name] = overrides[name]
            origins[name] = Origin("flag", (flags or {}).get(name, "--" + name.replace("_", "-")))
    return values, origins


def expect(value: Any, kind: type | tuple[type, ...]) -> Any:
    """A TOML value of the setting's type (true/false is no number)."""
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
        if float in kinds:
            raise UsageError("must be a number")
        names = {str: "a string", int: "a whole number", bool: "true or false"}
        raise UsageError("must be " + " or ".join(names.get(k, k.__name__) for k in kinds))
    return value


def positive_number(value: Any) -> float:
    """The one rule for a number of seconds (a flag's text, a variable's, a TOML
    value): finite and above 0. NaN, inf, 1e309, true and text are refused."""
    import math

    if isinstance(value, bool):
        raise UsageError("must be a positive number")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise UsageError("must be a positive number") from None
    if not math.isfinite(number) or number <= 0:
        raise UsageError("must be a positive number")
    return number


def shown(value: Any, name: str = "") -> Any:
    """A setting's value as shown to the user (``masking.mask_setting``): a
    URL's password never is (postgresql://me:secret@host/db ->
    postgresql://me:***@host/db), a key or token setting's value never."""
    return mask_setting(name, value)


def file_path_value(value: str, config: ConfigFile) -> str:
    """A folder named in the file: ``~`` expanded, relative to the file's folder."""
    path = os.path.expanduser(value)
    if config.path and not os.path.isabs(path):
        path = os.path.join(os.path.dirname(config.path), path)
    return path
