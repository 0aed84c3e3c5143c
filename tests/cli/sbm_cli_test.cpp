// End-to-end tests of the sbm binary: exit statuses, messages and machine output as a user
// or a CI job sees them. SBM_BINARY and SBM_DATA_DIR come from tests/CMakeLists.txt.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/cli/sbm_run.h"

namespace {

using sbm::testing::sbm;
using sbm::testing::SbmRun;
using sbm::testing::slurp;
using sbm::testing::temp_dir;

std::string data(const std::string& name) {
  return std::string(SBM_DATA_DIR) + "/topologies/" + name;
}

const char* kOkSamples[] = {
    "003-x86-nehalem-numa-2.6.37rc1-revert-ok.txt", "005-arm64-juno-biglittle-hotplug-ok.txt",
    "009-power-lpar-dlpar-debugfs-ok.txt",          "011-qemu-arm64-hetero-smt-schedstat-ok.txt",
    "023-x86-tigerlake-nuc11-smt-ok.txt",
};

// --version names the release and the commit it was built from (tools/version.cmake).
TEST(CliVersion, NamesReleaseAndCommit) {
  const SbmRun r = sbm("--version");
  EXPECT_EQ(r.status, 0);
  EXPECT_TRUE(std::regex_search(
      r.out, std::regex(R"(^sbm \d+\.\d+\.\d+ \(commit ([0-9a-f]{12}(-dirty)?|unknown: .*)\)\n$)")))
      << r.out;
}

TEST(CliTopologyCheck, RealSamplesMarkedOkAreSound) {
  for (const char* f : kOkSamples) {
    const SbmRun r = sbm("topology check " + data(f));
    EXPECT_EQ(r.status, 0) << f << "\n" << r.out << r.err;
    EXPECT_NE(r.out.find("result: " + data(f) + ": sound"), std::string::npos) << r.out;
  }
}

// The verdict says how many TOPO checks judged; --require all fails a dump on which some could
// not; many inputs exit with the worst one's status.
TEST(CliTopologyCheck, VerdictSaysWhatItRestsOnAndRequireFailsIt) {
  const std::string partial = data("003-x86-nehalem-numa-2.6.37rc1-revert-ok.txt");
  const SbmRun r = sbm("topology check -q " + partial);
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(
      r.out.find(
          ": sound as far as the input shows: 13 of 18 checks judged (5 not checkable: TOPO-"),
      std::string::npos)
      << r.out;
  EXPECT_NE(
      sbm("topology check -q 2s-numa").out.find("result: 2s-numa: sound: 18 of 18 checks judged\n"),
      std::string::npos);
  EXPECT_EQ(sbm("topology check -q --require all 2s-numa").status, 0);
  const SbmRun all = sbm("topology check -q --require all " + partial);
  EXPECT_EQ(all.status, 1) << all.out;
  EXPECT_NE(all.out.find("REQUIRED CHECKS NOT JUDGED: TOPO-"), std::string::npos) << all.out;
  EXPECT_EQ(sbm("topology check -q --require TOPO-NOPE 2s-numa").status, 2);
  EXPECT_EQ(
      sbm("topology check -q 2s-numa " + data("034-schedstat-domain-lines-without-cpu-lines.txt"))
          .status,
      3);
  EXPECT_EQ(sbm("topology check -q 2s-numa --require all " + partial).status, 1);
  EXPECT_EQ(sbm("topology check -q 2s-numa /nonexistent/dump.txt " + partial).status, 2);
}

// Inputs no check can look at are "not checkable" (exit 3), never sound and never
// unreadable; inputs some checks can look at say how many could not.
TEST(CliTopologyCheck, NothingCheckableIsSaidSoWithExitThree) {
  const std::string stripped = data("034-schedstat-domain-lines-without-cpu-lines.txt");
  const SbmRun r = sbm("topology check " + stripped);
  EXPECT_EQ(r.status, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("result: " + stripped +
                       ": NOT CHECKABLE: 0 of 18 checks judged (18 not checkable: TOPO-"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("note: 4 domain lines come without the cpuN lines"), std::string::npos);
  const SbmRun j = sbm("topology check --json " + stripped);
  EXPECT_EQ(nlohmann::json::parse(j.out)["result"], "not checkable");

  const std::string cat = data("033-qemu-arm64-sysctl-cat-name-flags.txt");
  const SbmRun c = sbm("topology check --era v5.6 " + cat);
  EXPECT_EQ(c.status, 0) << c.out << c.err;
  EXPECT_NE(
      c.out.find("result: " + cat +
                 ": sound as far as the input shows: 2 of 18 checks judged (16 not checkable:"),
      std::string::npos)
      << c.out;
}

TEST(CliTopologyCheck, AssumedEraIsANote) {
  const SbmRun r = sbm("topology check " + data("031-x86_64-athlon64-x2-2.6.12.1-ok.txt"));
  EXPECT_EQ(r.status, 1) << r.out;
  EXPECT_NE(r.out.find("note: TOPO-DEGENERATE: the input does not say its kernel"),
            std::string::npos)
      << r.out;
  EXPECT_EQ(
      sbm("topology check --era v2.6.12 " + data("031-x86_64-athlon64-x2-2.6.12.1-ok.txt")).status,
      0);
}

TEST(CliTopologyCheck, DiameterThreeDumpIsBrokenWhereTheKernelSaidSo) {
  const SbmRun r = sbm("topology check " + data("004-qemu-arm64-numa-diameter3-broken.txt"));
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("TOPO-GROUPS-SPAN: CPU0 domain-1 (NUMA)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("TOPO-GROUPS-SPAN: CPU3 domain-1 (NUMA)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("004-qemu-arm64-numa-diameter3-broken.txt:"), std::string::npos)
      << "violations carry file:line";
  EXPECT_NE(r.out.find("VIOLATED"), std::string::npos);
}

TEST(CliTopologyCheck, JsonIsParseableAndCarriesTheVerdict) {
  const SbmRun r = sbm("topology check --json " + data("004-qemu-arm64-numa-diameter3-broken.txt") +
                       " " + data("023-x86-tigerlake-nuc11-smt-ok.txt"));
  EXPECT_EQ(r.status, 1);
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["result"], "violated");
  ASSERT_EQ(j["files"].size(), 2u);
  EXPECT_EQ(j["files"][0]["result"], "violated");
  EXPECT_EQ(j["files"][1]["result"], "sound");
  bool found = false;
  for (const auto& v : j["files"][0]["violations"])
    found |= v["id"] == "TOPO-GROUPS-SPAN" && v["cpu"] == 0 && v["level"] == 1 &&
             v["line"].get<int>() > 0;
  EXPECT_TRUE(found) << j["files"][0]["violations"].dump(1);
}

TEST(CliTopologyCheck, JunitReportHasOneCasePerInvariant) {
  const auto xml = temp_dir() / "topo.xml";
  const SbmRun r = sbm("topology check -q --junit " + xml.string() + " " +
                       data("004-qemu-arm64-numa-diameter3-broken.txt"));
  EXPECT_EQ(r.status, 1);
  const std::string text = slurp(xml);
  EXPECT_NE(text.find("<testsuites"), std::string::npos);
  EXPECT_NE(text.find("name=\"TOPO-GROUPS-SPAN\""), std::string::npos);
  EXPECT_NE(text.find("<failure"), std::string::npos);
}

TEST(CliTopologyCheck, NotCheckableIsSaidNotPassed) {
  const SbmRun r = sbm("topology check " + data("009-power-lpar-dlpar-debugfs-ok.txt"));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("not checkable from this input"), std::string::npos) << r.out;
}

TEST(CliTopologyCheck, GarbageIsBadInputWithFileAndLine) {
  const auto f = temp_dir() / "garbage.txt";
  std::ofstream(f) << "hello\nthis is not a dump\n";
  const SbmRun r = sbm("topology check " + f.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind(f.string() + ":1: error: ", 0), 0u) << r.err;
}

TEST(CliTopologyCheck, MalformedDomainLineIsReportedWithItsLine) {
  const auto f = temp_dir() / "bad_span.txt";
  std::ofstream(f) << "CPU0 attaching sched-domain(s):\n domain-0: span=0-x level=MC\n";
  const SbmRun r = sbm("topology check " + f.string());
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(f.string() + ":2: error: "), std::string::npos) << r.err;
}

TEST(CliTopologyCheck, MissingFileAndUnknownSpecAreUsageErrors) {
  const SbmRun r = sbm("topology check no-such-file-or-preset");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("no-such-file-or-preset: error: No such file or directory, nor a topology "
                       "SPEC"),
            std::string::npos)
      << r.err;
}

TEST(CliTopologyCheck, ReadsStandardInput) {
  const SbmRun r =
      sbm("topology check -", "cat " + data("023-x86-tigerlake-nuc11-smt-ok.txt") + " | ");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("<stdin>"), std::string::npos);
}

TEST(CliTopologyBuild, EveryPresetBuildsAndChecksSoundThroughAPipe) {
  for (const char* preset :
       {"laptop", "2s-numa", "4n-ring", "kunpeng", "big-numa", "segmented-bus"}) {
    const SbmRun r =
        sbm("topology check -q -", std::string(SBM_BINARY) + " topology build " + preset + " | ");
    EXPECT_EQ(r.status, 0) << preset << "\n" << r.out << r.err;
  }
}

TEST(CliTopologyBuild, OldBuilderReproducesTheDiameterBug) {
  const SbmRun r = sbm("topology check -q -",
                       std::string(SBM_BINARY) + " topology build segmented-bus --era v5.8 | ");
  EXPECT_EQ(r.status, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("TOPO-GROUPS-SPAN"), std::string::npos) << r.out;
}

TEST(CliTopologyBuild, EveryFormatRoundTripsThroughCheck) {
  for (const char* format : {"dmesg", "debugfs", "sysctl", "schedstat"}) {
    const SbmRun r = sbm(
        "topology check -q --era v6.17 -",
        std::string(SBM_BINARY) + " topology build 2s-numa --era v6.17 --format " + format + " | ");
    EXPECT_EQ(r.status, 0) << format << "\n" << r.out << r.err;
  }
}

TEST(CliTopologyBuild, SameArgumentsSameBytes) {
  const SbmRun a = sbm("topology build kunpeng --era v4.19");
  const SbmRun b = sbm("topology build kunpeng --era v4.19");
  EXPECT_EQ(a.status, 0);
  EXPECT_EQ(a.out, b.out);
  EXPECT_FALSE(a.out.empty());
}

TEST(CliTopologyBuild, BadSpecAndBadFormatAreUsageErrors) {
  EXPECT_EQ(sbm("topology build sockets=two").status, 2);
  EXPECT_EQ(sbm("topology build laptop --format xml").status, 2);
  EXPECT_EQ(sbm("topology build laptop --era banana").status, 2);
}

std::string sysfs(const std::string& shape) {
  return std::string(SBM_DATA_DIR) + "/sysfs/" + shape;
}

TEST(CliTopologyHost, AFixtureBuildsChecksSoundAndShows) {
  const SbmRun b = sbm("topology build host:" + sysfs("x86-hybrid-adl") + " --era v6.17");
  ASSERT_EQ(b.status, 0) << b.err;
  EXPECT_NE(b.out.find("CPU0 attaching sched-domain(s):\n domain-0: span=0-1 level=SMT\n"),
            std::string::npos)
      << b.out;
  EXPECT_NE(b.out.find("CPU12 attaching sched-domain(s):\n domain-0: span=12-15 level=CLS\n"),
            std::string::npos)
      << b.out;
  const SbmRun c = sbm("topology check -q host:" + sysfs("x86-2s-numa"));
  EXPECT_EQ(c.status, 0) << c.out << c.err;
  const SbmRun t = sbm("topology show host:" + sysfs("arm64-rk3399"));
  EXPECT_EQ(t.status, 0) << t.err;
  EXPECT_NE(t.out.find("PKG span=0-5"), std::string::npos) << t.out;
  const SbmRun g =
      sbm("trace gen --topology host:" + sysfs("x86-vm-2cpu") + " --ticks 20 --profile v6.17");
  EXPECT_EQ(g.status, 0) << g.err;
}

// A copy of a fixture with one file broken: file:1: error, exit 2.
TEST(CliTopologyHost, BadSysfsFilesAreBadInputAtLineOne) {
  const std::filesystem::path root = temp_dir() / "sysfs";
  const auto broken = [&](const std::string& rel, const std::string& text) {
    std::filesystem::remove_all(root);
    std::filesystem::copy(sysfs("x86-desktop-smt"), root, std::filesystem::copy_options::recursive);
    if (text.empty())
      std::filesystem::remove(root / rel);
    else
      std::ofstream(root / rel) << text << "\n";
    return sbm("topology build host:" + root.string());
  };
  const std::string cpu = (root / "devices/system/cpu").string();
  SbmRun r = broken("devices/system/cpu/online", "");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, cpu + "/online:1: error: cannot read the file\n");
  r = broken("devices/system/cpu/cpu1/topology/thread_siblings_list", "1-");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err.rfind(cpu + "/cpu1/topology/thread_siblings_list:1: error: ", 0), 0u) << r.err;
  r = broken("devices/system/cpu/cpu6/cache/index3/shared_cpu_list", "0-5");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err,
            cpu + "/cpu6/cache/index3/shared_cpu_list:1: error: '0-5' does not hold CPU 6\n");
  EXPECT_EQ(sbm("topology build host:").status, 2);
}

// `host` reads this machine's /sys. Where /sys says what the x86-vm-2cpu fixture (a copy of
// the machine sbm was written on) says, the two builds are the same bytes.
TEST(CliTopologyHost, LiveHostBuildsAndMatchesItsCopy) {
  const SbmRun live = sbm("topology build host --era v6.17");
  ASSERT_EQ(live.status, 0) << live.err;
  EXPECT_NE(live.out.find("root domain span:"), std::string::npos);
  const std::filesystem::path copy = sysfs("x86-vm-2cpu");
  for (const auto& e : std::filesystem::recursive_directory_iterator(copy)) {
    if (!e.is_regular_file()) continue;
    const std::filesystem::path real = "/sys" / std::filesystem::relative(e.path(), copy);
    if (slurp(real) != slurp(e.path()))
      GTEST_SKIP() << real << " differs from the copy: not the machine of the fixture";
  }
  const SbmRun fixture = sbm("topology build host:" + copy.string() + " --era v6.17");
  EXPECT_EQ(live.out, fixture.out);
}

TEST(CliTopologyShow, TreeAndDot) {
  const SbmRun tree = sbm("topology show 2s-numa");
  EXPECT_EQ(tree.status, 0);
  EXPECT_NE(tree.out.find("NUMA span=0-31"), std::string::npos) << tree.out;
  const SbmRun dot = sbm("topology show --dot " + data("004-qemu-arm64-numa-diameter3-broken.txt"));
  EXPECT_EQ(dot.status, 0);
  EXPECT_EQ(dot.out.rfind("digraph sched_domains {", 0), 0u) << dot.out;
}

TEST(CliGeneral, HelpListsCommandsAndUsageErrorsExitTwo) {
  const SbmRun help = sbm("--help");
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("topology"), std::string::npos);
  EXPECT_NE(help.out.find("demo"), std::string::npos);
  EXPECT_EQ(sbm("").status, 2);
  EXPECT_EQ(sbm("no-such-command").status, 2);
  EXPECT_EQ(sbm("topology check --no-such-flag x").status, 2);
}

TEST(CliDemo, RunsAndChecks) {
  const SbmRun r = sbm("demo");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("TOPO invariants:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("TOPO-GROUPS-SPAN"), std::string::npos)
      << "demo shows the v5.8 bug being caught";
  EXPECT_NE(r.out.find("\n0 violations\n"), std::string::npos)
      << "the simulation holds every property" << r.out;
  EXPECT_NE(r.out.find("serialize (SER-1): proved within bound [cpus=6 steps=8]"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("next-balance (NB-1): counterexample"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("counterexample.trace:47: NB-1: CPU0: expected written"), std::string::npos)
      << "the mutant's counterexample is rejected by the unmutated replay" << r.out;
  // Same input, same output.
  EXPECT_EQ(r.out, sbm("demo").out);
}

}  // namespace

namespace {

TEST(CliTraceGen, SameArgumentsSameBytesAndAKernelLikeHeader) {
  const std::string args =
      "trace gen --topology 2s-numa --profile v6.17 --ticks 300 --seed 7 --workload churn";
  const SbmRun a = sbm(args);
  const SbmRun b = sbm(args);
  ASSERT_EQ(a.status, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_NE(a.out.find("# sbm-trace: 1"), std::string::npos);
  EXPECT_NE(a.out.find("# profile: v6.17"), std::string::npos);
  EXPECT_NE(a.out.find("softirq_raise: vec=7 [action=SCHED]"), std::string::npos);
  EXPECT_NE(a.err.find("300 ticks"), std::string::npos) << a.err;
  const SbmRun other_seed =
      sbm("trace gen --topology 2s-numa --profile v6.17 --ticks 300 --seed 8 --workload churn");
  EXPECT_NE(a.out, other_seed.out);
}

TEST(CliTraceGen, OldProfileUsesVectorSix) {
  const SbmRun r =
      sbm("trace gen --topology laptop --profile v2.6.20 --ticks 50 --workload spread");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("softirq_raise: vec=6 [action=SCHED]"), std::string::npos);
  EXPECT_EQ(r.out.find("vec=7"), std::string::npos);
}

// --hotplug: a CPU goes down or comes up every N jiffies; the generator line reproduces it.
TEST(CliTraceGen, HotplugEveryNJiffiesIsSeededAndReproducible) {
  const std::string args = "trace gen --topology laptop --ticks 200 --seed 4 --hz 100 --hotplug 20";
  const SbmRun a = sbm(args);
  ASSERT_EQ(a.status, 0) << a.err;
  EXPECT_EQ(a.out, sbm(args).out);
  EXPECT_NE(a.out.find("# generator: sbm trace gen --topology laptop --profile v6.17 --ticks 200 "
                       "--seed 4 --workload churn --hz 100 --hotplug 20\n"),
            std::string::npos);
  size_t events = 0;
  for (size_t at = a.out.find("sched_balance_hotplug: "); at != std::string::npos;
       at = a.out.find("sched_balance_hotplug: ", at + 1))
    ++events;
  EXPECT_EQ(events, 10u);
  EXPECT_NE(a.err.find(", 10 hotplugs"), std::string::npos) << a.err;
  EXPECT_EQ(sbm("trace gen --topology laptop --ticks 200 --seed 4 --hz 100")
                .out.find("sched_balance_hotplug"),
            std::string::npos);
}

// --topology FILE: a real boot log is simulated as read; a dump without spans is bad input
// at its line; hotplug needs a SPEC.
TEST(CliTraceGen, SimulatesADumpFileAsRead) {
  const std::string nuc = data("023-x86-tigerlake-nuc11-smt-ok.txt");
  const SbmRun r = sbm("trace gen --topology " + nuc + " --ticks 200 --workload busy");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("# topology: " + nuc), std::string::npos);
  EXPECT_NE(r.out.find("# topology-dump:   domain-1: span=0-7 level=MC"), std::string::npos);
  EXPECT_NE(r.out.find("sched_migrate_task:"), std::string::npos);
  const std::string debugfs = data("009-power-lpar-dlpar-debugfs-ok.txt");
  const SbmRun spanless = sbm("trace gen --topology " + debugfs);
  EXPECT_EQ(spanless.status, 2);
  EXPECT_NE(spanless.err.find(debugfs + ":4: error: CPU0's domain SMT has no span"),
            std::string::npos)
      << spanless.err;
  EXPECT_EQ(sbm("trace gen --topology " + nuc + " --hotplug 10").status, 2);
}

TEST(CliTraceGen, BadArgumentsAreUsageErrors) {
  EXPECT_EQ(sbm("trace gen --profile v9.99").status, 2);
  EXPECT_EQ(sbm("trace gen --topology nonsense=1").status, 2);
  EXPECT_EQ(sbm("trace gen --workload no-such-workload").status, 2);
  EXPECT_EQ(sbm("trace gen --ticks 0").status, 2);
}

}  // namespace
