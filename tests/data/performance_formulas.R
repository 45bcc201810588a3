# The performance measures of one method in one table cell, and their Monte Carlo SEs, from the
# formulas of Morris, White & Crowther (2019, Table 6) as rsimsum 0.13.0 applies them
# (docs/performance_measures.md), in base R: the independent reference of mrtsim's implementation,
# sourced by tests/data/performance_measures_reference.R and tests/replicate_table/recompute_measures.R.
#
# th, s: the estimates and SEs of the replicates that count (fit succeeded, both finite);
# crit: each one's critical value; truth: the true value.
# Returns a data frame: measure, estimate, mcse (NA where the measure has none).
measures_from_formulas <- function(th, s, crit, truth) {
  n <- length(th)
  thbar <- mean(th)
  empse <- sd(th)
  mse <- mean((th - truth)^2)
  mse_mcse <- sqrt(sum(((th - truth)^2 - mse)^2) / (n * (n - 1)))
  modse <- sqrt(mean(s^2))
  var_s2 <- var(s^2)
  cover <- mean(truth >= th - crit * s & truth <= th + crit * s)
  becover <- mean(thbar >= th - crit * s & thbar <= th + crit * s)
  power <- mean(abs(th) >= crit * s)
  row <- function(measure, estimate, mcse) {
    data.frame(measure = measure, estimate = estimate, mcse = mcse, stringsAsFactors = FALSE)
  }
  rbind(
    row("n_sim", n, NA),
    row("mean_estimate", thbar, sd(th) / sqrt(n)),
    row("median_estimate", median(th), NA),
    row("median_se", median(s), NA),
    row("bias", mean(th - truth), sqrt(sum((th - thbar)^2) / (n * (n - 1)))),
    row("relative_bias", mean((th - truth) / truth), sd((th - truth) / truth) / sqrt(n)),
    row("empirical_se", empse, empse / sqrt(2 * (n - 1))),
    row("mse", mse, mse_mcse),
    row("rmse", sqrt(mse), mse_mcse / (2 * sqrt(mse))),  # delta method
    row("model_se", modse, sqrt(var_s2 / (4 * n * modse^2))),
    row("relative_error_model_se", 100 * (modse / empse - 1),
      100 * (modse / empse) * sqrt(var_s2 / (4 * n * modse^4) + 1 / (2 * (n - 1)))),
    row("coverage", cover, sqrt(cover * (1 - cover) / n)),
    row("bias_eliminated_coverage", becover, sqrt(becover * (1 - becover) / n)),
    row("rejection_rate", power, sqrt(power * (1 - power) / n)))
}
