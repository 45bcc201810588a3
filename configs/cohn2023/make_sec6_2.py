#!/usr/bin/env python3
"""Writes configs/cohn2023/sec6_2.yaml, the study of Cohn, Qian & Murphy (2023) Section 6.2, from the
paper's table of its 1,372 settings (bench/cohn2023/reference/cohn2023_binary_ss_sec6_2_simulation.csv).

Scenario k of the study is row k + 1 of the table (the grid has one axis whose values are the rows, in
order), so tables and reference line up by the scenario index. Each setting's true model and the
formula's working inputs are the paper's shapes (docs/binary.md section 4): N comes from the binary
formula (sample_size: formula), the analysis is EMEE2 with the working g_t (controls) and f_t
(moderators) of the shapes, 1, t, t^2 as the shape needs.

Usage: python3 configs/cohn2023/make_sec6_2.py [--replicates R] [--rows FIRST:LAST] [--every K] [--out FILE]

--every K keeps every K-th row of the selection (rows FIRST, FIRST + K, ...): the table's rows run through
its factors in nested loops, so this is a subset stratified over all of them. The rows kept are listed
in the file's header (bench/cohn2023/compare.py reads them).
"""
import argparse
import csv
import os

HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "..", "..", "bench", "cohn2023", "reference",
                         "cohn2023_binary_ss_sec6_2_simulation.csv")

AVAILABILITY_SHAPES = {"constant": "constant", "linear pm 0.2": "linear", "sin pm 0.2": "sine"}
RAND_PROB = {"constant 0.5": "0.5", "linear 0.5 pm 0.1": "{first: 0.6, last: 0.4}"}
BASIS_TERMS = {"constant": "[]", "linear_theta": "[t]", "quadratic_theta": "[t, t^2]"}


def availability(row):
    shape = AVAILABILITY_SHAPES[row["tau_t_shape"]]
    if shape == "constant":
        return "{shape: constant, mean: %s}" % row["AvgTau_t"]
    return "{shape: %s, mean: %s, amplitude: 0.2}" % (shape, row["AvgTau_t"])


def curve(shape, theta, average):
    if shape == "constant":
        return "{shape: constant, average: %s}" % average
    return "{shape: %s, theta: %s, average: %s}" % (shape, theta, average)


def setting(row):
    return "[%s, %s, %s, %s, %s, %s]" % (
        availability(row), RAND_PROB[row["pt_shape"]],
        curve(row["gt_t_shape"], row["gt_t_theta"], row["ASPNC_t"]),
        curve(row["ft_t_shape"], row["ft_t_theta"], row["ATE_t"]),
        BASIS_TERMS[row["gt_t_shape"]], BASIS_TERMS[row["ft_t_shape"]])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicates", type=int, default=2000)
    parser.add_argument("--rows", default=None, help="FIRST:LAST (1-based, inclusive) rows of the table only")
    parser.add_argument("--every", type=int, default=1, help="keep every K-th row of the selection")
    parser.add_argument("--out", default=os.path.join(HERE, "sec6_2.yaml"))
    args = parser.parse_args()
    with open(REFERENCE) as f:
        rows = list(csv.DictReader(f))
    first, last = 1, len(rows)
    if args.rows:
        first, last = (int(x) for x in args.rows.split(":"))
    numbers = list(range(first, last + 1, args.every))
    rows = [rows[k - 1] for k in numbers]
    for row in rows:
        assert row["m"] == "30" and row["gamma"] == "0.05" and row["b"] == "0.2", row
    name = "cohn2023_sec6_2"
    if (first, last) != (1, 1372):
        name += "_rows_%d_%d" % (first, last)
    if args.every != 1:
        name += "_every_%d" % args.every
    with open(args.out, "w") as out:
        out.write("# Cohn, Qian & Murphy (2023) Section 6.2: every working assumption holds. Written by\n"
                  "# configs/cohn2023/make_sec6_2.py from bench/cohn2023/reference/"
                  "cohn2023_binary_ss_sec6_2_simulation.csv\n"
                  "# (scenario k = the k-th of the table rows below, counted from 0); do not edit by hand.\n")
        out.write("# table rows: %s\n" % " ".join(str(k) for k in numbers))
        out.write("study:\n  name: %s\n  seed: 20230\n  replicates: %d\n  replicates_per_unit: 1000\n"
                  % (name, args.replicates))
        out.write("model:\n  type: cohn2023\n  decisions: 30\n  availability: 1\n  rand_prob: 0.5\n"
                  "  spnc: 0.2\n  effect: 1.2\n")
        out.write("sample_size: {method: formula, power: 0.8}\n")
        out.write("hypotheses: [null, alternative]\n")
        out.write("analysis: {estimator: emee2, controls: [], moderators: [], test: hotelling, alpha: 0.05}\n")
        out.write("output: {target_power: 0.8}\n")
        out.write("grid:\n  - keys: [model.availability, model.rand_prob, model.spnc, model.effect, "
                  "analysis.controls, analysis.moderators]\n    values:\n")
        for row in rows:
            out.write("      - " + setting(row) + "\n")


if __name__ == "__main__":
    main()
