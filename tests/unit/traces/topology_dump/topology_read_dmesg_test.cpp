// The boot-log reader (sched_domain_debug() output) on the real samples and on crafted
// inputs for every layout variant, mask notation rule and error path.
#include <gtest/gtest.h>

#include "topology_read_test_helpers.h"

namespace sbm {
namespace {

using test::cl;
using test::errors_text;
using test::has_note;
using test::read_sample;
using test::shape;

DumpReadResult read(const std::string& text, DumpReadOptions options = {}) {
  return read_topology_dump(text, "test", options);
}

// ---- real samples ----

TEST(TopologyReadDmesg, Sample003OldLayoutNehalem) {
  const DumpReadResult r = read_sample("003-x86-nehalem-numa-2.6.37rc1-revert-ok.txt");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  ASSERT_TRUE(r.topology);
  const Topology& t = *r.topology;
  EXPECT_EQ(t.source.format, "dmesg-old");
  EXPECT_EQ(t.source.file, "003-x86-nehalem-numa-2.6.37rc1-revert-ok.txt");
  EXPECT_EQ(t.nr_cpu_ids, 8);
  EXPECT_EQ(t.cpus.size(), 8u);
  EXPECT_EQ(r.ignored_lines, 3);  // the sample's three '#' header lines
  EXPECT_FALSE(t.root_span);
  EXPECT_TRUE(has_note(r, "cpulist"));
  const CpuDomains& c0 = t.cpus.at(0);
  EXPECT_EQ(c0.line, 4);
  ASSERT_EQ(c0.domains.size(), 3u);
  EXPECT_EQ(c0.domains[0].name, "MC");
  EXPECT_EQ(c0.domains[1].name, "CPU");
  EXPECT_EQ(c0.domains[2].name, "NODE");
  EXPECT_EQ(shape(c0.domains[0]), "0-3 | 0 1 2 3");
  EXPECT_EQ(shape(c0.domains[1]), "0-7 | 0-3 4-7");
  EXPECT_EQ(shape(c0.domains[2]), "0-7 | 0-7");
  EXPECT_EQ(c0.domains[0].line, 5);
  EXPECT_EQ((*c0.domains[0].groups)[0].line, 6);
  // cpu_power is printed only when it is not SCHED_LOAD_SCALE.
  EXPECT_EQ((*c0.domains[0].groups)[2].capacity, 1024u);
  EXPECT_EQ((*c0.domains[1].groups)[1].capacity, 4096u);
  EXPECT_EQ((*c0.domains[2].groups)[0].capacity, 8192u);
  EXPECT_FALSE((*c0.domains[1].groups)[0].balance_mask);
  EXPECT_FALSE(c0.domains[0].flags);  // dmesg carries no flags
  EXPECT_EQ(shape(t.cpus.at(5).domains[0]), "4-7 | 5 6 7 4");
  EXPECT_EQ(shape(t.cpus.at(7).domains[1]), "0-7 | 4-7 0-3");
}

TEST(TopologyReadDmesg, Sample004NewLayoutNumaWithMasks) {
  const DumpReadResult r = read_sample("004-qemu-arm64-numa-diameter3-broken.txt");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  const Topology& t = *r.topology;
  EXPECT_EQ(t.source.format, "dmesg-new");
  EXPECT_EQ(r.ignored_lines, 5);  // 3 header lines and the kernel's 2 ERROR lines
  ASSERT_EQ(t.cpus.size(), 4u);
  EXPECT_EQ(t.cpus.at(0).domains.size(), 3u);  // trimming differs per CPU
  EXPECT_EQ(t.cpus.at(1).domains.size(), 2u);
  EXPECT_EQ(t.cpus.at(2).domains.size(), 2u);
  EXPECT_EQ(t.cpus.at(3).domains.size(), 3u);
  const SchedDomain& d01 = t.cpus.at(0).domains[1];
  EXPECT_EQ(d01.name, "NUMA");
  EXPECT_EQ(shape(d01), "0-2 | 0-1 1-3");  // the broken domain: groups reach CPU 3
  EXPECT_EQ((*d01.groups)[0].balance_mask, cl("0"));
  EXPECT_EQ((*d01.groups)[1].balance_mask, cl("2"));
  EXPECT_EQ((*d01.groups)[0].capacity, 2019u);
  EXPECT_EQ((*d01.groups)[1].capacity, 3025u);
  const SchedDomain& d00 = t.cpus.at(0).domains[0];
  EXPECT_FALSE((*d00.groups)[0].balance_mask);  // not printed: equal to the span
  EXPECT_EQ((*d00.groups)[1].capacity, 1008u);
  EXPECT_EQ(shape(t.cpus.at(3).domains[2]), "0-3 | 1-3 0-2");
  EXPECT_EQ((*t.cpus.at(3).domains[2].groups)[0].balance_mask, cl("3"));
  EXPECT_EQ(t.cpus.at(1).line, 13);
}

TEST(TopologyReadDmesg, Sample005HotplugRebuildAndRootDomain) {
  const DumpReadResult r = read_sample("005-arm64-juno-biglittle-hotplug-ok.txt");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  const Topology& t = *r.topology;
  ASSERT_EQ(t.cpus.size(), 6u);
  EXPECT_TRUE(t.cpus.at(3).domains.empty());  // offline: "attaching NULL" only
  EXPECT_EQ(t.cpus.at(3).line, 9);
  EXPECT_EQ(t.cpus.at(0).line, 12);  // the rebuild replaces the NULL block
  EXPECT_TRUE(has_note(r, "replace earlier ones"));
  EXPECT_EQ(r.ignored_lines, 5);  // header, "CPU3: shutdown", "psci: CPU3 killed"
  EXPECT_EQ(t.root_span, cl("0-2,4-5"));
  EXPECT_EQ(shape(t.cpus.at(0).domains[0]), "0,4-5 | 0 4 5");
  EXPECT_EQ(t.cpus.at(0).domains[1].name, "DIE");
  EXPECT_EQ((*t.cpus.at(0).domains[0].groups)[0].capacity, 444u);
  // Measured capacities of the same group differ between CPUs.
  EXPECT_EQ((*t.cpus.at(1).domains[1].groups)[0].capacity, 2041u);
  EXPECT_EQ((*t.cpus.at(2).domains[1].groups)[0].capacity, 2042u);
}

TEST(TopologyReadDmesg, Sample023CommaSpansAndOmittedCap) {
  const DumpReadResult r = read_sample("023-x86-tigerlake-nuc11-smt-ok.txt");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  const Topology& t = *r.topology;
  ASSERT_EQ(t.cpus.size(), 8u);
  const SchedDomain& smt = t.cpus.at(4).domains[0];
  EXPECT_EQ(smt.name, "SMT");
  EXPECT_EQ(shape(smt), "0,4 | 4 0");
  EXPECT_EQ((*smt.groups)[0].capacity, 1024u);  // "cap=" omitted when 1024
  EXPECT_EQ(shape(t.cpus.at(1).domains[1]), "0-7 | 1,5 2,6 3,7 0,4");
  EXPECT_EQ((*t.cpus.at(1).domains[1].groups)[0].capacity, 2048u);
  EXPECT_EQ(t.root_span, cl("0-7"));
  EXPECT_TRUE(r.notes.empty());
}

// ---- crafted: old layouts ----

TEST(TopologyReadDmesg, HexEraWithSyslogPrefixesAndInterruptedGroups) {
  const DumpReadResult r = read_sample("crafted-dmesg-old-hex-2.6.20.txt");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  const Topology& t = *r.topology;
  EXPECT_EQ(t.source.format, "dmesg-old");
  EXPECT_TRUE(has_note(r, "masks read as hex"));
  EXPECT_TRUE(has_note(r, "capacities not in the input"));
  EXPECT_EQ(shape(t.cpus.at(0).domains[0]), "0-1 | 0 1");
  EXPECT_EQ(shape(t.cpus.at(0).domains[1]), "0-3 | 0-1 2-3");
  // The groups that followed the kernel's ERROR line belong to CPU1 domain 0.
  EXPECT_EQ(shape(t.cpus.at(1).domains[0]), "0-1 | 1 0");
  EXPECT_EQ(shape(t.cpus.at(3).domains[0]), "2-3 | 3 2");
  EXPECT_FALSE((*t.cpus.at(0).domains[0].groups)[0].capacity);  // not printed then
  EXPECT_EQ(t.cpus.at(0).domains[0].name, "");
  EXPECT_EQ(r.ignored_lines, 3 + 1 + 1);  // header, ERROR, "Brought up 4 CPUs"
}

TEST(TopologyReadDmesg, EarlyHeadersOnlineOffline) {
  // sched_domain_debug() of v2.6.7/v2.6.8: "CPU%d: %s" with " online" / "offline".
  const DumpReadResult r = read(
      "CPU0:  online\n"
      " domain 0: span 00000003\n"
      "  groups: 00000001 00000002\n"
      "CPU1:  online\n"
      " domain 0: span 00000003\n"
      "  groups: 00000002 00000001\n"
      "CPU2: offline\n"
      "CPU3:\n");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  const Topology& t = *r.topology;
  EXPECT_EQ(t.source.format, "dmesg-old");
  EXPECT_EQ(shape(t.cpus.at(1).domains[0]), "0-1 | 1 0");
  EXPECT_TRUE(t.cpus.at(2).domains.empty());
  EXPECT_TRUE(t.cpus.at(3).domains.empty());
  EXPECT_TRUE(has_note(r, "list no domain lines"));
}

TEST(TopologyReadDmesg, OldLayoutCpuCapacityAndAnnotations) {
  const DumpReadResult r = read(
      "CPU0 attaching sched-domain:\n"
      " domain 0: span 0-1 level SMT\n"
      "  groups: 0 (cpu_capacity = 589) 1 (cpu_capacity = 589)\n"
      "  domain 1: span 0-3 level NUMA\n"
      "   groups: 0-1 (cpu_capacity = 1178) (mask: 0) 2-3 (__cpu_power = 2048)\n");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  const SchedDomain& d1 = r.topology->cpus.at(0).domains[1];
  EXPECT_EQ((*r.topology->cpus.at(0).domains[0].groups)[1].capacity, 589u);
  EXPECT_EQ((*d1.groups)[0].capacity, 1178u);
  EXPECT_EQ((*d1.groups)[0].balance_mask, cl("0"));
  EXPECT_EQ((*d1.groups)[1].capacity, 2048u);
  EXPECT_FALSE((*d1.groups)[1].balance_mask);
}

TEST(TopologyReadDmesg, BracketedGroupPower) {
  // The "1[128]" spelling: a group mask with its power in brackets (SCHED_LOAD_SCALE was 128
  // in early 2.6). Kept as printed.
  const DumpReadResult r = read(
      "CPU0 attaching sched-domain:\n"
      " domain 0: span 3\n"
      "  groups: 1[128] 2[128]\n"
      "CPU1 attaching sched-domain:\n"
      " domain 0: span 3\n"
      "  groups: 2[128] 1[128]\n");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  const SchedDomain& d = r.topology->cpus.at(1).domains[0];
  EXPECT_EQ(shape(d), "0-1 | 1 0");  // no '-' or ',' anywhere: hex
  EXPECT_EQ((*d.groups)[0].capacity, 128u);
  EXPECT_TRUE(has_note(r, "masks read as hex"));
}

TEST(TopologyReadDmesg, DoesNotLoadBalanceBothLayouts) {
  const DumpReadResult old_layout = read(
      "CPU0 attaching sched-domain:\n"
      " domain 0: span 0-1 level MC\n"
      "  groups: 0 1\n"
      "  domain 1: does not load-balance\n");
  ASSERT_TRUE(old_layout.errors.empty()) << errors_text(old_layout);
  const SchedDomain& d = old_layout.topology->cpus.at(0).domains[1];
  EXPECT_FALSE(d.span);
  EXPECT_FALSE(d.groups);
  EXPECT_FALSE(d.flags);
  EXPECT_FALSE(has_note(old_layout, "no groups line"));

  const DumpReadResult new_layout = read(
      "CPU0 attaching sched-domain(s):\n"
      " domain-0: does not load-balance\n");
  ASSERT_TRUE(new_layout.errors.empty()) << errors_text(new_layout);
  EXPECT_EQ(new_layout.topology->cpus.at(0).domains.size(), 1u);
}

TEST(TopologyReadDmesg, CapacitiesWithoutAnnotationsFollowTheEraHint) {
  const std::string text =
      "CPU0 attaching sched-domain:\n"
      " domain 0: span 0-1 level MC\n"
      "  groups: 0 1\n";
  const DumpReadResult no_hint = read(text);
  EXPECT_FALSE((*no_hint.topology->cpus.at(0).domains[0].groups)[0].capacity);
  const DumpReadResult v2_6_32 = read(text, {KernelVersion{2, 6, 32}});
  EXPECT_EQ((*v2_6_32.topology->cpus.at(0).domains[0].groups)[0].capacity, 1024u);
  EXPECT_EQ(v2_6_32.topology->era, (KernelVersion{2, 6, 32}));
  EXPECT_FALSE(no_hint.topology->era);
}

// ---- mask notation ----

TEST(TopologyReadDmesg, AmbiguousMasksFollowEraHintElseHex) {
  const std::string text =
      "CPU0 attaching sched-domain:\n"
      " domain 0: span 3\n"
      "  groups: 1 2\n";
  EXPECT_EQ(shape(read(text).topology->cpus.at(0).domains[0]), "0-1 | 0 1");
  const DumpReadResult cpulist = read(text, {KernelVersion{2, 6, 26}});
  EXPECT_EQ(shape(cpulist.topology->cpus.at(0).domains[0]), "3 | 1 2");
  EXPECT_TRUE(has_note(cpulist, "era hint v2.6.26"));
  const DumpReadResult hex = read(text, {KernelVersion{2, 6, 25}});
  EXPECT_EQ(shape(hex.topology->cpus.at(0).domains[0]), "0-1 | 0 1");
}

TEST(TopologyReadDmesg, LevelNameProvesCpulist) {
  const DumpReadResult r = read(
      "CPU0 attaching sched-domain:\n"
      " domain 0: span 3 level MC\n"
      "  groups: 3\n");
  EXPECT_EQ(shape(r.topology->cpus.at(0).domains[0]), "3 | 3");
}

TEST(TopologyReadDmesg, ConflictingNotationsAreAnError) {
  const DumpReadResult r = read(
      "CPU0 attaching sched-domain:\n"
      " domain 0: span 0-1\n"
      "  groups: 0 1\n"
      "CPU2 attaching sched-domain:\n"
      " domain 0: span 0c\n"
      "  groups: 04 08\n");
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(r.errors[0].line, 5);
  EXPECT_NE(r.errors[0].message.find("expected cpulist masks like line 2, found '0c'"),
            std::string::npos)
      << errors_text(r);
}

TEST(TopologyReadDmesg, NotationEvidencePerToken) {
  // Rule 1 of mask_notation.h, on tokens alone.
  const DumpReadResult multiword = read(
      "CPU0 attaching sched-domain:\n"
      " domain 0: span 00000000,00000003\n"
      "  groups: 00000000,00000001 00000000,00000002\n");
  ASSERT_TRUE(multiword.errors.empty()) << errors_text(multiword);
  EXPECT_EQ(shape(multiword.topology->cpus.at(0).domains[0]), "0-1 | 0 1");
  const DumpReadResult commas = read(
      "CPU0 attaching sched-domain:\n"
      " domain 0: span 0,4\n"
      "  groups: 0 4\n");
  EXPECT_EQ(shape(commas.topology->cpus.at(0).domains[0]), "0,4 | 0 4");
}

// ---- crafted: new layout ----

TEST(TopologyReadDmesg, GroupsLineSplitByKernelErrorInMailQuote) {
  const DumpReadResult r = read_sample("crafted-dmesg-new-split-groups.txt");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  const SchedDomain& pkg = r.topology->cpus.at(1).domains[1];
  EXPECT_EQ(shape(pkg), "0-3 | 2-3 0-1");
  EXPECT_EQ((*pkg.groups)[0].capacity, 2048u);
  EXPECT_EQ((*pkg.groups)[1].capacity, 2048u);
  EXPECT_EQ(r.ignored_lines, 3 + 1 + 1);  // header, ERROR, the reply's prose
}

TEST(TopologyReadDmesg, GroupIdOtherThanBalanceCpuIsNoted) {
  const DumpReadResult r = read(
      "CPU0 attaching sched-domain(s):\n"
      " domain-0: span=0-1 level=MC\n"
      "  groups: 1:{ span=0 }, 1:{ span=1 }\n");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  EXPECT_TRUE(has_note(r, "1 groups print an id other than the first CPU"));
}

// Kernels with debug patches print more inside a group's braces; sched_domain_debug_one()
// (v4.19, v6.17) prints only span=, mask= and cap=. The extra items are skipped, the
// group read as usual; a "key:" just before "}" has no value to skip.
TEST(TopologyReadDmesg, DebugPatchItemsInsideGroupBracesAreSkipped) {
  const DumpReadResult r = read(
      "CPU0 attaching sched-domain(s):\n"
      " domain-0: span=0-1 level=CLS\n"
      "  groups: 0:{ cluster: false span=0 cap=1023 }, 1:{ cluster: true span=1 cap=1021 }\n"
      "  domain-1: span=0-3 level=MC\n"
      "   groups: 0:{ span=0-1 nr_cpus=2 cap=2044 flags=0x2f }, 2:{ span=2-3 sg_id: 2 idle: }\n");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  const auto& ds = r.topology->cpus.at(0).domains;
  ASSERT_EQ(ds.size(), 2u);
  EXPECT_EQ(shape(ds[0]) + " / " + shape(ds[1]), "0-1 | 0 1 / 0-3 | 0-1 2-3");
  EXPECT_EQ((*ds[0].groups)[1].capacity, 1021u);
  EXPECT_EQ((*ds[1].groups)[0].capacity, 2044u);
  EXPECT_TRUE(has_note(r, "6 items inside group braces other than span=, mask= and cap="));
}

TEST(TopologyReadDmesg, DomainWithoutGroupsLineIsNoted) {
  const DumpReadResult r = read(
      "CPU0 attaching sched-domain(s):\n"
      " domain-0: span=0-1 level=MC\n"
      " domain-1: span=0-3 level=PKG\n"
      "  groups: 0:{ span=0-1 cap=2048 }, 2:{ span=2-3 cap=2048 }\n");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  EXPECT_FALSE(r.topology->cpus.at(0).domains[0].groups);
  EXPECT_TRUE(has_note(r, "1 domains have no groups line"));
}

TEST(TopologyReadDmesg, EmptyGroupsLineIsAnEmptyList) {
  // "ERROR: group is NULL" leaves "groups:" with nothing after it.
  const DumpReadResult r = read(
      "CPU0 attaching sched-domain(s):\n"
      " domain-0: span=0-1 level=MC\n"
      "  groups:\n"
      "ERROR: group is NULL\n");
  ASSERT_TRUE(r.errors.empty()) << errors_text(r);
  ASSERT_TRUE(r.topology->cpus.at(0).domains[0].groups);
  EXPECT_TRUE(r.topology->cpus.at(0).domains[0].groups->empty());
}

// ---- errors ----

struct BadDmesg {
  const char* text;
  int line;
  const char* message;
};

class TopologyReadDmesgErrors : public ::testing::TestWithParam<BadDmesg> {};

TEST_P(TopologyReadDmesgErrors, ReportsLineAndExpectation) {
  const BadDmesg& c = GetParam();
  const DumpReadResult r = read(c.text);
  ASSERT_FALSE(r.errors.empty()) << c.text;
  EXPECT_EQ(r.errors[0].line, c.line) << errors_text(r);
  EXPECT_NE(r.errors[0].message.find(c.message), std::string::npos) << errors_text(r);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TopologyReadDmesgErrors,
    ::testing::Values(
        BadDmesg{" domain-0: span=0-1 level=MC\n", 1,
                 "expected a 'CPUn attaching sched-domain' line before this domain line"},
        BadDmesg{"CPU0 attaching NULL sched-domain.\n domain-0: span=0-1 level=MC\n", 2,
                 "outside a CPU block"},
        BadDmesg{"  groups: 0:{ span=0 }\nCPU0 attaching sched-domain(s):\n", 1,
                 "expected a domain line before this groups line"},
        BadDmesg{"CPU0 attaching sched-domain(s):\n domain-1: span=0-1 level=MC\n", 2,
                 "expected domain-0 of CPU0, found domain-1"},
        BadDmesg{"CPU0 attaching sched-domain:\n domain 0: span 0-1\n domain 2: span 0-3\n", 3,
                 "expected domain 1 of CPU0, found domain 2"},
        BadDmesg{"CPU0 attaching sched-domains\n", 1, "expected 'attaching sched-domain(s):'"},
        BadDmesg{"CPU99999999999999999999 attaching sched-domain(s):\n", 1,
                 "expected a CPU number below 8192"},
        BadDmesg{"CPU8192 attaching sched-domain(s):\n", 1, "expected a CPU number below 8192"},
        BadDmesg{"CPU0 attaching sched-domain(s):\n domain-99999999: span=0 level=MC\n", 2,
                 "expected a domain index below 64"},
        BadDmesg{"CPU0 attaching sched-domain(s):\n domain-0: span=0-1\n", 2,
                 "expected 'span=<cpus> level=<name>'"},
        BadDmesg{"CPU0 attaching sched-domain(s):\n domain-0: spam=0-1 level=MC\n", 2,
                 "expected 'span=<cpus>' or 'does not load-balance'"},
        BadDmesg{"CPU0 attaching sched-domain(s):\n domain-0: span=3-1 level=MC\n  groups:\n", 2,
                 "expected a cpulist span, found '3-1'"},
        BadDmesg{"CPU0 attaching sched-domain(s):\n domain-0: span=0-9000 level=MC\n", 2,
                 "beyond the largest supported id 8191"},
        BadDmesg{"CPU0 attaching sched-domain(s):\n domain-0: span=0-1 level=MC\n"
                 "  groups: 0:{ span=0 }, 1:{ span=1\n",
                 3, "expected '}' closing group 1, found end of line"},
        BadDmesg{"CPU0 attaching sched-domain(s):\n domain-0: span=0-1 level=MC\n"
                 "  groups: 0:{ span=0 } 1:{ span=1 }\n",
                 3, "expected ',' before the next group"},
        BadDmesg{"CPU0 attaching sched-domain(s):\n domain-0: span=0-1 level=MC\n"
                 "  groups: 0:{ span=0 (weight) }\n",
                 3,
                 "expected 'span=', 'mask=', 'cap=' or a 'key=value' / 'key: value' item in "
                 "group 0, found '(weight)'"},
        BadDmesg{"CPU0 attaching sched-domain(s):\n domain-0: span=0-1 level=MC\n"
                 "  groups: 0:{ span=0 =1 }\n",
                 3, "found '=1'"},
        BadDmesg{"CPU0 attaching sched-domain(s):\n domain-0: span=0-1 level=MC\n"
                 "  groups: 0:{ span=0 cap=lots }\n",
                 3, "expected a capacity after 'cap=', found 'lots'"},
        BadDmesg{"CPU0 attaching sched-domain(s):\n domain-0: span=0-1 level=MC\n"
                 "  groups: 0:{ span=0 cap=99999999999999999999999 }\n",
                 3, "expected a capacity"},
        BadDmesg{"CPU0 attaching sched-domain(s):\n domain-0: span=0-1 level=MC\n"
                 "  groups: 0:{ cap=2 }\n",
                 3, "expected 'span=' in group 0"},
        BadDmesg{"CPU0 attaching sched-domain(s):\n domain-0: span=0-1 level=MC\n"
                 "  groups: x:{ span=0 }\n",
                 3, "expected a group 'N:{'"},
        BadDmesg{"CPU0 attaching sched-domain:\n domain 0: span 0-1 level MC\n"
                 "  groups: 0 (weight = 1) 1\n",
                 3, "expected cpu_power, cpu_capacity or mask in a group annotation"},
        BadDmesg{"CPU0 attaching sched-domain:\n domain 0: span 0-1 level MC\n"
                 "  groups: (cpu_power = 1) 0 1\n",
                 3, "expected a group mask before"},
        BadDmesg{"CPU0 attaching sched-domain:\n domain 0: span 0-1 level MC\n"
                 "  groups: 0 one\n",
                 3, "expected a group mask, found 'one'"},
        BadDmesg{"CPU0 attaching sched-domain:\n domain 0: span 0-1 level MC\n"
                 "  groups: 0 1\n  groups: 0 1\n",
                 4, "expected domain 1 before another groups line"},
        BadDmesg{"CPU0 attaching sched-domain(s):\n domain-0: span=0-1 level=MC\n"
                 "CPU1 attaching sched-domain:\n",
                 3, "expected lines in the new layout of line 1, found one in the old layout"},
        BadDmesg{"CPU0 attaching sched-domain(s):\nroot domain span: zero (max)\n", 2,
                 "expected 'root domain span: <cpulist> (max cpu_capacity = N)'"}));

TEST(TopologyReadDmesg, BadDomainLineDoesNotCascade) {
  const DumpReadResult r = read(
      "CPU0 attaching sched-domain(s):\n"
      " domain-0: span=0-1 lvl=MC\n"
      "  groups: 0:{ span=0 }, 1:{ span=1 }\n"
      "  domain-1: span=0-3 level=PKG\n"
      "   groups: 0:{ span=0-1 }, 2:{ span=2-3 }\n"
      "CPU1 attaching sched-domain(s):\n"
      " domain-0: span=0-1 level=MC\n"
      "  groups: 1:{ span=1 }, 0:{ span=0 }\n");
  EXPECT_EQ(r.errors.size(), 1u) << errors_text(r);
  ASSERT_TRUE(r.topology);  // partial input still yields the good CPUs
  EXPECT_EQ(shape(r.topology->cpus.at(1).domains[0]), "0-1 | 1 0");
}

}  // namespace
}  // namespace sbm
