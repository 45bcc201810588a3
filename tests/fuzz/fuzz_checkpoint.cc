// libFuzzer harness of the checkpoint reader (host/io/checkpoint_store): the input is one checkpoint
// log of a small fixed study (two cells of 10 replicates in units of 3). Every input must give the
// log's records or a UserError naming the damage; any other exception, crash or sanitizer report is
// a bug. With MRTSIM_FUZZ_WRITE_SEEDS=DIR the harness instead writes sound logs of that study into
// DIR (the committed seed corpus tests/fuzz/checkpoint/ was made so) and exits.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/user_error.h"
#include "host/config/study_config.h"
#include "host/engine/study_runner.h"
#include "host/io/checkpoint_store.h"

namespace {

const char* const kStudy = R"(study: {name: fuzz, seed: 3, replicates: 10, replicates_per_unit: 3}
model:
  type: liao2016
  days: 2
  decisions_per_day: 3
  rand_prob: 0.4
  availability: {shape: constant, mean: 0.8}
  effect: {shape: constant, mean: 0.1}
  error: {type: normal}
sample_size: 20
analysis: {controls: [day], moderators: []}
)";

struct Fixture {
  std::unique_ptr<mrtsim::StudyPlan> plan;
  mrtsim::RunIdentity identity;
};

Fixture& fixture() {
  static Fixture f = [] {
    Fixture made;
    made.plan = std::make_unique<mrtsim::StudyPlan>(mrtsim::parse_study(kStudy, "fuzz.yaml"));
    // A fixed engine name: the real one hashes the sources, which would age the corpus with every edit.
    made.identity = made.plan->identity();
    made.identity.engine_version = "mrtsim fuzz";
    return made;
  }();
  return f;
}

// Sound logs: a header alone, then with the records of the first 1, 3 and all units.
void write_seeds(const std::string& dir) {
  const Fixture& f = fixture();
  for (size_t records : {size_t{0}, size_t{1}, size_t{3}, f.plan->units().size()}) {
    const std::string run = dir + "/run" + std::to_string(records);
    std::filesystem::remove_all(run);
    mrtsim::CheckpointWriter writer(run, 0, f.identity, mrtsim::ShardSpec{});
    std::vector<mrtsim::UnitRecord> batch;
    for (size_t u = 0; u < records; ++u) {
      const mrtsim::WorkUnit unit = f.plan->units().unit(u);
      mrtsim::UnitRecord record{u, "cpu", mrtsim::CellPartial(f.plan->coefficients_per_cell()[unit.cell])};
      mrtsim::CellPartial& p = record.partial;
      for (long long r = 0; r < unit.count; ++r) {
        p.fits.push_back(mrtsim::ReplicateFit{unit.first + r, 0, 10, (u + r) % 2 == 0});
        for (size_t j = 0; j < p.dim; ++j) {
          p.estimates.push_back(0.1 * static_cast<double>(r));
          p.std_errors.push_back(0.2);
        }
      }
      batch.push_back(record);
    }
    writer.append(batch);
    std::filesystem::rename(run + "/checkpoint/units-0.log", dir + "/units_" + std::to_string(records) + ".log");
    std::filesystem::remove_all(run);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("MRTSIM_FUZZ_WRITE_SEEDS")) {
    write_seeds(dir);
    std::exit(0);
  }
  fixture();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const Fixture& f = fixture();
  try {
    mrtsim::parse_checkpoint_log(std::string(reinterpret_cast<const char*>(data), size), "fuzz.log", "fuzz", f.identity,
                                 f.plan->units(), f.plan->coefficients_per_cell());
  } catch (const mrtsim::UserError&) {
  }
  return 0;
}
