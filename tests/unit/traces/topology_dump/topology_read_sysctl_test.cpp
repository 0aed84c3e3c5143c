// The sysctl reader (kernel.sched_domain, up to v5.12): both spellings, numeric flags per
// era, names from v5.10, errors.
#include <gtest/gtest.h>

#include "topology_read_test_helpers.h"

namespace sbm {
namespace {

using test::errors_text;
using test::has_note;
using test::read_sample;

using F = SdFlag;

const SdFlags kSmt419{F::LoadBalance, F::BalanceNewidle,   F::BalanceExec, F::BalanceFork,
                      F::WakeAffine,  F::ShareCpucapacity, F::ShareLlc,    F::PreferSibling};
const SdFlags kMc419{F::LoadBalance, F::BalanceNewidle, F::BalanceExec,  F::BalanceFork,
                     F::WakeAffine,  F::ShareLlc,       F::PreferSibling};

TEST(TopologyReadSysctl, SysctlDashANumericFlags) {
  const DumpReadResult r = read_sample("crafted-sysctl-a-4.19.txt");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  const Topology& t = *r.topology;
  EXPECT_EQ(t.source.format, "sysctl");
  ASSERT_EQ(t.cpus.size(), 2u);
  const SchedDomain& smt = t.cpus.at(0).domains[0];
  EXPECT_EQ(smt.name, "SMT");
  EXPECT_EQ(smt.tunables, (SdTunables{2, 4, 32, 110, 0}));
  // The load-index entries date the listing before v5.8: decoded with the v4.19 layout.
  EXPECT_EQ(smt.flags, kSmt419);
  EXPECT_EQ(t.cpus.at(1).domains[1].flags, kMc419);
  EXPECT_TRUE(has_note(r, "decoded with the v4.19 layout: the listing has load-index entries"));
  EXPECT_TRUE(has_note(r, "busy_idx (1)"));
  EXPECT_EQ(r.ignored_lines, 4);  // header, shell command, "sysctl: permission denied"
  EXPECT_EQ(t.cpus.at(1).line, 25);
  EXPECT_FALSE(smt.span);
}

// Sample 033: "cat .../cpu0/domain*/{name,flags}" prints the names, then the flags, with
// no keys; the braces expand before the glob.
TEST(TopologyReadSysctl, CatOfNameAndFlagsFiles) {
  // A v5.6 kernel: SD_LOAD_BALANCE still bit 0 (the default v5.9 layout lacks it).
  const DumpReadResult r = read_sample("033-qemu-arm64-sysctl-cat-name-flags.txt",
                                       DumpReadOptions{KernelVersion{5, 6, 0}});
  EXPECT_TRUE(has_note(r, "8 values printed by cat"));
  EXPECT_EQ(r.ignored_lines, 4);  // the sample's header
  ASSERT_TRUE(r.errors.empty() && r.topology->cpus.size() == 1) << errors_text(r);
  const auto& ds = r.topology->cpus.at(0).domains;
  ASSERT_EQ(ds.size(), 4u);
  EXPECT_EQ(ds[0].name + " " + ds[1].name + " " + ds[3].name, "MC NUMA NUMA");
  ASSERT_TRUE(ds[0].flags && ds[3].flags);
  EXPECT_TRUE(ds[0].flags->has(SdFlag::ShareLlc));
  EXPECT_TRUE(ds[3].flags->has(SdFlag::Numa));
  EXPECT_FALSE(ds[0].span);
  EXPECT_EQ(r.topology->source.format, "sysctl");
}

// The shell sorts a glob's matches as strings: domain10 comes before domain2.
TEST(TopologyReadSysctl, CatGlobFollowsTheShellsOrder) {
  std::string text = "$ cat /proc/sys/kernel/sched_domain/cpu3/domain*/name\n";
  for (const char* name : {"L0", "L1", "L10", "L2", "L3", "L4", "L5", "L6", "L7", "L8", "L9"})
    text += std::string(name) + "\n";
  const DumpReadResult r = read_topology_dump(text, "x");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  const auto& ds = r.topology->cpus.at(3).domains;
  ASSERT_EQ(ds.size(), 11u);
  for (size_t i = 0; i < ds.size(); ++i) EXPECT_EQ(ds[i].name, "L" + std::to_string(i));
}

TEST(TopologyReadSysctl, CatValuesThatDoNotFitTheFilesAreAnError) {
  const DumpReadResult r = read_topology_dump(
      "# cat /proc/sys/kernel/sched_domain/cpu0/domain*/{name,flags}\nMC\nDIE\n4143\n", "x");
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].line, 1);
  EXPECT_NE(r.errors[0].message.find("expected 0 values plus 2 per domain after the cat command, "
                                     "found 3"),
            std::string::npos)
      << errors_text(r);
}

TEST(TopologyReadSysctl, DefaultEraIsTheLastNumericOne) {
  // Without load-index entries the newest numeric era, v5.9 (bits renumbered in v5.8).
  const DumpReadResult r =
      read_topology_dump("kernel.sched_domain.cpu0.domain0.flags = 4143\n", "flags");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  EXPECT_TRUE(has_note(r, "decoded with the v5.9 layout, the newest whose sysctl printed numbers"));
  EXPECT_EQ(r.topology->cpus.at(0).domains[0].flags, decode_sd_flags(4143, KernelVersion{5, 9, 0}));
}

TEST(TopologyReadSysctl, EraHintDecidesTheLayout) {
  // Bit 6 (64) was SD_PREFER_LOCAL in v2.6.32 and SD_ASYM_CPUCAPACITY in v4.19.
  const std::string text = "kernel.sched_domain.cpu0.domain0.flags = 4719\n";
  const DumpReadResult v419 = read_topology_dump(text, "f", {KernelVersion{4, 19, 0}});
  ASSERT_TRUE(v419.errors.empty()) << errors_text(v419);
  SdFlags want = kMc419;
  want.set(F::AsymCpucapacity);
  EXPECT_EQ(v419.topology->cpus.at(0).domains[0].flags, want);
  EXPECT_TRUE(has_note(v419, "decoded with the v4.19 layout (era hint)"));
  EXPECT_EQ(v419.topology->era, (KernelVersion{4, 19, 0}));
  const DumpReadResult v2632 = read_topology_dump(text, "f", {KernelVersion{2, 6, 32}});
  want = kMc419;
  want.set(F::PreferLocal);
  EXPECT_EQ(v2632.topology->cpus.at(0).domains[0].flags, want);
}

TEST(TopologyReadSysctl, UndefinedBitsAreAnErrorOnlyUnderAnEraHint) {
  const std::string text = "kernel.sched_domain.cpu0.domain0.flags = 65536\n";  // bit 16
  const DumpReadResult hinted = read_topology_dump(text, "f", {KernelVersion{4, 19, 0}});
  ASSERT_EQ(hinted.errors.size(), 1u);
  EXPECT_EQ(hinted.errors[0].line, 1);
  EXPECT_NE(hinted.errors[0].message.find("expected flag bits defined in v4.19, found 0x10000"),
            std::string::npos);
  const DumpReadResult guessed = read_topology_dump(text, "f");
  EXPECT_TRUE(guessed.errors.empty());
  EXPECT_TRUE(has_note(guessed, "expected flag bits defined in v5.9, found 0x10000"));
}

TEST(TopologyReadSysctl, ProcGrepSpellingWithFlagNames) {
  const DumpReadResult r = read_sample("crafted-sysctl-proc-5.10.txt");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  const SchedDomain& mc = r.topology->cpus.at(0).domains[0];
  EXPECT_EQ(mc.name, "MC");
  EXPECT_EQ(mc.tunables, (SdTunables{8, 16, 16, 117, 1}));
  EXPECT_EQ(mc.flags, (SdFlags{F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::WakeAffine,
                               F::ShareLlc, F::PreferSibling}));
  EXPECT_FALSE(has_note(r, "decoded"));  // names need no era
}

TEST(TopologyReadSysctl, EmptyNamesValueMeansNoFlags) {
  // sd_ctl_doflags() (v5.10 - v5.12) prints nothing for a domain without flags.
  const DumpReadResult r =
      read_topology_dump("kernel.sched_domain.cpu0.domain0.flags = \n", "empty flags");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  EXPECT_EQ(r.topology->cpus.at(0).domains[0].flags, SdFlags{});
}

TEST(TopologyReadSysctl, AndroidGroupEntriesAreNotModelled) {
  const DumpReadResult r = read_topology_dump(
      "kernel.sched_domain.cpu0.domain0.name = MC\n"
      "kernel.sched_domain.cpu0.domain0.group0.energy.cap_states = 235 14 307 33\n",
      "android");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  EXPECT_TRUE(has_note(r, "group0.energy.cap_states (1)"));
}

struct BadSysctl {
  const char* text;
  const char* message;
};

class TopologyReadSysctlErrors : public ::testing::TestWithParam<BadSysctl> {};

TEST_P(TopologyReadSysctlErrors, ReportsLineAndExpectation) {
  const std::string text =
      std::string("kernel.sched_domain.cpu0.domain0.name = MC\n") + GetParam().text + "\n";
  const DumpReadResult r = read_topology_dump(text, "bad");
  ASSERT_EQ(r.errors.size(), 1u) << errors_text(r);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_NE(r.errors[0].message.find(GetParam().message), std::string::npos) << errors_text(r);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TopologyReadSysctlErrors,
    ::testing::Values(BadSysctl{"kernel.sched_domain.cpu0.domain0.flags = -1",
                                "expected SD_* flag names in 'flags', found '-1'"},
                      BadSysctl{"kernel.sched_domain.cpu0.domain0.flags = 4294967295",
                                "expected a flags value below 2^31"},
                      BadSysctl{"kernel.sched_domain.cpu0.domain0.busy_idx = x",
                                "expected a number in 'busy_idx', found 'x'"},
                      BadSysctl{"kernel.sched_domain.cpu0.domain0.min_interval = 1.5",
                                "expected a number below 2^32 in 'min_interval', found '1.5'"},
                      BadSysctl{"kernel.sched_domain.cpu0.dom0.name = MC",
                                "expected 'kernel.sched_domain.cpuN.domainM.<name> = <value>'"},
                      BadSysctl{"kernel.sched_domain.cpu0.domain0.name MC",
                                "expected 'kernel.sched_domain.cpuN.domainM.<name> = <value>'"},
                      BadSysctl{"/proc/sys/kernel/sched_domain/cpu0/domain0/name",
                                "expected '.../sched_domain/cpuN/domainM/<name>:<value>'"},
                      BadSysctl{"kernel.sched_domain.cpu77777.domain0.name = MC",
                                "expected a CPU number below 8192, found '77777'"}));

}  // namespace
}  // namespace sbm
