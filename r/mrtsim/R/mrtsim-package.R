#' mrtsim: micro-randomized trials with the mrtsim engine
#'
#' The package calls the `mrtsim` executable (see [mrtsim_path()]) for
#'
#' * analyses of trial data with the arguments and numbers of 'MRTAnalysis':
#'   [wcls()], [emee()], [emee2()], [dcee()] and their [summary()][summary.mrtsim_wcls()],
#'   and a permutation check, [mrt_permute()];
#' * sample sizes: [mrt_samplesize()] and [mrt_power()] (continuous outcomes,
#'   'MRTSampleSize'), [mrt_binary_ss()] and [mrt_binary_power()] (binary
#'   outcomes, 'MRTSampleSizeBinary');
#' * simulation studies of trial designs: [run_study()] and [read_study()].
#'
#' `vignette("mrtsim")` walks from the sample size formula to a simulation study
#' of the design.
#'
#' @keywords internal
"_PACKAGE"
