#' Example micro-randomized trial data sets
#'
#' The three synthetic example data sets of the package 'MRTAnalysis' (version
#' 0.3.1, GPL-3), in long format with one row per subject and decision point and
#' each subject's rows together.
#'
#' * `data_mimicHeartSteps`: 37 subjects x 210 decision points (5 a day for 42
#'   days), shaped like the HeartSteps V1 study; a continuous proximal outcome,
#'   for [wcls()]. Columns: `userid`, `decision_point`, `day_in_study`,
#'   `logstep_30min` (log step count in the 30 minutes after the decision point,
#'   the outcome), `logstep_30min_lag1` (the same at the previous decision
#'   point), `logstep_pre30min` (log step count in the 30 minutes before),
#'   `is_at_home_or_work` (0/1), `intervention` (the treatment, 0/1),
#'   `rand_prob` (0.6) and `avail` (availability, 0/1).
#' * `data_binary`: 100 subjects x 30 decision points with a binary proximal
#'   outcome, for [emee()]. Columns: `userid`, `time`, `time_var1` (time / 30),
#'   `time_var2` (1 in the second half of the study), `Y` (the outcome, 0/1),
#'   `A` (the treatment), `avail` and `rand_prob`.
#' * `data_distal_continuous`: 50 subjects x 30 decision points with a
#'   continuous distal outcome, for [dcee()]. Columns: `userid`, `dp` (decision
#'   point), `X` (continuous covariate), `Z` (binary covariate), `avail`, `A`
#'   (the treatment), `prob_A` (randomization probability), `A_lag1` (previous
#'   treatment) and `Y` (the distal outcome, the same on every row of a
#'   subject).
#'
#' @format data.frames.
#' @source The package 'MRTAnalysis' 0.3.1 by Tianchen Qian, Shaolin Xiang and
#'   Zhaoxi Cheng (GPL-3), unchanged.
#' @name mrt_example_data
#' @aliases data_mimicHeartSteps data_binary data_distal_continuous
#' @keywords datasets
NULL
