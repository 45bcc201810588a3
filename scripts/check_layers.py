#!/usr/bin/env python3
"""Checks that the project's includes follow its layer order (docs/architecture.md section 2).

Each source folder is a layer and may include headers of its own layer and of the layers below it,
never above: core <- sims <- kernels <- host/stats <- host/learners, host/samplesize, host/config <- host/results <-
host/io <- host/analysis <- host/engine <- host/serve <- host/api <- host/cli. The public headers
under include/mrtsim/ sit at the bottom (they are plain declarations). Tests, benchmarks and
examples may include anything. Prints every violation and exits 1 if there is one.
Usage: python3 scripts/check_layers.py [REPOSITORY_ROOT]
"""
import pathlib
import re
import sys

# Lower number = lower layer. Layers of equal rank may not include each other.
LAYERS = {
    "include/mrtsim": 0,
    "core": 1,
    "sims": 2,
    "kernels": 3,
    "host/stats": 4,
    "host/learners": 5,
    "host/samplesize": 5,
    "host/config": 5,
    "host/results": 6,
    "host/io": 7,
    "host/analysis": 8,
    "host/engine": 9,
    "host/serve": 10,
    "host/api": 11,
    "host/cli": 12,
}
# Headers generated at build time, and the layer that owns them.
GENERATED = {"mrtsim_version.h": "core", "mrtsim_fingerprint.h": "host/engine"}
SOURCE_SUFFIXES = {".h", ".cc", ".cu", ".cuh"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.MULTILINE)


def layer_of(path: str):
    for layer in sorted(LAYERS, key=len, reverse=True):
        if path == layer or path.startswith(layer + "/"):
            return layer
    return None


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ".").resolve()
    problems = []
    checked = 0
    for file in sorted(root.rglob("*")):
        relative = file.relative_to(root).as_posix()
        if file.suffix not in SOURCE_SUFFIXES or relative.startswith(("build", ".")):
            continue
        layer = layer_of(relative)
        if layer is None:
            continue
        checked += 1
        for included in INCLUDE.findall(file.read_text(encoding="utf-8", errors="replace")):
            # Public headers are included as <install prefix>/include/mrtsim/...: "mrtsim/x.h".
            public = "include/" + included if included.startswith("mrtsim/") else included
            target = GENERATED.get(included) or layer_of(public)
            if target is None:
                if not (root / public).exists() and not (file.parent / included).exists():
                    problems.append(f"{relative}: includes '{included}', which is no header of the project")
                continue
            if target != layer and LAYERS[target] >= LAYERS[layer]:
                problems.append(f"{relative} ({layer}) includes {included} ({target}): a layer may only include "
                                "its own and lower layers")
    for p in problems:
        print(p)
    print(f"check_layers: {checked} files, {len(problems)} violation(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
