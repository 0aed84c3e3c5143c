// `sbm trace check` end to end: exit statuses, the first-violation stop with its context,
// JSON and JUnit output. SBM_BINARY, SBM_DATA_DIR and SBM_TRACE_CORPUS_DIR come from
// tests/CMakeLists.txt.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/cli/sbm_run.h"

namespace {

using sbm::testing::SbmRun;
using sbm::testing::sbm;
using sbm::testing::slurp;
using sbm::testing::temp_dir;

std::string sample(const std::string& name) { return std::string(SBM_DATA_DIR) + "/traces/" + name; }
std::string corpus(const std::string& name) { return std::string(SBM_TRACE_CORPUS_DIR) + "/" + name; }

TEST(CliTraceCheck, RealSamplesConform) {
  for (const char* f : {"001-kprateek-zen3-stream-wakeup-migrate.txt", "004-kprateek-epyc-softirq-sched-vec7.txt",
                        "014-trappy-arm6cpu-trace-cmd-report-not-raw.txt"}) {
    const SbmRun r = sbm("trace check " + sample(f));
    EXPECT_EQ(r.status, 0) << f << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("result: " + sample(f) + ": conforms"), std::string::npos) << r.out;
  }
}

TEST(CliTraceCheck, ViolationStopsAtTheFirstWithItsCpuContext) {
  const SbmRun r = sbm("trace check " + corpus("nb3-entry-without-raise.trace"));
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("nb3-entry-without-raise.trace:8: NB-3: CPU0:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("previous events on CPU0:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("softirq_exit: vec=7"), std::string::npos) << "the line before the violation" << r.out;
  EXPECT_NE(r.out.find("stopped at the first violation"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("VIOLATED: 1 violation of NB-3"), std::string::npos) << r.out;
}

TEST(CliTraceCheck, KeepGoingReportsEveryViolation) {
  const std::string file = (temp_dir() / "two.trace").string();
  std::ofstream(file) << slurp(corpus("mig6-wrong-orig.trace")) << slurp(corpus("nb3-exit-without-entry.trace"));
  EXPECT_NE(sbm("trace check -q " + file).out.find("VIOLATED: 1 violation of MIG-6\n"), std::string::npos);
  const SbmRun r = sbm("trace check -q --keep-going " + file);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("VIOLATED: 2 violations of MIG-6 NB-3"), std::string::npos) << r.out;
}

TEST(CliTraceCheck, StandardInputAndOptions) {
  const SbmRun r = sbm("trace check --profile v6.17 -", "cat " + corpus("nb3-vec-mismatch.trace") + " | ");
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("<stdin>:6: NB-3"), std::string::npos) << r.out;
  EXPECT_EQ(sbm("trace check --profile v2.6.20 " + corpus("nb3-v2.6.20-vec6.trace")).status, 0);
  EXPECT_EQ(sbm("trace check " + corpus("wc2-over-threshold.trace")).status, 0) << "3 ms is under the default";
  EXPECT_EQ(sbm("trace check --idle-threshold 2 " + corpus("wc2-over-threshold.trace")).status, 1);
}

TEST(CliTraceCheck, BadInputAndUsageExitTwo) {
  const SbmRun missing = sbm("trace check /nonexistent/trace.txt");
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("/nonexistent/trace.txt: error: cannot open the file"), std::string::npos) << missing.err;
  EXPECT_EQ(sbm("trace check --profile v9.99 " + corpus("nb3-raise-entry-exit.trace")).status, 2);
  EXPECT_EQ(sbm("trace check --idle-threshold 0 " + corpus("nb3-raise-entry-exit.trace")).status, 2);
  EXPECT_EQ(sbm("trace check").status, 2);
}

TEST(CliTraceCheck, UnparsedLinesAreWarningsNotErrors) {
  const std::string file = (temp_dir() / "bad.trace").string();
  std::ofstream(file) << "garbage line\n" << slurp(corpus("nb3-raise-entry-exit.trace"));
  const SbmRun r = sbm("trace check " + file);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.err.find(file + ":1: warning: line not read"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("1 unparsed"), std::string::npos) << r.out;
}

TEST(CliTraceCheck, JsonParsesAndCarriesTheVerdict) {
  const SbmRun ok = sbm("trace check --json " + sample("014-trappy-arm6cpu-trace-cmd-report-not-raw.txt"));
  EXPECT_EQ(ok.status, 0);
  const nlohmann::json j = nlohmann::json::parse(ok.out);
  EXPECT_EQ(j["result"], "conforms");
  EXPECT_EQ(j["events_by_name"]["sched_switch"], 28);
  EXPECT_EQ(j["unknown_events"]["bprint"], 2);
  ASSERT_EQ(j["checks"].size(), 4u);
  const SbmRun bad = sbm("trace check --json --keep-going " + corpus("mig5-two-cpus.trace"));
  EXPECT_EQ(bad.status, 1);
  const nlohmann::json b = nlohmann::json::parse(bad.out);
  EXPECT_EQ(b["result"], "violated");
  ASSERT_EQ(b["violations"].size(), 1u);
  EXPECT_EQ(b["violations"][0]["id"], "MIG-5");
  EXPECT_EQ(b["violations"][0]["line"], 7);
}

TEST(CliTraceCheck, JunitWritesOneCasePerInvariant) {
  const std::string xml = (temp_dir() / "junit.xml").string();
  const SbmRun r = sbm("trace check -q --junit " + xml + " " + corpus("mig6-wrong-orig.trace"));
  EXPECT_EQ(r.status, 1);
  const std::string text = slurp(xml);
  EXPECT_NE(text.find("<testsuites name=\"sbm trace check\" tests=\"4\" failures=\"1\""), std::string::npos) << text;
  EXPECT_NE(text.find("name=\"MIG-6\">"), std::string::npos) << text;
  EXPECT_NE(text.find("<skipped"), std::string::npos) << text;
}

TEST(CliTraceCheck, HelpSaysWhatIsAndIsNotChecked) {
  const SbmRun r = sbm("trace check --help");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("WC-2"), std::string::npos);
  EXPECT_NE(r.out.find("Not checked on mainline events"), std::string::npos) << r.out;
}

}  // namespace
