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

using sbm::testing::sbm;
using sbm::testing::SbmRun;
using sbm::testing::slurp;
using sbm::testing::temp_dir;

std::string sample(const std::string& name) {
  return std::string(SBM_DATA_DIR) + "/traces/" + name;
}
std::string corpus(const std::string& name) {
  return std::string(SBM_TRACE_CORPUS_DIR) + "/" + name;
}

TEST(CliTraceCheck, RealSamplesConform) {
  for (const char* f :
       {"001-kprateek-zen3-stream-wakeup-migrate.txt", "004-kprateek-epyc-softirq-sched-vec7.txt",
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
  EXPECT_NE(r.out.find("softirq_exit: vec=7"), std::string::npos)
      << "the line before the violation" << r.out;
  EXPECT_NE(r.out.find("stopped at the first violation"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("VIOLATED: 1 violation of NB-3"), std::string::npos) << r.out;
}

TEST(CliTraceCheck, KeepGoingReportsEveryViolation) {
  const std::string file = (temp_dir() / "two.trace").string();
  std::ofstream(file) << slurp(corpus("mig6-wrong-orig.trace"))
                      << slurp(corpus("nb3-exit-without-entry.trace"));
  EXPECT_NE(sbm("trace check -q " + file).out.find("VIOLATED: 1 violation of MIG-6; "),
            std::string::npos);
  const SbmRun r = sbm("trace check -q --keep-going " + file);
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("VIOLATED: 2 violations of MIG-6 NB-3"), std::string::npos) << r.out;
}

TEST(CliTraceCheck, StandardInputAndOptions) {
  const SbmRun r =
      sbm("trace check --profile v6.17 -", "cat " + corpus("nb3-vec-mismatch.trace") + " | ");
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("<stdin>:6: NB-3"), std::string::npos) << r.out;
  EXPECT_EQ(sbm("trace check --profile v2.6.20 " + corpus("nb3-v2.6.20-vec6.trace")).status, 0);
  EXPECT_EQ(sbm("trace check " + corpus("wc2-over-threshold.trace")).status, 0)
      << "3 ms is under the default";
  EXPECT_EQ(sbm("trace check --idle-threshold 2 " + corpus("wc2-over-threshold.trace")).status, 1);
}

TEST(CliTraceCheck, BadInputAndUsageExitTwo) {
  const SbmRun missing = sbm("trace check /nonexistent/trace.txt");
  EXPECT_EQ(missing.status, 2);
  EXPECT_NE(missing.err.find("/nonexistent/trace.txt: error: cannot open the file"),
            std::string::npos)
      << missing.err;
  EXPECT_EQ(sbm("trace check --profile v9.99 " + corpus("nb3-raise-entry-exit.trace")).status, 2);
  EXPECT_EQ(sbm("trace check --idle-threshold 0 " + corpus("nb3-raise-entry-exit.trace")).status,
            2);
  EXPECT_EQ(sbm("trace check").status, 2);
}

// No verdict rests on an input nothing was read from (issue: "conforms" on empty files,
// random bytes and one long line): each is exit 2 with FILE: error: saying what was found.
TEST(CliTraceCheck, InputWithoutEventsIsBadInput) {
  const auto write = [](const std::string& name, const std::string& bytes) {
    const std::string file = (temp_dir() / name).string();
    std::ofstream(file, std::ios::binary) << bytes;
    return file;
  };
  std::string random(3000, '\0');
  uint32_t x = 2463534242u;  // xorshift32: fixed bytes, no seed to print
  for (char& c : random) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    c = static_cast<char>(x);
  }
  const struct {
    std::string file, message;
  } cases[] = {
      {write("empty.trace", ""), "error: empty input: no trace event to check"},
      {write("random.bin", random), "error: binary data, not a trace"},
      {write("prose.txt", "hello\nworld\n"),
       "error: no trace event read (2 lines, 2 of them not read"},
      {write("long.txt", std::string(10 * 1024 * 1024, 'x') + "\n"),
       "error: no trace event read (1 line"},
  };
  for (const auto& c : cases) {
    const SbmRun r = sbm("trace check " + c.file);
    EXPECT_EQ(r.status, 2) << c.file << "\n" << r.out << r.err;
    EXPECT_NE(r.err.find(c.file + ": " + c.message), std::string::npos) << r.err;
    EXPECT_EQ(r.out.find("conforms"), std::string::npos) << r.out;
    const SbmRun piped = sbm("trace check -", "cat " + c.file + " | ");
    EXPECT_EQ(piped.status, 2) << c.file << " on standard input\n" << piped.err;
  }
}

// gzip (and zstd, unit-tested in trace_input_test) is read by content: the same verdict as the
// plain file, from a file or a pipe; a truncated one is bad input.
TEST(CliTraceCheck, GzipTraceIsReadByContent) {
  const std::string plain = corpus("nb3-entry-without-raise.trace");
  const std::string packed = (temp_dir() / "packed.bin").string();
  ASSERT_EQ(std::system(("gzip -c " + plain + " > " + packed).c_str()), 0);
  const SbmRun as_plain = sbm("trace check -q " + plain);
  ASSERT_EQ(as_plain.status, 1) << as_plain.out;
  const std::string finding = as_plain.out.substr(as_plain.out.find(":8: NB-3: CPU0:"));
  for (const SbmRun& r :
       {sbm("trace check -q " + packed), sbm("trace check -q -", "cat " + packed + " | ")}) {
    EXPECT_EQ(r.status, 1) << r.out << r.err;
    EXPECT_NE(r.out.find(finding.substr(0, finding.find('\n'))), std::string::npos) << r.out;
  }
  const std::string cut = (temp_dir() / "cut.gz").string();
  ASSERT_EQ(std::system(("head -c 60 " + packed + " > " + cut).c_str()), 0);
  const SbmRun r = sbm("trace check " + cut);
  EXPECT_EQ(r.status, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("gzip data ends before its end (truncated)"), std::string::npos) << r.err;
}

// Every verdict says how many checks judged the input; --require turns a named check that
// could not judge into a failure; events no check can judge are "not checkable" (exit 3).
TEST(CliTraceCheck, VerdictSaysWhatItRestsOn) {
  const std::string file = corpus("nb3-raise-entry-exit.trace");
  const SbmRun plain = sbm("trace check " + file);
  EXPECT_EQ(plain.status, 0) << plain.out;
  EXPECT_NE(
      plain.out.find(
          ": conforms as far as the input shows: 1 of 7 checks judged (6 not checkable: MIG-5 "),
      std::string::npos)
      << plain.out;
  EXPECT_EQ(sbm("trace check --require NB-3 " + file).status, 0) << "NB-3 judged this trace";
  const SbmRun nb4 = sbm("trace check --require NB-3,NB-4 " + file);
  EXPECT_EQ(nb4.status, 1) << nb4.out;
  EXPECT_NE(nb4.out.find(": REQUIRED CHECK NOT JUDGED: NB-4; 1 of 7 checks judged"),
            std::string::npos)
      << nb4.out;
  const SbmRun all = sbm("trace check --require all " + file);
  EXPECT_EQ(all.status, 1);
  EXPECT_NE(all.out.find("REQUIRED CHECKS NOT JUDGED: MIG-5 MIG-6 WC-2 NB-4 NOHZ-4 MIG-7;"),
            std::string::npos)
      << all.out;
  const SbmRun replay_only = sbm("trace check --require SER-1 " + file);
  EXPECT_EQ(replay_only.status, 1)
      << "a required check that did not run (no sbm events) did not judge";
  const SbmRun unknown = sbm("trace check --require XX-1 " + file);
  EXPECT_EQ(unknown.status, 2);
  EXPECT_NE(unknown.err.find("--require: unknown check 'XX-1' (known: all, MIG-5"),
            std::string::npos)
      << unknown.err;

  const nlohmann::json j =
      nlohmann::json::parse(sbm("trace check --json --require NB-4 " + file).out);
  EXPECT_EQ(j["result"], "required not judged");
  EXPECT_EQ(j["profiles"][0]["judged"]["judged"], 1);
  EXPECT_EQ(j["profiles"][0]["judged"]["total"], 7);
  EXPECT_EQ(j["profiles"][0]["judged"]["required_not_judged"], nlohmann::json::array({"NB-4"}));
  const std::string xml = (temp_dir() / "require.xml").string();
  EXPECT_EQ(sbm("trace check -q --require NB-4 --junit " + xml + " " + file).status, 1);
  const std::string report = slurp(xml);
  EXPECT_NE(report.find("NB-4: required (--require) but not checkable from this input"),
            std::string::npos)
      << report;
  EXPECT_NE(report.find("<skipped message="), std::string::npos)
      << "the checks not required are still skipped";

  const std::string waking = (temp_dir() / "waking.trace").string();
  std::ofstream(waking) << "# tracer: nop\n"
                        << "  bash-12 [000] d..2. 100.000000: sched_waking: comm=foo pid=13 "
                           "prio=120 target_cpu=001\n";
  const SbmRun none = sbm("trace check " + waking);
  EXPECT_EQ(none.status, 3) << none.out << none.err;
  EXPECT_NE(none.out.find(": NOT CHECKABLE: 0 of 7 checks judged (7 not checkable:"),
            std::string::npos)
      << none.out;
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
  const SbmRun ok =
      sbm("trace check --json " + sample("014-trappy-arm6cpu-trace-cmd-report-not-raw.txt"));
  EXPECT_EQ(ok.status, 0);
  const nlohmann::json j = nlohmann::json::parse(ok.out);
  EXPECT_EQ(j["result"], "conforms");
  EXPECT_EQ(j["profiles"][0]["events_by_name"]["sched_switch"], 28);
  EXPECT_EQ(j["profiles"][0]["unknown_events"]["bprint"], 2);
  ASSERT_EQ(j["profiles"][0]["checks"].size(), 7u) << "MIG-5..WC-2, NB-4, NOHZ-4, MIG-7";
  EXPECT_EQ(j["profiles"][0]["checks"][4]["id"], "NB-4");
  EXPECT_EQ(j["profiles"][0]["checks"][4]["outcome"], "not checkable")
      << "a trace-cmd report with no tick events";
  const SbmRun bad = sbm("trace check --json --keep-going " + corpus("mig5-two-cpus.trace"));
  EXPECT_EQ(bad.status, 1);
  const nlohmann::json b = nlohmann::json::parse(bad.out);
  EXPECT_EQ(b["result"], "violated");
  ASSERT_EQ(b["profiles"][0]["violations"].size(), 1u);
  EXPECT_EQ(b["profiles"][0]["violations"][0]["id"], "MIG-5");
  EXPECT_EQ(b["profiles"][0]["violations"][0]["line"], 7);
}

TEST(CliTraceCheck, JunitWritesOneCasePerInvariant) {
  const std::string xml = (temp_dir() / "junit.xml").string();
  const SbmRun r = sbm("trace check -q --junit " + xml + " " + corpus("mig6-wrong-orig.trace"));
  EXPECT_EQ(r.status, 1);
  const std::string text = slurp(xml);
  EXPECT_NE(text.find("<testsuites name=\"sbm trace check\" tests=\"7\" failures=\"1\""),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("name=\"MIG-6\">"), std::string::npos) << text;
  EXPECT_NE(text.find("<skipped"), std::string::npos) << text;
}

// A generated trace replays with no violation; one changed next_balance is NB-1 at its line.
TEST(CliTraceCheck, GeneratedTraceReplaysAndAFaultIsFoundAtItsLine) {
  const std::string good = (temp_dir() / "gen.trace").string();
  ASSERT_EQ(sbm("trace gen --topology 2s-numa --ticks 150 --workload churn -o " + good).status, 0);
  const SbmRun ok = sbm("trace check --json " + good);
  EXPECT_EQ(ok.status, 0) << ok.out << ok.err;
  const nlohmann::json j = nlohmann::json::parse(ok.out);
  EXPECT_EQ(j["result"], "conforms");
  EXPECT_EQ(j["profiles"][0]["replay"]["malformed"], 0);
  EXPECT_GT(j["profiles"][0]["replay"]["windows"], 100);
  ASSERT_EQ(j["profiles"][0]["checks"].size(), 21u)
      << "MIG-5..WC-2, NB-4, NOHZ-4, MIG-7 and the 14 replay checks";
  EXPECT_EQ(j["profiles"][0]["checks"][7]["id"], "NB-1");
  EXPECT_EQ(j["profiles"][0]["checks"][7]["outcome"], "holds");

  std::istringstream in(slurp(good));
  std::string text, line;
  int n = 0, faulty = 0;
  while (std::getline(in, line)) {
    ++n;
    const size_t at = line.find(" new=");
    if (!faulty && line.find("sched_balance_next_balance:") != std::string::npos &&
        line.find("written=1") != std::string::npos) {
      const size_t end = line.find(' ', at + 1);
      line.replace(at + 5, end - at - 5,
                   std::to_string(std::stoull(line.substr(at + 5, end - at - 5)) + 3));
      faulty = n;
    }
    text += line + "\n";
  }
  const std::string bad = (temp_dir() / "gen-bad.trace").string();
  std::ofstream(bad) << text;
  const SbmRun r = sbm("trace check " + bad);
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("gen-bad.trace:" + std::to_string(faulty) + ": NB-1"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("VIOLATED: 1 violation of NB-1"), std::string::npos) << r.out;
  // The replay reports at the jiffy's end; the context is still the lines before the fault:
  // the candidates the minimum was taken over.
  const size_t ctx = r.out.find("previous events on CPU");
  ASSERT_NE(ctx, std::string::npos) << r.out;
  EXPECT_NE(r.out.find("sched_balance_candidate:", ctx), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("sched_balance_tick:", ctx), std::string::npos)
      << "no line after the fault" << r.out;
  // --topology: the same machine as a SPEC conforms; another machine's domains do not fit.
  EXPECT_EQ(sbm("trace check -q --topology 2s-numa " + good).status, 0);
  EXPECT_NE(sbm("trace check -q --topology laptop " + good).status, 0);
  EXPECT_EQ(sbm("trace check --topology no-such-preset " + good).status, 2);
}

TEST(CliTraceCheck, MalformedSbmEventsAreErrorsButTheCheckGoesOn) {
  const std::string file = (temp_dir() / "malformed.trace").string();
  std::string text = slurp(corpus("../replay/nb1-conforms-v6.17-spread.trace"));
  const size_t at = text.find("interval=", text.find("sched_balance_domain:"));
  text.replace(at, 10, "interval=x");
  std::ofstream(file) << text;
  const SbmRun r = sbm("trace check -q " + file);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(
      r.err.find(": error: sched_balance_domain: field interval: expected an integer, found 'x'"),
      std::string::npos)
      << r.err;
  // Nothing readable: every sbm event broken.
  const std::string none = (temp_dir() / "none.trace").string();
  std::ofstream(none)
      << "# profile: v6.17\n"
      << "          <idle>-0       [000] d.h1. 0.000000: sched_balance_tick: cpu=0 jiffies=x\n";
  EXPECT_EQ(sbm("trace check " + none).status, 2);
}

// --profile auto: a simulated v4.19 trace conforms to v4.19 alone (v2.6.20 numbers SCHED 6,
// v2.6.32 caps the interval at HZ*NR_CPUS/10, 6.x kicks set nohz.next_balance differently);
// a kernel excerpt with vec=7 conforms to every era from v2.6.32 on.
TEST(CliTraceCheck, ProfileAutoNamesTheProfilesATraceConformsTo) {
  const std::string gen = (temp_dir() / "v419.trace").string();
  ASSERT_EQ(
      sbm("trace gen --topology 2s-numa --profile v4.19 --ticks 300 --seed 3 --workload churn -o " +
          gen)
          .status,
      0);
  const SbmRun r = sbm("trace check --profile auto " + gen);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("result: " + gen + ": conforms to v4.19\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("profile v2.6.20: VIOLATED: 1 violation of NB-3"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("profile v4.19: conforms"), std::string::npos) << r.out;

  const SbmRun j = sbm("trace check --profile auto --json " +
                       sample("004-kprateek-epyc-softirq-sched-vec7.txt"));
  EXPECT_EQ(j.status, 0) << j.out << j.err;
  const nlohmann::json doc = nlohmann::json::parse(j.out);
  EXPECT_EQ(doc["profile"], "auto");
  EXPECT_EQ(doc["conforms_to"], nlohmann::json({"v2.6.32", "v4.19", "v6.17", "v6.19"}));
  ASSERT_EQ(doc["profiles"].size(), 5u);
  EXPECT_EQ(doc["profiles"][0]["profile"], "v2.6.20");
  EXPECT_EQ(doc["profiles"][0]["result"], "violated");
  EXPECT_EQ(doc["profiles"][0]["violations"][0]["id"], "NB-3");

  // No profile fits: exit 1. The same fault breaks every era.
  const std::string bad = (temp_dir() / "no-profile.trace").string();
  std::ofstream(bad) << slurp(corpus("nb3-exit-without-entry.trace"));
  const SbmRun none =
      sbm("trace check --profile auto --junit " + (temp_dir() / "auto.xml").string() + " " + bad);
  EXPECT_EQ(none.status, 1) << none.out;
  EXPECT_NE(none.out.find("conforms to no profile"), std::string::npos) << none.out;
  EXPECT_NE(slurp((temp_dir() / "auto.xml").string()).find("[v6.19]"), std::string::npos);
}

TEST(CliTraceCheck, HelpSaysWhatIsAndIsNotChecked) {
  const SbmRun r = sbm("trace check --help");
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("WC-2"), std::string::npos);
  for (const char* id : {"NB-4", "NOHZ-4", "MIG-7"})
    EXPECT_NE(r.out.find(id), std::string::npos) << id;
  EXPECT_NE(r.out.find("Not checked on mainline events"), std::string::npos) << r.out;
}

}  // namespace
