"""The README's `--help` blocks, regenerated from the real CLI.

Each block stands between two markers, and the words after `help` are the
command whose help it shows (none: `assistant --help`)::

    <!-- [[[help ask]]] -->
    ```text
    Usage: assistant ask [OPTIONS] [QUESTION]
    ...
    ```
    <!-- [[[end]]] -->

    python scripts/readme_help.py           # check: exit 1 and name the stale blocks
    python scripts/readme_help.py --write   # rewrite them from `assistant CMD --help`

The help is that of `python -m assistant CMD --help` run from this checkout,
at a fixed terminal width and with no ASSISTANT_* variables, so it reads the
same on every machine. tests/test_readme_help.py fails when a block differs.
"""

import argparse
import difflib
import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
COLUMNS = "100"  # click wraps help at min(this, 80)
BLOCK = re.compile(r"(?P<open><!-- \[\[\[help(?P<args>(?: [\w-]+)*)\]\]\] -->\n)"
                   r"(?P<body>.*?)"
                   r"(?P<close><!-- \[\[\[end\]\]\] -->)", re.S)
REGENERATE = "python scripts/readme_help.py --write"


def live_help(args: list[str]) -> str:
    """`assistant ARGS --help` as this checkout prints it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(COLUMNS=COLUMNS, LINES="50", NO_COLOR="1", ASSISTANT_CONFIG="none",
               PYTHONPATH=os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep))
    r = subprocess.run([sys.executable, "-m", "assistant", *args, "--help"], capture_output=True,
                       text=True, env=env, cwd=REPO)
    if r.returncode != 0:
        raise SystemExit(f"assistant {' '.join(args)} --help failed: {r.stderr}")
    return r.stdout


def fence(help_text: str) -> str:
    return "```text\n" + help_text.rstrip("\n") + "\n```\n"


def command(match: re.Match) -> str:
    return " ".join(["assistant", *match["args"].split(), "--help"])


def render(text: str) -> tuple[str, list[str]]:
    """The README with every block regenerated, and a diff for each block that changed."""
    diffs: list[str] = []

    def fill(m: re.Match) -> str:
        body = fence(live_help(m["args"].split()))
        if body != m["body"]:
            diffs.append("".join(difflib.unified_diff(
                m["body"].splitlines(keepends=True), body.splitlines(keepends=True),
                f"README.md: {command(m)}", f"live: {command(m)}")))
        return m["open"] + body + m["close"]

    return BLOCK.sub(fill, text), diffs


def commands(text: str) -> list[str]:
    return [command(m) for m in BLOCK.finditer(text)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", action="store_true", help="rewrite the stale blocks in place")
    ap.add_argument("--readme", type=Path, default=README)
    args = ap.parse_args()
    text = args.readme.read_text(encoding="utf-8")
    new, diffs = render(text)
    if args.write:
        if new != text:
            args.readme.write_text(new, encoding="utf-8")
        print(f"{len(diffs)} of {len(commands(text))} --help blocks rewritten in {args.readme.name}")
        return
    if diffs:
        sys.stdout.write("".join(diffs))
        raise SystemExit(f"{len(diffs)} --help block(s) in {args.readme.name} differ from the "
                         f"CLI; regenerate them with `{REGENERATE}`")
    print(f"{len(commands(text))} --help blocks match the CLI")


if __name__ == "__main__":
    main()
