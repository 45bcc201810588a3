// `mrtsim emee` (host/analysis/emee_analysis.h, kernels/emee.h): MRTAnalysis 0.3.1 emee() / emee2()
// + summary() golden numbers (tests/data/emee_reference.R) through the C++ API and the command line;
// the kernel's Newton root and push-through small-sample correction against a direct implementation
// with MRTAnalysis's T_i x T_i hat matrices (tests/reference/emee_direct.h); SmallLu against Eigen;
// the input checks and the failure messages; `mrtsim permute --estimator emee`.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/user_error.h"
#include "host/analysis/emee_analysis.h"
#include "host/analysis/permutation_test.h"
#include "host/io/mrt_csv.h"
#include "kernels/small_lu.h"
#include "tests/cli_runner.h"
#include "tests/reference/emee_direct.h"

namespace mrtsim {
namespace {

using testing_support::CommandResult;
using testing_support::run_mrtsim;

std::string data_file(const std::string& name) { return std::string(MRTSIM_SOURCE_DIR) + "/tests/data/" + name; }
const std::string kDataBinary = data_file("data_binary.csv");

// A golden row of summary(): estimate, SE (adjusted), LCL, UCL, p-value.
struct Golden {
  double estimate, se, lcl, ucl, p_value;
};

struct EmeeGolden {
  double confidence_level;
  int df;
  std::vector<Golden> effect;
  std::vector<Golden> control;
  std::vector<double> effect_se_unadjusted;   // fit$beta_se
  std::vector<double> control_se_unadjusted;  // fit$alpha_se
  double joint_statistic;                     // beta' V_adj,beta^-1 beta
  double joint_p_value;                       // Hotelling's T^2 test
};

struct EmeeCase {
  std::string name;
  std::string file;
  MrtColumnSpec columns;  // id, outcome, treatment, rand_prob, availability, numerator_prob
  std::vector<std::string> moderators;
  std::vector<std::string> controls;
  EmeeGolden emee;
  EmeeGolden emee2;

  const EmeeGolden& golden(EmeeVariant variant) const { return variant == EmeeVariant::kEmee ? emee : emee2; }
};

// Printed by tests/data/emee_reference.R (MRTAnalysis 0.3.1); the data_binary cases are the calls of
// the emee/emee2 help examples.
std::vector<EmeeCase> golden_cases() {
  return {
      {"data_binary, marginal", kDataBinary, {"userid", "Y", "A", "rand_prob", "avail", ""}, {}, {"time_var1", "time_var2"},
       // emee
        {0.95, 96,
         {{0.340562570695899, 0.0500193153064745, 0.241275014539452, 0.439850126852346, 8.53781861083214e-10}},
         {{-1.58048008482119, 0.0679510269662609, -1.71536180730106, -1.44559836234132, 3.12714405022391e-41}, {0.672022554303338, 0.193555490174694, 0.287817942897532, 1.05622716570914, 0.000776164681688393}, {0.248282918965139, 0.111590308439425, 0.0267779073949281, 0.469787930535349, 0.0284263494134375}},
         {0.049417830336773},
         {0.0672206145350785, 0.191219335898957, 0.110283237863578},
         46.3573226697958, 8.53781861083214e-10},
       // emee2
        {0.95, 96,
         {{0.334777109129087, 0.0499985899249757, 0.235530692529765, 0.434023525728408, 1.4468797397041e-09}},
         {{-1.42647510858375, 0.0638352182035766, -1.55318701524046, -1.29976320192704, 8.06953377874486e-40}, {0.678667928058895, 0.17670494475805, 0.327911384945724, 1.02942447117207, 0.000220085820847638}, {0.269535558961487, 0.104747923831103, 0.0616125734921986, 0.477458544430775, 0.0116076136731889}},
         {0.0494403938561997},
         {0.0631473039395298, 0.174616879252389, 0.103557703889778},
         44.8328137883145, 1.4468797397041e-09}},
      {"data_binary, moderated", kDataBinary, {"userid", "Y", "A", "rand_prob", "avail", ""}, {"time_var1"}, {"time_var1", "time_var2"},
       // emee
        {0.95, 95,
         {{0.0811449530605018, 0.131643619142913, -0.180200673948062, 0.342490580069065, 0.539105694261926}, {0.429313323997654, 0.19054544048421, 0.0510327970629789, 0.807593850932329, 0.0265548647679945}},
         {{-1.45423689865481, 0.0981340375312561, -1.64905759514178, -1.25941620216784, 1.93401334075306e-26}, {0.456590516686043, 0.243737000011408, -0.0272886071780249, 0.940469640550111, 0.0641024973647454}, {0.247983625771922, 0.113016915898964, 0.0236166800704067, 0.472350571473437, 0.0306580920386449}},
         {0.130126500718753, 0.188297458716623},
         {0.0969920757559794, 0.240741400473051, 0.111674748257909},
         54.7488376815572, 4.90704325022143e-10},
       // emee2
        {0.95, 95,
         {{0.085025086098654, 0.126678816627333, -0.166464161733648, 0.336514333930956, 0.503730572872772}, {0.412606114590794, 0.183491200455138, 0.0483300247528031, 0.776882204428784, 0.0268462238096733}},
         {{-1.43585629441524, 0.0629097278957556, -1.56074789485054, -1.31096469397993, 2.43416388316124e-40}, {0.693591313083254, 0.175008249275969, 0.346156010586396, 1.04102661558011, 0.000143126128669805}, {0.264709032896192, 0.104782265913702, 0.0566899343414347, 0.47272813145095, 0.013181420835995}},
         {0.125071122370943, 0.181074689520954},
         {0.0621361337756706, 0.172795225645638, 0.10357600557085},
         51.9076752524695, 1.21150383573317e-09}},
      {"small", data_file("emee_small.csv"), {"id", "y", "a", "0.4", "", ""}, {}, {"x"},
       // emee
        {0.9, 27,
         {{0.0865682724949954, 0.166678435949429, -0.197333181608702, 0.370469726598693, 0.607732474478065}},
         {{-1.14321567480435, 0.0926041752045857, -1.30094729645594, -0.985484053152748, 1.29339039327607e-12}, {0.174845707972003, 0.135006746818376, -0.0551097239782697, 0.404801139922276, 0.206254739365751}},
         {0.160694464667095},
         {0.0891365889941483, 0.128920680522972},
         0.26974827063046, 0.607732474478065},
       // emee2
        {0.9, 27,
         {{0.0882165545277995, 0.167789803727313, -0.197577879470916, 0.374010988526515, 0.603349327717804}},
         {{-1.11025586032599, 0.0681469098805335, -1.22632970453717, -0.994182016114809, 1.71328904658321e-15}, {0.202931736282207, 0.1282617279424, -0.0155349829504376, 0.421398455514852, 0.125255885493838}},
         {0.161478796402228},
         {0.065447598325715, 0.122012828006447},
         0.276419738016854, 0.603349327717804}},
      {"avail", data_file("emee_avail.csv"), {"id", "y", "a", "prob", "avail", "0.4"}, {"x1", "x2", "x3"}, {"x1", "x2", "x3"},
       // emee
        {0.95, 52,
         {{0.0310320098069254, 0.251617598265622, -0.47387563985008, 0.535939659463931, 0.902321213866527}, {0.787788107422422, 0.387662427948896, 0.00988653493631197, 1.56568967990853, 0.0472611440186178}, {-0.35619605389939, 0.176335626147703, -0.71003937472723, -0.00235273307154998, 0.0485504926322146}, {0.163213289507825, 0.111793860752404, -0.0611175039964964, 0.387544083012147, 0.150319710624001}},
         {{-1.30810848087799, 0.191787813970199, -1.69295888503105, -0.923258076724919, 9.56292905683543e-09}, {-0.0589052910107372, 0.265966339371937, -0.592605796165388, 0.474795214143914, 0.825588887184153}, {0.393809865529977, 0.14580088010176, 0.101238995298598, 0.686380735761356, 0.00930971965341266}, {-0.0380985659513985, 0.0908029980774432, -0.220308111933522, 0.144110980030725, 0.676525198622219}},
         {0.244218024443327, 0.376703252346213, 0.171493626785722, 0.107679176611349},
         {0.185849288898885, 0.258368567275473, 0.141819185551049, 0.0874826700765991},
         21.7733202546904, 0.00143509574861662},
       // emee2
        {0.95, 52,
         {{-0.0405925622008341, 0.252517212316378, -0.547305419518577, 0.466120295116909, 0.872911887176664}, {0.879377927048173, 0.385238727975276, 0.106339864370557, 1.65241598972579, 0.0265680156263305}, {-0.305648588256733, 0.16278243183235, -0.632295435013289, 0.020998258499824, 0.0660426447556461}, {0.188089503281534, 0.114099510690598, -0.0408679153048573, 0.417046921867925, 0.10528614564691}},
         {{-1.35647364704798, 0.111875769102318, -1.58096880168097, -1.131978492415, 8.91414428914304e-17}, {0.439881876570576, 0.154132862392899, 0.130591660694852, 0.749172092446299, 0.00618676120009597}, {0.203588939187855, 0.0912065042288407, 0.0205696988762069, 0.386608179499504, 0.0299363515623808}, {0.0419778754737076, 0.0499252967852729, -0.0582045618122169, 0.142160312759632, 0.40430211430471}},
         {0.240662639229638, 0.368287973549589, 0.156609599289242, 0.106690562414453},
         {0.107063163928768, 0.147723967358312, 0.088259866036259, 0.0471350125138981},
         20.2073518936227, 0.00233876264542492}},
      {"numerator", data_file("emee_numerator.csv"), {"id", "y", "a", "prob", "avail", "ptilde"}, {"z"}, {"x"},
       // emee
        {0.99, 21,
         {{-0.135561405530428, 0.162935949388827, -0.596891663178042, 0.325768852117186, 0.414774770168622}, {0.490309301931667, 0.239963430228411, -0.189113449821543, 1.16973205368488, 0.0537751086395575}},
         {{-1.04131649965951, 0.0578353580919356, -1.2050691935848, -0.877563805734223, 3.03371563008516e-14}, {0.221780370307852, 0.056847895344239, 0.0608235384714471, 0.382737202144257, 0.000822385805056713}},
         {0.156603522618733, 0.228252252834132},
         {0.0555979793107933, 0.0541641833298242},
         4.63579662400697, 0.134291461867943},
       // emee2
        {0.99, 21,
         {{-0.13677326146858, 0.167813060836793, -0.611912375229938, 0.338365852292778, 0.424200636960261}, {0.456740421528751, 0.233853853748495, -0.205383922462575, 1.11886476552008, 0.0642617202857736}},
         {{-1.01304101455359, 0.0459614355365664, -1.14317436436051, -0.882907664746672, 5.32675357052433e-16}, {0.202463118905418, 0.0517030931661633, 0.0560730718900454, 0.348853165920791, 0.000794254729394801}},
         {0.161020676270995, 0.218174393392771},
         {0.0433012305486137, 0.0487471155487486},
         4.14508788121136, 0.163245807347688}},  };
}

constexpr double kTolerance = 1e-6;  // relative, as the issue asks
constexpr EmeeVariant kVariants[] = {EmeeVariant::kEmee, EmeeVariant::kEmee2};

void expect_relative(double actual, double expected, const std::string& what, double tolerance = kTolerance) {
  EXPECT_NEAR(actual, expected, tolerance * std::fabs(expected)) << what;
}

void expect_rows(const std::vector<CoefficientInference>& rows, const std::vector<Golden>& golden,
                 const std::vector<std::string>& terms) {
  ASSERT_EQ(rows.size(), golden.size());
  for (std::size_t j = 0; j < rows.size(); ++j) {
    const CoefficientInference& c = rows[j];
    EXPECT_EQ(c.term, terms[j]);
    expect_relative(c.estimate, golden[j].estimate, c.term + " estimate");
    expect_relative(c.se, golden[j].se, c.term + " se");
    expect_relative(c.lcl, golden[j].lcl, c.term + " lcl");
    expect_relative(c.ucl, golden[j].ucl, c.term + " ucl");
    expect_relative(c.p_value, golden[j].p_value, c.term + " p-value");
  }
}

std::vector<std::string> terms(const std::vector<std::string>& columns) { return with_intercept(columns); }

EmeeModelSpec model_of(const EmeeCase& c, EmeeVariant variant) { return {c.moderators, c.controls, variant}; }

EmeeDesign design_of(const EmeeCase& c, EmeeVariant variant) {
  const EmeeModelSpec model = model_of(c, variant);
  return make_emee_design(read_mrt_csv(c.file, emee_column_spec(c.columns, model)), model);
}

TEST(EmeeGolden, MatchesMrtAnalysisThroughTheApi) {
  for (const EmeeCase& c : golden_cases()) {
    for (EmeeVariant variant : kVariants) {
      SCOPED_TRACE(c.name + ", " + emee_variant_name(variant));
      const EmeeGolden& golden = c.golden(variant);
      const EmeeAnalysis analysis = analyze_emee(design_of(c, variant), golden.confidence_level);
      EXPECT_EQ(analysis.df, golden.df);
      expect_rows(analysis.effect, golden.effect, terms(c.moderators));
      expect_rows(analysis.control, golden.control, terms(c.controls));
      for (std::size_t j = 0; j < golden.effect.size(); ++j)
        expect_relative(analysis.effect_se_unadjusted[j], golden.effect_se_unadjusted[j], "unadjusted effect se");
      for (std::size_t j = 0; j < golden.control.size(); ++j)
        expect_relative(analysis.control_se_unadjusted[j], golden.control_se_unadjusted[j], "unadjusted control se");
      ASSERT_TRUE(analysis.joint.has_value());
      expect_relative(analysis.joint->statistic, golden.joint_statistic, "joint statistic");
      expect_relative(analysis.joint->p_value, golden.joint_p_value, "joint p-value");
    }
  }
}

// EMEE2's correction uses the unavailable rows as MRTAnalysis's code does: flipping the outcome on the
// package data's unavailable rows changes its adjusted SEs (to R's values) and nothing of EMEE's.
TEST(EmeeGolden, Emee2CorrectionUsesUnavailableRowsAsMrtAnalysis) {
  const EmeeCase c = golden_cases()[0];
  const EmeeGolden flipped_emee2 =
        {0.95, 96,
         {{0.334777109129087, 0.0500743328013464, 0.23538034410846, 0.434173874149714, 1.51678849732019e-09}},
         {{-1.42647510858375, 0.0638849737885414, -1.55328577929603, -1.29966443787147, 8.59298767936876e-40}, {0.678667928058895, 0.176759833219839, 0.327802432210188, 1.0295334239076, 0.000221013733914992}, {0.269535558961487, 0.104823783490357, 0.0614619932587007, 0.477609124664273, 0.0116660867764845}},
         {0.0494403938561997},
         {0.0631473039395298, 0.174616879252389, 0.103557703889778},
         44.6972873479479, 1.51678849732019e-09};
  for (EmeeVariant variant : kVariants) {
    SCOPED_TRACE(emee_variant_name(variant));
    const EmeeModelSpec model = model_of(c, variant);
    MrtData data = read_mrt_csv(c.file, emee_column_spec(c.columns, model));
    for (std::size_t row = 0; row < data.num_rows(); ++row)
      if (!data.available[row]) data.outcome[row] = 1.0 - data.outcome[row];
    const EmeeAnalysis analysis = analyze_emee(make_emee_design(data, model), 0.95);
    const EmeeGolden& golden = variant == EmeeVariant::kEmee ? c.emee : flipped_emee2;
    expect_rows(analysis.effect, golden.effect, terms(c.moderators));
    expect_rows(analysis.control, golden.control, terms(c.controls));
  }
}

// ---------------------------------------------------------------------------------------------
// The kernel against the direct implementation

reference::DirectEmeeInput direct_input(const EmeeDesign& design) {
  const MrtData& data = design.data;
  const auto rows = static_cast<Eigen::Index>(data.num_rows());
  auto vector = [&](const auto& values) {
    Eigen::VectorXd v(rows);
    for (Eigen::Index r = 0; r < rows; ++r) v(r) = values[r];
    return v;
  };
  reference::DirectEmeeInput in;
  in.emee2 = design.variant == EmeeVariant::kEmee2;
  in.subject_begin.assign(data.subject_begin.begin(), data.subject_begin.end());
  in.controls = design.controls;
  in.moderators = design.moderators;
  in.outcome = vector(data.outcome);
  in.treatment = vector(data.treatment);
  in.rand_prob = vector(data.rand_prob);
  in.numerator_prob = vector(data.numerator_prob);
  in.available = vector(data.available);
  return in;
}

void expect_matrix_near(const Eigen::MatrixXd& actual, const Eigen::MatrixXd& expected, double tolerance,
                        const std::string& what) {
  const double scale = expected.cwiseAbs().maxCoeff();
  EXPECT_LE((actual - expected).cwiseAbs().maxCoeff(), tolerance * scale) << what << "\n" << actual << "\n\n" << expected;
}

// The push-through form u~_i = U_i + K_i (J - K_i - K_i^u)^-1 (U_i + S_i^u) against MRTAnalysis's
// (I - H_ii)^-1 r_i with the T_i x T_i hat matrix, the unadjusted sandwich, and Newton's root with the
// analytic Jacobian against a forward-difference Newton; on every golden data set and model.
TEST(EmeeKernel, AgreesWithDirectHatMatrixImplementation) {
  for (const EmeeCase& c : golden_cases()) {
    for (EmeeVariant variant : kVariants) {
      SCOPED_TRACE(c.name + ", " + emee_variant_name(variant));
      const EmeeDesign design = design_of(c, variant);
      const EmeeEstimate kernel = fit_emee_design(design, design.data.treatment);
      ASSERT_EQ(kernel.status, FitStatus::kOk);
      const reference::DirectEmeeResult direct = reference::direct_emee(direct_input(design));
      expect_matrix_near(kernel.theta, direct.theta, 1e-9, "theta");
      expect_matrix_near(kernel.variance, direct.variance, 1e-8, "adjusted variance");
      expect_matrix_near(kernel.variance_unadjusted, direct.variance_unadjusted, 1e-8, "unadjusted variance");
      // The root passes rootSolve::multiroot's own test |U/n| <= 1e-6 |theta| + 1e-8 with room to spare.
      EXPECT_LE(reference::direct_emee_estimating_function(direct_input(design), kernel.theta).cwiseAbs().maxCoeff(),
                1e-8);
      EXPECT_GE(kernel.iterations, 3);
      EXPECT_LE(kernel.iterations, 12);
    }
  }
}

// The correction differs from the plain sandwich, and inflates it on these data.
TEST(EmeeKernel, AdjustedVarianceExceedsUnadjusted) {
  const EmeeCase c = golden_cases()[2];  // 30 subjects
  for (EmeeVariant variant : kVariants) {
    const EmeeDesign design = design_of(c, variant);
    const EmeeEstimate fit = fit_emee_design(design, design.data.treatment);
    for (int j = 0; j < design.dim(); ++j) EXPECT_GT(fit.variance(j, j), fit.variance_unadjusted(j, j) * 1.01);
  }
}

// Iterates that overflow exp() are a failed fit, not a NaN root: here the start value already does.
TEST(EmeeKernel, OverflowingIteratesAreNotConverged) {
  const EmeeDesign design = design_of(golden_cases()[2], EmeeVariant::kEmee);  // q = 2, p = 1
  ASSERT_EQ(design.dim(), 3);
  const MrtData& data = design.data;
  auto subject_rows = [&](int subject, auto&& visit) {
    for (std::size_t row = data.subject_begin[subject]; row < data.subject_begin[subject + 1]; ++row)
      visit(design.row(row, data.treatment[row]));
  };
  const EmeeFit<3> fit = fit_emee<3>(subject_rows, static_cast<int>(data.num_subjects()), 1, EmeeVariant::kEmee,
                                     Vec<3>(800.0, 0.0, 0.0));
  EXPECT_EQ(fit.status, FitStatus::kNotConverged);
  const EmeeFit<3> from_zero =
      fit_emee<3>(subject_rows, static_cast<int>(data.num_subjects()), 1, EmeeVariant::kEmee, Vec<3>::Zero());
  EXPECT_EQ(from_zero.status, FitStatus::kOk);
  // Started at its own root, the fit stops after one Newton pass at the same point.
  const EmeeFit<3> from_root = fit_emee<3>(subject_rows, static_cast<int>(data.num_subjects()), 1,
                                           EmeeVariant::kEmee, from_zero.theta);
  EXPECT_EQ(from_root.iterations, 1);
  EXPECT_EQ(from_root.theta, from_zero.theta);
}

TEST(EmeeAnalysis, FailedFitsBecomeErrorsNamingTheCause) {
  const EmeeDesign design = design_of(golden_cases()[2], EmeeVariant::kEmee2);
  const std::vector<std::pair<FitStatus, std::string>> expected = {
      {FitStatus::kNotConverged, "found no root"},
      {FitStatus::kSingularBread, "Jacobian of the estimating equations is singular"},
      {FitStatus::kSingularLeaveOut, "small-sample correction is undefined"},
      {FitStatus::kFittedProbabilityAtLeastOne, "fitted success probability"},
      {FitStatus::kNoData, "more subjects than coefficients"}};
  for (const auto& [status, fragment] : expected) {
    EmeeEstimate estimate;
    estimate.status = status;
    try {
      emee_inference(design, estimate, 0.95);
      ADD_FAILURE() << "no error for status " << static_cast<int>(status);
    } catch (const UserError& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("emee2"), std::string::npos) << e.what();
    }
  }
}

TEST(SmallLu, SolvesAsEigenAndFlagsSingularMatrices) {
  std::mt19937 random(5);
  std::normal_distribution<double> normal;
  for (int trial = 0; trial < 20; ++trial) {
    Eigen::Matrix<double, 7, 7> a;
    Eigen::Matrix<double, 7, 1> b;
    for (int r = 0; r < 7; ++r) {
      b(r) = normal(random);
      for (int c = 0; c < 7; ++c) a(r, c) = normal(random);
    }
    if (trial == 0) a(0, 0) = 0.0;  // needs a row swap
    const SmallLu<7> lu(a);
    ASSERT_FALSE(lu.singular());
    const Eigen::Matrix<double, 7, 1> expected = a.partialPivLu().solve(b);
    EXPECT_LE((lu.solve(b) - expected).cwiseAbs().maxCoeff(), 1e-10 * expected.cwiseAbs().maxCoeff());
    EXPECT_LE((lu.inverse() * a - Eigen::Matrix<double, 7, 7>::Identity()).cwiseAbs().maxCoeff(), 1e-10);
  }
  Eigen::Matrix<double, 4, 4> rank_three = Eigen::Matrix<double, 4, 4>::Random();
  rank_three.col(3) = rank_three.col(0) - 2.0 * rank_three.col(1);
  EXPECT_TRUE(SmallLu<4>(rank_three).singular());
  EXPECT_TRUE(SmallLu<3>(Eigen::Matrix3d::Zero()).singular());
}

// ---------------------------------------------------------------------------------------------
// Command line, end to end

std::string cli_arguments(const EmeeCase& c, EmeeVariant variant) {
  auto list = [](const std::vector<std::string>& names) {
    std::string joined;
    for (const std::string& name : names) joined += (joined.empty() ? "" : ",") + name;
    return joined;
  };
  std::string arguments = "emee --data '" + c.file + "' --id " + c.columns.id + " --outcome " + c.columns.outcome +
                          " --treatment " + c.columns.treatment + " --rand-prob " + c.columns.rand_prob;
  if (!c.columns.availability.empty()) arguments += " --availability " + c.columns.availability;
  if (!c.columns.numerator_prob.empty()) arguments += " --numerator-prob " + c.columns.numerator_prob;
  if (!c.moderators.empty()) arguments += " --moderators " + list(c.moderators);
  if (!c.controls.empty()) arguments += " --controls " + list(c.controls);
  std::ostringstream level;
  level.precision(17);
  level << c.golden(variant).confidence_level;
  return arguments + " --variant " + emee_variant_name(variant) + " --conf-level " + level.str();
}

void expect_json_rows(const nlohmann::json& rows, const std::vector<Golden>& golden,
                      const std::vector<double>& se_unadjusted, const std::vector<std::string>& names) {
  ASSERT_EQ(rows.size(), golden.size());
  for (std::size_t j = 0; j < golden.size(); ++j) {
    const nlohmann::json& row = rows[j];
    EXPECT_EQ(row["term"], names[j]);
    expect_relative(row["estimate"].get<double>(), golden[j].estimate, names[j] + " estimate");
    expect_relative(row["se"].get<double>(), golden[j].se, names[j] + " se");
    expect_relative(row["lcl"].get<double>(), golden[j].lcl, names[j] + " lcl");
    expect_relative(row["ucl"].get<double>(), golden[j].ucl, names[j] + " ucl");
    expect_relative(row["p_value"].get<double>(), golden[j].p_value, names[j] + " p-value");
    expect_relative(row["se_unadjusted"].get<double>(), se_unadjusted[j], names[j] + " se_unadjusted");
  }
}

TEST(EmeeCli, GoldenJson) {
  for (const EmeeCase& c : golden_cases()) {
    for (EmeeVariant variant : kVariants) {
      SCOPED_TRACE(c.name + ", " + emee_variant_name(variant));
      const CommandResult r = run_mrtsim(cli_arguments(c, variant) + " --format json");
      ASSERT_EQ(r.exit_code, 0) << r.err;
      const nlohmann::json j = nlohmann::json::parse(r.out);
      const EmeeGolden& golden = c.golden(variant);
      EXPECT_EQ(j["estimator"], emee_variant_name(variant));
      EXPECT_EQ(j["df"], golden.df);
      EXPECT_EQ(j["small_sample_correction"], true);
      EXPECT_EQ(j["confidence_level"].get<double>(), golden.confidence_level);
      expect_json_rows(j["effect"], golden.effect, golden.effect_se_unadjusted, terms(c.moderators));
      expect_json_rows(j["control"], golden.control, golden.control_se_unadjusted, terms(c.controls));
      expect_relative(j["joint"]["statistic"].get<double>(), golden.joint_statistic, "joint statistic");
      expect_relative(j["joint"]["p_value"].get<double>(), golden.joint_p_value, "joint p-value");
    }
  }
}

// Default variant emee, default level 0.95, and the table's relative risks exp(estimate) and exp(CI).
TEST(EmeeCli, TableShowsRelativeRisks) {
  const CommandResult r = run_mrtsim("emee --data '" + kDataBinary +
                                     "' --id userid --outcome Y --treatment A --rand-prob rand_prob --availability avail"
                                     " --controls time_var1,time_var2");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Golden beta = golden_cases()[0].emee.effect[0];
  for (double value : {beta.estimate, beta.lcl, beta.ucl, std::exp(beta.estimate), std::exp(beta.lcl), std::exp(beta.ucl)}) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    EXPECT_NE(r.out.find(text), std::string::npos) << text << "\n" << r.out;
  }
  EXPECT_NE(r.out.find("emee (as MRTAnalysis::emee)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("exp(Est.)"), std::string::npos) << r.out;
}

// A copy of `path` with cell (data row `row`, column `column`) replaced by `value` (rows from 1).
std::string with_cell(const std::string& path, std::size_t row, const std::string& column, const std::string& value) {
  std::ifstream in(path);
  std::string line, header;
  std::getline(in, header);
  std::vector<std::string> names;
  std::stringstream header_stream(header);
  for (std::string name; std::getline(header_stream, name, ',');) names.push_back(name);
  std::size_t index = 0;
  while (index < names.size() && names[index] != column && names[index] != "\"" + column + "\"") ++index;
  const std::string out_path = (std::filesystem::path(::testing::TempDir()) /
                                ("emee_" + std::to_string(::getpid()) + "_" + column + "_" + std::to_string(row) + ".csv"))
                                   .string();
  std::ofstream out(out_path);
  out << header << "\n";
  for (std::size_t r = 1; std::getline(in, line); ++r) {
    if (r == row) {
      std::vector<std::string> cells;
      std::stringstream cells_stream(line);
      for (std::string cell; std::getline(cells_stream, cell, ',');) cells.push_back(cell);
      cells.at(index) = value;
      line.clear();
      for (std::size_t k = 0; k < cells.size(); ++k) line += (k ? "," : "") + cells[k];
    }
    out << line << "\n";
  }
  return out_path;
}

// Writes `rows` (a header line and data lines) to a temporary CSV.
std::string write_csv(const std::string& name, const std::string& rows) {
  const std::string path =
      (std::filesystem::path(::testing::TempDir()) / ("emee_" + std::to_string(::getpid()) + "_" + name + ".csv")).string();
  std::ofstream(path) << rows;
  return path;
}

// n subjects x m rows of (id, y, a, x, avail) from a fixed stream; `outcome(a, x, draw)` gives y.
template <class OutcomeFn>
std::string simulated_csv(const std::string& name, int n, int m, OutcomeFn outcome) {
  std::mt19937 random(11);
  std::uniform_real_distribution<double> uniform;
  std::ostringstream rows;
  rows << "id,y,a,x,avail\n";
  for (int i = 1; i <= n; ++i)
    for (int t = 1; t <= m; ++t) {
      const int a = uniform(random) < 0.5;
      const double x = std::round(1000 * (uniform(random) - 0.5)) / 1000;
      rows << i << "," << outcome(a, x, uniform(random)) << "," << a << "," << x << "," << (uniform(random) < 0.8)
           << "\n";
    }
  return write_csv(name, rows.str());
}

CommandResult run_emee_on(const std::string& path, const std::string& extra = "") {
  return run_mrtsim("emee --data '" + path + "' --id id --outcome y --treatment a --rand-prob 0.5 --availability avail" +
                    extra + " --format json");
}

void expect_error(const CommandResult& r, const std::vector<std::string>& fragments) {
  EXPECT_NE(r.exit_code, 0) << r.out;
  for (const std::string& fragment : fragments) EXPECT_NE(r.err.find(fragment), std::string::npos) << fragment << "\n" << r.err;
}

const std::string kDataBinaryArguments =
    " --id userid --outcome Y --treatment A --rand-prob rand_prob --availability avail --controls time_var1,time_var2";

TEST(EmeeCli, BadInputsNameTheProblem) {
  // data row 1 is available, data row 4 is not (data_binary.csv)
  expect_error(run_mrtsim("emee --data '" + with_cell(kDataBinary, 1, "Y", "2") + "'" + kDataBinaryArguments),
               {"column 'Y'", "data row 1", "0 or 1"});
  expect_error(run_mrtsim("emee --data '" + with_cell(kDataBinary, 1, "Y", "0.5") + "'" + kDataBinaryArguments),
               {"column 'Y'", "data row 1", "0 or 1"});
  const std::string unavailable_na = with_cell(kDataBinary, 4, "Y", "NA");
  EXPECT_EQ(run_mrtsim("emee --data '" + unavailable_na + "'" + kDataBinaryArguments).exit_code, 0);
  expect_error(run_mrtsim("emee --data '" + unavailable_na + "'" + kDataBinaryArguments + " --variant emee2"),
               {"column 'Y'", "data row 4", "emee2"});
  expect_error(run_mrtsim("emee --data '" + with_cell(kDataBinary, 4, "rand_prob", "NA") + "'" + kDataBinaryArguments +
                          " --variant emee2"),
               {"column 'rand_prob'", "data row 4", "emee2"});
  expect_error(run_mrtsim("emee --data '" + kDataBinary + "'" + kDataBinaryArguments + " --variant emee3"), {"--variant"});
  expect_error(run_mrtsim("emee --data '" + kDataBinary + "'" + kDataBinaryArguments + " --conf-level 1.5"),
               {"--conf-level"});
  expect_error(run_mrtsim("emee --data '" + kDataBinary + "'" + kDataBinaryArguments + " --moderators nope"),
               {"no column 'nope'"});
  expect_error(run_mrtsim("emee --data '" + kDataBinary + "'" + kDataBinaryArguments + " --conf-level 1"),
               {"confidence level"});
}

TEST(EmeeCli, FailedFitsNameTheCause) {
  // Every outcome 1: the root is theta = 0, where every fitted probability is exactly 1.
  expect_error(run_emee_on(simulated_csv("all_ones", 20, 10, [](int, double, double) { return 1; })),
               {"fitted success probability", ">= 1"});
  // No treated row has outcome 1: the estimating equations do not depend on beta.
  expect_error(run_emee_on(simulated_csv("treated_zero", 20, 10,
                                         [](int a, double, double u) { return a == 0 && u < 0.3 ? 1 : 0; })),
               {"Jacobian", "singular"});
  // A constant control column duplicates the intercept.
  expect_error(run_emee_on(write_csv("collinear", "id,y,a,x,avail\n1,1,1,1,1\n1,0,0,1,1\n2,0,1,1,1\n2,1,0,1,1\n"
                                                  "3,0,1,1,1\n3,1,0,1,1\n4,0,0,1,1\n4,1,1,1,1\n"),
                           " --controls x"),
               {"Jacobian", "singular"});
  // 3 subjects for 3 coefficients: no degrees of freedom.
  expect_error(run_emee_on(write_csv("few", "id,y,a,x,avail\n1,1,1,0.1,1\n1,0,0,0.3,1\n2,0,1,0.2,1\n2,1,0,0.5,1\n"
                                            "3,0,1,0.9,1\n3,1,0,0.4,1\n"),
                           " --controls x"),
               {"3 subjects", "3 coefficients"});
}

// ---------------------------------------------------------------------------------------------
// Permutation check with EMEE

TEST(EmeePermutation, ObservedFitAndReshufflesAreConsistent) {
  const EmeeCase c = golden_cases()[2];  // 30 subjects, always available
  const EmeeDesign design = design_of(c, EmeeVariant::kEmee);
  PermutationSettings settings;
  settings.reshuffles = 99;
  settings.seed = 4;
  const PermutationTestResult result = permutation_test(design, 0.9, settings);
  EXPECT_EQ(result.completed + result.failed, 99u);
  EXPECT_GE(result.completed, 95u);
  ASSERT_EQ(result.effect.size(), 1u);
  expect_relative(result.effect[0].estimate, c.emee.effect[0].estimate, "observed estimate");
  expect_relative(result.effect[0].p_value, c.emee.effect[0].p_value, "observed p-value");
  // No effect in these data (p = 0.61): the permutation p-value is far from 0 and the reshuffled
  // estimates straddle 0.
  EXPECT_GT(result.effect[0].p_value_permutation, 0.2);
  EXPECT_LT(result.effect[0].quantiles.q025, 0.0);
  EXPECT_GT(result.effect[0].quantiles.q975, 0.0);
  ASSERT_TRUE(result.joint.has_value());
  expect_relative(result.joint->statistic, c.emee.joint_statistic, "observed joint statistic");
}

TEST(EmeePermutation, CommandLineJsonAndThreadIndependence) {
  const std::string common = "permute --data '" + kDataBinary + "'" + kDataBinaryArguments +
                             " --estimator emee2 --reshuffles 40 --format json --seed 3";
  const CommandResult one = run_mrtsim(common + " --threads 1");
  const CommandResult two = run_mrtsim(common + " --threads 2");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, two.out);
  const nlohmann::json j = nlohmann::json::parse(one.out);
  EXPECT_EQ(j["observed"]["estimator"], "emee2");
  const Golden beta = golden_cases()[0].emee2.effect[0];
  expect_relative(j["observed"]["effect"][0]["estimate"].get<double>(), beta.estimate, "observed estimate");
  expect_relative(j["effect"][0]["estimate"].get<double>(), beta.estimate, "estimate");
  EXPECT_EQ(j["completed_reshuffles"].get<int>() + j["failed_reshuffles"].get<int>(), 40);
  // beta = 0.33 with p = 1e-9: no reshuffle reaches the observed |t|.
  EXPECT_EQ(j["effect"][0]["p_value_permutation"].get<double>(), 1.0 / (1 + j["completed_reshuffles"].get<int>()));
  expect_error(run_mrtsim(common + " --mrtanalysis-joint-test"), {"--mrtanalysis-joint-test", "wcls"});
  expect_error(run_mrtsim(common + " --backend cuda"), {"--backend cuda", "wcls"});
  expect_error(run_mrtsim("permute --data '" + kDataBinary + "'" + kDataBinaryArguments + " --estimator lm --seed 3"),
               {"--estimator"});
}

}  // namespace
}  // namespace mrtsim
