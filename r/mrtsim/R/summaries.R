# summary() of the fits, returning and printing what the summary() methods of MRTAnalysis 0.3.1
# return and print. Intervals and p-values are recomputed here from the engine's estimates,
# standard errors and degrees of freedom, so that any `conf_level` and `lincomb` can be asked
# for without running the engine again.

#' Summaries of causal excursion effect fits
#'
#' The summaries of 'MRTAnalysis': a table of the effect coefficients (and of
#' linear combinations of them) with confidence intervals, standard errors,
#' test statistics, degrees of freedom and p-values. The tables have the
#' columns, row names and layout of 'MRTAnalysis', so they print the same way.
#'
#' * `wcls()` fits: t intervals and tests with n - (number of coefficients)
#'   degrees of freedom, n the number of subjects with available decision
#'   points; the statistic column is labelled "Hotelling" when the small-sample
#'   correction was applied (n <= 50) and "Wald" otherwise, as in 'MRTAnalysis'.
#' * `emee()` fits: t intervals with n - p - q degrees of freedom.
#' * `dcee()` fits: t intervals with n - p degrees of freedom.
#'
#' Where 'MRTAnalysis' differs, this package follows the textbook rule:
#' `conf_level` is honoured for `wcls()` fits too (the package always uses
#' 0.95), a linear combination of `wcls()` coefficients gets a t interval with
#' one numerator degree of freedom (the package counts its nonzero entries),
#' and p-values smaller than about 1e-16 are reported rather than rounded to 0.
#'
#' @param object A fit of [wcls()], [emee()], [emee2()] or [dcee()].
#' @param lincomb A vector of length p (the number of effect coefficients,
#'   intercept included) or a matrix with p columns: linear combinations of the
#'   effect coefficients to add to the table. Needs an engine that reports the
#'   variance matrix of the coefficients.
#' @param conf_level The confidence level of the intervals.
#' @param show_control_fit Whether to include the coefficients of the control
#'   variables (`wcls()` and `emee()` fits; their interpretation is not
#'   recommended).
#' @param ... Not used.
#' @return For `wcls()` and `emee()` fits, a list with `call`,
#'   `causal_excursion_effect` (a matrix) and, with `show_control_fit`,
#'   `control_variables`. For `dcee()` fits, an object of class
#'   `summary.mrtsim_dcee` with `call`, `df`, `conf_level`, `excursion_effect`
#'   and `lincomb` (data.frames), which prints as 'MRTAnalysis' prints it.
#' @examples
#' if (mrtsim_available()) {
#'   fit <- wcls(
#'     data = data_mimicHeartSteps, id = "userid", outcome = "logstep_30min",
#'     treatment = "intervention", rand_prob = 0.6,
#'     moderator_formula = ~logstep_pre30min,
#'     control_formula = ~logstep_pre30min, availability = "avail",
#'     numerator_prob = 0.6
#'   )
#'   summary(fit, conf_level = 0.9)
#' }
#' @export
summary.mrtsim_wcls <- function(object, lincomb = NULL, conf_level = 0.95, show_control_fit = FALSE,
                                ...) {
  proximal_summary(object, lincomb, conf_level, show_control_fit, wcls_table)
}

#' @rdname summary.mrtsim_wcls
#' @export
summary.mrtsim_emee <- function(object, lincomb = NULL, conf_level = 0.95, show_control_fit = FALSE,
                                ...) {
  proximal_summary(object, lincomb, conf_level, show_control_fit, emee_table)
}

proximal_summary <- function(object, lincomb, conf_level, show_control_fit, table) {
  rows <- with_lincomb(object, proximal_lincomb(lincomb, nrow(object$effect)), proximal_lincomb_name)
  result <- list(call = object$call,
                 causal_excursion_effect = table(rows, object, conf_level))
  if (show_control_fit) {
    control <- list(estimate = object$control$estimate, se = object$control$se,
                    names = object$control$term)
    result$control_variables <- table(control, object, conf_level)
    message("Interpreting the fitted coefficients for control variables is not recommended.")
  }
  result
}

t_critical <- function(conf_level, df) stats::qt(1 - (1 - conf_level) / 2, df)

interval_names <- function(conf_level) paste0(round(conf_level * 100), "% ", c("LCL", "UCL"))

wcls_table <- function(rows, object, conf_level) {
  crit <- t_critical(conf_level, object$df)
  t <- rows$estimate / rows$se
  table <- cbind(rows$estimate, rows$estimate - crit * rows$se, rows$estimate + crit * rows$se, rows$se,
                 t^2, 1, object$df, 2 * stats::pt(-abs(t), object$df))
  statistic <- if (object$small_sample_correction) "Hotelling" else "Wald"
  dimnames(table) <- list(rows$names, c("Estimate", interval_names(conf_level), "StdErr", statistic,
                                        "df1", "df2", "p-value"))
  table
}

emee_table <- function(rows, object, conf_level) {
  crit <- t_critical(conf_level, object$df)
  t <- rows$estimate / rows$se
  table <- cbind(rows$estimate, rows$estimate - crit * rows$se, rows$estimate + crit * rows$se, rows$se,
                 t, object$df, 2 * stats::pt(-abs(t), object$df))
  dimnames(table) <- list(rows$names, c("Estimate", interval_names(conf_level), "StdErr", "t_value",
                                        "df", "p-value"))
  table
}

# The effect coefficients followed by the rows of the matrix `lincomb` (L beta, sqrt(diag(L V L'))),
# named by name_of(row, terms).
with_lincomb <- function(object, lincomb, name_of) {
  rows <- list(estimate = object$effect$estimate, se = object$effect$se, names = object$effect$term)
  if (is.null(lincomb)) return(rows)
  variance <- stats::vcov(object)
  rows$estimate <- c(rows$estimate, as.vector(lincomb %*% object$effect$estimate))
  rows$se <- c(rows$se, sqrt(diag(lincomb %*% variance %*% t(lincomb))))
  rows$names <- c(rows$names, name_of(lincomb, object$effect$term))
  rows
}

# MRTAnalysis's wcls/emee rule: a vector of length p or a matrix with p columns.
proximal_lincomb <- function(lincomb, p) {
  if (is.null(lincomb)) return(NULL)
  if (!is.numeric(lincomb)) stop("`lincomb` must be numeric.", call. = FALSE)
  if (is.matrix(lincomb) && ncol(lincomb) == p) return(lincomb)
  if (!is.matrix(lincomb) && length(lincomb) == p) return(matrix(lincomb, nrow = 1))
  stop("`lincomb` must be a vector of length ", p, " or a matrix with ", p,
       " columns (p = the number of moderators, intercept included).", call. = FALSE)
}

# Row names as MRTAnalysis writes them: "a + b", "a - 2*b", "-a", "- 2*a + b".
proximal_lincomb_name <- function(lincomb, terms) {
  apply(lincomb, 1, function(row) {
    name <- ""
    for (k in which(row != 0)) {
      size <- abs(row[k])
      term <- if (size == 1) terms[k] else paste0(size, "*", terms[k])
      if (!nzchar(name)) {
        name <- if (row[k] > 0) term else if (size == 1) paste0("-", term) else paste0("- ", term)
      } else {
        name <- paste(name, if (row[k] > 0) "+" else "-", term)
      }
    }
    name
  })
}

#' @rdname summary.mrtsim_wcls
#' @export
summary.mrtsim_dcee <- function(object, lincomb = NULL, conf_level = 0.95, show_control_fit = FALSE,
                                ...) {
  terms <- sub("^\\(Intercept\\)$", "Intercept", object$effect$term)
  df <- if (is.finite(object$df) && object$df > 0) object$df else NA_integer_
  result <- list(
    call = object$call, df = df, conf_level = conf_level,
    excursion_effect = dcee_table(object$effect$estimate, object$effect$se, terms, df, conf_level),
    lincomb = NULL
  )
  if (!is.null(lincomb)) {
    lincomb <- dcee_lincomb(lincomb, length(terms))
    variance <- stats::vcov(object)
    result$lincomb <- dcee_table(as.vector(lincomb %*% object$effect$estimate),
                                 sqrt(diag(lincomb %*% variance %*% t(lincomb))), rownames(lincomb), df,
                                 conf_level)
  }
  if (show_control_fit) message("mrtsim does not return the nuisance (stage-1) model fits.")
  structure(result, class = "summary.mrtsim_dcee")
}

dcee_table <- function(estimate, se, names, df, conf_level) {
  t <- estimate / se
  normal <- is.na(df)
  crit <- if (normal) stats::qnorm(1 - (1 - conf_level) / 2) else t_critical(conf_level, df)
  p <- if (normal) 2 * stats::pnorm(-abs(t)) else 2 * stats::pt(-abs(t), df)
  table <- data.frame(Estimate = estimate, `Std. Error` = se, `t value` = t, df = rep_len(df, length(t)),
                      `Pr(>|t value|)` = p, check.names = FALSE)
  table[[sprintf("%g%% LCL", 100 * conf_level)]] <- estimate - crit * se
  table[[sprintf("%g%% UCL", 100 * conf_level)]] <- estimate + crit * se
  rownames(table) <- names
  table
}

# MRTAnalysis's dcee rule: a vector of length p, or a matrix with p columns (or p rows); rows are
# named "L1", "L2", ... unless named, a named vector "L: <its nonzero names>".
dcee_lincomb <- function(lincomb, p) {
  if (!is.numeric(lincomb)) stop("`lincomb` must be a numeric vector or matrix.", call. = FALSE)
  if (!is.matrix(lincomb)) {
    if (length(lincomb) != p) stop("`lincomb` vector must have length ", p, ".", call. = FALSE)
    name <- if (is.null(names(lincomb))) "L1" else paste0("L: ", paste(names(lincomb)[lincomb != 0], collapse = " + "))
    return(matrix(lincomb, nrow = 1, dimnames = list(name, NULL)))
  }
  if (ncol(lincomb) != p) {
    if (nrow(lincomb) != p) stop("`lincomb` matrix must have ", p, " columns.", call. = FALSE)
    lincomb <- t(lincomb)
  }
  if (is.null(rownames(lincomb))) rownames(lincomb) <- paste0("L", seq_len(nrow(lincomb)))
  lincomb
}

#' @export
print.summary.mrtsim_dcee <- function(x, ...) {
  cat("\nCall:\n")
  print(x$call)
  if (is.na(x$df)) {
    cat("\nInference: large-sample normal (z); df not available/positive.\n")
  } else {
    cat(sprintf("\nInference: small-sample t; df = %d\n", x$df))
  }
  cat(sprintf("Confidence level: %g%%\n", 100 * x$conf_level))
  cat("\nDistal causal excursion effect (beta):\n")
  print_dcee_table(x$excursion_effect)
  if (!is.null(x$lincomb)) {
    cat("\nLinear combinations (L * beta):\n")
    print_dcee_table(x$lincomb)
  }
  invisible(x)
}

print_dcee_table <- function(table) {
  names <- colnames(table)
  order <- c("Estimate", grep(" LCL$", names, value = TRUE), grep(" UCL$", names, value = TRUE),
             "Std. Error", "t value", "df", "Pr(>|t value|)")
  stats::printCoefmat(as.matrix(table[, order, drop = FALSE]), P.values = TRUE, has.Pvalue = TRUE)
}
