#' Permutation check of a causal excursion effect analysis
#'
#' Refits the analysis of [wcls()] (or [emee()]) on many copies of the data
#' whose treatments are reshuffled, and compares the analytic p-values with
#' permutation p-values (1 + number of reshuffled statistics at least as large
#' as the observed one) / (1 + number of reshuffles). With `scheme = "permute"`
#' each subject's treatments are shuffled among its available decision points;
#' with `"rerandomize"` they are drawn again from the randomization
#' probabilities. Computed by `mrtsim permute`.
#'
#' @inheritParams wcls
#' @param reshuffles The number of reshuffled data sets.
#' @param scheme `"permute"` or `"rerandomize"`.
#' @param seed The seed of the reshuffles (a non-negative integer); by default
#'   drawn from R's random number generator, so [set.seed()] makes the result
#'   reproducible.
#' @param alpha The level at which the analytic tests are counted as
#'   significant.
#' @param threads The number of CPU threads (default: all cores). The result
#'   does not depend on it.
#' @param estimator `"wcls"` or `"emee"` (binary outcomes; needs an engine with
#'   `mrtsim permute --estimator`).
#' @param backend Where the WCLS reshuffles are fitted: `"auto"` (a GPU when
#'   there is one), `"cpu"` or `"cuda"`; `NULL` leaves the engine's default
#'   (`"auto"`; needs an engine with `mrtsim permute --backend` otherwise).
#'   The result does not depend on it. EMEE reshuffles run on the CPU.
#' @return An object of class `mrtsim_permutation`: a list with `effect` (a
#'   data.frame with, per effect coefficient, `term`, `estimate`, `statistic`,
#'   `p_value`, `p_value_permutation`, `significant_share` (the share of
#'   reshuffles the analytic test finds significant) and quantiles of the
#'   reshuffled estimates), `joint` (the same for the joint test of all effect
#'   coefficients), `observed` (the analysis of the data, as [wcls()] returns
#'   it), and the settings.
#' @examples
#' if (mrtsim_available()) {
#'   set.seed(1)
#'   mrt_permute(
#'     data = data_mimicHeartSteps, id = "userid", outcome = "logstep_30min",
#'     treatment = "intervention", rand_prob = 0.6, moderator_formula = ~1,
#'     control_formula = ~logstep_pre30min, availability = "avail",
#'     numerator_prob = 0.6, reshuffles = 200, threads = 1
#'   )
#' }
#' @export
mrt_permute <- function(data, id, outcome, treatment, rand_prob, moderator_formula, control_formula,
                        availability = NULL, numerator_prob = NULL, reshuffles = 1000,
                        scheme = c("permute", "rerandomize"), seed = NULL, alpha = 0.05,
                        threads = NULL, estimator = c("wcls", "emee"), backend = NULL) {
  scheme <- match.arg(scheme)
  estimator <- match.arg(estimator)
  if (!is.null(backend)) backend <- match.arg(backend, c("auto", "cpu", "cuda"))
  if (is.null(seed)) seed <- sample.int(.Machine$integer.max, 1L)
  engine <- engine_for("mrt_permute()", "permute",
                       c(if (estimator != "wcls") "--estimator", if (!is.null(backend)) "--backend"))
  input <- engine_data(data, id, outcome, treatment, rand_prob, availability, numerator_prob,
                       moderator_formula, control_formula)
  on.exit(unlink(input$file))
  args <- c("permute", input$args, "--reshuffles", format(reshuffles, scientific = FALSE),
            "--scheme", scheme, "--seed", format(seed, scientific = FALSE), "--alpha", cli_number(alpha))
  if (estimator != "wcls") args <- c(args, "--estimator", estimator)
  if (!is.null(threads)) args <- c(args, "--threads", threads)
  if (!is.null(backend)) args <- c(args, "--backend", backend)
  json <- mrtsim_json(engine, args)
  effect <- json[["effect"]]
  effect <- cbind(effect[setdiff(names(effect), "quantiles")], effect[["quantiles"]])
  effect$term <- unname(r_terms(effect$term, input$terms))
  observed <- new_fit(paste0("mrtsim_", estimator), match.call(), json[["observed"]], input$terms)
  settings <- c("reshuffles", "completed_reshuffles", "failed_reshuffles", "scheme", "seed", "alpha")
  structure(c(list(effect = effect, joint = json[["joint"]], observed = observed), json[settings]),
            class = "mrtsim_permutation")
}

#' @export
print.mrtsim_permutation <- function(x, digits = max(3L, getOption("digits") - 3L), ...) {
  cat("Permutation check (", x$scheme, ", seed ", x$seed, "): ", x$completed_reshuffles, " of ",
      x$reshuffles, " reshuffles completed\n\n", sep = "")
  table <- x$effect[setdiff(names(x$effect), "term")]
  rownames(table) <- x$effect$term
  print(table, digits = digits)
  if (!is.null(x$joint)) {
    cat("\nJoint test of all effect coefficients: statistic ", format(x$joint$statistic, digits = digits),
        ", p-value ", format(x$joint$p_value, digits = digits), ", permutation p-value ",
        format(x$joint$p_value_permutation, digits = digits), "\n", sep = "")
  }
  invisible(x)
}
