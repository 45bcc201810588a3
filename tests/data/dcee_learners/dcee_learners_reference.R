# Reference values for tests/test_dcee_learners.cc: MRTAnalysis 0.3.1 dcee() with gam nuisances
# (mgcv 1.8-41, its defaults) and with ranger (0.14.1) nuisances.
#
# Data: MRTAnalysis's data_distal_continuous (tests/data/data_distal_continuous.csv) and two cohorts
# drawn here from the Qian et al. (2025) model (docs/estimators.md §3.1; R's RNG, seeds below) with an
# extra continuous covariate W ~ N(0, 1) and a decision-point weight wt = dp / 30 (written with 6
# decimals; the written values are the data):
#   qian_n100.csv  100 subjects x 30 decision points
#   qian_n150.csv  150 subjects x 30: about 2,900 rows with A = 0, so a tp smooth of X there has more
#                  than 2,000 unique values and mgcv subsamples 2,000 knots (docs/gam.md)
# Writes:
#   dcee_gam_reference.csv     case, term, estimate, se, lcl, ucl, p_value, df (summary.dcee_fit, 95%)
#                              and the variance matrix as rows term = "V[i;j]" (estimate column)
#   dcee_ranger_reference.csv  data set, moderators, ranger seed, term, estimate, se: dcee() with
#                              control_reg_method = "ranger" (defaults), five seeds per case
# Run from the repository root:
#   R_LIBS=/work/rlib Rscript tests/data/dcee_learners/dcee_learners_reference.R
suppressPackageStartupMessages({
  library(MRTAnalysis)
  library(mgcv)
  library(ranger)
})
out_dir <- "tests/data/dcee_learners"
expit <- function(v) 1 / (1 + exp(-v))

simulate_qian <- function(n, K) {
  lin <- function(a, b) a + (b - a) * (0:(K - 1)) / (K - 1)
  al <- lin(1, 3); be <- lin(1, 2); ga <- lin(1, 1.5); la <- lin(-1, -2); xi <- lin(1, 2)
  x <- z <- a <- rep(0, n); y <- rep(0, n)
  rows <- vector("list", K)
  for (t in 1:K) {
    x <- -0.5 + 0.5 * a + 0.5 * x + rnorm(n)
    z <- rbinom(n, 1, expit(-1 + a + z))
    avail <- rbinom(n, 1, 0.8)
    prob <- pmin(pmax(expit(2 * x / 6 + 2 * (z - 0.5) + 2 * (t - K / 2) / K), 0.1), 0.9)
    anew <- avail * rbinom(n, 1, prob)
    u <- x / 12 + 0.5
    y <- y + xi[t] * (ifelse(u >= 0 & u <= 1, 6 * u * (1 - u), 0) + z) +
      anew * (al[t] + be[t] * x + ga[t] * z + la[t] * a)
    rows[[t]] <- data.frame(userid = 1:n, dp = t, X = x, Z = z, W = rnorm(n), avail = avail, A = anew,
                            prob_A = prob)
    a <- anew
  }
  d <- do.call(rbind, rows)
  d <- d[order(d$userid, d$dp), ]
  d$Y <- rep(y + rnorm(n), each = K)
  d$wt <- d$dp / K
  for (v in c("X", "W", "prob_A", "Y", "wt")) d[[v]] <- sprintf("%.6f", d[[v]])
  d
}

write_data <- function(n, seed, file) {
  set.seed(seed)
  write.csv(simulate_qian(n, 30), file.path(out_dir, file), row.names = FALSE, quote = FALSE)
  read.csv(file.path(out_dir, file))
}
datasets <- list(
  distal = read.csv("tests/data/data_distal_continuous.csv"),
  n100 = write_data(100, 20250901, "qian_n100.csv"),
  n150 = write_data(150, 20250902, "qian_n150.csv"))

run_dcee <- function(d, moderator, control, weight = NULL, method = "gam", ...) {
  dcee(data = d, id = "userid", outcome = "Y", treatment = "A", rand_prob = "prob_A",
       moderator_formula = as.formula(moderator), control_formula = as.formula(control),
       availability = "avail", control_reg_method = method, weighting_function = weight, verbose = FALSE, ...)
}

# case name, data set, moderator formula, control formula, weight column
gam_cases <- list(
  list("distal_tp_marginal", "distal", "~1", "~ s(X) + Z", NULL),
  list("distal_tp_moderated", "distal", "~Z", "~ s(X) + Z", NULL),
  list("distal_cr_marginal", "distal", "~1", "~ s(X, bs = \"cr\") + Z", NULL),
  list("distal_cr_moderated", "distal", "~Z", "~ s(X, bs = \"cr\") + Z", NULL),
  list("distal_cr_k5_only_smooth", "distal", "~1", "~ s(X, bs = \"cr\", k = 5)", NULL),
  list("n100_two_smooths_moderated", "n100", "~Z", "~ s(X) + s(W, bs = \"cr\", k = 6) + Z", NULL),
  list("n100_cr_weighted", "n100", "~Z", "~ s(X, bs = \"cr\") + Z", "wt"),
  list("n150_tp_subsampled_knots", "n150", "~1", "~ s(X) + Z", NULL),
  list("n150_cr_moderated", "n150", "~Z", "~ s(X, bs = \"cr\") + W + Z", NULL))

gam_rows <- list()
for (case in gam_cases) {
  fit <- run_dcee(datasets[[case[[2]]]], case[[3]], case[[4]], case[[5]])
  s <- summary(fit)$excursion_effect
  terms <- names(fit$fit$beta_hat)
  gam_rows[[length(gam_rows) + 1]] <- data.frame(
    case = case[[1]], term = terms, estimate = s[, "Estimate"], se = s[, "Std. Error"],
    lcl = s[, "95% LCL"], ucl = s[, "95% UCL"], p_value = s[, "Pr(>|t value|)"], df = fit$df)
  V <- fit$fit$beta_varcov
  for (i in seq_len(nrow(V))) for (j in seq_len(ncol(V)))
    gam_rows[[length(gam_rows) + 1]] <- data.frame(case = case[[1]], term = sprintf("V[%d;%d]", i, j),
                                                   estimate = V[i, j], se = NA, lcl = NA, ucl = NA, p_value = NA,
                                                   df = fit$df)
}
gam_out <- do.call(rbind, gam_rows)
gam_out$term[gam_out$term == "Intercept"] <- "(Intercept)"
write.csv(format(gam_out, digits = 15), file.path(out_dir, "dcee_gam_reference.csv"), row.names = FALSE, quote = FALSE)

# ranger nuisances: R's random numbers cannot be matched, so several seeds show ranger's own spread.
rf_rows <- list()
for (name in c("n100", "n150")) for (moderator in c("~1", "~Z")) for (seed in 1:5) {
  set.seed(seed)
  fit <- run_dcee(datasets[[name]], moderator, "~ X + Z", method = "ranger", seed = seed)
  rf_rows[[length(rf_rows) + 1]] <- data.frame(
    data = name, moderators = moderator, seed = seed, term = c("(Intercept)", "Z")[seq_along(fit$fit$beta_hat)],
    estimate = fit$fit$beta_hat, se = fit$fit$beta_se)
}
write.csv(format(do.call(rbind, rf_rows), digits = 15), file.path(out_dir, "dcee_ranger_reference.csv"),
          row.names = FALSE, quote = FALSE)
cat("wrote", out_dir, "\n")
