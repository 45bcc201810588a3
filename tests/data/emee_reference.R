# Golden values for `mrtsim emee` (tests/test_emee_analysis.cc): summary() of MRTAnalysis 0.3.1
# emee() / emee2() on the package example data (the calls of the emee/emee2 help examples) and on three
# data sets generated here, plus the unadjusted SEs of the fit object and the joint statistic
# beta' V_beta^-1 beta with the adjusted variance.
#
# Run from the repository root with MRTAnalysis 0.3.1 and rootSolve installed in /work/rlib:
#   Rscript tests/data/emee_reference.R
# It (re)writes tests/data/emee_{small,avail,numerator}.csv and prints the C++ initializers of the
# golden cases. The values are computed from the CSV files as read back, so they match what mrtsim reads.
.libPaths(c("/work/rlib", .libPaths()))
suppressMessages(library(MRTAnalysis))
stopifnot(packageVersion("MRTAnalysis") == "0.3.1")

# Long-format data: n subjects x m decision points, Y ~ Bernoulli(exp(log_p0 + A * log_rr)) where
# log_p0 and log_rr are functions of the row's covariates. Y, A and the probabilities are generated on
# unavailable rows too (EMEE2's small-sample correction uses them).
simulate <- function(n, m, covariates, rand_prob, avail_prob, log_p0, log_rr, treat_unavailable) {
    rows <- expand.grid(time = 1:m, id = 1:n)[, c("id", "time")]
    rows <- cbind(rows, covariates(rows))
    rows$avail <- rbinom(nrow(rows), 1, avail_prob(rows))
    rows$prob <- rand_prob(rows)
    rows$a <- rbinom(nrow(rows), 1, rows$prob)
    if (!treat_unavailable) rows$a[rows$avail == 0] <- 0
    rows$y <- rbinom(nrow(rows), 1, exp(log_p0(rows) + rows$a * log_rr(rows)))
    rows
}

set.seed(20250611)
# small: 30 x 15, always available, constant randomization probability 0.4, marginal effect.
small <- simulate(30, 15,
    covariates = function(d) data.frame(x = round(runif(nrow(d), -1, 1), 4)),
    rand_prob = function(d) rep(0.4, nrow(d)), avail_prob = function(d) rep(1, nrow(d)),
    log_p0 = function(d) -1.2 + 0.3 * d$x, log_rr = function(d) rep(0.25, nrow(d)),
    treat_unavailable = FALSE)
small$prob <- NULL
small$avail <- NULL
# avail: 60 x 20, availability 0.75, time-varying randomization probability column, three moderators,
# four controls; A = 0 on unavailable rows.
avail <- simulate(60, 20,
    covariates = function(d) data.frame(x1 = round(d$time / 20, 4), x2 = rbinom(nrow(d), 1, 0.5),
                                        x3 = round(rnorm(nrow(d)), 4)),
    rand_prob = function(d) c(0.3, 0.5, 0.7)[(d$time %% 3) + 1], avail_prob = function(d) rep(0.75, nrow(d)),
    log_p0 = function(d) -1.5 + 0.4 * d$x1 + 0.2 * d$x2 + 0.05 * d$x3,
    log_rr = function(d) 0.1 + 0.3 * d$x1 - 0.2 * d$x2, treat_unavailable = FALSE)
# numerator: 25 x 40, availability depending on time, one subject never available, a numerator
# probability column depending on the moderator z only, z not among the controls; A is randomized
# on unavailable rows too.
numerator <- simulate(25, 40,
    covariates = function(d) data.frame(x = round(sin(d$time / 6) + rnorm(nrow(d), 0, 0.3), 4),
                                        z = rbinom(nrow(d), 1, 0.4)),
    rand_prob = function(d) round(0.35 + 0.3 * (d$time %% 2), 2), avail_prob = function(d) 0.6 + 0.3 * (d$time > 20),
    log_p0 = function(d) -1.0 + 0.2 * d$x, log_rr = function(d) -0.2 + 0.4 * d$z, treat_unavailable = TRUE)
numerator$avail[numerator$id == 7] <- 0
numerator$ptilde <- 0.35 + 0.3 * numerator$z

write_and_read <- function(d, name) {
    path <- file.path("tests/data", name)
    write.csv(d, path, row.names = FALSE)
    read.csv(path)
}
small <- write_and_read(small, "emee_small.csv")
avail <- write_and_read(avail, "emee_avail.csv")
numerator <- write_and_read(numerator, "emee_numerator.csv")
data_binary <- read.csv("tests/data/data_binary.csv")

g <- function(x) sprintf("%.15g", x)
print_case <- function(name, fit_call, conf_level = 0.95) {
    fit <- eval(fit_call)
    s <- summary(fit, conf_level = conf_level, show_control_fit = TRUE)
    rows <- function(tab) {
        paste0("{", g(tab[, 1]), ", ", g(tab[, 4]), ", ", g(tab[, 2]), ", ", g(tab[, 3]), ", ", g(tab[, 7]), "}",
               collapse = ", ")
    }
    p <- length(fit$fit$beta_hat)
    q <- length(fit$fit$alpha_hat)
    v_beta <- fit$fit$varcov_adjusted[(q + 1):(q + p), (q + 1):(q + p), drop = FALSE]
    joint <- as.numeric(t(fit$fit$beta_hat) %*% solve(v_beta) %*% fit$fit$beta_hat)
    # Hotelling's T^2 test of beta = 0 (Cohn et al. 2023): T^2 (n-q-p) / (p (n-q-1)) ~ F(p, n-q-p).
    n <- fit$df + p + q
    joint_p <- pf(joint * (n - q - p) / (p * (n - q - 1)), p, n - q - p, lower.tail = FALSE)
    cat(sprintf("    // %s: %s\n", name, paste(deparse(fit_call, width.cutoff = 500), collapse = " ")))
    cat(sprintf("    {%s, %d,\n     {%s},\n     {%s},\n     {%s},\n     {%s},\n     %s, %s},\n",
                g(conf_level), fit$df,
                rows(s$causal_excursion_effect), rows(s$control_variables),
                paste(g(fit$fit$beta_se), collapse = ", "), paste(g(fit$fit$alpha_se), collapse = ", "), g(joint),
                g(joint_p)))
}

for (estimator in c("emee", "emee2")) {
    f <- as.name(estimator)
    cat(sprintf("// ---- %s ----\n", estimator))
    # The help examples on the package data.
    print_case("data_binary, marginal", bquote(.(f)(data = data_binary, id = "userid", outcome = "Y", treatment = "A",
        rand_prob = "rand_prob", moderator_formula = ~1, control_formula = ~ time_var1 + time_var2,
        availability = "avail", verbose = FALSE)))
    print_case("data_binary, moderated", bquote(.(f)(data = data_binary, id = "userid", outcome = "Y", treatment = "A",
        rand_prob = "rand_prob", moderator_formula = ~time_var1, control_formula = ~ time_var1 + time_var2,
        availability = "avail", verbose = FALSE)))
    print_case("small", bquote(.(f)(data = small, id = "id", outcome = "y", treatment = "a", rand_prob = 0.4,
        moderator_formula = ~1, control_formula = ~x, verbose = FALSE)), conf_level = 0.9)
    print_case("avail", bquote(.(f)(data = avail, id = "id", outcome = "y", treatment = "a", rand_prob = "prob",
        moderator_formula = ~ x1 + x2 + x3, control_formula = ~ x1 + x2 + x3, availability = "avail",
        numerator_prob = 0.4, verbose = FALSE)))
    print_case("numerator", bquote(.(f)(data = numerator, id = "id", outcome = "y", treatment = "a", rand_prob = "prob",
        moderator_formula = ~z, control_formula = ~x, availability = "avail", numerator_prob = "ptilde",
        verbose = FALSE)), conf_level = 0.99)
}

# EMEE2's small-sample correction uses the unavailable rows (kernels/emee.h): the package data with the
# outcome flipped on its unavailable rows changes emee2's adjusted SE (and nothing of emee's).
flipped <- data_binary
flipped$Y[flipped$avail == 0] <- 1 - flipped$Y[flipped$avail == 0]
cat("// ---- outcome flipped on unavailable rows ----\n")
print_case("flipped, emee2 marginal", quote(emee2(data = flipped, id = "userid", outcome = "Y", treatment = "A",
    rand_prob = "rand_prob", moderator_formula = ~1, control_formula = ~ time_var1 + time_var2,
    availability = "avail", verbose = FALSE)))

