#!/usr/bin/env python3
"""Compares mrtsim's run of configs/cohn2023 (a study written by configs/cohn2023/make_sec6_2.py) with
the published simulation of Cohn, Qian & Murphy (2023) Section 6.2
(bench/cohn2023/reference/cohn2023_binary_ss_sec6_2_simulation.csv, 2,000 replicates per cell).

Per setting: the formula's N (exact agreement expected) and its power at N, and per hypothesis the
rejection rate of the paper's test with the small-sample adjusted and with the unadjusted variance
(type I error under H0, power under H1). A rate agrees when it lies within 3 combined Monte Carlo
standard errors, sqrt(r1 (1 - r1) / R1 + r2 (1 - r2) / 2000), of the published one.

Usage: compare.py --config STUDY.yaml --results DIR --out FILE.md [--command TEXT] [--notes NOTES.md]
"""
import argparse
import csv
import math
import os

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "reference", "cohn2023_binary_ss_sec6_2_simulation.csv")
PUBLISHED_REPLICATES = 2000


def table_rows(config):
    with open(config) as f:
        for line in f:
            if line.startswith("# table rows:"):
                return [int(x) for x in line.split(":", 1)[1].split()]
    raise SystemExit("%s: no '# table rows:' line (write it with configs/cohn2023/make_sec6_2.py)" % config)


def combined_se(ours, fitted, theirs):
    return math.sqrt(ours * (1 - ours) / fitted + theirs * (1 - theirs) / PUBLISHED_REPLICATES)


def setting_text(ref):
    def curve(shape, theta, avg):
        return shape if shape == "constant" else "%s(%s)" % (shape, theta)
    return "tau %s %s, p %s, SPNC %s avg %s, RR %s avg %s" % (
        ref["tau_t_shape"], ref["AvgTau_t"], ref["pt_shape"], curve(ref["gt_t_shape"], ref["gt_t_theta"], 0),
        ref["ASPNC_t"], curve(ref["ft_t_shape"], ref["ft_t_theta"], 0), ref["ATE_t"])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--command", default="bash bench/cohn2023/reproduce.sh")
    parser.add_argument("--notes", help="a Markdown file appended after the summary (cost, explanations)")
    args = parser.parse_args()
    with open(REFERENCE) as f:
        reference = list(csv.DictReader(f))
    rows = table_rows(args.config)
    with open(os.path.join(args.results, "rejection.csv")) as f:
        cells = list(csv.DictReader(f))

    n_agree = 0
    rates = {"adj": [0, 0], "unadj": [0, 0]}  # agreeing, compared
    misses = []
    failed = 0
    lines = []
    by_scenario = {}
    for cell in cells:
        by_scenario.setdefault(int(cell["scenario"]), {})[cell["hypothesis"]] = cell
    for k, row in enumerate(rows):
        ref = reference[row - 1]
        h = by_scenario[k]
        n = int(h["null"]["n_subjects"])
        n_agree += n == int(ref["n"])
        entries = []
        for hypothesis, prefix in (("null", "typeierror"), ("alternative", "power")):
            cell = h[hypothesis]
            fitted = int(cell["fitted"])
            failed += int(cell["failed"])
            for kind, column in (("adj", "rejection_rate"), ("unadj", "rejection_rate_unadjusted")):
                ours, theirs = float(cell[column]), float(ref["%s_%s" % (prefix, kind)])
                z = (ours - theirs) / combined_se(ours, fitted, theirs)
                ok = abs(z) <= 3
                rates[kind][0] += ok
                rates[kind][1] += 1
                entries.append("%.4f / %.4f" % (ours, theirs) + ("" if ok else " **(z = %.1f)**" % z))
                if not ok:
                    misses.append((row, hypothesis, kind, ours, theirs, z))
        lines.append("| %d | %s | %d / %s | %s | %s |" % (
            row, setting_text(ref), n, ref["n"], " | ".join(entries),
            "%.4f / %.4f" % (float(h["alternative"]["formula_power"] or "nan"), float(ref["formula_power_at_n"]))))

    compared = rates["adj"][1] + rates["unadj"][1]
    agreeing = rates["adj"][0] + rates["unadj"][0]
    with open(args.out, "w") as out:
        out.write("# Cohn, Qian & Murphy (2023) Section 6.2 reproduced by mrtsim\n\n")
        out.write("Written by `%s` (bench/cohn2023/compare.py) from `%s`: %d of the paper's 1,372 settings "
                  "(table rows listed in the study file), H0 and H1, %s replicates each, EMEE2 with the paper's "
                  "test (reject when T^2 > p(N - q - 1)/(N - q - p) F_{p, N-q-p}(0.95)).\n\n"
                  % (args.command, args.config, len(rows), cells[0]["replicates"] if cells else "?"))
        out.write("- Formula N equal to the published n: %d of %d settings.\n" % (n_agree, len(rows)))
        out.write("- Rejection rates within 3 combined Monte Carlo SEs of the published ones: %d of %d "
                  "(%.1f%%); adjusted variance %d of %d, unadjusted %d of %d. With 3 SEs about 0.3%% of the "
                  "comparisons are expected to miss by chance.\n"
                  % (agreeing, compared, 100.0 * agreeing / max(compared, 1), rates["adj"][0], rates["adj"][1],
                     rates["unadj"][0], rates["unadj"][1]))
        out.write("- Failed fits (counted, excluded from the rates): %d.\n\n" % failed)
        if args.notes:
            with open(args.notes) as notes:
                out.write(notes.read().strip() + "\n\n")
        if misses:
            out.write("Misses (table row, hypothesis, variance, ours, published, z):\n\n")
            for m in misses:
                out.write("- row %d, %s, %s: %.4f vs %.4f (z = %.2f)\n" % m)
            out.write("\n")
        out.write("Each entry is mrtsim / published.\n\n")
        out.write("| row | setting | N | type I (adj.) | type I (unadj.) | power (adj.) | power (unadj.) | "
                  "formula power at N |\n|---|---|---|---|---|---|---|---|\n")
        out.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
