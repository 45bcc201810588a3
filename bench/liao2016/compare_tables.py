#!/usr/bin/env python3
"""Compares mrtsim's reproduction of a Liao et al. (2016) simulation table with the published values.

Usage: compare_tables.py --reference CSV --out MD --title TEXT --command TEXT RESULTS_DIR [RESULTS_DIR ...]

The reference CSV has the columns table,measure,error,availability_pattern,day_of_max,avail_mean,
effect_mean,value_percent and optionally days (default 42); only availability Pattern 1 is used.
Any further column names a rejection.csv column (a grid key such as model.weekend_effect or
sample_size.effect.mean) and is matched too, as a number where both sides are numbers.
Each RESULTS_DIR holds the rejection.csv of one configs/liao2016/*.yaml run. Cells are matched on
(measure, error, days, day of max, availability, average effect, further columns); a study without a
grid axis for errors or days has the paper's default (normal errors, 42 days). A cell agrees when
|simulated - published| <= 3 combined Monte Carlo SEs, the published rate having 1000 replicates.
"""
import argparse
import csv
import math

PUBLISHED_REPLICATES = 1000
MEASURE_OF_HYPOTHESIS = {"null": "type1_pct", "alternative": "power_pct"}


def error_code(label):
    """'type=ar1 phi=-0.6' -> 'ar1:-0.6' (the reference CSV's spelling)."""
    fields = dict(part.split("=", 1) for part in label.split())
    kind = fields["type"]
    if kind == "student_t":
        return "t" + fields.get("df", "3")
    if kind == "exponential":
        return "exp"
    if kind in ("ar1", "ar5"):
        return "%s:%s" % (kind, float(fields["phi"]))
    return kind


STANDARD_COLUMNS = {"table", "measure", "error", "availability_pattern", "days", "day_of_max", "avail_mean",
                    "effect_mean", "value_percent"}


def matchable(text):
    """A number where the text is one (0.10 and 0.1 match), else the text."""
    try:
        return float(text)
    except ValueError:
        return text


def read_reference(path):
    cells, extra = {}, []
    with open(path) as f:
        reader = csv.DictReader(f)
        extra = [c for c in reader.fieldnames if c not in STANDARD_COLUMNS]
        for row in reader:
            if row["availability_pattern"] != "1":
                continue
            key = (row["measure"], row["error"], int(row.get("days") or 42), int(row["day_of_max"]),
                   float(row["avail_mean"]), float(row["effect_mean"])) + tuple(matchable(row[c]) for c in extra)
            cells[key] = (row["table"], float(row["value_percent"]) / 100.0)
    return cells, extra


def read_simulated(directories, extra):
    cells, stamp = {}, None
    for directory in directories:
        with open(directory + "/rejection.csv") as f:
            for row in csv.DictReader(f):
                error = error_code(row["model.error"]) if "model.error" in row else "normal"
                key = (MEASURE_OF_HYPOTHESIS[row["hypothesis"]], error, int(row.get("model.days") or 42),
                       int(row["model.effect.day_max"]), float(row["model.availability.mean"]),
                       float(row["model.effect.mean"])) + tuple(matchable(row[c]) for c in extra)
                cells[key] = (float(row["rejection_rate"]), int(row["fitted"]), int(row["n_subjects"]),
                              int(row["failed"]))
                stamp = "mrtsim %s, backend %s" % (row["engine_version"], row["backend"])
    return cells, stamp


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--title", required=True)
    parser.add_argument("--command", required=True, help="the command that generated the results")
    parser.add_argument("--notes", help="a Markdown file appended as the section 'Notes' (settings, disagreements)")
    parser.add_argument("directories", nargs="+")
    args = parser.parse_args()
    published, extra = read_reference(args.reference)
    simulated, stamp = read_simulated(args.directories, extra)
    lines, summary = [], {}
    for key in sorted(published):
        if key not in simulated:
            continue
        measure, error, days, day, tau, dbar = key[:6]
        table, paper = published[key]
        rate, fitted, n, failed = simulated[key]
        se = math.sqrt(rate * (1 - rate) / fitted + paper * (1 - paper) / PUBLISHED_REPLICATES)
        z = (rate - paper) / se if se > 0 else 0.0
        agree = abs(z) <= 3
        s = summary.setdefault((table, measure, error, days), [0, 0, 0.0, 0.0])
        s[0] += 1
        s[1] += agree
        s[2] += rate
        s[3] += paper
        lines.append("| %s | %s | %d | %d | %s | %s |%s %d | %.1f | %.1f | %.2f | %s |" % (
            table, error, days, day,
            # Tables with further key columns print availability and effect with all their digits.
            ("%g" if extra else "%.1f") % tau, ("%g" if extra else "%.2f") % dbar,
            "".join(" %s |" % (("%g" % v) if isinstance(v, float) else v) for v in key[6:]), n, 100 * paper,
            100 * rate, z, "" if agree else "**no**"))
    unmatched = len(published) - len(lines)
    total = sum(s[0] for s in summary.values())
    agreeing = sum(s[1] for s in summary.values())
    replicates = sorted({v[1] for v in simulated.values()})
    with open(args.out, "w") as out:
        out.write("# %s\n\n" % args.title)
        out.write("Generated by `%s` (%s, %s fitted replicates per cell; failed fits: %d).\n"
                  % (args.command, stamp, "/".join(map(str, replicates)), sum(v[3] for v in simulated.values())))
        out.write("A cell agrees when |mrtsim - paper| <= 3 combined Monte Carlo SEs (the paper used 1000 "
                  "replicates per cell).\n\n")
        out.write("**%d of %d cells agree within 3 combined MC SEs** (a correct engine is expected to leave "
                  "about %.1f cells outside by chance: P(|z| > 3) = 0.27%%).\n\n" % (agreeing, total, 0.0027 * total))
        if unmatched:
            out.write("%d published cells have no simulated counterpart (see the study file's comments for why).\n\n"
                      % unmatched)
        out.write("| table | measure | error | days | cells | agree | mean rate paper % | mean rate mrtsim % |\n"
                  "|---|---|---|---|---|---|---|---|\n")
        for (table, measure, error, days), s in sorted(summary.items()):
            out.write("| %s | %s | %s | %d | %d | %d | %.2f | %.2f |\n" % (
                table, measure, error, days, s[0], s[1], 100 * s[3] / s[0], 100 * s[2] / s[0]))
        out.write("\n## All cells\n\nz = (mrtsim - paper) / combined MC SE.\n\n")
        out.write("| table | error | days | day of max | avail. | avg. effect |%s N | paper %% | mrtsim %% | z | disagrees |\n"
                  % "".join(" %s |" % c for c in extra))
        out.write("|---|---|---|---|---|---|%s---|---|---|---|---|\n" % ("---|" * len(extra)))
        out.write("\n".join(lines) + "\n")
        if args.notes:
            with open(args.notes) as notes:
                out.write("\n## Notes\n\n" + notes.read())
    print("%d of %d cells agree within 3 combined MC SE" % (agreeing, total))


if __name__ == "__main__":
    main()
