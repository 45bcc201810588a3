#!/usr/bin/env python3
"""An ARM64 build of the whole program gives the same outputs as this machine's build.

Cross-compiles mrtsim for ARM64 (cmake/aarch64-linux-gnu.cmake), then runs studies from configs/
and analyses of tests/data/ with both builds, the ARM64 one under qemu-user, and compares what they
write byte for byte: each study's results.json (every statistic to 17 significant digits), CSV
tables, summary and charts, and the JSON each analysis prints. Where scripts/check_arm_identity.sh
checks the kernels and models in isolation, this covers everything else a run goes through: YAML
reading, scenario set-up (availability and success-probability curves solved by root finding),
Monte Carlo truths, sample-size formulas (Boost.Math), the analyses' Eigen fits, gam and random
forest learners. Studies run with fewer replicates and smaller Monte Carlo truths (rewritten copies
of the configs); even so qemu is slow: on a 2-core machine the studies but qian_figure2_learners took
about 20 minutes, that one over 10 on its own, and the commands 1 minute (--only picks some).

Usage: scripts/check_arm_build.py [--native DIR] [--arm DIR] [--only NAME ...] [--list]
  --native  this machine's build (default build/, built if absent)
  --arm     the ARM64 build folder (default build-arm/, configured and built here)
Exit status: 0 identical; 1 a difference or a failed run; 77 no cross compiler, qemu or ARM64
libraries (bash scripts/setup_arm.sh prepares them).
"""
import argparse
import csv
import io
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SYSROOT = ROOT / ".deps" / "arm64-sysroot"  # the ARM64 libraries (scripts/setup_arm.sh)
TRUTH_SUBJECTS = 20000  # Monte Carlo truths of the reduced studies (the configs use up to 10^6)
# Values computed on the host by libraries whose last bits depend on the platform, compared to a
# relative TOLERANCE rather than bit for bit: the sample-size formulas' power (Boost.Math's noncentral
# F works in long double: 80 bits on x86-64, 128 on ARM64; Eigen's products fuse multiply-adds on
# ARM64 and not on x86-64) in the study tables, and every number the analysis and formula commands
# print. Everything else a study writes comes from the simulation kernels and must be identical.
HOST_VALUES = {"formula_power"}
TOLERANCE = 1e-12

# name, config, replicates per cell. Each study stands for a model family or an engine path.
STUDIES = [
    ("quickstart", "configs/quickstart.yaml", 50),
    ("liao_t3", "configs/liao2016/table2b3b_t3.yaml", 20),
    ("liao_ar1", "configs/liao2016/table2b3b_ar1.yaml", 10),
    ("liao_weeks_formula_n", "configs/liao2016/table4b_weeks.yaml", 10),
    ("liao_feedback", "configs/liao2016/table5b_feedback.yaml", 5),
    ("liao_variance", "configs/liao2016/table10b_variance.yaml", 10),
    ("liao_simulated_n", "configs/liao2016/table10b_simulated_n.yaml", 20),
    ("permutation_small_n", "configs/permutation/small_n_liao.yaml", 10),
    ("designer_dropout", "configs/designer/dropout.yaml", 20),
    ("designer_own_inputs", "configs/designer/own_inputs.yaml", 20),
    ("cohn_sec6_2_every_13", "configs/cohn2023/sec6_2_every_13.yaml", 10),
    ("qian_simulation", "configs/qian2025/simulation.yaml", 10),
    ("qian_figure2_learners", "configs/qian2025/figure2.yaml", 2),
    ("qian_figure2_snmm", "configs/qian2025/figure2_snmm.yaml", 5),
]

HEARTSTEPS = ["--data", "tests/data/data_mimicHeartSteps.csv", "--id", "userid", "--outcome", "logstep_30min",
              "--treatment", "intervention", "--rand-prob", "0.6", "--numerator-prob", "0.6",
              "--availability", "avail", "--controls", "logstep_pre30min"]
BINARY = ["--data", "tests/data/data_binary.csv", "--id", "userid", "--outcome", "Y", "--treatment", "A",
          "--rand-prob", "rand_prob", "--availability", "avail", "--controls", "time_var1,time_var2"]
DISTAL = ["--data", "tests/data/data_distal_continuous.csv", "--id", "userid", "--outcome", "Y",
          "--treatment", "A", "--rand-prob", "prob_A", "--availability", "avail", "--moderators", "Z"]
COHN_FILES = ["--avail-file", "tests/data/cohn2023/example_avail.csv",
              "--rand-prob-file", "tests/data/cohn2023/example_rand_prob.csv",
              "--f-file", "tests/data/cohn2023/example_f.csv", "--g-file", "tests/data/cohn2023/example_g.csv",
              "--beta=0.15,-0.01", "--alpha-coef=-0.2,-0.1"]

# name, arguments: commands whose printed JSON is compared.
COMMANDS = [
    ("samplesize_liao", ["samplesize", "--days", "42", "--decisions-per-day", "5", "--rand-prob", "0.4",
                         "--effect", "quadratic", "--effect-mean", "0.1", "--effect-initial", "0",
                         "--effect-max-day", "29", "--availability", "constant", "--avail-mean", "0.7"]),
    ("power_curve_liao", ["power", "--days", "42", "--decisions-per-day", "5", "--rand-prob", "0.4",
                          "--effect", "quadratic", "--effect-mean", "0.1", "--effect-initial", "0",
                          "--effect-max-day", "28", "--availability", "quadratic", "--avail-mean", "0.5",
                          "--avail-initial", "0.7", "--avail-change-day", "42", "--n-range", "10:200"]),
    ("samplesize_binary_files", ["samplesize", "--outcome", "binary"] + COHN_FILES +
     ["--power-levels", "0.6:0.95:0.05"]),
    ("samplesize_binary_curves", ["samplesize", "--outcome", "binary", "--days", "10", "--decisions-per-day", "3",
                                  "--avail-mean", "0.8", "--rand-prob", "0.4", "--spnc", "log-quadratic",
                                  "--spnc-initial", "0.3", "--spnc-change-point", "10",
                                  "--spnc-change-value", "0.5", "--rr", "log-linear", "--rr-initial", "1.3",
                                  "--rr-final", "1.1"]),
    ("wcls", ["wcls"] + HEARTSTEPS),
    ("emee", ["emee"] + BINARY),
    ("emee2", ["emee", "--variant", "emee2"] + BINARY),
    ("dcee_lm", ["dcee", "--controls", "X,Z"] + DISTAL),
    ("dcee_gam", ["dcee", "--learner", "gam", "--controls", "s(X),Z"] + DISTAL),
    ("dcee_rf", ["dcee", "--learner", "rf", "--controls", "X,Z", "--seed", "7"] + DISTAL),
    ("permute_wcls", ["permute"] + HEARTSTEPS + ["--reshuffles", "999", "--scheme", "permute", "--seed", "1"]),
    ("rerandomize_emee", ["permute", "--estimator", "emee"] + BINARY +
     ["--reshuffles", "199", "--scheme", "rerandomize", "--seed", "2"]),
]


def run(command, log, **kwargs):
    """Runs a build step, its output into `log`; stops the check if it fails."""
    with open(log, "w") as out:
        if subprocess.run(command, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, **kwargs).returncode:
            sys.exit(f"failed: {' '.join(map(str, command))} (see {log})")


def missing_tools():
    """What the ARM64 build and its runs need and this machine lacks."""
    missing = [tool for tool in ("aarch64-linux-gnu-g++", "qemu-aarch64", "cmake", "ninja") if not shutil.which(tool)]
    if not (SYSROOT / "lib" / "ld-linux-aarch64.so.1").exists():
        missing.append(f"the ARM64 libraries in {SYSROOT}")
    return missing


def build(native, arm, work):
    """Builds mrtsim natively (if absent) and for ARM64: the program only, with the release flags."""
    if not (native / "mrtsim").exists():
        run(["cmake", "-S", ".", "-B", native, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release"], work / "native-cmake.log")
    run(["cmake", "--build", native, "--target", "mrtsim"], work / "native-build.log")
    if not (arm / "CMakeCache.txt").exists():
        run(["cmake", "-S", ".", "-B", arm, "-G", "Ninja", "-DCMAKE_BUILD_TYPE=Release",
             "-DCMAKE_TOOLCHAIN_FILE=cmake/aarch64-linux-gnu.cmake", "-DMRTSIM_ENABLE_CUDA=OFF",
             "-DMRTSIM_ENABLE_MPI=OFF", "-DMRTSIM_ENABLE_SERVE=OFF", "-DMRTSIM_BUILD_TESTS=OFF",
             "-DMRTSIM_BUILD_BENCHMARKS=OFF"], work / "arm-cmake.log")
    run(["cmake", "--build", arm, "--target", "mrtsim"], work / "arm-build.log")


def reduced_study(config, replicates, folder):
    """A copy of `config` (with the files beside it) with `replicates` and a smaller Monte Carlo truth."""
    source = ROOT / config
    shutil.copytree(source.parent, folder)
    study = yaml.safe_load(source.read_text())
    study["study"]["replicates"] = replicates
    search = study.get("sample_size")
    if isinstance(search, dict) and "max_replicates" in search:  # N found by simulation
        search["max_replicates"] = 4 * replicates
    truth = study.get("truth")
    if isinstance(truth, dict) and "subjects" in truth:
        truth["subjects"] = min(truth["subjects"], TRUTH_SUBJECTS)
    reduced = folder / source.name
    reduced.write_text(yaml.safe_dump(study, sort_keys=False))
    return reduced


def outputs(folder):
    """The files a study wrote, by relative path; its checkpoint (a binary record of units) is left out."""
    files = (p for p in sorted(folder.rglob("*")) if p.is_file())
    return {p.relative_to(folder): p.read_bytes() for p in files if "checkpoint" not in p.relative_to(folder).parts}


class Differences:
    """What two outputs disagree in: values compared exactly, and values allowed a rounding difference."""

    def __init__(self):
        self.exact = []         # (where, native, arm64)
        self.tolerated = 0      # host values that differ within TOLERANCE
        self.largest = 0.0      # their largest relative difference

    def values(self, where, a, b, tolerant):
        if a == b:
            return
        if tolerant and isinstance(a, float) and isinstance(b, float):
            relative = abs(a - b) / max(abs(a), abs(b))
            if relative <= TOLERANCE:
                self.tolerated += 1
                self.largest = max(self.largest, relative)
                return
        self.exact.append((where, a, b))

    def trees(self, where, a, b, tolerant):
        """Two parsed JSON documents. `tolerant`: the values below may differ in rounding (as may those
        under a key in HOST_VALUES)."""
        if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
            for key in a:
                self.trees(f"{where}.{key}", a[key], b[key], tolerant or key in HOST_VALUES)
        elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
            for i, (x, y) in enumerate(zip(a, b)):
                self.trees(f"{where}[{i}]", x, y, tolerant)
        else:
            self.values(where, a, b, tolerant)

    def tables(self, where, a, b):
        """Two CSV tables, cell by cell; the columns in HOST_VALUES may differ in rounding."""
        rows_a = list(csv.reader(io.StringIO(a.decode())))
        rows_b = list(csv.reader(io.StringIO(b.decode())))
        if len(rows_a) != len(rows_b) or rows_a[:1] != rows_b[:1]:
            self.exact.append((where, f"{len(rows_a)} rows", f"{len(rows_b)} rows"))
            return
        header = rows_a[0]
        for r, (row_a, row_b) in enumerate(zip(rows_a[1:], rows_b[1:]), start=2):
            for column, x, y in zip(header, row_a, row_b):
                tolerant = column in HOST_VALUES and bool(x) and bool(y)  # empty cells compare as text
                self.values(f"{where} line {r} {column}", float(x) if tolerant else x, float(y) if tolerant else y,
                            tolerant)

    def files(self, path, a, b, tolerant):
        if a == b:
            return
        if path.suffix == ".csv":
            self.tables(str(path), a, b)
            return
        try:
            self.trees(str(path), json.loads(a), json.loads(b), tolerant)
        except ValueError:  # not JSON (a summary, a chart, a printed table): the first differing line
            lines_a, lines_b = a.splitlines(), b.splitlines()
            line = next((i for i, (x, y) in enumerate(zip(lines_a, lines_b)) if x != y), None)
            if line is None:
                self.exact.append((f"{path} line count", len(lines_a), len(lines_b)))
            else:
                self.exact.append((f"{path} line {line + 1}", lines_a[line][:200], lines_b[line][:200]))


class Comparison:
    def __init__(self, native, arm, work):
        self.programs = {"native": [str(native / "mrtsim")],
                         "arm64": ["qemu-aarch64", "-L", str(SYSROOT), str(arm / "mrtsim")]}
        self.work = work
        self.failures = []

    def outputs_of(self, name, arguments, out_folder):
        """Runs one command with both builds; its printed output, and the files of its run folder if any."""
        results = {}
        for build, program in self.programs.items():
            folder = str(self.work / build / name)
            done = subprocess.run(program + [a.replace("{out}", folder) for a in arguments], capture_output=True,
                                  cwd=ROOT)
            if done.returncode:
                self.failures.append(f"{name}: the {build} build failed:\n{done.stderr.decode(errors='replace')[-2000:]}")
                return None
            files = outputs(self.work / build / name) if out_folder else {}
            # The run folder's name, which a study prints, is the one thing the builds should differ in.
            results[build] = {Path("stdout"): done.stdout.replace(folder.encode(), b"{out}"), **files}
        return results

    def compare(self, name, arguments, out_folder=False, all_host_values=False):
        """Runs `arguments` with both builds and reports how their outputs compare. `all_host_values`:
        every number is a host computation (an analysis or formula command), compared to TOLERANCE."""
        results = self.outputs_of(name, arguments, out_folder)
        if results is None:
            return
        native, arm = results["native"], results["arm64"]
        if native.keys() != arm.keys():
            self.failures.append(f"{name}: the builds wrote different files: {sorted(native)} vs {sorted(arm)}")
            return
        differences = Differences()
        for path in native:
            differences.files(path, native[path], arm[path], all_host_values)
        for where, a, b in differences.exact[:5]:
            self.failures.append(f"{name}/{where}: native {a!r}, arm64 {b!r}")
        if len(differences.exact) > 5:
            self.failures.append(f"{name}: {len(differences.exact) - 5} more differences")
        if differences.exact:
            verdict = f"DIFFERENT in {len(differences.exact)} values"
        elif differences.tolerated:
            verdict = (f"identical except {differences.tolerated} host-computed values (largest relative "
                       f"difference {differences.largest:.1e})")
        else:
            verdict = "identical"
        size = sum(len(v) for v in native.values())
        print(f"{name}: {verdict} ({len(native)} outputs, {size} bytes)", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--native", type=Path, default=ROOT / "build")
    parser.add_argument("--arm", type=Path, default=ROOT / "build-arm")
    parser.add_argument("--only", nargs="+", help="names of the studies or commands to compare")
    parser.add_argument("--list", action="store_true", help="list the studies and commands")
    options = parser.parse_args()
    names = [s[0] for s in STUDIES] + [c[0] for c in COMMANDS]
    if options.list:
        print("\n".join(names))
        return 0
    unknown = set(options.only or []) - set(names)
    if unknown:
        sys.exit(f"--only: unknown names {sorted(unknown)}; --list lists them")
    missing = missing_tools()
    if missing:
        print("no ARM64 build possible here, missing: " + ", ".join(missing) +
              " (bash scripts/setup_arm.sh prepares them): skipped")
        return 77
    chosen = set(options.only or names)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        build(options.native.resolve(), options.arm.resolve(), work)
        comparison = Comparison(options.native.resolve(), options.arm.resolve(), work)
        for name, config, replicates in STUDIES:
            if name in chosen:
                study = reduced_study(config, replicates, work / "configs" / name)
                comparison.compare(name, ["run", str(study), "--out", "{out}", "--threads", "2", "--quiet"],
                                   out_folder=True)
        for name, arguments in COMMANDS:
            if name in chosen:
                comparison.compare(name, arguments + ["--format", "json"], all_host_values=True)
    for failure in comparison.failures:
        print(failure)
    print(f"{len(chosen)} studies and commands, {len(comparison.failures)} differences or failures")
    return 1 if comparison.failures else 0


if __name__ == "__main__":
    sys.exit(main())
