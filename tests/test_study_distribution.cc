// A study spread over Slurm shards, MPI ranks and interrupted runs gives the tables of one
// uninterrupted single-process run, byte for byte; damaged, foreign or overlapping checkpoints are
// refused with a clear message. Plus the pieces: work units, balanced parts, and the merge of
// partial cell summaries against a direct two-pass computation.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/crc.hpp>
#include <chrono>
#include <cmath>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <stdexcept>
#include <thread>

#include <gtest/gtest.h>

#include "cli_runner.h"
#include "host/engine/progress_report.h"
#include "host/engine/work_plan.h"
#include "host/stats/cell_summary.h"
#include "core/user_error.h"

extern char** environ;

namespace mrtsim {
namespace {

namespace fs = std::filesystem;
using testing_support::CommandResult;
using testing_support::run_mrtsim;

// ---------------------------------------------------------------------------------------------
// Work units and shards

TEST(WorkPlan, UnitsCoverEveryReplicateOfEveryCellInOrder) {
  const UnitLayout units({1.0, 2.0}, 250, 100);
  ASSERT_EQ(units.size(), 6u);
  EXPECT_EQ(units.unit(2).cell, 0u);
  EXPECT_EQ(units.unit(2).first, 200);
  EXPECT_EQ(units.unit(2).count, 50);
  EXPECT_EQ(units.unit(3).cell, 1u);
  EXPECT_EQ(units.unit(3).first, 0);
  EXPECT_DOUBLE_EQ(units.unit(5).cost, 100.0);
  double cost = 0.0;
  for (size_t i = 0; i < units.size(); ++i) {
    EXPECT_EQ(units.unit(i).index, i);
    EXPECT_DOUBLE_EQ(units.cost_before(i), cost);
    cost += units.unit(i).cost;
  }
  EXPECT_DOUBLE_EQ(units.cost_before(units.size()), 250.0 * 1.0 + 250.0 * 2.0);
  EXPECT_THROW(units.unit(6), std::out_of_range);
}

// The owner of each unit of `units` by the midpoint rule, walking the list (the definition that
// balanced_part computes by binary search).
std::vector<int> owners_by_walking(const UnitLayout& layout, const std::vector<size_t>& units, int parts) {
  double total = 0.0;
  for (size_t u : units) total += layout.unit(u).cost;
  std::vector<int> owners;
  double before = 0.0;
  for (size_t u : units) {
    const double cost = layout.unit(u).cost;
    owners.push_back(std::min(parts - 1, static_cast<int>((before + 0.5 * cost) / total * parts)));
    before += cost;
  }
  return owners;
}

TEST(WorkPlan, BalancedPartsAreConsecutiveDisjointAndCoverAllUnits) {
  const UnitLayout units({5.0, 1.0, 3.0, 8.0}, 1000, 37);
  std::vector<size_t> all(units.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  for (int parts = 1; parts <= 7; ++parts) {
    const std::vector<int> owners = owners_by_walking(units, all, parts);
    std::vector<size_t> seen;
    double largest = 0.0, total = 0.0;
    for (int part = 0; part < parts; ++part) {
      double cost = 0.0;
      const UnitRange range = balanced_part(units, part, parts);
      for (size_t u = range.begin; u < range.end; ++u) {
        seen.push_back(u);
        cost += units.unit(u).cost;
        EXPECT_EQ(owners[u], part) << "unit " << u << ", " << parts << " parts";
      }
      largest = std::max(largest, cost);
      total += cost;
    }
    ASSERT_EQ(seen.size(), units.size()) << parts << " parts";
    for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], i) << "parts must be consecutive runs, in order";
    // No part holds much more than its share (at most one unit's cost more).
    EXPECT_LE(largest, total / parts + 8.0 * 37 + 1e-9) << parts << " parts";
  }
}

// Ranks share what a shard has left after a resume: the units not yet done, split by the same rule.
TEST(WorkPlan, PartsOfTheRemainingUnitsCoverExactlyThem) {
  const UnitLayout units({2.0, 7.0, 1.0}, 400, 30);
  const std::vector<size_t> done{0, 3, 4, 13, 14, 15, 20, 41};
  const std::vector<UnitRange> remaining = without_units({UnitRange{2, 42}}, done);
  std::vector<size_t> expected;
  for (size_t u = 2; u < 42; ++u)
    if (!std::binary_search(done.begin(), done.end(), u)) expected.push_back(u);
  for (int parts = 1; parts <= 6; ++parts) {
    const std::vector<int> owners = owners_by_walking(units, expected, parts);
    std::vector<size_t> seen;
    std::vector<int> seen_owner;
    for (int part = 0; part < parts; ++part)
      for (const UnitRange& r : balanced_part(units, remaining, part, parts))
        for (size_t u = r.begin; u < r.end; ++u) {
          seen.push_back(u);
          seen_owner.push_back(part);
        }
    EXPECT_EQ(seen, expected) << parts << " parts";
    EXPECT_EQ(seen_owner, owners) << parts << " parts";
  }
}

TEST(WorkPlan, ShardSpecParsingNamesTheOption) {
  EXPECT_EQ(parse_shard("3/8").index, 3);
  EXPECT_EQ(parse_shard("3/8").count, 8);
  for (const char* bad : {"0/4", "5/4", "4", "a/b", "1/0", "2/3x", "-1/3"}) {
    try {
      parse_shard(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find("--shard"), std::string::npos) << e.what();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Partial cell summaries merge into what a direct computation over all replicates gives.

TEST(CellPartial, MergedPartialsEqualTheDirectTwoPassSummary) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> estimate(0.3, 0.1), se(0.1, 0.01);
  const int replicates = 997;
  std::vector<double> estimates(replicates), ses(replicates);
  for (int r = 0; r < replicates; ++r) {
    estimates[r] = estimate(rng);
    ses[r] = se(rng);
  }
  CellDecisions decisions(TestRules{}, 1, 1);
  const std::vector<double> truth{0.3};
  CellAccumulator accumulator(decisions, 1);
  CellPartial merged(1);
  for (int r = 0; r < replicates; ++r) {
    accumulator.add(r, static_cast<int>(FitStatus::kOk), 500, 0.0, &estimates[r], &ses[r]);
    if (r % 113 == 112 || r == replicates - 1) {  // uneven units
      merge_partial(merged, accumulator.partial());
      accumulator.reset();
    }
  }
  double mean = 0.0, se_squared_mean = 0.0;
  for (int r = 0; r < replicates; ++r) mean += estimates[r] / replicates;
  for (int r = 0; r < replicates; ++r) se_squared_mean += ses[r] * ses[r] / replicates;
  double ss = 0.0, sq_error = 0.0;
  for (int r = 0; r < replicates; ++r) {
    ss += (estimates[r] - mean) * (estimates[r] - mean);
    sq_error += (estimates[r] - 0.3) * (estimates[r] - 0.3);
  }
  const CellSummary s = summarize_cell(merged, CellTargets{{"beta"}, truth, 0.05}, decisions);
  EXPECT_EQ(s.replicates, replicates);
  const PerformanceMeasures& m = s.coefficients[0].measures;
  EXPECT_NEAR(m.mean_estimate.value, mean, 1e-14);
  EXPECT_NEAR(m.empirical_se.value, std::sqrt(ss / (replicates - 1)), 1e-13);
  EXPECT_NEAR(m.model_se.value, std::sqrt(se_squared_mean), 1e-14);
  EXPECT_NEAR(m.rmse.value, std::sqrt(sq_error / replicates), 1e-13);
}

// ---------------------------------------------------------------------------------------------
// Whole runs through the command line

// Four cells of 240 replicates in units of 40: 24 work units.
const char* const kSmallStudy = R"(study: {name: spread, seed: 77, replicates: 240, replicates_per_unit: 40}
model:
  type: liao2016
  days: 10
  decisions_per_day: 5
  rand_prob: 0.4
  availability: {shape: constant, mean: 0.6}
  effect: {shape: constant, mean: 0.3}
  error: {type: normal}
sample_size: 25
grid:
  - key: model.error
    values: [{type: normal}, {type: exponential}]
hypotheses: [null, alternative]
analysis: {controls: [day], moderators: []}
)";

class StudyDistribution : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(::testing::TempDir()) /
            ("mrtsim_spread_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    fs::create_directories(root_);
    study_ = write_study("study.yaml", kSmallStudy);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string write_study(const std::string& name, const std::string& text) const {
    const fs::path path = root_ / name;
    std::ofstream(path) << text;
    return path.string();
  }
  std::string dir(const std::string& name) const { return (root_ / name).string(); }
  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  CommandResult run(const std::string& study, const std::string& out, const std::string& extra = "") const {
    return run_mrtsim("run '" + study + "' --out '" + out + "' --quiet --backend cpu " + extra);
  }
  // The tables of `out` equal those of `reference`, byte for byte.
  static void expect_same_tables(const std::string& reference, const std::string& out) {
    for (const char* table : {"rejection.csv", "coefficients.csv"}) {
      const std::string expected = read(reference + "/" + table);
      ASSERT_FALSE(expected.empty()) << reference << "/" << table;
      EXPECT_EQ(read(out + "/" + table), expected) << out << "/" << table;
    }
  }
  // The uninterrupted single-process run everything else is compared with.
  std::string reference_run() const {
    const std::string out = dir("reference");
    const CommandResult r = run(study_, out, "--threads 2");
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return out;
  }

  fs::path root_;
  std::string study_;
};

TEST_F(StudyDistribution, ShardsMergeIntoTheUnshardedTables) {
  const std::string reference = reference_run();
  std::string shards;
  for (int i = 1; i <= 3; ++i) {  // each shard with its own thread count and batch size
    const std::string out = dir("shard" + std::to_string(i));
    const CommandResult r = run(study_, out,
                                "--shard " + std::to_string(i) + "/3 --threads " + std::to_string(1 + i % 2) +
                                    " --batch-size " + std::to_string(7 * i));
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("Shard " + std::to_string(i) + "/3"), std::string::npos) << r.out;
    EXPECT_FALSE(fs::exists(out + "/rejection.csv")) << "a shard alone has no complete table";
    shards += " '" + out + "'";
  }
  const CommandResult merged = run_mrtsim("merge" + shards + " --out '" + dir("merged") + "'");
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  expect_same_tables(reference, dir("merged"));
}

TEST_F(StudyDistribution, PermutationCountsSurviveShardsAndMerge) {
  const std::string study = write_study("permuted.yaml", std::string(kSmallStudy) + "  # permutation test\n");
  std::string text = read(study);
  text.replace(text.find("analysis: {controls: [day], moderators: []}"), 44,
               "analysis: {controls: [day], moderators: [], permutation: {reshuffles: 19, scheme: rerandomize}}");
  std::ofstream(study) << text;
  ASSERT_EQ(run(study, dir("whole")).exit_code, 0);
  ASSERT_NE(read(dir("whole") + "/rejection.csv").find(",240,"), std::string::npos);  // permutation_tested
  for (int i = 1; i <= 2; ++i)
    ASSERT_EQ(run(study, dir("p" + std::to_string(i)), "--shard " + std::to_string(i) + "/2").exit_code, 0);
  const CommandResult merged = run_mrtsim("merge '" + dir("p1") + "' '" + dir("p2") + "' --out '" + dir("m") + "'");
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  expect_same_tables(dir("whole"), dir("m"));
}

TEST_F(StudyDistribution, MergeRefusesMissingAndOverlappingShards) {
  for (int i = 1; i <= 2; ++i) ASSERT_EQ(run(study_, dir("s" + std::to_string(i)), "--shard " + std::to_string(i) + "/2").exit_code, 0);
  const CommandResult missing = run_mrtsim("merge '" + dir("s1") + "' --out '" + dir("m") + "'");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("work units are in none of the folders"), std::string::npos) << missing.err;
  EXPECT_NE(missing.err.find("of shard 2/2"), std::string::npos) << missing.err;
  const CommandResult twice = run_mrtsim("merge '" + dir("s1") + "' '" + dir("s2") + "' '" + dir("s1") + "' --out '" + dir("m") + "'");
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("overlapping shards"), std::string::npos) << twice.err;
  const CommandResult empty = run_mrtsim("merge '" + dir("nothing") + "' --out '" + dir("m") + "'");
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_NE(empty.err.find("no checkpoint"), std::string::npos) << empty.err;
  EXPECT_FALSE(fs::exists(dir("m") + "/rejection.csv"));
}

TEST_F(StudyDistribution, MergeRefusesShardsOfDifferentRuns) {
  ASSERT_EQ(run(study_, dir("s1"), "--shard 1/2").exit_code, 0);
  ASSERT_EQ(run(study_, dir("s2"), "--shard 2/2 --seed 78").exit_code, 0);
  const CommandResult r = run_mrtsim("merge '" + dir("s1") + "' '" + dir("s2") + "' --out '" + dir("m") + "'");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("seed 78"), std::string::npos) << r.err;
}

TEST_F(StudyDistribution, RerunningACompleteRunRewritesTheSameTablesWithoutRecomputing) {
  const std::string reference = reference_run();
  const std::string before = read(reference + "/rejection.csv");
  const CommandResult again = run_mrtsim("run '" + study_ + "' --out '" + reference + "' --backend cpu");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("24 of 24 work units were already done"), std::string::npos) << again.err;
  EXPECT_EQ(read(reference + "/rejection.csv"), before);
}

// Progress: on a terminal one updating line; elsewhere a line every 30 s, so that a short run stays
// silent, unless --progress asks for a line after every batch (front ends such as the R package read
// them from a pipe); it changes nothing else.
TEST_F(StudyDistribution, ProgressFlagWritesProgressWhenStderrIsNotATerminal) {
  const std::string common = "run '" + study_ + "' --backend cpu --threads 1 --out ";
  const CommandResult plain = run_mrtsim(common + "'" + dir("plain") + "'");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.err.find("work units"), std::string::npos) << plain.err;
  const CommandResult shown = run_mrtsim(common + "'" + dir("shown") + "' --progress");
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.err.find("24/24 work units"), std::string::npos) << shown.err;
  expect_same_tables(dir("plain"), dir("shown"));
  const CommandResult quiet = run_mrtsim(common + "'" + dir("quiet") + "' --progress --quiet");
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_EQ(quiet.err, "");
}

// A progress line: cells, work units, replicates and their rate, elapsed time and the time left from
// the share of the simulated cost done (elapsed x (1 - f) / f).
TEST(ProgressLine, SaysUnitsRateElapsedAndTimeLeft) {
  ProgressSnapshot p{"study", 3, 8, 12, 40, 12000, 4.0, 0.3};
  EXPECT_EQ(progress_line(p),
            "mrtsim: study: cell 3/8, 12/40 work units, 12000 replicates (3000/s), 0:00:04 elapsed, about 0:00:09 left");
  p.fraction_done = 1.0;  // done: no estimate
  EXPECT_EQ(progress_line(p), "mrtsim: study: cell 3/8, 12/40 work units, 12000 replicates (3000/s), 0:00:04 elapsed");
  p.replicates_done = 0;
  p.seconds = 0.0;
  p.fraction_done = 0.0;  // nothing measured yet: no rate, no estimate
  EXPECT_EQ(progress_line(p), "mrtsim: study: cell 3/8, 12/40 work units, 0 replicates, 0:00:00 elapsed");
  EXPECT_EQ(clock_time(3725.4), "1:02:05");
  EXPECT_EQ(clock_time(360000.0), "100:00:00");
}

TEST_F(StudyDistribution, ChangedStudySeedOrReplicatesAreRefusedAndRestartStartsOver) {
  const std::string out = reference_run();
  const std::string tables = read(out + "/rejection.csv") + read(out + "/coefficients.csv");
  const std::string changed = write_study("changed.yaml", std::string(kSmallStudy) + "# a comment\n");
  const CommandResult study = run(changed, out);
  EXPECT_EQ(study.exit_code, 2);
  EXPECT_NE(study.err.find("the study file has changed"), std::string::npos) << study.err;
  const CommandResult seed = run(study_, out, "--seed 5");
  EXPECT_EQ(seed.exit_code, 2);
  EXPECT_NE(seed.err.find("seed 77, this run has seed 5"), std::string::npos) << seed.err;
  const CommandResult reps = run(study_, out, "--replicates 120");
  EXPECT_EQ(reps.exit_code, 2);
  EXPECT_NE(reps.err.find("replicates"), std::string::npos) << reps.err;
  const CommandResult shard = run(study_, out, "--shard 1/2");
  EXPECT_EQ(shard.exit_code, 2);
  EXPECT_NE(shard.err.find("shard 1/1"), std::string::npos) << shard.err;
  fs::remove(out + "/rejection.csv");
  EXPECT_EQ(run(changed, out, "--restart").exit_code, 0);
  // A comment does not change the numbers.
  EXPECT_EQ(read(out + "/rejection.csv") + read(out + "/coefficients.csv"), tables);
}

TEST_F(StudyDistribution, CheckpointOfAnotherEngineBuildIsRefused) {
  const std::string out = dir("run");
  ASSERT_EQ(run(study_, out).exit_code, 0);
  // Rewrite the header as another build of the engine would have (a different source hash), with a
  // valid checksum: kind (4 bytes) | length (4) | payload | CRC-32 (4).
  const std::string log = out + "/checkpoint/units-0.log";
  std::string bytes = read(log);
  uint32_t length;
  std::memcpy(&length, bytes.data() + 4, 4);
  const size_t at = bytes.find("(engine ");
  ASSERT_LT(at, 8u + length);
  bytes[at + 8] = bytes[at + 8] == '0' ? '1' : '0';
  boost::crc_32_type crc;
  crc.process_bytes(bytes.data() + 8, length);
  const uint32_t checksum = crc.checksum();
  std::memcpy(bytes.data() + 8 + length, &checksum, 4);
  std::ofstream(log, std::ios::binary | std::ios::trunc) << bytes;
  const CommandResult refused = run(study_, out);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("checkpoint written by mrtsim"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("--restart"), std::string::npos) << refused.err;
}

TEST_F(StudyDistribution, DamagedCheckpointIsRefusedAndATruncatedTailIsRedone) {
  const std::string reference = reference_run();
  const std::string out = dir("run");
  ASSERT_EQ(run(study_, out).exit_code, 0);
  const std::string log = out + "/checkpoint/units-0.log";
  const std::string intact = read(log);
  ASSERT_GT(intact.size(), 2000u);

  // Flip one byte inside a complete record: a checksum mismatch.
  std::string damaged = intact;
  damaged[damaged.size() - 200] ^= 0x5a;
  std::ofstream(log, std::ios::binary | std::ios::trunc) << damaged;
  const CommandResult refused = run(study_, out);
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("damaged checkpoint record"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find("checksum"), std::string::npos) << refused.err;
  const CommandResult merge_refused = run_mrtsim("merge '" + out + "' --out '" + dir("m") + "'");
  EXPECT_EQ(merge_refused.exit_code, 2);

  // Cut the file inside its last record, as a kill during a write would: reported, cut off, redone.
  std::ofstream(log, std::ios::binary | std::ios::trunc) << intact.substr(0, intact.size() - 30);
  const CommandResult resumed = run_mrtsim("run '" + study_ + "' --out '" + out + "' --backend cpu");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("incomplete last record"), std::string::npos) << resumed.err;
  EXPECT_NE(resumed.err.find("23 of 24 work units were already done"), std::string::npos) << resumed.err;
  expect_same_tables(reference, out);
}

TEST_F(StudyDistribution, ASecondRunOnTheSameFolderIsRefusedWhileTheFirstHoldsIt) {
  const std::string out = dir("busy");
  fs::create_directories(out + "/checkpoint");
  const int fd = ::open((out + "/checkpoint/lock").c_str(), O_RDWR | O_CREAT, 0644);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  const CommandResult r = run(study_, out);
  ::close(fd);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("another mrtsim run is using this checkpoint"), std::string::npos) << r.err;
}

// Starts mrtsim with `args` (no shell) and returns its pid.
pid_t spawn_mrtsim(const std::vector<std::string>& args) {
  std::vector<std::string> argv_strings{MRTSIM_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  // Default signal actions in the child, even where this test runs with SIGINT ignored (as
  // background jobs of a non-interactive shell do).
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGTERM);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF);
  EXPECT_EQ(posix_spawn(&pid, MRTSIM_BINARY, &actions, &attributes, argv.data(), environ), 0);
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

class KilledRun : public StudyDistribution, public ::testing::WithParamInterface<int> {};

TEST_P(KilledRun, ResumesToTheUninterruptedTables) {
  // Slower units (longer study, one thread) so that the kill lands part-way.
  const std::string study = write_study("long.yaml", R"(study: {name: long, seed: 3, replicates: 1200, replicates_per_unit: 50}
model:
  type: liao2016
  days: 42
  decisions_per_day: 5
  rand_prob: 0.4
  availability: {shape: constant, mean: 0.5}
  effect: {shape: quadratic, mean: 0.1, initial: 0.0, day_max: 29}
  error: {type: ar1, phi: 0.5}
sample_size: 40
hypotheses: [null, alternative]
analysis: {controls: [day, day^2], moderators: [day, day^2]}
)");
  const std::string out = dir("killed");
  const std::string log = out + "/checkpoint/units-0.log";
  const pid_t pid = spawn_mrtsim({"run", study, "--out", out, "--quiet", "--backend", "cpu", "--threads", "1",
                                  "--batch-size", "50"});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  // Wait until a few units are recorded (the header alone is about 1 kB).
  while (std::chrono::steady_clock::now() < deadline && (!fs::exists(log) || fs::file_size(log) < 3000))
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(::kill(pid, GetParam()), 0);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the run finished before it could be killed";
  EXPECT_FALSE(fs::exists(out + "/rejection.csv"));

  const CommandResult resumed = run_mrtsim("run '" + study + "' --out '" + out + "' --backend cpu --threads 2");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resumed from"), std::string::npos) << resumed.err;
  EXPECT_EQ(resumed.err.find("48 of 48 work units were already done"), std::string::npos) << "nothing was left to do";
  const CommandResult whole = run(study, dir("whole"), "--threads 2");
  ASSERT_EQ(whole.exit_code, 0) << whole.err;
  expect_same_tables(dir("whole"), out);
}

std::string signal_name(const ::testing::TestParamInfo<int>& info) {
  return info.param == SIGINT ? "SIGINT" : info.param == SIGTERM ? "SIGTERM" : "SIGKILL";
}
INSTANTIATE_TEST_SUITE_P(Signals, KilledRun, ::testing::Values(SIGINT, SIGTERM, SIGKILL), signal_name);

TEST_F(StudyDistribution, MpiRanksGiveTheSingleProcessTables) {
#ifndef MRTSIM_MPIEXEC
  GTEST_SKIP() << "mrtsim was built without MPI";
#else
  const std::string reference = reference_run();
  for (int ranks = 1; ranks <= 3; ++ranks) {
    const std::string out = dir("mpi" + std::to_string(ranks));
    const std::string command =
        "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 '" MRTSIM_MPIEXEC
        "' --oversubscribe -np " + std::to_string(ranks) + " '" MRTSIM_BINARY "' run '" + study_ + "' --out '" + out +
        "' --quiet --backend cpu > '" + out + ".out' 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << command << "\n" << read(out + ".out");
    expect_same_tables(reference, out);
    std::set<std::string> logs;
    for (const auto& e : fs::directory_iterator(out + "/checkpoint"))
      if (e.path().extension() == ".log") logs.insert(e.path().filename().string());
    EXPECT_EQ(logs.size(), static_cast<size_t>(ranks)) << "one checkpoint log per rank";
  }
  // Resume the 3-rank run with 2 ranks after losing the logs of ranks 1 and 2: their units are redone.
  const std::string out = dir("mpi3");
  fs::remove(out + "/checkpoint/units-1.log");
  fs::remove(out + "/checkpoint/units-2.log");
  fs::remove(out + "/rejection.csv");
  const std::string resume = "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 '" MRTSIM_MPIEXEC
                             "' --oversubscribe -np 2 '" MRTSIM_BINARY "' run '" + study_ + "' --out '" + out +
                             "' --backend cpu > '" + out + ".resume' 2>&1";
  ASSERT_EQ(std::system(resume.c_str()), 0) << read(out + ".resume");
  EXPECT_NE(read(out + ".resume").find("work units were already done"), std::string::npos) << read(out + ".resume");
  expect_same_tables(reference, out);
#endif
}

}  // namespace
}  // namespace mrtsim
