"""The chat's filter line: ``/source NAME``, ``/since DATE``, ``/until DATE``
and ``/filter`` typed in the question box choose which articles the next
questions may cite (assistant.query.options.Filters). Parsing only: the app
keeps the filters and the core applies them."""

from dataclasses import dataclass

from assistant.errors import UsageError
from assistant.query.options import NO_FILTERS, Filters

FILTER_HELP = ("Filters: /source NAME (a word of the source's name or web address), "
               "/since DATE, /until DATE (YYYY-MM-DD or 7d; undated articles are left out), "
               "/filter to show them, /filter clear to remove them. /source, /since or "
               "/until alone removes that one.")
COMMANDS = ("/source", "/since", "/until", "/filter")
SUGGESTIONS = ["/source ", "/since ", "/until ", "/filter clear"]


@dataclass(frozen=True)
class FilterCommand:
    """What a filter line asks for: new ``filters`` (None: only show them)."""

    filters: Filters | None

    def message(self, current: Filters) -> str:
        if not current.active:
            return "No filter: questions search every article." if self.filters is None else \
                "Filter removed: questions search every article."
        verb = "Filter" if self.filters is None else "Filter set"
        return (f"{verb}: {current.describe()}. Questions cite only these articles, "
                "follow-ups included; /filter clear removes it.")


def parse_filter_line(line: str, current: Filters) -> FilterCommand:
    """The command on ``line`` applied to the ``current`` filters; a bad one
    (an unknown command, a bad date) is a ``UsageError``."""
    name, _, arg = line.strip().partition(" ")
    name, arg = name.lower(), arg.strip()
    if name == "/filter":
        if not arg:
            return FilterCommand(None)
        if arg.lower() in ("clear", "off", "none"):
            return FilterCommand(NO_FILTERS)
        raise UsageError(f"/filter takes 'clear' or nothing, not {arg!r}")
    if name not in COMMANDS:
        raise UsageError(f"unknown command {name}")
    field = name[1:]
    values = {f: getattr(current, f) for f in ("source", "since", "until")}
    values[field] = arg or None
    try:
        return FilterCommand(Filters.parse(**values))
    except UsageError as e:  # the CLI's option names, as typed here
        raise UsageError(e.message.replace("--", "/")) from None


