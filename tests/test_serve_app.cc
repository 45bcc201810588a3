// The web calculator's request routing without a socket (host/serve/serve_app.h): pages, API status
// codes, the safety rules (Host and Origin, JSON only, size limit), concurrent requests, and the check
// by simulation: one at a time, cancel, time limit, work cap, and a study file that `mrtsim run`
// turns into the same numbers. The simulated power and type I error of a Liao et al. (2016) Table I
// design and of MRTSampleSizeBinary's help-page example (Cohn et al. 2023) are compared with the
// formula's power and alpha.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli_runner.h"
#include "host/serve/serve_app.h"
#include "serve_test_designs.h"

namespace mrtsim::serve {
namespace {

constexpr const char* kHost = "127.0.0.1:8080";

ServeSettings local_settings() {
  ServeSettings settings;
  settings.allowed_hosts = own_host_names("127.0.0.1", 8080);
  settings.runner.threads = 2;
  return settings;
}

HttpRequest get(const std::string& path) { return {"GET", path, kHost, "", "", ""}; }

HttpRequest post(const std::string& path, const nlohmann::json& body) {
  return {"POST", path, kHost, "http://127.0.0.1:8080", "application/json", body.dump()};
}

nlohmann::json body_of(const HttpReply& reply) { return nlohmann::json::parse(reply.body); }

std::string header(const HttpReply& reply, const std::string& name) {
  for (const auto& [key, value] : reply.headers)
    if (key == name) return value;
  return "";
}

// Liao et al. (2016) Table I, first cell: N = 32.
nlohmann::json table_one_design() {
  return {{"days", "42"},         {"decisions_per_day", "5"}, {"rand_prob_source", "constant"}, {"rand_prob", "0.4"},
          {"avail_shape", "constant"}, {"avail_mean", "0.7"},   {"effect_shape", "quadratic"},    {"effect_mean", "0.1"},
          {"effect_initial", "0"}, {"effect_day_max", "29"},   {"alpha", "0.05"},                {"mode", "sample_size"},
          {"power", "0.8"}};
}

nlohmann::json with_check(nlohmann::json design, int replicates, int seed) {
  design["replicates"] = std::to_string(replicates);
  design["seed"] = std::to_string(seed);
  return design;
}

// Polls the status until the check leaves "running".
nlohmann::json wait_for_check(ServeApp& app) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (std::chrono::steady_clock::now() < deadline) {
    const nlohmann::json status = body_of(app.handle(get("/api/check/status")));
    if (status["state"] != "running") return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "the check did not finish";
  return {};
}

// `mrtsim run` of a check's study file: its tables as JSON.
nlohmann::json run_study_file(const std::string& yaml, const std::string& folder) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / folder;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "check.yaml") << yaml;
  const testing_support::CommandResult run = testing_support::run_mrtsim(
      "run '" + (dir / "check.yaml").string() + "' --out '" + (dir / "out").string() + "' --format json --quiet");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return run.exit_code == 0 ? nlohmann::json::parse(run.out) : nlohmann::json{{"cells", nlohmann::json::array()}};
}

// The page's rejections, failures and rates per hypothesis are those of `mrtsim run`.
void expect_same_rejections(const nlohmann::json& tables, const nlohmann::json& result) {
  ASSERT_EQ(tables["cells"].size(), 2u);
  for (const nlohmann::json& cell : tables["cells"]) {
    const nlohmann::json& page = result[cell["hypothesis"] == "null" ? "type1" : "power"];
    EXPECT_EQ(cell["joint_test"]["rejections"], page["rejections"]);
    EXPECT_EQ(cell["failed"], page["failed"]);
    EXPECT_EQ(cell["n_subjects"], result["n"]);
    EXPECT_DOUBLE_EQ(cell["joint_test"]["rate"]["value"].get<double>(), page["rate"].get<double>());
  }
}

TEST(ServeApp, ServesTheEmbeddedPageAndNothingElse) {
  ServeApp app(local_settings());
  HttpReply page = app.handle(get("/"));
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("<title>"), std::string::npos);
  EXPECT_NE(header(page, "Content-Security-Policy").find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(app.handle(get("/app.js")).content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(app.handle(get("/style.css")).status, 200);
  EXPECT_EQ(app.handle(get("/../etc/passwd")).status, 404);
  EXPECT_EQ(app.handle(get("/host/serve/web/index.html")).status, 404);
  EXPECT_EQ(app.handle(post("/", nlohmann::json::object())).status, 405);
}

TEST(ServeApp, ApiStatusCodes) {
  ServeSettings settings = local_settings();
  settings.max_body_bytes = 4096;
  ServeApp app(settings);
  const nlohmann::json info = body_of(app.handle(get("/api/info")));
  EXPECT_EQ(info["max_replicates"], 20000);

  EXPECT_EQ(app.handle(post("/api/continuous/calculate", table_one_design())).status, 200);
  EXPECT_EQ(app.handle(get("/api/continuous/calculate")).status, 405);
  EXPECT_EQ(app.handle(post("/api/nothing", table_one_design())).status, 404);

  HttpRequest request = post("/api/continuous/calculate", table_one_design());
  request.body = "{\"days\": 42,";
  const HttpReply bad_json = app.handle(request);
  EXPECT_EQ(bad_json.status, 400);
  EXPECT_NE(body_of(bad_json)["errors"][0]["message"].get<std::string>().find("not valid JSON"), std::string::npos);
  request.body = "[1, 2]";
  const HttpReply not_object = app.handle(request);
  EXPECT_EQ(not_object.status, 400);
  EXPECT_EQ(body_of(not_object)["errors"][0]["field"], "");

  request = post("/api/continuous/calculate", table_one_design());
  request.content_type = "text/plain";  // what a form on another site could send without asking
  EXPECT_EQ(app.handle(request).status, 415);
  request = post("/api/continuous/calculate", table_one_design());
  request.body = std::string(5000, ' ') + request.body;
  EXPECT_EQ(app.handle(request).status, 413);

  nlohmann::json invalid = table_one_design();
  invalid["avail_mean"] = "1.5";
  const HttpReply bad_field = app.handle(post("/api/continuous/calculate", invalid));
  EXPECT_EQ(bad_field.status, 400);
  EXPECT_EQ(body_of(bad_field)["errors"][0]["field"], "avail_mean");
  EXPECT_NE(body_of(bad_field)["errors"][0]["message"].get<std::string>().find("Average availability"),
            std::string::npos);
  invalid = table_one_design();
  invalid["power"] = "2";
  const HttpReply out_of_range = app.handle(post("/api/continuous/calculate", invalid));
  EXPECT_EQ(out_of_range.status, 400);
  EXPECT_EQ(body_of(out_of_range)["errors"][0]["field"], "power");
  EXPECT_EQ(body_of(out_of_range)["errors"][0]["message"], "Target power must be between 0 and 1 (got 2)");
}

TEST(ServeApp, RefusesOtherHostsAndOrigins) {
  ServeApp app(local_settings());
  HttpRequest request = post("/api/continuous/calculate", table_one_design());
  request.host = "attacker.example:8080";  // a DNS-rebinding page
  EXPECT_EQ(app.handle(request).status, 403);
  request = post("/api/continuous/calculate", table_one_design());
  request.origin = "http://attacker.example";
  EXPECT_EQ(app.handle(request).status, 403);
  request.origin = "http://localhost:8080";
  request.host = "localhost:8080";
  EXPECT_EQ(app.handle(request).status, 200);
  EXPECT_EQ(own_host_names("0.0.0.0", 80), std::vector<std::string>{});
  EXPECT_EQ(own_host_names("::1", 8080),
            (std::vector<std::string>{"[::1]:8080", "127.0.0.1:8080", "localhost:8080"}));
}

TEST(ServeApp, ConcurrentRequestsGetTheSameAnswers) {
  ServeApp app(local_settings());
  const std::string expected = app.handle(post("/api/continuous/calculate", table_one_design())).body;
  nlohmann::json binary = {{"days", 30}, {"decisions_per_day", 1}, {"avail_mean", 1}, {"rand_prob", 0.5},
                           {"spnc_shape", "constant"}, {"spnc_value", 0.2}, {"rr_shape", "constant"},
                           {"rr_value", 1.2}, {"alpha", 0.05}, {"power", 0.8}};
  const std::string expected_binary = app.handle(post("/api/binary/calculate", binary)).body;
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        const bool continuous = (t + i) % 2 == 0;
        const HttpReply reply = continuous ? app.handle(post("/api/continuous/calculate", table_one_design()))
                                           : app.handle(post("/api/binary/calculate", binary));
        if (reply.body != (continuous ? expected : expected_binary)) ++mismatches;
        app.handle(post("/api/continuous/preview", table_one_design()));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(mismatches, 0);
  EXPECT_EQ(body_of(app.handle(post("/api/binary/calculate", binary)))["n"], 115);
}

// The page's numbers are the command line's: the same designs through the HTTP handler and through
// `mrtsim samplesize` / `mrtsim power` (the command the page shows, run with --format json) agree
// exactly; the continuous design is Liao et al. (2016) Table I's first cell (published N = 32), the
// binary one MRTSampleSizeBinary's help-page example (N = 275, docs/binary.md section 2).
TEST(ServeApp, CalculatorsGiveTheCommandLinesNumbers) {
  ServeApp app(local_settings());
  nlohmann::json power_mode = table_one_design();
  power_mode["mode"] = "power";
  power_mode["n"] = "40";
  nlohmann::json binary = {{"days", 10},           {"decisions_per_day", 1},       {"avail_mean", 0.8},
                           {"rand_prob", 0.4},     {"spnc_shape", "log-linear"},   {"spnc_initial", std::exp(-0.3)},
                           {"spnc_final", std::exp(-1.3)}, {"rr_shape", "log-linear"}, {"rr_initial", std::exp(0.14)},
                           {"rr_final", std::exp(0.04)},   {"loglinear_final_at", "m+1"}, {"alpha", 0.05},
                           {"power", 0.8}};
  struct Case {
    std::string path;
    nlohmann::json request;
    int published_n;  // 0: none
  };
  for (const Case& c : {Case{"/api/continuous/calculate", table_one_design(), 32},
                        Case{"/api/continuous/calculate", power_mode, 0}, Case{"/api/binary/calculate", binary, 275}}) {
    const HttpReply reply = app.handle(post(c.path, c.request));
    ASSERT_EQ(reply.status, 200) << reply.body;
    const nlohmann::json page = body_of(reply);
    const std::string command = page["command"];
    ASSERT_EQ(command.rfind("mrtsim ", 0), 0u) << command;
    const testing_support::CommandResult cli = testing_support::run_mrtsim(command.substr(7) + " --format json");
    ASSERT_EQ(cli.exit_code, 0) << command << "\n" << cli.err;
    const nlohmann::json expected = nlohmann::json::parse(cli.out);
    EXPECT_EQ(page["n"], expected["n"]) << command;
    EXPECT_DOUBLE_EQ(page["power"].get<double>(), expected["power"].get<double>()) << command;
    if (c.published_n) {
      EXPECT_EQ(page["n"], c.published_n) << command;
    }
  }
}

TEST(ServeCheck, OneAtATimeAndCancel) {
  ServeApp app(local_settings());
  const nlohmann::json request = with_check(table_one_design(), 20000, 3);
  std::atomic<int> accepted{0}, refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      const int status = app.handle(post("/api/continuous/check", request)).status;
      if (status == 202) ++accepted;
      if (status == 409) ++refused;
    });
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(accepted, 1);
  EXPECT_EQ(refused, 3);
  EXPECT_EQ(app.handle(post("/api/check/cancel", nlohmann::json::object())).status, 200);
  const nlohmann::json status = wait_for_check(app);
  EXPECT_EQ(status["state"], "cancelled");
  EXPECT_EQ(app.handle(post("/api/check/cancel", nlohmann::json::object())).status, 409);
}

TEST(ServeCheck, TimeLimitAndWorkCap) {
  ServeSettings settings = local_settings();
  settings.runner.time_limit_seconds = 1e-9;
  ServeApp app(settings);
  ASSERT_EQ(app.handle(post("/api/continuous/check", with_check(table_one_design(), 400, 1))).status, 202);
  const nlohmann::json status = wait_for_check(app);
  EXPECT_EQ(status["state"], "failed");
  EXPECT_NE(status["error"].get<std::string>().find("time limit"), std::string::npos) << status.dump();

  settings.check_limits.max_subject_decisions = 1e6;
  ServeApp capped(settings);
  const HttpReply reply = capped.handle(post("/api/continuous/check", with_check(table_one_design(), 2000, 1)));
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(body_of(reply)["errors"][0]["field"], "replicates");
  nlohmann::json too_many = with_check(table_one_design(), 2000, 1);
  too_many["replicates"] = "30000";
  EXPECT_EQ(body_of(capped.handle(post("/api/continuous/check", too_many)))["errors"][0]["field"], "replicates");
}

TEST(ServeCheck, InvalidViolationsAreNamedBesideTheirFields) {
  ServeApp app(local_settings());
  nlohmann::json request = with_check(table_one_design(), 100, 1);
  request["true_avail_mean"] = "0.95";  // the quadratic pattern would leave [0, 1]
  request["avail_shape"] = "quadratic";
  request["avail_initial"] = "0.5";
  request["avail_change_day"] = "42";
  const nlohmann::json reply = body_of(app.handle(post("/api/continuous/check", request)));
  ASSERT_FALSE(reply["errors"].empty()) << reply.dump();
  EXPECT_EQ(reply["errors"][0]["field"], "true_avail_mean") << reply.dump();
  EXPECT_NE(reply["errors"][0]["message"].get<std::string>().find("True average availability"), std::string::npos);
  request = with_check(table_one_design(), 100, 1);
  request["error"] = "ar1";
  request["error_phi"] = "1.5";
  EXPECT_EQ(body_of(app.handle(post("/api/continuous/check", request)))["errors"][0]["field"], "error_phi");
}

// The page's simulated answer and `mrtsim run` of its study file agree exactly, and the study file
// holds the design, the violation and the formula's N.
TEST(ServeCheck, StudyFileReproducesTheAnswerWithMrtsimRun) {
  ServeApp app(local_settings());
  nlohmann::json request = with_check(table_one_design(), 300, 11);
  request["days"] = "10";
  request["effect_shape"] = "constant";
  request["effect_mean"] = "0.3";
  request["error"] = "ar1";
  request["error_phi"] = "0.4";
  request["feedback_eta"] = "-0.2";
  ASSERT_EQ(app.handle(post("/api/continuous/check", request)).status, 202);
  const nlohmann::json status = wait_for_check(app);
  ASSERT_EQ(status["state"], "done") << status.dump();
  const nlohmann::json& result = status["result"];
  EXPECT_EQ(result["replicates"], 300);
  const std::string yaml = status["yaml"];
  for (const char* part : {"error: {type: ar1, phi: 0.4}", "availability_feedback: {eta: -0.2, lags: 5}",
                           "method: formula", "moderators: []", "seed: 11"})
    EXPECT_NE(yaml.find(part), std::string::npos) << part << "\n" << yaml;
  EXPECT_EQ(status["violations"], "AR(1) errors, phi 0.4; availability feedback, eta -0.2");

  const nlohmann::json tables = run_study_file(yaml, "serve_check_reproduce");
  expect_same_rejections(tables, result);
  EXPECT_DOUBLE_EQ(tables["cells"][1]["formula_power"].get<double>(), result["formula_power"].get<double>());
}

// Liao et al. (2016) report simulated power close to the formula's at the Table I sample sizes under
// the working assumptions (their Tables 2B/3B, reproduced in docs/liao2016_tables_2B_3B.md); the page's
// check must find the same within Monte Carlo error: |simulated - formula power| and |type I error -
// alpha| within 4 Monte Carlo SE.
TEST(ServeCheck, WorkingAssumptionsGiveTheFormulasPowerAndAlpha) {
  ServeApp app(local_settings());
  ASSERT_EQ(app.handle(post("/api/continuous/check", with_check(table_one_design(), 1000, 2016))).status, 202);
  const nlohmann::json status = wait_for_check(app);
  ASSERT_EQ(status["state"], "done") << status.dump();
  const nlohmann::json& result = status["result"];
  EXPECT_EQ(result["n"], 32);
  EXPECT_EQ(status["violations"], "working assumptions");
  const double power = result["power"]["rate"], power_se = result["power"]["mc_se"];
  const double type1 = result["type1"]["rate"], type1_se = result["type1"]["mc_se"];
  EXPECT_NEAR(power, result["formula_power"].get<double>(), 4 * power_se);
  EXPECT_NEAR(type1, 0.05, 4 * type1_se);
  EXPECT_EQ(result["power"]["failed"], 0);
  EXPECT_EQ(status["finished_units"], status["total_units"]);
  EXPECT_EQ(status["total_units"], 20);  // 2 cells x 1000 replicates in units of 100
}

// The binary outcome's check: the study file holds the calculator's curves point by point, the
// violations of Cohn et al. (2023) Section 6.3 and the N asked for, and `mrtsim run` of it gives the
// page's numbers.
TEST(ServeCheck, BinaryStudyFileReproducesTheAnswerWithMrtsimRun) {
  ServeApp app(local_settings());
  nlohmann::json request = with_check(testing_designs::package_example(), 200, 23);
  request["spnc_initial"] = "0.3";  // room for the violations below success probability 1
  request["spnc_final"] = "0.2";
  request["mode"] = "power";
  request["n"] = "60";
  request["delayed_effect"] = "0.2";
  request["serial_correlation"] = "0.1";
  request["endogenous_availability"] = true;
  request["endo_base"] = "0.6";
  request["endo_treatment"] = "0.1";
  request["endo_outcome"] = "-0.1";
  ASSERT_EQ(app.handle(post("/api/binary/check", request)).status, 202);
  const nlohmann::json status = wait_for_check(app);
  ASSERT_EQ(status["state"], "done") << status.dump();
  const nlohmann::json& result = status["result"];
  EXPECT_EQ(result["outcome"], "binary");
  EXPECT_EQ(result["n"], 60);
  const std::string yaml = status["yaml"];
  for (const char* part : {"type: cohn2023", "decisions: 10", "delayed_effect: 0.2", "serial_correlation: 0.1",
                           "endogenous_availability: {base: 0.6, treatment: 0.1, outcome: -0.1}", "sample_size: 60",
                           "estimator: emee2", "controls: [t]", "moderators: [t]", "seed: 23"})
    EXPECT_NE(yaml.find(part), std::string::npos) << part << "\n" << yaml;
  EXPECT_EQ(status["violations"], "delayed effect 0.2; serial correlation 0.1; endogenous availability 0.6 + 0.1 A + -0.1 Y");
  expect_same_rejections(run_study_file(yaml, "serve_binary_check_reproduce"), result);
}

// Cohn et al. (2023) Section 6.2 find the simulated power of EMEE2 with the small-sample correction
// close to the formula's when the working assumptions hold; at the package example's N = 275 the
// page's check must find |simulated - formula power| and |type I error - alpha| within 4 Monte Carlo SE.
TEST(ServeCheck, WorkingAssumptionsGiveTheBinaryFormulasPowerAndAlpha) {
  ServeApp app(local_settings());
  ASSERT_EQ(app.handle(post("/api/binary/check", with_check(testing_designs::package_example(), 1000, 2023))).status, 202);
  const nlohmann::json status = wait_for_check(app);
  ASSERT_EQ(status["state"], "done") << status.dump();
  const nlohmann::json& result = status["result"];
  EXPECT_EQ(result["n"], 275);
  EXPECT_NEAR(result["formula_power"].get<double>(), 0.8015381, 1e-7);  // tests/test_serve_calculators.cc
  EXPECT_EQ(status["violations"], "working assumptions");
  const double power = result["power"]["rate"], power_se = result["power"]["mc_se"];
  const double type1 = result["type1"]["rate"], type1_se = result["type1"]["mc_se"];
  EXPECT_NEAR(power, result["formula_power"].get<double>(), 4 * power_se);
  EXPECT_NEAR(type1, 0.05, 4 * type1_se);
  EXPECT_EQ(result["power"]["failed"], 0);
}

TEST(ServeCheck, InvalidBinaryViolationsAreNamedBesideTheirFields) {
  ServeApp app(local_settings());
  const auto first_error = [&](const nlohmann::json& request) {
    const nlohmann::json reply = body_of(app.handle(post("/api/binary/check", request)));
    return reply["errors"].empty() ? nlohmann::json{} : reply["errors"][0];
  };
  nlohmann::json request = with_check(testing_designs::package_example(), 100, 1);
  request["delayed_effect"] = "20";  // the study reader allows [-10, 10]
  nlohmann::json error = first_error(request);
  EXPECT_EQ(error["field"], "delayed_effect") << error.dump();
  EXPECT_NE(error["message"].get<std::string>().find("Delayed effect"), std::string::npos) << error.dump();

  request = with_check(testing_designs::package_example(), 100, 1);
  request["endogenous_availability"] = true;
  request["endo_base"] = "0.95";
  request["endo_treatment"] = "0.1";
  request["endo_outcome"] = "0.1";  // availability 1.15 after a treatment and a success
  error = first_error(request);
  EXPECT_EQ(error["field"], "endo_base") << error.dump();

  request["endo_base"] = "0.5";
  request["endo_outcome"] = "often";
  EXPECT_EQ(first_error(request)["field"], "endo_outcome");

  request = with_check(testing_designs::package_example(), 100, 1);
  request["delayed_effect"] = "0.5";  // 0.74 x 1.15 x exp(0.5) > 1 after a treatment
  error = first_error(request);
  EXPECT_EQ(error["field"], "delayed_effect") << error.dump();
  EXPECT_NE(error["message"].get<std::string>().find("success probability"), std::string::npos) << error.dump();

  request = with_check(testing_designs::package_example(), 100, 1);
  request["error"] = "ar1";  // a continuous outcome's violation
  EXPECT_EQ(first_error(request)["message"], "unknown field 'error'");
}

}  // namespace
}  // namespace mrtsim::serve
