// Uses mrtsim's C++ API: a WCLS fit of a data set and a small simulation study.
// Usage: consumer DATA.csv STUDY.yaml
#include <cstdio>
#include <exception>

#include <mrtsim/mrtsim.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DATA.csv STUDY.yaml\n", argv[0]);
    return 2;
  }
  try {
    std::printf("mrtsim %s\n", mrtsim::api::version().c_str());

    // MRTAnalysis's wcls example on its HeartSteps-like data.
    mrtsim::api::WclsRequest fit;
    fit.data_file = argv[1];
    fit.id = "userid";
    fit.outcome = "logstep_30min";
    fit.treatment = "intervention";
    fit.rand_prob = "0.6";
    fit.numerator_prob = "0.6";
    fit.availability = "avail";
    fit.controls = {"logstep_pre30min"};
    const mrtsim::api::WclsResult wcls = mrtsim::api::fit_wcls(fit);
    for (const mrtsim::api::Coefficient& c : wcls.effect)
      std::printf("wcls effect %s: estimate %.7f se %.8f p %.8f df %d\n", c.term.c_str(), c.estimate, c.se, c.p_value,
                  wcls.df);

    mrtsim::api::StudyRequest study;
    study.study_file = argv[2];
    study.replicates = 50;
    study.threads = 2;
    const mrtsim::api::StudySummary summary = mrtsim::api::run_study(study);
    for (const mrtsim::api::CellSummary& cell : summary.cells)
      std::printf("study %s cell %d %s: N %d, rejection rate %.3f (MC SE %.3f) over %lld replicates\n",
                  summary.name.c_str(), cell.scenario, cell.hypothesis.c_str(), cell.sample_size, cell.rejection_rate,
                  cell.rejection_mc_se, cell.replicates);

    // Bad input is an mrtsim::api::Error that names what is wrong.
    fit.outcome = "no_such_column";
    try {
      mrtsim::api::fit_wcls(fit);
    } catch (const mrtsim::api::Error& e) {
      std::printf("error as expected: %s\n", e.what());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "consumer: %s\n", e.what());
    return 1;
  }
  return 0;
}
