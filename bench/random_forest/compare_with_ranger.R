# Compares mrtsim's random-forest DCEE nuisance fits (XGBoost, host/learners/random_forest.h) with
# R ranger's on cohorts of the Qian et al. (2025) model written by random_forest_vs_ranger
# (see run.sh): correlation and mean absolute difference with ranger, with ranger-against-ranger
# (another seed) as the yardstick, each learner against the true conditional mean, and the
# marginal DCEE estimate (docs/estimators.md §2.5, omega = 1/T, no cross-fitting) with each set of
# nuisances. Prints markdown tables (docs/random_forest.md).
# Usage: Rscript compare_with_ranger.R FILE.csv ...
library(ranger)
files <- commandArgs(trailingOnly = TRUE)

dcee_marginal <- function(d, mu0, mu1) {
  p_a <- ifelse(d$A == 1, d$prob, 1 - d$prob)
  psi <- d$avail * ifelse(d$A == 1, 1, -1) / p_a * (d$Y - (1 - d$prob) * mu1 - d$prob * mu0)
  beta <- mean(psi)                         # bread sum(omega) over all rows, omega constant
  u <- tapply(psi - beta, d$id, sum)        # per-subject score (omega cancels)
  n <- length(u); rows <- nrow(d)
  c(beta = beta, se = sqrt(sum(u^2)) / rows)  # B^-1 M B^-1 / n with B = rows / n, M = sum u^2 / n
}

learner <- NULL; dcee <- NULL
for (f in files) {
  d <- read.csv(f)
  n <- length(unique(d$id)); seed <- as.integer(sub(".*seed([0-9]+).*", "\\1", f))
  sd_y <- sd(d$Y[!duplicated(d$id)])
  nuis <- list()
  for (a in 0:1) {
    fit <- function(s) predict(ranger(Y ~ X + Z, data = d[d$A == a, ], seed = s, num.threads = 1),
                               data = d, num.threads = 1)$predictions
    r1 <- fit(seed); r2 <- fit(seed + 1000)
    x <- d[[paste0("mu", a, "_rf")]]; truth <- d[[paste0("mu", a, "_true")]]
    nuis[[paste0("ranger", a)]] <- r1
    row <- function(what, p, ref) data.frame(n = n, seed = seed, arm = a, comparison = what,
                                             cor = cor(p, ref), mad_over_sdY = mean(abs(p - ref)) / sd_y,
                                             mean_diff_over_sdY = mean(p - ref) / sd_y)
    learner <- rbind(learner,
                     row("mrtsim rf vs ranger", x, r1),
                     row("ranger (other seed) vs ranger", r2, r1),
                     row("mrtsim rf vs truth", x, truth),
                     row("ranger vs truth", r1, truth))
  }
  add <- function(what, mu0, mu1) {
    e <- dcee_marginal(d, mu0, mu1)
    dcee <<- rbind(dcee, data.frame(n = n, seed = seed, nuisance = what, beta = e[["beta"]], se = e[["se"]]))
  }
  add("ranger", nuis$ranger0, nuis$ranger1)
  add("mrtsim rf", d$mu0_rf, d$mu1_rf)
  add("true conditional mean", d$mu0_true, d$mu1_true)
}

fmt <- function(v, digits = 4) formatC(v, digits = digits, format = "f")
cat("### Nuisance predictions on every row (per arm; mean over cohorts of each size)\n\n")
agg <- aggregate(cbind(cor, mad_over_sdY, mean_diff_over_sdY) ~ n + arm + comparison, data = learner, FUN = mean)
agg <- agg[order(agg$n, agg$arm, agg$comparison), ]
cat("| n | arm | comparison | correlation | mean abs. difference / SD(Y) | mean difference / SD(Y) |\n|---|---|---|---|---|---|\n")
for (i in seq_len(nrow(agg)))
  cat(sprintf("| %d | %d | %s | %s | %s | %s |\n", agg$n[i], agg$arm[i], agg$comparison[i], fmt(agg$cor[i]),
              fmt(agg$mad_over_sdY[i]), fmt(agg$mean_diff_over_sdY[i])))
cat("\n### Marginal DCEE estimate with each nuisance (per cohort)\n\n")
cat("| n | seed | nuisance | beta | SE | (beta - beta_ranger) / SE |\n|---|---|---|---|---|---|\n")
for (i in seq_len(nrow(dcee))) {
  ref <- dcee$beta[dcee$n == dcee$n[i] & dcee$seed == dcee$seed[i] & dcee$nuisance == "ranger"]
  cat(sprintf("| %d | %d | %s | %s | %s | %s |\n", dcee$n[i], dcee$seed[i], dcee$nuisance[i], fmt(dcee$beta[i]),
              fmt(dcee$se[i]), fmt((dcee$beta[i] - ref) / dcee$se[i], 3)))
}
