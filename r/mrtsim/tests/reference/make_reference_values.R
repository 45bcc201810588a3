# Makes tests/testthat/helper-reference.R: the numbers of the R packages this package mirrors, on
# the package's example data and on designs from their help pages and tests. The tests compare
# the engine's answers with these stored numbers; the packages themselves are not needed to test.
#
# Not run by R CMD check. To regenerate, from r/mrtsim/, with the reference packages installed in
# the library R_REFERENCE_LIBRARY (MRTAnalysis 0.3.1 with rootSolve, MRTSampleSize 0.3.0,
# MRTSampleSizeBinary 0.1.2):
#
#   R_REFERENCE_LIBRARY=/path/to/library Rscript tests/reference/make_reference_values.R

.libPaths(c(Sys.getenv("R_REFERENCE_LIBRARY"), .libPaths()))
stopifnot(
  packageVersion("MRTAnalysis") == "0.3.1",
  packageVersion("MRTSampleSize") == "0.3.0",
  packageVersion("MRTSampleSizeBinary") == "0.1.2"
)
library(MRTAnalysis)
library(MRTSampleSize)
library(MRTSampleSizeBinary)

quiet <- function(expr) suppressMessages(suppressWarnings(capture.output(value <- expr)))
run <- function(expr) {
  quiet(value <- expr)
  value
}

# ---- WCLS (MRTAnalysis::wcls + summary) ----------------------------------------------------------
heartsteps <- data_mimicHeartSteps
wcls_call <- function(data, moderator_formula, control_formula, rand_prob = 0.6, numerator_prob = 0.6) {
  # do.call, as MRTAnalysis reads its arguments' values from match.call().
  fit <- run(do.call(wcls, list(data = data, id = "userid", outcome = "logstep_30min",
                                treatment = "intervention", rand_prob = rand_prob,
                                moderator_formula = moderator_formula, control_formula = control_formula,
                                availability = "avail", numerator_prob = numerator_prob)))
  s <- run(summary(fit, show_control_fit = TRUE))
  # The variance of the effect coefficients (the last p of the package's coefficient order).
  v <- MRTAnalysis:::vcov_geeglm(fit, small = TRUE)
  p <- nrow(s$causal_excursion_effect)
  k <- seq(nrow(v) - p + 1, nrow(v))
  list(effect = s$causal_excursion_effect, control = s$control_variables, variance = unname(v[k, k, drop = FALSE]))
}

# Twice the data under new ids: 74 subjects, more than 50, so no small-sample correction.
stacked <- rbind(heartsteps, transform(heartsteps, userid = userid + 1000))

wcls_reference <- list(
  marginal = wcls_call(heartsteps, ~1, ~logstep_pre30min),
  moderated = wcls_call(heartsteps, ~logstep_pre30min, ~logstep_pre30min),
  factor_moderator = wcls_call(heartsteps, ~ factor(is_at_home_or_work),
                               ~ logstep_pre30min + I(logstep_pre30min^2) + factor(is_at_home_or_work),
                               rand_prob = "rand_prob", numerator_prob = NULL),
  large_n = wcls_call(stacked, ~1, ~logstep_pre30min)
)

# ---- EMEE and EMEE2 (help examples of MRTAnalysis) -----------------------------------------------
emee_call <- function(fun, moderator_formula) {
  fit <- run(do.call(fun, list(data = data_binary, id = "userid", outcome = "Y", treatment = "A",
                               rand_prob = "rand_prob", moderator_formula = moderator_formula,
                               control_formula = ~ time_var1 + time_var2, availability = "avail")))
  s <- run(summary(fit, show_control_fit = TRUE))
  q <- length(fit$fit$alpha_hat)
  p <- length(fit$fit$beta_hat)
  k <- q + seq_len(p)
  list(effect = s$causal_excursion_effect, control = s$control_variables,
       variance = unname(fit$fit$varcov_adjusted[k, k, drop = FALSE]))
}
emee_reference <- list(
  emee_marginal = emee_call(emee, ~1),
  emee_moderated = emee_call(emee, ~time_var1),
  emee2_marginal = emee_call(emee2, ~1),
  emee2_moderated = emee_call(emee2, ~time_var1)
)

# ---- DCEE -----------------------------------------------------------------------------------------
distal <- data_distal_continuous
distal$at_dp10 <- as.numeric(distal$dp == 10)
dcee_call <- function(moderator_formula, method, weighting_function = NULL) {
  fit <- run(dcee(data = distal, id = "userid", outcome = "Y", treatment = "A", rand_prob = "prob_A",
                  moderator_formula = moderator_formula, control_formula = ~ X + Z,
                  availability = "avail", control_reg_method = method,
                  weighting_function = weighting_function))
  s <- summary(fit, lincomb = if (length(fit$fit$beta_hat) == 2) c(1, 1))
  list(effect = s$excursion_effect, lincomb = s$lincomb, df = s$df)
}
dcee_reference <- list(
  lm_marginal = dcee_call(~1, "lm"),
  lm_moderated = dcee_call(~Z, "lm"),
  zero_moderated = dcee_call(~Z, "set_to_zero"),
  lm_weight_column = dcee_call(~1, "lm", "at_dp10"),
  lm_weight_number = dcee_call(~Z, "lm", 3)
)

# ---- MRTSampleSize (Liao et al. 2016) -------------------------------------------------------------
liao_designs <- list(
  list(days = 42, occ_per_day = 5, prob = 0.4, beta_shape = "quadratic", beta_mean = 0.1,
       beta_initial = 0, beta_quadratic_max = 29, tau_shape = "constant", tau_mean = 0.7,
       tau_initial = 0.7, tau_quadratic_max = 1, dimB = 3),
  list(days = 42, occ_per_day = 5, prob = 0.4, beta_shape = "constant", beta_mean = 0.1,
       beta_initial = 0, beta_quadratic_max = 1, tau_shape = "linear", tau_mean = 0.5,
       tau_initial = 0.7, tau_quadratic_max = 1, dimB = 3),
  list(days = 30, occ_per_day = 3, prob = 0.5, beta_shape = "linear", beta_mean = 0.15,
       beta_initial = 0.05, beta_quadratic_max = 1, tau_shape = "quadratic", tau_mean = 0.5,
       tau_initial = 0.7, tau_quadratic_max = 30, dimB = 2),
  list(days = 10, occ_per_day = 5, prob = rep(c(0.3, 0.5), 25), beta_shape = "quadratic",
       beta_mean = 0.2, beta_initial = 0.1, beta_quadratic_max = 6, tau_shape = "constant",
       tau_mean = 0.8, tau_initial = 0.8, tau_quadratic_max = 1, dimB = 3)
)
liao_reference <- lapply(liao_designs, function(design) {
  n <- run(do.call(calculateSampleSize, c(design, list(power = 0.8, sigLev = 0.05))))
  sizes <- c(20, 35, 60)
  power <- vapply(sizes, function(size) {
    run(do.call(calculatePower, c(design, list(sample_size = size, sigLev = 0.05))))
  }, numeric(1))
  list(design = design, n = n, sample_size = sizes, power = power)
})

# ---- MRTSampleSizeBinary (Cohn et al. 2023; the package's tests and help examples) ---------------
m <- 10
binary_base <- list(avail_pattern = rep(0.8, m), f_t = cbind(rep(1, m), 1:m), g_t = cbind(rep(1, m), 1:m),
                    beta = c(0.15, -0.01), alpha = c(-0.2, -0.1), p_t = rep(0.4, m), gamma = 0.05)
binary_quadratic <- modifyList(binary_base, list(
  f_t = cbind(rep(1, m), 1:m, (1:m)^2), g_t = cbind(rep(1, m), 1:m, (1:m)^2),
  beta = c(0.15, -0.01, -0.1), alpha = c(-0.2, -0.1, 0.01)
))
binary_help <- list(avail_pattern = tau_t_1, f_t = f_t_1, g_t = g_t_1, beta = as.vector(beta_1),
                    alpha = as.vector(alpha_1), p_t = p_t_1, gamma = 0.05)
binary_reference <- lapply(list(linear = binary_base, quadratic = binary_quadratic, help = binary_help),
                           function(design) {
  list(design = design,
       n = run(do.call(mrt_binary_ss, c(design, list(b = 0.2, exact = FALSE)))),
       n_exact = run(do.call(mrt_binary_ss, c(design, list(b = 0.2, exact = TRUE)))),
       power = run(do.call(mrt_binary_power, c(design, list(n = 100)))))
})

# ---- write --------------------------------------------------------------------------------------
reference <- list(wcls = wcls_reference, emee = emee_reference, dcee = dcee_reference,
                  liao = liao_reference, binary = binary_reference)
output <- file.path("tests", "testthat", "helper-reference.R")
writeLines(c(
  "# Generated by tests/reference/make_reference_values.R with MRTAnalysis 0.3.1, MRTSampleSize 0.3.0",
  "# and MRTSampleSizeBinary 0.1.2; do not edit by hand.",
  paste("reference <-", paste(deparse(reference, control = c("keepNA", "keepInteger", "niceNames",
                                                                  "showAttributes", "digits17")),
                              collapse = "\n"))
), output)
cat("wrote", output, "\n")
