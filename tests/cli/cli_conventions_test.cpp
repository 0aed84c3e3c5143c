// The command line every sbm command shares (spec/design.md, "CLI conventions"): numbers that
// are not wrapped, misspellings answered with the near command or flag, --help with examples
// everywhere, a missing file named as such, failed writes reported with exit 2, many inputs
// judged at once, and `sbm corpus check`. SBM_BINARY and SBM_CORPUS_DIR come from
// tests/CMakeLists.txt.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/cli/sbm_run.h"

namespace {

using sbm::testing::sbm;
using sbm::testing::SbmRun;
using sbm::testing::slurp;
using sbm::testing::temp_dir;

const std::string kCorpus = SBM_CORPUS_DIR;
const std::string kViolating = kCorpus + "/mainline/mig5-two-cpus.trace";         // MIG-5
const std::string kConforming = kCorpus + "/mainline/wc2-under-threshold.trace";  // conforms

// Runs `sbm ARGS` with standard output to `out` (a device such as /dev/full).
SbmRun sbm_to(const std::string& args, const std::string& out) {
  const std::string err = (temp_dir() / "to.err").string();
  const int raw =
      std::system((std::string(SBM_BINARY) + " " + args + " >" + out + " 2>" + err).c_str());
  SbmRun r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.err = slurp(err);
  return r;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// A copy of `from` whose "# expect:" line says `expect` instead.
std::string with_expect(const std::string& from, const std::string& expect,
                        const std::string& name) {
  std::ifstream in(from);
  const std::string path = (temp_dir() / name).string();
  std::ofstream out(path);
  for (std::string line; std::getline(in, line);)
    out << (line.rfind("# expect: ", 0) == 0 ? "# expect: " + expect : line) << "\n";
  return path;
}

TEST(CliNumbers, NegativeNumbersAreRefusedNotWrapped) {
  for (const char* args :
       {"trace gen --seed -1", "trace gen --ticks 10 --hotplug -3", "trace gen --hz -100"}) {
    const SbmRun r = sbm(args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.out;
    EXPECT_TRUE(std::regex_search(
        r.err, std::regex("^sbm: error: --[a-z]+: a negative number is refused, found -[0-9]+\n")))
        << args << "\n"
        << r.err;
    EXPECT_EQ(r.out, "") << args;
  }
  // Numbers that must be above 0 say so (not a range up to DBL_MAX).
  for (const char* args : {"mutants --budget -5", "trace check --idle-threshold 0 x.trace"}) {
    const SbmRun r = sbm(args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_TRUE(std::regex_search(r.err, std::regex("^sbm: error: --[a-z-]+: must be above 0, "
                                                    "found -?[0-9]+\n")))
        << args << "\n"
        << r.err;
  }
  EXPECT_EQ(sbm("trace gen --seed 0 --ticks 5").status, 0);
}

// A trace that would outgrow 10 GiB is warned about (the first 1000 jiffies of laptop write
// about 2.5 MB, so 10^8 jiffies would be about 250 GB); a small one is not.
TEST(CliNumbers, AbsurdTraceSizeIsWarnedAbout) {
  const std::string err = (temp_dir() / "huge.err").string();
  const std::string cmd = std::string(SBM_BINARY) + " trace gen --ticks 100000000 2>" + err +
                          " | head -c 3000000 >/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string e = slurp(err);
  EXPECT_TRUE(std::regex_search(
      e, std::regex("sbm trace gen: warning: --ticks 100000000 will write about [0-9]+ GiB")))
      << e;
  const SbmRun small = sbm("trace gen --ticks 2000 -o /dev/null");
  EXPECT_EQ(small.status, 0);
  EXPECT_FALSE(has(small.err, "warning")) << small.err;
}

TEST(CliMisspelling, SaysDidYouMean) {
  const SbmRun cmd = sbm("trace chek x.trace");
  EXPECT_EQ(cmd.status, 2);
  EXPECT_TRUE(has(cmd.err, "sbm: error: ")) << cmd.err;
  EXPECT_TRUE(has(cmd.err, "did you mean 'sbm trace check'?")) << cmd.err;
  const SbmRun flag = sbm("trace check --jsno " + kConforming);
  EXPECT_EQ(flag.status, 2);
  EXPECT_TRUE(has(flag.err, "sbm: error: The following argument was not expected: --jsno"))
      << flag.err;
  EXPECT_TRUE(has(flag.err, "did you mean 'sbm trace check --json'?")) << flag.err;
  EXPECT_TRUE(has(sbm("topolgy show laptop").err, "did you mean 'sbm topology'?"));
  EXPECT_TRUE(
      has(sbm("topology check --qiuet 2s-numa").err, "did you mean 'sbm topology check --quiet'?"));
  // Nothing near: no guess.
  const SbmRun far = sbm("trace xyzzyplugh");
  EXPECT_EQ(far.status, 2);
  EXPECT_TRUE(has(far.err, "sbm: error: ")) << far.err;
  EXPECT_FALSE(has(far.err, "did you mean")) << far.err;
}

// The subcommands a --help lists (CLI11's "Subcommands:" block).
std::vector<std::string> subcommands_of(const std::string& help) {
  std::vector<std::string> subs;
  std::istringstream in(help);
  bool block = false;
  for (std::string line; std::getline(in, line);) {
    if (line == "Subcommands:") {
      block = true;
    } else if (block && line.rfind("  ", 0) == 0 && line.size() > 2 && line[2] != ' ') {
      subs.push_back(line.substr(2, line.find(' ', 2) - 2));
    } else if (!line.empty() && line[0] != ' ') {
      block = false;
    }
  }
  return subs;
}

// Every command's --help, down the whole tree, ends with examples and names values FILE, SPEC,
// N..., never CLI11's TEXT or UINT.
TEST(CliHelp, EveryCommandHasExamplesAndNamedValues) {
  std::vector<std::string> todo = {""};
  std::set<std::string> seen;
  while (!todo.empty()) {
    const std::string path = todo.back();
    todo.pop_back();
    seen.insert(path);
    const SbmRun r = sbm(path + " --help");
    ASSERT_EQ(r.status, 0) << "sbm " << path;
    const size_t examples = r.out.rfind("Examples:\n");
    ASSERT_NE(examples, std::string::npos) << "sbm " << path << " --help has no Examples:";
    size_t lines = 0;
    std::istringstream tail(r.out.substr(examples));
    for (std::string line; std::getline(tail, line);) lines += line.rfind("  sbm ", 0) == 0;
    EXPECT_GE(lines, 2u) << "sbm " << path << " --help: fewer than 2 examples";
    EXPECT_FALSE(std::regex_search(r.out, std::regex(R"( (TEXT|UINT|INT|FLOAT)[ :\n])")))
        << "sbm " << path << " --help:\n"
        << r.out;
    for (const std::string& sub : subcommands_of(r.out))
      todo.push_back(path.empty() ? sub : path + " " + sub);
  }
  // The walk reached the leaves.
  for (const char* leaf : {"topology check", "trace gen", "trace check", "corpus check", "demo"})
    EXPECT_TRUE(seen.count(leaf)) << leaf;
}

TEST(CliMissingFile, IsNoSuchFileOrDirectory) {
  for (const char* args : {"topology show no/such.txt", "topology check no/such.txt",
                           "trace gen --topology ./nope.dump", "corpus check no/such/dir"}) {
    const SbmRun r = sbm(args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_TRUE(has(r.err, ": error: No such file or directory")) << args << "\n" << r.err;
    EXPECT_FALSE(has(r.err, "neither a file nor")) << args << "\n" << r.err;
  }
  // A plain word may be a misspelled preset: both are said.
  const SbmRun word = sbm("topology show lapto");
  EXPECT_EQ(word.status, 2);
  EXPECT_TRUE(has(word.err, "lapto: error: No such file or directory, nor a topology SPEC"))
      << word.err;
  EXPECT_TRUE(has(sbm("trace check no/such.trace").err,
                  "no/such.trace: error: cannot open the file: No such file or directory"));
}

// Every command writing to a full device (standard output, -o, --junit, --cex) says so and
// exits 2; the same commands to /dev/null exit as they would.
TEST(CliFailedWrite, DevFullIsExitTwoWithAMessageInEveryCommand) {
  const std::string dir = kCorpus + "/mainline";
  const std::vector<std::string> commands = {
      "--help",
      "trace gen --ticks 50",
      "trace gen --ticks 50 -o /dev/full",
      "topology show laptop",
      "topology show laptop --dot",
      "topology build laptop",
      "topology build laptop -o /dev/full",
      "topology check 2s-numa",
      "topology check --json 2s-numa",
      "topology check 2s-numa --junit /dev/full",
      "trace check " + kConforming,
      "trace check --json " + kConforming,
      "trace check " + kConforming + " --junit /dev/full",
      "trace check " + kConforming + " " + kConforming,
      "corpus check " + dir,
      "demo",
      "prove serialize --bound cpus=2 --bound steps=2",
      "prove next-balance --mutant plain-lt --bound domains=1 --bound cpus=1 --cex /dev/full",
      "mutants --mutant plain-lt --budget 1 --json",
  };
  for (const std::string& c : commands) {
    const bool to_file = has(c, "/dev/full");
    const SbmRun full = sbm_to(c, to_file ? "/dev/null" : "/dev/full");
    EXPECT_EQ(full.status, 2) << c << "\n" << full.err;
    EXPECT_TRUE(std::regex_search(
        full.err,
        std::regex(std::string("sbm: error: writing ") +
                   (to_file ? "'/dev/full'" : "standard output") + ": No space left on device\n")))
        << c << "\n"
        << full.err;
  }
  // Exit statuses other than 2 are the commands' own (the check is of the write only).
  EXPECT_EQ(sbm("topology show laptop").status, 0);
  EXPECT_EQ(sbm("trace gen --ticks 50 -o " + (temp_dir() / "g.trace").string()).status, 0);
}

// A reader that goes away: SIGPIPE is ignored, the write error EPIPE is reported, exit 2.
TEST(CliFailedWrite, ClosedPipeIsExitTwoNotADeathBySignal) {
  const std::string err = (temp_dir() / "pipe.err").string();
  const std::string cmd = "bash -c 'set -o pipefail; " + std::string(SBM_BINARY) +
                          " trace gen --ticks 100000 2>" + err + " | head -1 >/dev/null'";
  const int raw = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(raw));
  EXPECT_EQ(WEXITSTATUS(raw), 2);
  EXPECT_TRUE(has(slurp(err), "sbm: error: writing standard output: Broken pipe\n")) << slurp(err);
}

// Many traces: one verdict line each, a summary, the worst exit status; --json a files array.
TEST(CliTraceCheckMany, ExitIsTheWorstAndEachHasItsVerdict) {
  const SbmRun ok = sbm("trace check -q " + kConforming + " " + kConforming);
  EXPECT_EQ(ok.status, 0) << ok.out << ok.err;
  EXPECT_TRUE(has(ok.out, "summary: 2 traces: 2 conform, 0 violated, 0 not checkable, 0 bad input"))
      << ok.out;
  const SbmRun bad = sbm("trace check -q " + kConforming + " " + kViolating);
  EXPECT_EQ(bad.status, 1);
  EXPECT_TRUE(has(bad.out, "result: " + kConforming + ": conforms")) << bad.out;
  EXPECT_TRUE(has(bad.out, "result: " + kViolating + ": VIOLATED")) << bad.out;
  const SbmRun worst = sbm("trace check -q " + kViolating + " no/such.trace " + kConforming);
  EXPECT_EQ(worst.status, 2);
  EXPECT_TRUE(has(worst.out, "result: " + kConforming)) << "the rest is still checked";
  EXPECT_TRUE(has(worst.out, "1 conform, 1 violated, 0 not checkable, 1 bad input")) << worst.out;
  const SbmRun json = sbm("trace check --json " + kViolating + " no/such.trace " + kConforming);
  EXPECT_EQ(json.status, 2);
  const nlohmann::json doc = nlohmann::json::parse(json.out);
  EXPECT_EQ(doc["result"], "error");
  ASSERT_EQ(doc["files"].size(), 3u);
  EXPECT_EQ(doc["files"][0]["result"], "violated");
  EXPECT_EQ(doc["files"][1]["result"], "error");
  EXPECT_EQ(doc["files"][2]["result"], "conforms");
  EXPECT_EQ(doc["files"][2]["file"], kConforming);
  // One trace: its document as before.
  EXPECT_EQ(nlohmann::json::parse(sbm("trace check --json " + kViolating).out)["file"], kViolating);
}

TEST(CliCorpusCheck, TheProjectsCorporaAreOk) {
  const SbmRun r = sbm("corpus check " + kCorpus);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_TRUE(
      has(r.out, "Ok " + kViolating + " expected: violated MIG-5; observed: violated MIG-5\n"))
      << r.out;
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex("\ncorpus: [0-9]+ files, [0-9]+ Ok, 0 No, 0 not judged\n$")))
      << r.out;
  EXPECT_FALSE(has(r.out, "\nNo ")) << r.out;
}

TEST(CliCorpusCheck, AWrongExpectationIsNoAndExitOne) {
  const std::string wrong = with_expect(kViolating, "conforms", "wrong.trace");
  const SbmRun r = sbm("corpus check -q " + wrong + " " + kConforming);
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_TRUE(has(r.out, "No " + wrong + " expected: conforms; observed: violated MIG-5\n"))
      << r.out;
  EXPECT_TRUE(has(r.out, "corpus: 2 files, 1 Ok, 1 No, 0 not judged")) << r.out;
  // Another ID than the one stated is No too; so is a topology dump said sound that is not.
  const std::string other = with_expect(kViolating, "violated WC-2", "other.trace");
  EXPECT_EQ(sbm("corpus check " + other).status, 1);
  const std::string dump = with_expect(kCorpus + "/topology/bad-root-span.txt", "sound", "d.txt");
  const SbmRun d = sbm("corpus check " + dump);
  EXPECT_EQ(d.status, 1);
  EXPECT_TRUE(has(d.out, "No " + dump + " expected: sound; observed: violated TOPO-")) << d.out;
}

TEST(CliCorpusCheck, AFileWithoutExpectationIsNotJudged) {
  std::ifstream in(kConforming);
  const std::string path = (temp_dir() / "noexpect.trace").string();
  std::ofstream out(path);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("# expect: ", 0) != 0) out << line << "\n";
  out.close();
  const SbmRun r = sbm("corpus check " + path + " " + kConforming);
  EXPECT_EQ(r.status, 2);
  EXPECT_TRUE(has(r.err, path + ": error: no '# expect:' header line")) << r.err;
  EXPECT_TRUE(has(r.out, "corpus: 2 files, 1 Ok, 0 No, 1 not judged")) << r.out;
}

}  // namespace
