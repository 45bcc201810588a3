# Reference predictions for tests/test_random_forest.cc: ranger's DCEE nuisance regressions
# Y ~ X + Z fitted per arm (docs/estimators.md §2.3) with ranger's defaults (500 trees, mtry 1,
# min.node.size 5, bootstrap), predicted on every row of tests/data/data_distal_continuous.csv.
# Also prints the yardstick the test's bounds come from: ranger against itself with another seed.
# Run from the repository root: Rscript tests/data/random_forest/ranger_distal_continuous.R
# (R 4.2.2, ranger 0.14.1).
library(ranger)
d <- read.csv("tests/data/data_distal_continuous.csv")
sd_y <- sd(d$Y[!duplicated(d$userid)])
fit_arm <- function(a, seed) {
  forest <- ranger(Y ~ X + Z, data = d[d$A == a, ], seed = seed, num.threads = 1)
  predict(forest, data = d, num.threads = 1)$predictions
}
out <- data.frame(mu0 = fit_arm(0, 2025), mu1 = fit_arm(1, 2025))
write.csv(data.frame(lapply(out, sprintf, fmt = "%.17g")), "tests/data/random_forest/ranger_distal_continuous.csv",
          row.names = FALSE, quote = FALSE)
for (a in 0:1) {
  other <- fit_arm(a, 7)
  ref <- out[[paste0("mu", a)]]
  cat(sprintf("arm %d: ranger seed 7 vs 2025: correlation %.4f, mean |difference| / SD(Y) %.4f\n",
              a, cor(other, ref), mean(abs(other - ref)) / sd_y))
}
