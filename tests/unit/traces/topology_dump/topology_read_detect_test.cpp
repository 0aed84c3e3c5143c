// What every format shares: detection, the log prefixes posts add, unrecognised input, and
// limits on hostile input.
#include <gtest/gtest.h>

#include "topology_read_test_helpers.h"

namespace sbm {
namespace {

using test::errors_text;
using test::has_note;
using test::read_sample;
using test::shape;
using test::topology_data;

TEST(TopologyReadDetect, EachSampleGetsItsFormat) {
  const std::pair<const char*, const char*> cases[] = {
      {"003-x86-nehalem-numa-2.6.37rc1-revert-ok.txt", "dmesg-old"},
      {"004-qemu-arm64-numa-diameter3-broken.txt", "dmesg-new"},
      {"005-arm64-juno-biglittle-hotplug-ok.txt", "dmesg-new"},
      {"009-power-lpar-dlpar-debugfs-ok.txt", "debugfs"},
      {"011-qemu-arm64-hetero-smt-schedstat-ok.txt", "schedstat"},
      {"023-x86-tigerlake-nuc11-smt-ok.txt", "dmesg-new"},
      {"crafted-dmesg-old-hex-2.6.20.txt", "dmesg-old"},
      {"crafted-sysctl-a-4.19.txt", "sysctl"},
      {"crafted-sysctl-proc-5.10.txt", "sysctl"},
      {"crafted-schedstat-v15.txt", "schedstat"},
      {"crafted-debugfs-6.10.txt", "debugfs"},
  };
  for (const auto& [file, format] : cases) {
    const DumpReadResult r = read_sample(file);
    ASSERT_TRUE(r.topology) << file << "\n" << errors_text(r);
    EXPECT_EQ(r.topology->source.format, format) << file;
    EXPECT_TRUE(r.errors.empty()) << file << "\n" << errors_text(r);
  }
}

TEST(TopologyReadDetect, StripsEveryPrefixStyle) {
  const std::pair<const char*, const char*> cases[] = {
      {"<7>[    1.234567] CPU0 attaching sched-domain(s):", "CPU0 attaching sched-domain(s):"},
      {"> > [    0.1]  domain-0: span=0-1 level=MC", "domain-0: span=0-1 level=MC"},
      {">>   groups: 0:{ span=0 }", "groups: 0:{ span=0 }"},
      {"Jan  1 00:00:00 host kernel: [    1.2] CPU0 attaching", "CPU0 attaching"},
      {"Dec 31 23:59:59 build-01 kernel: CPU7 attaching", "CPU7 attaching"},
      {"2024-01-01T00:00:00.123456+00:00 host kernel: CPU0 attaching", "CPU0 attaching"},
      {"[Mon Jan  1 00:00:00 2024] CPU0 attaching", "CPU0 attaching"},
      {"[    T1] CPU0 attaching", "CPU0 attaching"},
      {"kernel: CPU0 attaching", "CPU0 attaching"},
      {"\t  domain 1: span 0-7 level CPU\r", "domain 1: span 0-7 level CPU"},
      // Not prefixes: left alone.
      {"kernel.sched_domain.cpu0.domain0.name = MC", "kernel.sched_domain.cpu0.domain0.name = MC"},
      {"Mark the spot", "Mark the spot"},
      {"[not a stamp] x", "[not a stamp] x"},
  };
  for (const auto& [raw, stripped] : cases) EXPECT_EQ(strip_log_prefixes(raw), stripped) << raw;
}

// Every decoration a post can add, applied to every line of a real dump, reads the same.
TEST(TopologyReadDetect, DecoratedDumpsReadLikeThePlainOne) {
  const std::string plain_text = topology_data("023-x86-tigerlake-nuc11-smt-ok.txt");
  const DumpReadResult plain = read_topology_dump(plain_text, "plain");
  ASSERT_TRUE(plain.errors.empty());
  const char* decorations[] = {"> ",
                               ">> ",
                               "> > ",
                               "<6>",
                               "Jan  5 10:11:12 nuc kernel: ",
                               "2022-01-24T10:00:00+01:00 nuc kernel: ",
                               "    ",
                               "kernel: "};
  for (const char* decoration : decorations) {
    std::string text;
    for (const std::string& line : test::kernel_lines(plain_text)) text += decoration + line + "\n";
    const DumpReadResult r = read_topology_dump(text, "decorated");
    ASSERT_TRUE(r.errors.empty()) << decoration << "\n" << errors_text(r);
    ASSERT_EQ(r.topology->cpus.size(), plain.topology->cpus.size()) << decoration;
    for (const auto& [cpu, chain] : plain.topology->cpus) {
      ASSERT_EQ(r.topology->cpus.at(cpu).domains.size(), chain.domains.size());
      for (size_t i = 0; i < chain.domains.size(); ++i)
        EXPECT_EQ(shape(r.topology->cpus.at(cpu).domains[i]), shape(chain.domains[i]))
            << decoration;
    }
    EXPECT_EQ(r.topology->root_span, plain.topology->root_span) << decoration;
  }
}

TEST(TopologyReadDetect, EmptyInputIsAnErrorAtLineOne) {
  for (const char* text : {"", "\n\n   \n"}) {
    const DumpReadResult r = read_topology_dump(text, "empty");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(r.errors[0].line, 1);
    EXPECT_NE(r.errors[0].message.find(dump_format_list()), std::string::npos);
    EXPECT_FALSE(r.topology);
    EXPECT_EQ(r.ignored_lines, 0);
  }
}

TEST(TopologyReadDetect, UnrelatedTextListsTheFormats) {
  const DumpReadResult r = read_topology_dump(
      "Linux version 6.1.0 (gcc 12)\nCPU3: shutdown\nroot@box:~# cat /proc/schedstat\n"
      "cpu0 1 2 3 4 5 6 7 8 9\n",  // /proc/stat-like lines alone are not a schedstat
      "boot.log");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 1);
  EXPECT_NE(r.errors[0].message.find("expected sched-domain content in a format sbm reads"),
            std::string::npos);
  EXPECT_NE(r.errors[0].message.find("debugfs"), std::string::npos);
  EXPECT_EQ(r.ignored_lines, 4);
  EXPECT_FALSE(r.topology);
}

TEST(TopologyReadDetect, FormatWithoutCpusIsAnError) {
  const DumpReadResult r = read_topology_dump("x\nversion 15\ntimestamp 4294967296\n", "s");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_NE(r.errors[0].message.find("expected at least one CPU in the schedstat dump"),
            std::string::npos);
  EXPECT_FALSE(r.topology);
}

TEST(TopologyReadDetect, MixedFormatsReadTheMajorityAndSaySo) {
  std::string text = topology_data("023-x86-tigerlake-nuc11-smt-ok.txt");
  text += "kernel.sched_domain.cpu0.domain0.name = SMT\n";
  const DumpReadResult r = read_topology_dump(text, "mixed");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  EXPECT_EQ(r.topology->source.format, "dmesg-new");
  EXPECT_TRUE(has_note(r, "1 lines look like sysctl output and were ignored"));
}

TEST(TopologyReadDetect, ShellPromptsQuotingPathsAreNotData) {
  const DumpReadResult r = read_topology_dump(
      "root@lpar:~# grep -r . /sys/kernel/debug/sched/domains/cpu0/domain0/\n"
      "/sys/kernel/debug/sched/domains/cpu0/domain0/name:SMT\n",
      "prompt");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  EXPECT_EQ(r.ignored_lines, 1);
}

TEST(TopologyReadDetect, ErrorFloodIsCapped) {
  std::string text = "CPU0 attaching sched-domain(s):\n";
  for (int i = 0; i < 500; ++i) text += "CPU9999999 attaching sched-domain(s):\n";
  const DumpReadResult r = read_topology_dump(text, "flood");
  ASSERT_EQ(r.errors.size(), 101u);
  EXPECT_EQ(r.errors.back().line, 501);
  EXPECT_NE(r.errors.back().message.find("expected at most 100 errors, found 400 more"),
            std::string::npos);
}

TEST(TopologyReadDetect, HostileLinesDoNotCrash) {
  const std::string long_line(200000, 'f');
  const char* shapes[] = {"CPU0 attaching sched-domain(s):\n domain-0: span=",
                          "domain",
                          "cpu0 ",
                          "kernel.sched_domain.cpu0.domain0.flags = ",
                          "/sys/kernel/debug/sched/domains/cpu0/domain0/flags:",
                          "groups: "};
  for (const char* s : shapes) {
    const DumpReadResult r = read_topology_dump(std::string(s) + long_line + "\n", "hostile");
    EXPECT_FALSE(r.errors.empty()) << s;
    for (const DumpDiagnostic& d : r.errors) EXPECT_LT(d.message.size(), 400u) << s;
  }
  const DumpReadResult nul = read_topology_dump(std::string("CPU0 attaching\0\x01\xff", 18), "bin");
  EXPECT_FALSE(nul.errors.empty());
}

}  // namespace
}  // namespace sbm
