// The /proc/schedstat reader: versions 15 - 17, posts cut short, errors.
#include <gtest/gtest.h>

#include "topology_read_test_helpers.h"

namespace sbm {
namespace {

using test::cl;
using test::errors_text;
using test::has_note;
using test::read_sample;

std::string zeros(int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += " 0";
  return out;
}

TEST(TopologyReadSchedstat, Sample011TruncatedV17) {
  const DumpReadResult r = read_sample("011-qemu-arm64-hetero-smt-schedstat-ok.txt");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  const Topology& t = *r.topology;
  EXPECT_EQ(t.source.format, "schedstat");
  EXPECT_EQ(r.ignored_lines, 3);
  ASSERT_EQ(t.cpus.size(), 8u);
  EXPECT_EQ(t.nr_cpu_ids, 8);
  // CPUs 0 and 1 have no SMT level: one domain; the others two.
  ASSERT_EQ(t.cpus.at(0).domains.size(), 1u);
  EXPECT_EQ(t.cpus.at(0).domains[0].name, "MC");
  EXPECT_EQ(t.cpus.at(0).domains[0].span, cl("0-7"));
  ASSERT_EQ(t.cpus.at(2).domains.size(), 2u);
  EXPECT_EQ(t.cpus.at(2).domains[0].name, "SMT");
  EXPECT_EQ(t.cpus.at(2).domains[0].span, cl("2-3"));
  EXPECT_EQ(t.cpus.at(7).domains[0].span, cl("4-7"));
  EXPECT_EQ(t.cpus.at(7).domains[1].span, cl("0-7"));
  EXPECT_EQ(t.cpus.at(2).line, 8);
  EXPECT_EQ(t.cpus.at(2).domains[1].line, 10);
  EXPECT_FALSE(t.cpus.at(2).domains[0].groups);
  EXPECT_FALSE(t.cpus.at(2).domains[0].flags);
  EXPECT_TRUE(has_note(r, "no version line: 14 domain lines read as v17"));
  EXPECT_TRUE(has_note(r, "22 lines carry fewer counters"));
}

TEST(TopologyReadSchedstat, V15WithMultiWordMasks) {
  const DumpReadResult r = read_sample("crafted-schedstat-v15.txt");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  const Topology& t = *r.topology;
  EXPECT_EQ(t.cpus.at(0).domains[0].span, cl("0-1"));
  EXPECT_EQ(t.cpus.at(1).domains[1].span, cl("0-39"));
  EXPECT_EQ(t.cpus.at(0).domains[0].name, "");  // v15 prints no name
  EXPECT_EQ(t.nr_cpu_ids, 40);
  EXPECT_TRUE(r.notes.empty());  // complete lines
}

TEST(TopologyReadSchedstat, V17FullLinesAndEmptyName) {
  const DumpReadResult r =
      read_topology_dump("version 17\ntimestamp 1\ncpu0" + zeros(9) + "\ndomain0 MC 3" + zeros(45) +
                             "\ndomain1  f" + zeros(45) + "\n",
                         "v17");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  const CpuDomains& c0 = r.topology->cpus.at(0);
  EXPECT_EQ(c0.domains[0].name, "MC");
  EXPECT_EQ(c0.domains[0].span, cl("0-1"));
  EXPECT_EQ(c0.domains[1].name, "");  // "domain%d %s %*pb" with an empty name
  EXPECT_EQ(c0.domains[1].span, cl("0-3"));
  EXPECT_TRUE(r.notes.empty());
}

TEST(TopologyReadSchedstat, VersionLineDecidesNameField) {
  // With "version 15", a second field is always the mask, even one that could be a name.
  const DumpReadResult v15 = read_topology_dump("version 15\ncpu0\ndomain0 ff 1 2\n", "v15");
  ASSERT_TRUE(v15.errors.empty()) << errors_text(v15);
  EXPECT_EQ(v15.topology->cpus.at(0).domains[0].span, cl("0-7"));
  EXPECT_EQ(v15.topology->cpus.at(0).domains[0].name, "");
  const DumpReadResult v17 = read_topology_dump("version 17\ncpu0\ndomain0 ff 0f\n", "v17");
  EXPECT_EQ(v17.topology->cpus.at(0).domains[0].name, "ff");
  EXPECT_EQ(v17.topology->cpus.at(0).domains[0].span, cl("0-3"));
}

TEST(TopologyReadSchedstat, OldVersionsAreReadLikeV15) {
  const DumpReadResult r = read_topology_dump(
      "version 12\ntimestamp 1\ncpu0" + zeros(12) + "\ndomain0 00000003" + zeros(40) + "\n", "v12");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  EXPECT_TRUE(has_note(r, "schedstat version 12: domain lines read like version 15"));
  EXPECT_EQ(r.topology->cpus.at(0).domains[0].span, cl("0-1"));
}

TEST(TopologyReadSchedstat, RepeatedCpuKeepsTheLastListing) {
  const DumpReadResult r =
      read_topology_dump("version 15\ncpu0\ndomain0 3\ncpu0\ndomain0 f\ndomain1 ff\n", "twice");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  EXPECT_EQ(r.topology->cpus.at(0).domains.size(), 2u);
  EXPECT_EQ(r.topology->cpus.at(0).domains[0].span, cl("0-3"));
  EXPECT_TRUE(has_note(r, "1 CPUs appear twice"));
}

struct BadSchedstat {
  std::string text;
  int line;
  const char* message;
};

// Sample 034: "grep domain /proc/schedstat" drops the cpuN lines. The domain lines are
// read but belong to no CPU: a topology without CPUs, and a note saying why.
TEST(TopologyReadSchedstat, DomainLinesWithoutAnyCpuLineAreReadAsNoCpu) {
  const DumpReadResult r = read_sample("034-schedstat-domain-lines-without-cpu-lines.txt");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  ASSERT_TRUE(r.topology);
  EXPECT_TRUE(r.topology->cpus.empty());
  EXPECT_EQ(r.topology->source.format, "schedstat");
  EXPECT_TRUE(has_note(r, "4 domain lines come without the cpuN lines"));
}

class TopologyReadSchedstatErrors : public ::testing::TestWithParam<BadSchedstat> {};

TEST_P(TopologyReadSchedstatErrors, ReportsLineAndExpectation) {
  const DumpReadResult r = read_topology_dump(GetParam().text, "bad");
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].line, GetParam().line) << errors_text(r);
  EXPECT_NE(r.errors[0].message.find(GetParam().message), std::string::npos) << errors_text(r);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TopologyReadSchedstatErrors,
    ::testing::Values(
        BadSchedstat{"version 15\ndomain0 3\ncpu0\n", 2,
                     "expected a cpuN line before this domain line"},
        BadSchedstat{"version 15\ncpu0\ndomain1 3\n", 3, "expected domain0 of cpu0, found domain1"},
        BadSchedstat{"version 15\ncpu0\ndomain0 3" + zeros(37) + "\n", 3,
                     "expected at most 36 counters in the domain line, found 37"},
        BadSchedstat{"version 17\ncpu0\ndomain0 MC 3" + zeros(46) + "\n", 3,
                     "expected at most 45 counters in the domain line, found 46"},
        BadSchedstat{"version 15\ncpu0 1 2 x\n", 2,
                     "expected a counter in the cpu line, found 'x'"},
        BadSchedstat{"version 15\ncpu0" + zeros(10) + "\n", 2,
                     "expected at most 9 counters in the cpu line, found 10"},
        BadSchedstat{"version 15\ncpu0\ndomain0 zz 1\n", 3, "expected a hex cpumask in domain0"},
        BadSchedstat{"version 17\ncpu0\ndomain0 MC\n", 3,
                     "expected a hex cpumask in domain0, found end of line"},
        BadSchedstat{"version 99999999999\ncpu0\n", 1, "expected a schedstat version number"},
        BadSchedstat{"version 15\ncpu9000\n", 2, "expected a CPU number below 8192"},
        BadSchedstat{"version 15\ncpu0\ndomain70 3\n", 3, "expected a domain index below 64"}));

}  // namespace
}  // namespace sbm
