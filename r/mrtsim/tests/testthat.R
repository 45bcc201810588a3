library(testthat)
library(mrtsim)

test_check("mrtsim")
