# Sample size and power: the Liao et al. (2016) formula with the arguments of MRTSampleSize
# (`mrtsim samplesize` / `mrtsim power`) and the Cohn et al. (2023) formula for binary outcomes
# with the arguments of MRTSampleSizeBinary (`... --outcome binary`).

#' Sample size and power of a micro-randomized trial (continuous outcome)
#'
#' The sample size formula of Liao et al. (2016) for the test of no proximal
#' treatment effect, with the arguments, conventions and numbers of
#' `calculateSampleSize()` and `calculatePower()` of the package
#' 'MRTSampleSize': the standardized effect and the expected availability are
#' constant, linear or quadratic over the days of the study; the effect has
#' p = 1, 2 or 3 parameters; the control part has `dimB` parameters; the
#' smallest sample size considered is 10. Computed by `mrtsim samplesize` and
#' `mrtsim power`.
#'
#' @param days The length of the study in days.
#' @param occ_per_day The number of decision points a day.
#' @param prob The randomization probability: one number, one per day or one
#'   per decision point.
#' @param beta_shape The shape of the standardized proximal effect over days:
#'   `"constant"`, `"linear"` or `"quadratic"`.
#' @param beta_mean The average standardized effect.
#' @param beta_initial The standardized effect on the first day (linear and
#'   quadratic shapes).
#' @param beta_quadratic_max The day of the largest effect (quadratic shape).
#' @param tau_shape The shape of the expected availability over days:
#'   `"constant"`, `"linear"` or `"quadratic"`.
#' @param tau_mean The average expected availability.
#' @param tau_initial The expected availability on the first day (linear and
#'   quadratic shapes).
#' @param tau_quadratic_max The day where the quadratic availability turns.
#' @param dimB The number of parameters of the control part.
#' @param power The power to attain.
#' @param sigLev The significance level.
#' @param dropout_per_day The share of participants leaving the study each day
#'   (not in 'MRTSampleSize'): on day k (0 on the first day) a share
#'   (1 - dropout_per_day)^k still takes part, and the formula's availability is
#'   multiplied by it (exact when leaving is independent of everything else).
#' @return `mrt_samplesize()`: the smallest number of participants reaching
#'   `power` (an error when none up to 1000 does). `mrt_power()`: the power for
#'   each of `sample_size`.
#' @references Liao, P., Klasnja, P., Tewari, A. and Murphy, S. A. (2016).
#'   Sample size calculations for micro-randomized trials in mHealth.
#'   Statistics in Medicine, 35(12), 1944-1971.
#' @examples
#' if (mrtsim_available()) {
#'   mrt_samplesize(
#'     days = 42, occ_per_day = 5, prob = 0.4, beta_shape = "quadratic",
#'     beta_mean = 0.1, beta_initial = 0, beta_quadratic_max = 29,
#'     tau_shape = "constant", tau_mean = 0.7, dimB = 3, power = 0.8,
#'     sigLev = 0.05
#'   )
#'   mrt_power(
#'     days = 42, occ_per_day = 5, prob = 0.4, beta_shape = "constant",
#'     beta_mean = 0.1, tau_shape = "constant", tau_mean = 0.7,
#'     sample_size = c(20, 30, 40)
#'   )
#' }
#' @export
mrt_samplesize <- function(days, occ_per_day, prob, beta_shape, beta_mean, beta_initial = NULL,
                           beta_quadratic_max = NULL, tau_shape, tau_mean, tau_initial = NULL,
                           tau_quadratic_max = NULL, dimB = 3, power = 0.8, sigLev = 0.05,
                           dropout_per_day = 0) {
  engine <- engine_for("mrt_samplesize()", "samplesize")
  design <- liao_design(days, occ_per_day, prob, beta_shape, beta_mean, beta_initial, beta_quadratic_max,
                        tau_shape, tau_mean, tau_initial, tau_quadratic_max, dimB, sigLev, dropout_per_day)
  on.exit(unlink(design$files))
  json <- mrtsim_json(engine, c("samplesize", design$args, "--power", cli_number(power)))
  as.integer(json[["n"]])
}

#' @rdname mrt_samplesize
#' @param sample_size The number(s) of participants.
#' @export
mrt_power <- function(days, occ_per_day, prob, beta_shape, beta_mean, beta_initial = NULL,
                      beta_quadratic_max = NULL, tau_shape, tau_mean, tau_initial = NULL,
                      tau_quadratic_max = NULL, dimB = 3, sample_size, sigLev = 0.05, dropout_per_day = 0) {
  engine <- engine_for("mrt_power()", "power")
  design <- liao_design(days, occ_per_day, prob, beta_shape, beta_mean, beta_initial, beta_quadratic_max,
                        tau_shape, tau_mean, tau_initial, tau_quadratic_max, dimB, sigLev, dropout_per_day)
  on.exit(unlink(design$files))
  if (length(sample_size) == 1) {
    return(mrtsim_json(engine, c("power", design$args, "--n", cli_number(sample_size)))[["power"]])
  }
  range <- paste0(cli_number(min(sample_size)), ":", cli_number(max(sample_size)))
  curve <- mrtsim_json(engine, c("power", design$args, "--n-range", range))[["curve"]]
  curve$power[match(sample_size, curve$n)]
}

# The design options shared by `mrtsim samplesize` and `mrtsim power`; an initial value is passed
# for linear and quadratic shapes and a turning day for quadratic ones, as MRTSampleSize uses them.
liao_design <- function(days, occ_per_day, prob, beta_shape, beta_mean, beta_initial, beta_quadratic_max,
                        tau_shape, tau_mean, tau_initial, tau_quadratic_max, dimB, sigLev, dropout_per_day) {
  beta_shape <- tolower(beta_shape)
  tau_shape <- tolower(tau_shape)
  args <- c("--days", cli_number(days), "--decisions-per-day", cli_number(occ_per_day),
            "--effect", beta_shape, "--effect-mean", cli_number(beta_mean),
            shape_options(beta_shape, beta_initial, beta_quadratic_max, "--effect-initial", "--effect-max-day"),
            "--availability", tau_shape, "--avail-mean", cli_number(tau_mean),
            shape_options(tau_shape, tau_initial, tau_quadratic_max, "--avail-initial", "--avail-change-day"),
            "--q", cli_number(dimB), "--alpha", cli_number(sigLev),
            if (dropout_per_day != 0) c("--dropout-per-day", cli_number(dropout_per_day)))
  if (length(prob) == 1) return(list(args = c(args, "--rand-prob", cli_number(prob)), files = character()))
  file <- tempfile("mrtsim-prob-", fileext = ".txt")
  writeLines(cli_number(prob), file)
  list(args = c(args, "--rand-prob-file", file), files = file)
}

shape_options <- function(shape, initial, turn, initial_option, turn_option) {
  c(if (shape %in% c("linear", "quadratic") && !is.null(initial)) c(initial_option, cli_number(initial)),
    if (shape == "quadratic" && !is.null(turn)) c(turn_option, cli_number(turn)))
}

#' Sample size and power of a micro-randomized trial (binary outcome)
#'
#' The sample size formula of Cohn et al. (2023) for the test of no marginal
#' excursion effect on a binary proximal outcome (log relative risk, as
#' estimated by [emee2()]), with the arguments, conventions and numbers of
#' `mrt_binary_ss()` and `mrt_binary_power()` of the package
#' 'MRTSampleSizeBinary'. Computed by `mrtsim samplesize --outcome binary` and
#' `mrtsim power --outcome binary`.
#'
#' @param avail_pattern The expected availability at each of the m decision
#'   points (a vector of length m, values in (0, 1]).
#' @param f_t An m x p matrix: under the alternative, the marginal excursion
#'   effect at decision point t is row t of `f_t` times `beta`.
#' @param g_t An m x q matrix: the log success probability without treatment at
#'   decision point t is row t of `g_t` times `alpha`.
#' @param beta The p effect coefficients.
#' @param alpha The q coefficients of the success probability without
#'   treatment.
#' @param p_t The randomization probability at each decision point (length m).
#' @param gamma The type I error.
#' @param b The type II error (the power is 1 - b).
#' @param exact Whether to return the sample size before rounding up.
#' @param less_than_10_possible Whether a sample size of 10 or less is returned
#'   (otherwise it is an error, as the formula is asymptotic).
#' @return `mrt_binary_ss()`: the sample size. `mrt_binary_power()`: the power
#'   for each of `n`.
#' @references Cohn, E. R., Qian, T. and Murphy, S. A. (2023). Sample size
#'   considerations for micro-randomized trials with binary proximal outcomes.
#'   Statistics in Medicine, 42(16), 2777-2796.
#' @examples
#' m <- 10
#' avail <- rep(0.8, m)
#' f <- cbind(1, 1:m)
#' g <- cbind(1, 1:m)
#' if (mrtsim_supports("samplesize", "--outcome")) {
#'   mrt_binary_ss(avail, f, g, beta = c(0.15, -0.01), alpha = c(-0.2, -0.1),
#'                 p_t = rep(0.4, m), gamma = 0.05, b = 0.2)
#'   mrt_binary_power(avail, f, g, beta = c(0.15, -0.01), alpha = c(-0.2, -0.1),
#'                    p_t = rep(0.4, m), gamma = 0.05, n = 250)
#' }
#' @export
mrt_binary_ss <- function(avail_pattern, f_t, g_t, beta, alpha, p_t, gamma, b, exact = FALSE,
                          less_than_10_possible = FALSE) {
  engine <- engine_for("mrt_binary_ss()", "samplesize", "--outcome")
  design <- binary_design(avail_pattern, f_t, g_t, beta, alpha, p_t, gamma)
  on.exit(unlink(design$files))
  args <- c("samplesize", design$args, "--power", cli_number(1 - b),
            if (exact) "--exact", if (less_than_10_possible) "--allow-n-below-10")
  json <- mrtsim_json(engine, args)
  as.numeric(if (exact) json[["n_exact"]] else json[["n"]])
}

#' @rdname mrt_binary_ss
#' @param n The number(s) of participants.
#' @export
mrt_binary_power <- function(avail_pattern, f_t, g_t, beta, alpha, p_t, gamma, n) {
  engine <- engine_for("mrt_binary_power()", "power", "--outcome")
  design <- binary_design(avail_pattern, f_t, g_t, beta, alpha, p_t, gamma)
  on.exit(unlink(design$files))
  if (any(n <= 10)) {
    warning("n <= 10 may result in inaccurate power calculation, because the sample size formula ",
            "is based on an asymptotic result.", call. = FALSE)
  }
  vapply(n, function(size) {
    args <- c("power", design$args, "--n", cli_number(size), if (size <= 10) "--allow-n-below-10")
    mrtsim_json(engine, args)[["power"]]
  }, numeric(1))
}

# The binary design as the engine reads it: CSV files (with a header row) for the per-decision
# vectors and the f_t and g_t matrices, and the coefficients in the --option=value form (they
# are often negative).
binary_design <- function(avail_pattern, f_t, g_t, beta, alpha, p_t, gamma) {
  if (!is.matrix(f_t) || !is.matrix(g_t)) stop("f_t and g_t should be matrices", call. = FALSE)
  tables <- list(`--avail-file` = matrix(avail_pattern, dimnames = list(NULL, "avail")),
                 `--rand-prob-file` = matrix(p_t, dimnames = list(NULL, "rand_prob")),
                 `--f-file` = f_t, `--g-file` = g_t)
  files <- character()
  args <- c("--outcome", "binary")
  for (option in names(tables)) {
    file <- tempfile("mrtsim-binary-", fileext = ".csv")
    write_matrix_csv(tables[[option]], file, sub("^--(.).*", "\\1", option))
    files <- c(files, file)
    args <- c(args, option, file)
  }
  args <- c(args, paste0("--beta=", paste(cli_number(beta), collapse = ",")),
            paste0("--alpha-coef=", paste(cli_number(alpha), collapse = ",")),
            "--type1", cli_number(gamma))
  list(args = args, files = files)
}

write_matrix_csv <- function(x, file, prefix) {
  header <- colnames(x)
  if (is.null(header)) header <- paste0(prefix, seq_len(ncol(x)))
  rows <- apply(matrix(cli_number(x), nrow(x)), 1, paste, collapse = ",")
  writeLines(c(paste(csv_quote(header), collapse = ","), rows), file)
}
