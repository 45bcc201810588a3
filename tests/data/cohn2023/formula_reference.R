# Reference values for tests/test_cohn_formula.cc and tests/test_cohn_cli.cc, computed with the CRAN
# package MRTSampleSizeBinary 0.1.2 (Cohn, Qian & Murphy 2023).
#   R CMD INSTALL -l RLIB MRTSampleSizeBinary_0.1.2.tar.gz
#   R_LIBS=RLIB Rscript tests/data/cohn2023/formula_reference.R > tests/data/cohn2023/formula_reference.out
# "true root" is uniroot() on the package's own power equation with tol = 1e-13: the package's default
# tolerance (.Machine$double.eps^0.25) leaves its n_exact within about 1e-6 of it in these examples.
suppressPackageStartupMessages(library(MRTSampleSizeBinary))
options(digits = 15)

show <- function(label, value) cat(sprintf("%-44s %s\n", label, paste(format(value, digits = 15), collapse = " ")))

true_root <- function(tau, f, g, beta, alpha, p_t, gamma, b) {
  p <- length(beta); q <- length(alpha)
  ms <- compute_m_sigma(tau, f, g, beta, alpha, p_t)
  type2 <- function(n) pf(qf(1 - gamma, p, n - q - p), p, n - q - p,
                          ncp = compute_ncp(n, beta, ms$m, ms$sigma)) - b
  uniroot(type2, lower = p + q + 1, upper = 1e6, tol = 1e-13)$root
}

## 1. The package's example data (help pages, vignette and tests): m = 10, tau = .8, p_t = .4,
##    f = g = (1, t), alpha = (-.2, -.1), beta = (.15, -.01).
ms <- compute_m_sigma(tau_t_1, f_t_1, g_t_1, beta_1, alpha_1, p_t_1)
show("example M (row-major)", t(ms$m))
show("example Sigma (row-major)", t(ms$sigma))
show("example compute_ncp(300) (help page: rounded M, Sigma)", compute_ncp(300, beta_1, m_matrix_1, sigma_matrix_1))
show("example compute_ncp(300) (computed M, Sigma)", compute_ncp(300, beta_1, ms$m, ms$sigma))
show("example power n=100", mrt_binary_power(tau_t_1, f_t_1, g_t_1, beta_1, alpha_1, p_t_1, 0.05, 100))
show("example power n=275", mrt_binary_power(tau_t_1, f_t_1, g_t_1, beta_1, alpha_1, p_t_1, 0.05, 275))
show("example power n=300", mrt_binary_power(tau_t_1, f_t_1, g_t_1, beta_1, alpha_1, p_t_1, 0.05, 300))
show("example power n=15 (plot start)", suppressWarnings(mrt_binary_power(tau_t_1, f_t_1, g_t_1, beta_1, alpha_1, p_t_1, 0.05, 15)))
show("example power n=700 (plot end)", mrt_binary_power(tau_t_1, f_t_1, g_t_1, beta_1, alpha_1, p_t_1, 0.05, 700))
show("example power n=9.5 (warns twice)", suppressWarnings(mrt_binary_power(tau_t_1, f_t_1, g_t_1, beta_1, alpha_1, p_t_1, 0.05, 9.5)))
show("example ss exact (package)", mrt_binary_ss(tau_t_1, f_t_1, g_t_1, beta_1, alpha_1, p_t_1, 0.05, .2, TRUE))
show("example ss exact (true root)", true_root(tau_t_1, f_t_1, g_t_1, beta_1, alpha_1, p_t_1, 0.05, .2))
show("example ss", mrt_binary_ss(tau_t_1, f_t_1, g_t_1, beta_1, alpha_1, p_t_1, 0.05, .2, FALSE))
ps <- power_summary(tau_t_1, f_t_1, g_t_1, beta_1, alpha_1, p_t_1, 0.05)
show("example power_summary levels", ps[, 1]); show("example power_summary N", ps[, 2])
show("example power_summary .5:.9:.1", power_summary(tau_t_1, f_t_1, g_t_1, beta_1, alpha_1, p_t_1, 0.05, seq(.5, .9, by = .1))[, 2])
# power = 0.0001: the required N is <= 10, the package stops
show("power_summary(1e-6) fails", inherits(try(power_summary(tau_t_1, f_t_1, g_t_1, beta_1, alpha_1, p_t_1, 0.05, 1e-6), silent = TRUE), "try-error"))

## 2. The package tests (tests/testthat/test-mrt_binary_ss.R, test-mrt_binary_power.R).
t10 <- 1:10
g_new <- cbind(1, t10, t10^2); alpha_new <- c(-0.2, -0.1, .01)
f_new <- cbind(1, t10, t10^2); beta_new <- c(0.15, -0.01, -.1)
show("quadratic f,g ss exact (package)", mrt_binary_ss(tau_t_1, f_new, g_new, beta_new, alpha_new, p_t_1, .05, .2, TRUE))
show("quadratic f,g ss exact (true root)", true_root(tau_t_1, f_new, g_new, beta_new, alpha_new, p_t_1, .05, .2))
show("linear f, quadratic g ss exact (package)", mrt_binary_ss(tau_t_1, f_t_1, g_new, beta_1, alpha_new, p_t_1, .05, .2, TRUE))
show("linear f, quadratic g ss exact (true root)", true_root(tau_t_1, f_t_1, g_new, beta_1, alpha_new, p_t_1, .05, .2))
show("example ss exact b=.3", mrt_binary_ss(tau_t_1, f_t_1, g_t_1, beta_1, alpha_1, p_t_1, .05, .3, TRUE))
size2 <- mrt_binary_ss(tau_t_1, f_t_1, g_t_1, beta_1, alpha_1, p_t_1, .05, .1, TRUE)
show("example ss exact b=.1", size2)
show("example power at round(ss b=.1)", mrt_binary_power(tau_t_1, f_t_1, g_t_1, beta_1, alpha_1, p_t_1, .05, round(size2)))
pw50 <- mrt_binary_power(tau_t_1, f_t_1, g_new, beta_1, alpha_new, p_t_1, .05, 50)
show("linear f, quadratic g power n=50", pw50)
show("... ss exact at b = 1 - that", mrt_binary_ss(tau_t_1, f_t_1, g_new, beta_1, alpha_new, p_t_1, .05, 1 - pw50, TRUE))
n_pi <- mrt_binary_ss(tau_t_1, f_t_1, g_new, beta_1, alpha_new, p_t_1, .05, 1 - 1/pi, FALSE)
show("linear f, quadratic g ss at power 1/pi", n_pi)
show("... power there", mrt_binary_power(tau_t_1, f_t_1, g_new, beta_1, alpha_new, p_t_1, .05, n_pi))
f_warn <- cbind(rep(1, 10), rep(c(1, 0), times = 5))
w <- NULL
n_warn <- withCallingHandlers(mrt_binary_ss(tau_t_1, f_warn, g_t_1, beta_1, alpha_1, p_t_1, .05, .4, TRUE),
                              warning = function(c) { w <<- c(w, conditionMessage(c)); invokeRestart("muffleWarning") })
show("span-warning example ss exact b=.4", n_warn)
cat("span-warning example warnings:\n"); print(w)
w <- NULL
n_wide <- withCallingHandlers(mrt_binary_power(tau_t_1, f_new, g_t_1, beta_new, alpha_1, p_t_1, .05, 20),
                              warning = function(c) { w <<- c(w, conditionMessage(c)); invokeRestart("muffleWarning") })
show("ncol(f) > ncol(g) power n=20", n_wide)
cat("ncol(f) > ncol(g) warnings:\n"); print(w)

## 3. Constant case, closed form check: m = 30, p = .5, tau = 1, mu0 = .2, RR = 1.2.
one30 <- matrix(1, 30, 1)
show("constant ss exact (package)", mrt_binary_ss(rep(1, 30), one30, one30, log(1.2), log(.2), rep(.5, 30), .05, .2, TRUE))
show("constant ss exact (true root)", true_root(rep(1, 30), one30, one30, log(1.2), log(.2), rep(.5, 30), .05, .2))

## 4. Drink Less grid (paper Section 7): m = 30, p_t = .6, tau = 1, f = g = 1.
for (rr in c(1.1, 1.2, 1.3, 1.4)) {
  show(sprintf("drink less RR %.1f (package)", rr), sapply(c(.1, .3, .5, .7), function(a)
    mrt_binary_ss(rep(1, 30), one30, one30, log(rr), log(a), rep(.6, 30), .05, .2, TRUE, TRUE)))
  show(sprintf("drink less RR %.1f (true root)", rr), sapply(c(.1, .3, .5, .7), function(a)
    true_root(rep(1, 30), one30, one30, log(rr), log(a), rep(.6, 30), .05, .2)))
}
show("drink less RR 1.4 ASPN .7 without less_than_10_possible fails",
     inherits(try(mrt_binary_ss(rep(1, 30), one30, one30, log(1.4), log(.7), rep(.6, 30), .05, .2), silent = TRUE), "try-error"))

## 5. The binary Shiny calculator's inputs (tqian/MRTSampleSizeBinary_shiny, server.R), rewritten here:
##    log-linear from initial (t = 1) with slope (log final - log initial) / m, so the final value is
##    reached at t = m + 1; log-quadratic with value k1 at t = 1 and k3 at the vertex t = k2.
app_loglinear <- function(m, initial, final) {
  slope <- (log(final) - log(initial)) / m
  list(x = cbind(1, 1:m), coef = c(log(initial) - slope, slope))
}
last_loglinear <- function(m, initial, final) {  # final value at t = m
  slope <- (log(final) - log(initial)) / (m - 1)
  list(x = cbind(1, 1:m), coef = c(log(initial) - slope, slope))
}
app_logquad <- function(m, initial, change_pt, change_val) {
  k1 <- log(initial); k2 <- change_pt; k3 <- log(change_val)
  a2 <- (2 * k1 * k2 - 2 * k3 * k2) / (2 * k2 * (1 - k2 / 2) - 1)
  a1 <- k1 - k3 - (1 - k2 / 2) * a2
  list(x = cbind(1, 1:m, (1:m)^2), coef = c(k1 - a1 - a2, a2, a1))
}
app_constant <- function(m, value) list(x = matrix(1, m, 1), coef = log(value))
app_case <- function(label, m, tau, p, spnc, rr, power = .8, gamma = .05) {
  args <- list(rep(tau, m), rr$x, spnc$x, rr$coef, spnc$coef, rep(p, m), gamma)
  n_exact <- do.call(mrt_binary_ss, c(args, list(1 - power, TRUE, TRUE)))
  n <- do.call(mrt_binary_ss, c(args, list(1 - power, FALSE, TRUE)))
  show(paste(label, "alpha"), spnc$coef); show(paste(label, "beta"), rr$coef)
  show(paste(label, "n_exact n power(n)"), c(n_exact, n, do.call(mrt_binary_power, c(args, list(n)))))
}
# 10 days x 3 decisions per day (m = 30)
app_case("app A", 30, .7, .5, app_loglinear(30, .4, .2), app_logquad(30, 1.1, 15, 1.3))
app_case("app B", 30, .8, .4, app_logquad(30, .3, 10, .5), app_loglinear(30, 1.3, 1.1))
app_case("app C", 30, .5, .6, app_constant(30, .25), app_constant(30, 1.25), power = .9, gamma = .1)
app_case("last D", 30, .7, .5, last_loglinear(30, .4, .2), last_loglinear(30, 1.3, 1.1))

## 6. p + q >= 10: f = g = (1, t, ..., t^4) / scaled (p = q = 5). The package cannot size it (its
##    power at n = 10 has no denominator degrees of freedom and stops); the true root of its power
##    equation is the reference.
m6 <- 40; u <- (1:m6) / m6
basis <- cbind(1, u, u^2, u^3, u^4)
alpha6 <- c(-1.5, .3, -.2, .1, -.05); beta6 <- c(.2, -.1, .05, .02, -.01)
show("p+q=10 package fails", inherits(try(mrt_binary_ss(rep(.9, m6), basis, basis, beta6, alpha6, rep(.5, m6), .05, .2), silent = TRUE), "try-error"))
show("p+q=10 true root", true_root(rep(.9, m6), basis, basis, beta6, alpha6, rep(.5, m6), .05, .2))
show("p+q=10 power n=300", mrt_binary_power(rep(.9, m6), basis, basis, beta6, alpha6, rep(.5, m6), .05, 300))
