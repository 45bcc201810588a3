# Reference values for tests/test_performance_measures.cc: the performance measures of a simulation
# study and their Monte Carlo SEs (docs/performance_measures.md) on rsimsum's MIsim data
# (tests/data/rsimsum_MIsim.csv), computed here from the formulas of Morris, White & Crowther (2019,
# Table 6) with base R, and, where the R package rsimsum 0.13.0 is installed, checked against
# rsimsum::simsum(), whose values are then the ones stored (the strongest check).
#
# Two data sets:
#   "MIsim":    the data as shipped; truth 0.5, reference method CC, normal critical values, level 0.95.
#   "degraded": the same replicates with failures and t critical values, the test's second case:
#               CC replicates with dataset %% 97 == 0 lose their SE (a non-finite SE),
#               MI_T replicates with dataset %% 89 == 0 are failed fits (estimate and SE missing),
#               MI_LOGT replicates with dataset %% 101 == 0 lose their estimate;
#               every replicate has df = 3 + dataset %% 17 for its interval and its Wald test.
# In both, the rejection rate is the Wald test |b| >= c se (rsimsum's "power"; c per replicate),
# tested against a nominal rate of 0.95 with binom.test.
#
# Usage (from the repository root):
#   Rscript tests/data/performance_measures_reference.R [RLIB]
# RLIB (default /work/rlib) is searched first for rsimsum. Writes
# tests/data/performance_measures_reference.csv: data, method, measure, estimate, mcse, source
# ("rsimsum 0.13.0" where rsimsum gave the estimate, else "formula"; an MC SE that rsimsum does not
# report, e.g. of the mean estimate, is the formula's); NA where a measure has no MC SE.

args <- commandArgs(trailingOnly = TRUE)
rlib <- if (length(args) >= 1) args[1] else "/work/rlib"
if (dir.exists(rlib)) .libPaths(c(rlib, .libPaths()))

truth <- 0.5
level <- 0.95
nominal <- 0.95
reference <- "CC"
methods <- c("CC", "MI_T", "MI_LOGT")

misim <- read.csv("tests/data/rsimsum_MIsim.csv", stringsAsFactors = FALSE)
misim <- misim[order(misim$method, misim$dataset), ]

degrade <- function(d) {
  d$b[d$method == "MI_T" & d$dataset %% 89 == 0] <- NA
  d$se[d$method == "MI_T" & d$dataset %% 89 == 0] <- NA
  d$se[d$method == "CC" & d$dataset %% 97 == 0] <- NA
  d$b[d$method == "MI_LOGT" & d$dataset %% 101 == 0] <- NA
  d$df <- 3 + d$dataset %% 17
  d
}

source("tests/data/performance_formulas.R")

# The measures of one method from the formulas, with the binomial test of its Wald rejections and its
# relative precision against the reference. `d` holds that method's rows, `ref` the reference
# method's rows; replicates whose estimate or SE is missing are dropped from every measure.
formula_measures <- function(d, ref, use_df) {
  ok <- !is.na(d$b) & !is.na(d$se)
  th <- d$b[ok]; s <- d$se[ok]; n <- length(th)
  crit <- if (use_df) qt(1 - (1 - level) / 2, d$df[ok]) else rep(qnorm(1 - (1 - level) / 2), n)
  out <- measures_from_formulas(th, s, crit, truth)
  empse <- sd(th)
  ref_ok <- !is.na(ref$b) & !is.na(ref$se)
  empse_ref <- sd(ref$b[ref_ok])
  paired <- merge(data.frame(dataset = ref$dataset[ref_ok], ref = ref$b[ref_ok]),
                  data.frame(dataset = d$dataset[ok], b = th), by = "dataset")
  rho <- cor(paired$ref, paired$b)
  if (identical(d$method[1], reference)) rho <- 1
  rejections <- sum(abs(th) >= crit * s)
  out <- rbind(out,
    data.frame(measure = "rejection_p_value", estimate = binom.test(rejections, n, nominal)$p.value, mcse = NA),
    data.frame(measure = "relative_precision", estimate = 100 * ((empse_ref / empse)^2 - 1),
               mcse = 200 * (empse_ref / empse)^2 * sqrt((1 - rho^2) / (n - 1))))
  out$source <- "formula"
  out
}

# rsimsum's names for the measures it shares with the formulas above.
rsimsum_names <- c(nsim = "n_sim", thetamean = "mean_estimate", thetamedian = "median_estimate",
                   bias = "bias", rbias = "relative_bias", empse = "empirical_se", mse = "mse",
                   relprec = "relative_precision", modelse = "model_se",
                   relerror = "relative_error_model_se", cover = "coverage",
                   becover = "bias_eliminated_coverage", power = "rejection_rate")

# Replaces formula values by rsimsum's where rsimsum gives one, after checking that the two agree.
# rsimsum's power uses one critical value for all replicates (control$power_df), so with per-replicate
# df its power is not our rejection rate and is not used; its mean estimate has no MC SE.
with_rsimsum <- function(ours, d, method, use_df) {
  s <- rsimsum::simsum(d, estvarname = "b", se = "se", true = truth, methodvar = "method",
                       ref = reference, df = if (use_df) "df" else NULL,
                       control = list(level = level))$summ
  s <- s[s$method == method & s$stat %in% names(rsimsum_names), ]
  for (k in seq_len(nrow(s))) {
    measure <- rsimsum_names[[s$stat[k]]]
    if (use_df && measure == "rejection_rate") next
    i <- which(ours$measure == measure)
    for (column in c("estimate", "mcse")) {
      theirs <- s[[if (column == "estimate") "est" else "mcse"]][k]
      if (is.na(theirs)) next
      mine <- ours[[column]][i]
      if (abs(mine - theirs) > 1e-12 * max(1, abs(theirs)))
        stop(sprintf("%s %s %s: formula %.17g, rsimsum %.17g", method, measure, column, mine, theirs))
      ours[[column]][i] <- theirs
      ours$source[i] <- "rsimsum 0.13.0"
    }
  }
  ours
}

have_rsimsum <- requireNamespace("rsimsum", quietly = TRUE) &&
  as.character(utils::packageVersion("rsimsum")) == "0.13.0"
if (!have_rsimsum) message("rsimsum 0.13.0 not found: storing the formula values only")

results <- list()
for (data_name in c("MIsim", "degraded")) {
  use_df <- data_name == "degraded"
  d <- if (use_df) degrade(misim) else misim
  for (method in methods) {
    m <- formula_measures(d[d$method == method, ], d[d$method == reference, ], use_df)
    if (have_rsimsum) m <- with_rsimsum(m, d, method, use_df)
    results[[length(results) + 1]] <- cbind(data = data_name, method = method, m)
  }
}
out <- do.call(rbind, results)
out$estimate <- sprintf("%.17g", out$estimate)
out$mcse <- sprintf("%.17g", out$mcse)
write.csv(out[, c("data", "method", "measure", "estimate", "mcse", "source")],
          "tests/data/performance_measures_reference.csv", row.names = FALSE, quote = FALSE)
