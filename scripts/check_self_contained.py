#!/usr/bin/env python3
"""Fails if a file of the repository refers to data outside it.

Every file a test, benchmark, script or example reads must be in the repository (tests/data, the
reference folders of the reproductions); nothing may point at a sibling folder such as ../shared or
at absolute paths of a development machine. scripts/test.sh also hides a sibling ../shared folder
while the tests run, so a test that reads it fails there. Prints each offending line; exit 1 if any.
Usage: python3 scripts/check_self_contained.py [REPOSITORY_ROOT]
"""
import pathlib
import re
import subprocess
import sys

OUTSIDE = re.compile(r"\.\./shared\b|/work/(shared|refsrc|wt|main)\b|/home/[a-z]")
SKIP_SUFFIXES = {".csv", ".png", ".svg", ".pdf"}


def repository_files(root: pathlib.Path):
    try:
        listed = subprocess.run(["git", "-C", str(root), "ls-files", "--cached", "--others", "--exclude-standard"],
                                check=True, capture_output=True, text=True).stdout.split("\n")
        return [root / f for f in listed if f]
    except (OSError, subprocess.CalledProcessError):
        return [p for p in root.rglob("*") if p.is_file() and "build" not in p.parts and ".git" not in p.parts]


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    me = pathlib.Path(__file__).resolve()
    problems = []
    for file in repository_files(root):
        if file.suffix in SKIP_SUFFIXES or not file.is_file() or file.resolve() == me:
            continue
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                problems.append(f"{file.relative_to(root)}:{number}: refers outside the repository: {line.strip()}")
    for p in problems:
        print(p)
    print(f"check_self_contained: {len(problems)} reference(s) outside the repository")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
