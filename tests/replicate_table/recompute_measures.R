# Recomputes a study's coefficients.csv from its per-replicate table (replicates.csv.gz) with base R,
# from the formulas of Morris, White & Crowther (2019) as rsimsum 0.13.0 applies them
# (docs/performance_measures.md), independently of mrtsim's own implementation.
# Usage: Rscript recompute_measures.R RUN_FOLDER [TARGET_MCSE]
#   (TARGET_MCSE: the study's study.target_mcse, whose replicates_for_target_mcse column is checked too)
# Exit status 0 when every measure and MC SE agrees to 1e-7 relative (coefficients.csv prints 8
# significant digits), 1 otherwise, with the differences listed.
args <- commandArgs(trailingOnly = TRUE)
folder <- args[1]
replicates <- read.csv(gzfile(file.path(folder, "replicates.csv.gz")), check.names = FALSE,
                       stringsAsFactors = FALSE)
summary <- read.csv(file.path(folder, "coefficients.csv"), check.names = FALSE, stringsAsFactors = FALSE)

script <- sub("^--file=", "", grep("^--file=", commandArgs(trailingOnly = FALSE), value = TRUE))
source(file.path(dirname(script), "..", "data", "performance_formulas.R"))

# The measures of one estimator's records in one cell, named as coefficients.csv names them.
measures <- function(d, truth, level = 0.95) {
  d <- d[d$status == "ok" & is.finite(d$est) & is.finite(d$se), ]
  d <- d[order(d$replicate), ]
  crit <- qt(0.5 + level / 2, df = d$df)  # df Inf: the normal quantile
  m <- measures_from_formulas(d$est, d$se, crit, truth)
  m$measure[m$measure == "rejection_rate"] <- "wald_rejection_rate"
  values <- setNames(m$estimate, m$measure)
  mc_se <- setNames(m$mcse, paste0(m$measure, "_mc_se"))
  c(values, mc_se[!is.na(mc_se)])
}

differences <- character(0)
checked <- 0
for (i in seq_len(nrow(summary))) {
  row <- summary[i, ]
  for (unadjusted in c(FALSE, TRUE)) {
    estimator <- unique(replicates$estimator[replicates$scenario == row$scenario])
    estimator <- estimator[grepl("_unadjusted$", estimator) == unadjusted]
    if (length(estimator) == 0) next
    d <- replicates[replicates$scenario == row$scenario & replicates$hypothesis == row$hypothesis &
                    replicates$coefficient == row$coefficient & replicates$estimator == estimator, ]
    ours <- measures(d, truth = d$truth[1])
    columns <- names(ours)
    if (unadjusted) {
      columns <- c("model_se", "model_se_mc_se", "relative_error_model_se", "relative_error_model_se_mc_se",
                   "coverage", "coverage_mc_se", "bias_eliminated_coverage", "bias_eliminated_coverage_mc_se")
    }
    for (column in columns) {
      table_column <- if (unadjusted) sub("(_mc_se)?$", "_unadjusted\\1", column) else column
      theirs <- as.numeric(row[[table_column]])
      mine <- unname(ours[column])
      checked <- checked + 1
      agree <- if (is.na(mine) || is.na(theirs)) is.na(mine) && is.na(theirs)  # both undefined (e.g. truth 0)
               else abs(mine - theirs) <= 1e-7 * max(abs(mine), abs(theirs)) + 1e-15
      if (!agree) {
        differences <- c(differences, sprintf("scenario %s %s %s %s: table %.10g, recomputed %.10g", row$scenario,
                                              row$hypothesis, row$coefficient, table_column, theirs, mine))
      }
    }
  }
}
# With study.target_mcse: the replicates each rejection rate needs for it, p (1 - p) / target^2 rounded
# up, with the nominal rate where the rate found is 0 or 1.
rejection <- read.csv(file.path(folder, "rejection.csv"), check.names = FALSE, stringsAsFactors = FALSE)
if (!is.null(rejection$replicates_for_target_mcse)) {
  target <- as.numeric(args[2])
  p <- ifelse(rejection$rejection_rate > 0 & rejection$rejection_rate < 1, rejection$rejection_rate, rejection$nominal)
  # The rate as printed (8 digits) may sit a hair off the exact count ratio: use the counts.
  p <- ifelse(rejection$fitted > 0, rejection$rejections / rejection$fitted, p)
  p <- ifelse(p > 0 & p < 1, p, rejection$nominal)
  needed <- pmax(1, ceiling(p * (1 - p) / target^2 * (1 - 1e-12)))
  checked <- checked + nrow(rejection)
  wrong <- which(needed != rejection$replicates_for_target_mcse)
  differences <- c(differences, sprintf("rejection row %d: replicates_for_target_mcse %s, recomputed %s", wrong,
                                        rejection$replicates_for_target_mcse[wrong], needed[wrong]))
}
cat(sprintf("recompute_measures: %d values checked, %d differ\n", checked, length(differences)))
if (length(differences) > 0) {
  writeLines(head(differences, 20))
  quit(status = 1)
}
