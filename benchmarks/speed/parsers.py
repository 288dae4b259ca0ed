"""Parse time of adversarial .md and .html inputs at growing sizes (issue 11,
item 8): linear parsing means each doubling roughly doubles the time.

    python -m benchmarks.speed.parsers
"""

import argparse
import time
from pathlib import Path

from assistant.ingest.documents import SkipFile, parse_file

CASES = {
    "md  '*a ' repeated": ("a.md", "*a "),
    "md  '![' repeated": ("a.md", "!["),
    "md  '[a](' repeated": ("a.md", "[a]("),
    "md  setext 'a\\n=\\n'": ("a.md", "a\n=\n"),
    "html '<a b=\"' repeated": ("a.html", '<a b="'),
    "html '<div>' nested": ("a.html", "<div>"),
}
SIZES = (66_000, 132_000, 264_000, 528_000)


def seconds(name: str, data: bytes) -> float:
    started = time.perf_counter()
    try:
        parse_file(Path("/bench") / name, data, 1000)
    except SkipFile:
        pass
    return time.perf_counter() - started


def main() -> None:
    argparse.ArgumentParser(description=__doc__,
                            formatter_class=argparse.RawDescriptionHelpFormatter).parse_args()
    print(f"{'input':<26}" + "".join(f"{s // 1000:>9} KB" for s in SIZES) + "   last/first")
    for label, (name, unit) in CASES.items():
        times = [seconds(name, (unit * (size // len(unit))).encode()) for size in SIZES]
        print(f"{label:<26}" + "".join(f"{t:>10.3f}s" for t in times)
              + f"   {times[-1] / max(times[0], 1e-6):>6.1f}x (size x{SIZES[-1] // SIZES[0]})")


if __name__ == "__main__":
    main()
