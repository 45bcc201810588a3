#!/usr/bin/env python3
"""Markdown report of the Qian et al. (2025) Figure 2 study from mrtsim's coefficients.csv files.

Usage: summarize_figure2.py FIGURE2_COEFFICIENTS_CSV SNMM_COEFFICIENTS_CSV --out MD --command "how"
       [--title TITLE] [--note TEXT]

FIGURE2 is configs/qian2025/figure2.yaml's output (DCEE with gam / rf / lm nuisances, with and
without cross-fitting, WCLS, GEE), SNMM is configs/qian2025/figure2_snmm.yaml's. Each cell reports
the marginal and the moderated estimand (moderator_sets [[], [Z]]): one table per coefficient (the
paper's beta1*, beta2*, beta3*), rows = method x n: bias, empirical SE, model SE (root mean square of the SEs), RMSE, coverage of
the method's interval with its Monte Carlo SE and a flag where it is more than 3 MC SEs from 0.95,
and the coverage of the paper's interval for SNMM, estimate +- 1.96 x empirical SD, in its normal
approximation Phi(1.96 - bias/SD) - Phi(-1.96 - bias/SD) (the per-replicate estimates are not kept).
"""
import argparse
import csv
import math

# (estimator, nuisance, cross_fit) -> label, in the order of the tables.
METHODS = [(("dcee", "gam", "0"), "DCEE-gam"), (("dcee", "gam", "5"), "DCEE-gam, 5-fold cross-fit"),
           (("dcee", "rf", "0"), "DCEE-rf"), (("dcee", "rf", "5"), "DCEE-rf, 5-fold cross-fit"),
           (("dcee", "lm", "0"), "DCEE-lm"), (("dcee", "lm", "5"), "DCEE-lm, 5-fold cross-fit"),
           (("wcls", "lm", "0"), "WCLS (p~ = 0.5)"), (("gee", "lm", "0"), "GEE (independence)"),
           (("snmm", "", ""), "SNMM (g-estimation)")]
ESTIMANDS = [("effect(~1):(Intercept)", "beta1* (marginal)"), ("effect(~Z):(Intercept)", "beta2* (moderated, intercept)"),
             ("effect(~Z):Z", "beta3* (moderated, Z slope)")]


def normal_cdf(x):
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def method_of(row):
    if "analysis.estimator" not in row:  # the SNMM study has no analysis grid axis
        return ("snmm", "", "")
    return (row["analysis.estimator"], row["analysis.nuisance"], row["analysis.cross_fit"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("figure2_csv")
    parser.add_argument("snmm_csv")
    parser.add_argument("--out", required=True)
    parser.add_argument("--command", required=True)
    parser.add_argument("--title", default="Qian et al. (2025) Figure 2 reproduced by mrtsim")
    parser.add_argument("--note", default="")
    args = parser.parse_args()
    rows = list(csv.DictReader(open(args.figure2_csv))) + list(csv.DictReader(open(args.snmm_csv)))
    first = rows[0]
    lines = [f"# {args.title}", "",
             f"Produced by `{args.command}` (`configs/qian2025/figure2.yaml` and `figure2_snmm.yaml`), "
             f"{first['replicates']} replicates per cell, seed {first['seed']}, mrtsim {first['engine_version']}, "
             f"backend {first['backend']}.", ""]
    if args.note:
        lines += [args.note, ""]
    lines += ["Coverage is of the t interval (n - p df) for DCEE, of MRTAnalysis's t interval for WCLS and of the "
              "normal interval for GEE and SNMM, measured against the estimator's probability limit (Monte Carlo "
              "truth). `flag` marks coverage more than 3 Monte Carlo SEs from 0.95. `paper's rule` is the coverage "
              "of estimate +- 1.96 x empirical SD, the interval the paper used for SNMM, in its normal "
              "approximation.", ""]
    flagged, cells_of = {}, {}
    for coefficient, title in ESTIMANDS:
        cells = [r for r in rows if r["coefficient"] == coefficient]
        if not cells:
            continue
        t = cells[0]
        lines += [f"## {title}", "",
                  f"Truth (probability limit) {float(t['truth']):.4f} (MC SE {float(t['truth_mc_se']):.4f}); "
                  f"mean over t of the per-t contrasts {float(t['truth_simple_mean']):.4f}.", "",
                  "| method | n | bias | emp. SE | model SE | RMSE | coverage | MC SE | flag | paper's rule |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        for key, name in METHODS:
            for r in sorted((r for r in cells if method_of(r) == key), key=lambda r: int(r["n_subjects"])):
                if r["coverage"] in ("", "nan"):
                    lines.append(f"| {name} | {r['n_subjects']} | no fitted replicate | | | | | | | |")
                    continue
                coverage, reps = float(r["coverage"]), int(r["replicates"])
                bias, sd = float(r["bias"]), float(r["empirical_se"])
                se = math.sqrt(0.95 * 0.05 / reps)
                flag = "**low**" if coverage < 0.95 - 3 * se else ("**high**" if coverage > 0.95 + 3 * se else "")
                flagged[name] = flagged.get(name, 0) + (flag != "")
                cells_of[name] = cells_of.get(name, 0) + 1
                paper = normal_cdf(1.96 - bias / sd) - normal_cdf(-1.96 - bias / sd) if sd > 0 else float("nan")
                lines.append(f"| {name} | {r['n_subjects']} | {bias:+.4f} | {sd:.4f} | {float(r['model_se']):.4f} | "
                             f"{float(r['rmse']):.4f} | {coverage:.3f} | {se:.3f} | {flag} | {paper:.3f} |")
        lines.append("")
    lines += ["## Summary", ""]
    for _, name in METHODS:
        if name in cells_of:
            lines.append(f"- {name}: {flagged.get(name, 0)} of {cells_of[name]} cells with coverage more than "
                         "3 MC SE from 0.95.")
    lines.append("")
    open(args.out, "w").write("\n".join(lines))


if __name__ == "__main__":
    main()
