"""The top functions of a py-spy profile in collapsed-stack ("raw") form, as bench/live_load.py --py-spy writes.

    .venv/bin/python bench/spy_top.py PROFILE.txt [--top 25] [--grep workshop/]

Prints, per function, the share of samples in which it is on the stack (inclusive) and at its top (self).
Samples of an idle event loop (the hub waiting in epoll/select) are counted apart and left out of the shares.
"""
from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

IDLE = re.compile(r"\b(wait|poll|select|epoll|_sleep|sleep|switch)\b.*\((hub|poll|epoll|selectors|threading)")
FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>.*?)(?::\d+)?\)$")


def frame_name(frame: str) -> str:
    m = FRAME.match(frame.strip())
    if not m:
        return frame.strip()
    file = m["file"]
    for cut in ("site-packages/", "/workshop/", "/lib/python3"):
        if cut in file:
            file = file.split(cut, 1)[1] if cut != "/workshop/" else "workshop/" + file.split(cut, 1)[1]
            break
    return f"{m['func']} ({file})"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("profile", type=Path)
    p.add_argument("--top", type=int, default=25)
    p.add_argument("--grep", default="", help="only functions whose name or file contains this")
    args = p.parse_args()
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = idle = 0
    for line in args.profile.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [frame_name(f) for f in stack.split(";")]
        if frames and IDLE.search(frames[-1]) and not any("workshop/" in f for f in frames):
            idle += n
            continue
        total += n
        for f in set(frames):
            inclusive[f] += n
        own[frames[-1]] += n
    print(f"{total} busy samples ({idle} idle left out)")
    for title, counter in (("inclusive", inclusive), ("self", own)):
        print(f"\n{title}:")
        shown = 0
        for func, n in counter.most_common():
            if args.grep and args.grep not in func:
                continue
            print(f"  {100 * n / max(1, total):5.1f} %  {func}")
            shown += 1
            if shown >= args.top:
                break


if __name__ == "__main__":
    main()
