# wcls(), emee(), emee2() and dcee(): the analyses of MRTAnalysis with its arguments, computed by
# `mrtsim wcls`, `mrtsim emee` and `mrtsim dcee`.

#' Causal excursion effects of a micro-randomized trial
#'
#' These functions take the arguments of the functions of the same names in
#' the package 'MRTAnalysis' (version 0.3.1) and give the same estimates,
#' standard errors, confidence intervals and p-values, computed by the
#' `mrtsim` executable:
#'
#' * `wcls()`: weighted and centred least squares for a continuous proximal
#'   outcome (Boruvka et al. 2018), with the Mancl-DeRouen small-sample
#'   correction when at most 50 subjects have available decision points.
#' * `emee()` and `emee2()`: the estimator of the marginal excursion effect on
#'   the log relative risk scale for a binary proximal outcome (Qian et al.
#'   2021); `emee2()` also centres the treatment in the residual.
#' * `dcee()`: the distal causal excursion effect for a continuous distal
#'   outcome (Qian 2025), with linear nuisance models per arm (`"lm"`) or none
#'   (`"set_to_zero"`).
#'
#' The data are long format, one row per subject and decision point, with each
#' subject's rows together. The formulas are expanded with [model.matrix()],
#' so transformations, factors and interactions can be used; an intercept is
#' always included. As in 'MRTAnalysis', every moderator of `wcls()` that is
#' not among the controls is added as a control.
#'
#' Differences from 'MRTAnalysis': `dcee()` offers only the learners of the
#' engine (`"lm"` and `"set_to_zero"`; the default is `"lm"`, not `"gam"`), and
#' its cross-fitting folds are drawn by the engine from a seed taken from R's
#' random number generator, so they differ from those of 'MRTAnalysis' (but
#' [set.seed()] makes them reproducible); `emee()` has no `start` argument.
#'
#' @param data A data.frame in long format.
#' @param id,outcome,treatment Names of the subject id, outcome and treatment
#'   (0/1) columns. For `dcee()` the outcome is the distal outcome, repeated on
#'   every row of a subject.
#' @param rand_prob The randomization probability: one number or the name of a
#'   column.
#' @param moderator_formula A one-sided formula of the moderators, e.g. `~ 1`
#'   for the fully marginal effect or `~ x1 + x2`.
#' @param control_formula A one-sided formula of the control variables, e.g.
#'   `~ 1` or `~ x1 + x2`.
#' @param availability The name of the availability column (0/1), or `NULL` when
#'   every decision point is available.
#' @param numerator_prob The numerator probability: `NULL` (0.5, as in
#'   'MRTAnalysis'), one number or the name of a column.
#' @param verbose When `FALSE`, notes of the engine are not shown (warnings
#'   always are).
#' @return An object of class `mrtsim_wcls`, `mrtsim_emee` or `mrtsim_dcee`
#'   (all also `mrtsim_fit`), with [summary()], [coef()] and [vcov()] methods.
#'   Its elements include `call`, `effect` and `control` (data.frames of the
#'   engine's estimates with `term`, `estimate`, `se`, `lcl`, `ucl`, `p_value`),
#'   `variance` (of the effect coefficients, when the engine reports it), `df`
#'   and `engine` (the engine's whole JSON answer).
#' @seealso [summary.mrtsim_wcls()], [mrt_permute()] for a permutation check.
#' @references Boruvka, A., Almirall, D., Witkiewitz, K. and Murphy, S. A.
#'   (2018). Assessing time-varying causal effect moderation in mobile health.
#'   Journal of the American Statistical Association, 113(523), 1112-1121.
#'
#'   Qian, T., Yoo, H., Klasnja, P., Almirall, D. and Murphy, S. A. (2021).
#'   Estimating time-varying causal excursion effects in mobile health with
#'   binary outcomes. Biometrika, 108(3), 507-527.
#'
#'   Qian, T. (2025). Distal causal excursion effects: modeling long-term
#'   effects of time-varying treatments in micro-randomized trials.
#'   arXiv:2502.13500.
#' @examples
#' if (mrtsim_available()) {
#'   fit <- wcls(
#'     data = data_mimicHeartSteps, id = "userid", outcome = "logstep_30min",
#'     treatment = "intervention", rand_prob = 0.6, moderator_formula = ~1,
#'     control_formula = ~logstep_pre30min, availability = "avail",
#'     numerator_prob = 0.6
#'   )
#'   summary(fit)
#' }
#' @export
wcls <- function(data, id, outcome, treatment, rand_prob, moderator_formula, control_formula,
                 availability = NULL, numerator_prob = NULL, verbose = TRUE) {
  engine <- engine_for("wcls()", "wcls")
  input <- engine_data(data, id, outcome, treatment, rand_prob, availability, numerator_prob,
                       moderator_formula, control_formula)
  on.exit(unlink(input$file))
  json <- mrtsim_json(engine, c("wcls", input$args), quiet = !verbose)
  new_fit("mrtsim_wcls", match.call(), json, input$terms)
}

#' @rdname wcls
#' @examples
#' if (mrtsim_supports("emee")) {
#'   fit <- emee(
#'     data = data_binary, id = "userid", outcome = "Y", treatment = "A",
#'     rand_prob = "rand_prob", moderator_formula = ~1,
#'     control_formula = ~ time_var1 + time_var2, availability = "avail"
#'   )
#'   summary(fit)
#' }
#' @export
emee <- function(data, id, outcome, treatment, rand_prob, moderator_formula, control_formula,
                 availability = NULL, numerator_prob = NULL, verbose = TRUE) {
  fit_emee("emee", match.call(), data, id, outcome, treatment, rand_prob, moderator_formula,
           control_formula, availability, numerator_prob, verbose)
}

#' @rdname wcls
#' @export
emee2 <- function(data, id, outcome, treatment, rand_prob, moderator_formula, control_formula,
                  availability = NULL, numerator_prob = NULL, verbose = TRUE) {
  fit_emee("emee2", match.call(), data, id, outcome, treatment, rand_prob, moderator_formula,
           control_formula, availability, numerator_prob, verbose)
}

fit_emee <- function(variant, call, data, id, outcome, treatment, rand_prob, moderator_formula,
                     control_formula, availability, numerator_prob, verbose) {
  engine <- engine_for(paste0(variant, "()"), "emee")
  input <- engine_data(data, id, outcome, treatment, rand_prob, availability, numerator_prob,
                       moderator_formula, control_formula)
  on.exit(unlink(input$file))
  json <- mrtsim_json(engine, c("emee", input$args, "--variant", variant), quiet = !verbose)
  new_fit("mrtsim_emee", call, json, input$terms)
}

#' @rdname wcls
#' @param control_reg_method The nuisance learner of `dcee()`: `"lm"` (a linear
#'   model per treatment arm), `"set_to_zero"` (no nuisance model), `"gam"` or
#'   `"rf"` (the engine's mgcv-compatible GAM and random forest, with their
#'   defaults; the control formula's columns enter them as they are: smooth
#'   terms `s()` are written on the command line, `mrtsim dcee --controls`). The
#'   other learners of 'MRTAnalysis' are passed to the engine, which names the
#'   ones it offers.
#' @param cross_fit Whether `dcee()` cross-fits the nuisance models.
#' @param cf_fold The number of cross-fitting folds (at most the number of
#'   subjects).
#' @param weighting_function The weight of each decision point in `dcee()`:
#'   `NULL` (1 / the mean number of decision points per subject), one number or
#'   the name of a column.
#' @param ... Not used; learner options of 'MRTAnalysis' are not available.
#' @examples
#' if (mrtsim_available()) {
#'   fit <- dcee(
#'     data = data_distal_continuous, id = "userid", outcome = "Y",
#'     treatment = "A", rand_prob = "prob_A", moderator_formula = ~Z,
#'     control_formula = ~ X + Z, availability = "avail",
#'     control_reg_method = "lm"
#'   )
#'   summary(fit)
#' }
#' @export
dcee <- function(data, id, outcome, treatment, rand_prob, moderator_formula, control_formula,
                 availability = NULL,
                 control_reg_method = c("lm", "set_to_zero", "gam", "rf", "ranger", "sl",
                                        "sl.user-specified-library"),
                 cross_fit = FALSE, cf_fold = 10, weighting_function = NULL, verbose = TRUE, ...) {
  if (...length()) {
    stop("dcee(): mrtsim takes no learner options (arguments in ...).", call. = FALSE)
  }
  control_reg_method <- match.arg(control_reg_method)
  engine <- engine_for("dcee()", "dcee")
  input <- engine_data(data, id, outcome, treatment, rand_prob, availability, NULL,
                       moderator_formula, control_formula, weight = weighting_function)
  on.exit(unlink(input$file))
  args <- c("dcee", input$args, "--learner", control_reg_method)
  if (isTRUE(cross_fit)) {
    folds <- min(as.integer(cf_fold), length(unique(data[[id]])))
    args <- c(args, "--cross-fit", folds, "--seed", sample.int(.Machine$integer.max, 1L))
  }
  json <- mrtsim_json(engine, args, quiet = !verbose)
  new_fit("mrtsim_dcee", match.call(), json, input$terms)
}

new_fit <- function(class, call, json, terms) {
  effect <- coefficient_frame(json[["effect"]], terms)
  variance <- json[["variance"]]
  if (!is.null(variance)) {
    variance <- matrix(as.numeric(variance), nrow(effect), dimnames = list(effect$term, effect$term))
  }
  structure(
    list(call = call, effect = effect, control = coefficient_frame(json[["control"]], terms),
         variance = variance, df = as.integer(json[["df"]]),
         small_sample_correction = isTRUE(json[["small_sample_correction"]]), engine = json),
    class = c(class, "mrtsim_fit")
  )
}

coefficient_frame <- function(rows, terms) {
  if (is.null(rows) || length(rows) == 0) return(NULL)
  rows <- as.data.frame(rows, stringsAsFactors = FALSE)
  rows$term <- unname(r_terms(rows$term, terms))
  rows
}

#' @export
coef.mrtsim_fit <- function(object, ...) {
  stats::setNames(object$effect$estimate, object$effect$term)
}

#' @export
vcov.mrtsim_fit <- function(object, ...) {
  if (is.null(object$variance)) {
    stop("this mrtsim does not report the variance matrix of the effect coefficients; update mrtsim.",
         call. = FALSE)
  }
  object$variance
}

#' @export
print.mrtsim_fit <- function(x, ...) {
  cat("\nCall:\n")
  print(x$call)
  cat("\nCausal excursion effect (", x$df, " df); see summary() for intervals and p-values:\n", sep = "")
  print(stats::coef(x), ...)
  invisible(x)
}
