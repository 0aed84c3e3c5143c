// Unit tests of the TOPO checker (properties/topo_invariants.h): for every ID a
// hand-built topology that makes it fire with the right place and values, topologies
// where it holds, and inputs that cannot support it (spec/invariants.md, TOPO).
#include "properties/topo_invariants.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "traces/topology_dump/read.h"

namespace sbm {
namespace {

using F = SdFlag;

CpuMask M(const std::string& cpulist) { return *parse_cpulist(cpulist).mask; }

// "1-3" is a group spanning 1-3; "1-3/2" one whose balance mask is 2 (as dmesg prints
// "span=1-3 mask=2"). Capacity is SCHED_CAPACITY_SCALE per CPU.
SchedGroup grp(const std::string& spec) {
  SchedGroup sg;
  const size_t slash = spec.find('/');
  sg.span = M(spec.substr(0, slash));
  if (slash != std::string::npos) sg.balance_mask = M(spec.substr(slash + 1));
  sg.capacity = kSchedCapacityScale * static_cast<unsigned long>(sg.span.weight());
  return sg;
}

SchedDomain dom(const std::string& name, const std::string& span,
                const std::vector<std::string>& groups) {
  SchedDomain sd;
  sd.name = name;
  sd.span = M(span);
  sd.groups.emplace();
  for (const std::string& g : groups) sd.groups->push_back(grp(g));
  return sd;
}

// A topology as a dmesg reader would produce it: spans, groups and capacities, no flags.
Topology dump(const std::map<int, std::vector<SchedDomain>>& chains,
              const std::string& format = "dmesg-new") {
  Topology t;
  t.source = {format, "test.txt"};
  int line = 1;
  for (const auto& [cpu, domains] : chains) {
    CpuDomains& chain = t.cpus[cpu];
    chain.line = line++;
    chain.domains = domains;
    for (SchedDomain& sd : chain.domains) {
      sd.line = line++;
      if (sd.groups)
        for (SchedGroup& sg : *sd.groups) sg.line = line;
      ++line;
    }
    t.nr_cpu_ids = std::max(t.nr_cpu_ids, cpu + 1);
  }
  return t;
}

const SdFlags kSmtFlags{F::BalanceNewidle,   F::BalanceExec, F::BalanceFork,  F::WakeAffine,
                        F::ShareCpucapacity, F::ShareLlc,    F::PreferSibling};
const SdFlags kMcFlags{F::BalanceNewidle, F::BalanceExec, F::BalanceFork,
                       F::WakeAffine,     F::ShareLlc,    F::PreferSibling};
const SdFlags kPkgFlags{F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::WakeAffine,
                        F::PreferSibling};

// CPUs 0..sizes.back()-1 in levels of the given sizes (each dividing the next), with
// every field a builder fills: groups made as build_sched_groups() makes them (from the
// CPU's own child span, with wrap), balance mask = span, capacity, group flags = child
// flags, root domain = all CPUs.
Topology uniform(const std::vector<int>& sizes, const std::vector<std::string>& names,
                 const std::vector<SdFlags>& flags) {
  const int n = sizes.back();
  Topology t;
  t.source = {"built", "uniform"};
  t.nr_cpu_ids = n;
  t.root_span = CpuMask::range(0, n - 1);
  for (int cpu = 0; cpu < n; ++cpu) {
    CpuDomains& chain = t.cpus[cpu];
    for (size_t i = 0; i < sizes.size(); ++i) {
      const int block = sizes[i];
      const int child = i > 0 ? sizes[i - 1] : 1;
      const int lo = cpu / block * block;
      SchedDomain sd;
      sd.name = names[i];
      sd.span = CpuMask::range(lo, lo + block - 1);
      sd.flags = flags[i];
      sd.groups.emplace();
      const int nchildren = block / child;
      for (int k = 0; k < nchildren; ++k) {
        const int start = lo + ((cpu - lo) / child + k) % nchildren * child;
        SchedGroup sg;
        sg.span = CpuMask::range(start, start + child - 1);
        sg.balance_mask = sg.span;
        sg.capacity = kSchedCapacityScale * static_cast<unsigned long>(child);
        sg.flags = i > 0 ? flags[i - 1] : SdFlags{};
        sd.groups->push_back(sg);
      }
      chain.domains.push_back(sd);
    }
  }
  return t;
}

// 8 CPUs: SMT pairs, MC of 4, PKG of 8.
Topology laptop() {
  return uniform({2, 4, 8}, {"SMT", "MC", "PKG"}, {kSmtFlags, kMcFlags, kPkgFlags});
}

SchedDomain& domain(Topology& t, int cpu, int level) {
  return t.cpus.at(cpu).domains.at(static_cast<size_t>(level));
}
std::vector<SchedGroup>& groups(Topology& t, int cpu, int level) {
  return *domain(t, cpu, level).groups;
}

std::vector<Violation> with_id(const TopoCheckReport& r, const std::string& id) {
  std::vector<Violation> out;
  for (const Violation& v : r.violations)
    if (v.id == id) out.push_back(v);
  return out;
}

// A copy, so that it may be taken from a temporary report.
CheckSummary summary(const TopoCheckReport& r, const std::string& id) {
  const auto it = std::find_if(r.checks.begin(), r.checks.end(),
                               [&](const CheckSummary& s) { return s.id == id; });
  if (it == r.checks.end()) {
    ADD_FAILURE() << "no summary for " << id;
    return {};
  }
  return *it;
}

std::vector<std::string> ids(const TopoCheckReport& r) {
  std::vector<std::string> out;
  for (const Violation& v : r.violations)
    if (std::find(out.begin(), out.end(), v.id) == out.end()) out.push_back(v.id);
  return out;
}

// ---------------------------------------------------------------------------------------
// Catalogue and good inputs

TEST(TopoCatalogue, EighteenUniqueIdsWithSources) {
  const auto& cat = topo_invariants();
  ASSERT_EQ(cat.size(), 18u);
  for (size_t i = 0; i < cat.size(); ++i) {
    EXPECT_EQ(cat[i].id.rfind("TOPO-", 0), 0u) << cat[i].id;
    EXPECT_FALSE(cat[i].title.empty());
    EXPECT_FALSE(cat[i].kernel_source.empty());
    for (size_t j = 0; j < i; ++j) EXPECT_NE(cat[i].id, cat[j].id);
  }
  const TopoCheckReport r = check_topology(laptop());
  ASSERT_EQ(r.checks.size(), cat.size());
  for (size_t i = 0; i < cat.size(); ++i) EXPECT_EQ(r.checks[i].id, cat[i].id);
}

TEST(TopoGood, BuiltLaptopHoldsEveryCheck) {
  const TopoCheckReport r = check_topology(laptop());
  EXPECT_TRUE(r.ok()) << r.violations.front().explanation;
  for (const CheckSummary& s : r.checks) {
    EXPECT_EQ(s.outcome, CheckOutcome::Holds) << s.id << ": " << s.reason;
    EXPECT_GT(s.instances, 0) << s.id;
    EXPECT_EQ(s.reason, "") << s.id;
  }
  ASSERT_EQ(r.domains.size(), 24u);
  for (const DomainVerdict& d : r.domains) EXPECT_EQ(d.outcome, CheckOutcome::Holds);
  EXPECT_EQ(r.domains[4].cpu, 1);
  EXPECT_EQ(r.domains[4].level, 1);
  EXPECT_EQ(r.domains[4].name, "MC");
}

TEST(TopoGood, DeterministicAcrossRuns) {
  Topology t = laptop();
  groups(t, 5, 1).erase(groups(t, 5, 1).begin() + 1);
  domain(t, 2, 0).span = M("3");
  const TopoCheckReport a = check_topology(t);
  const TopoCheckReport b = check_topology(t);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.violations, b.violations);
}

TEST(TopoGood, ViolationsAreOrderedByCpuLevelGroup) {
  Topology t = laptop();
  groups(t, 6, 2)[1].capacity = 0;
  groups(t, 1, 1)[1].capacity = 0;
  groups(t, 1, 1)[0].capacity = 0;
  groups(t, 1, 0)[1].capacity = 0;
  const TopoCheckReport r = check_topology(t);
  ASSERT_EQ(r.violations.size(), 4u);
  EXPECT_EQ(std::make_pair(r.violations[0].cpu, r.violations[0].level), std::make_pair(1, 0));
  EXPECT_EQ(std::make_pair(r.violations[1].cpu, r.violations[1].level), std::make_pair(1, 1));
  EXPECT_EQ(r.violations[1].observed, "0");
  EXPECT_NE(r.violations[1].explanation.find("group 0:{0-1}"), std::string::npos);
  EXPECT_NE(r.violations[2].explanation.find("group 2:{2-3}"), std::string::npos);
  EXPECT_EQ(std::make_pair(r.violations[3].cpu, r.violations[3].level), std::make_pair(6, 2));
}

// ---------------------------------------------------------------------------------------
// Per-domain checks

TEST(TopoSpanCpu, FiresWhenTheSpanMissesItsCpu) {
  Topology t = laptop();
  domain(t, 3, 1).span = M("0-2");
  const auto v = with_id(check_topology(t), "TOPO-SPAN-CPU");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cpu, 3);
  EXPECT_EQ(v[0].level, 1);
  EXPECT_EQ(v[0].level_name, "MC");
  EXPECT_EQ(v[0].expected, "contains 3");
  EXPECT_EQ(v[0].observed, "0-2");
  EXPECT_EQ(v[0].explanation, "CPU3's domain-1 (MC) spans 0-2, which does not contain CPU3 itself");
  EXPECT_EQ(v[0].file, "");  // built topologies have no file
}

TEST(TopoGroupCpu, FiresWhenTheLocalGroupIsNotFirst) {
  Topology t = laptop();
  auto& g = groups(t, 0, 1);
  std::rotate(g.begin(), g.begin() + 1, g.end());
  const TopoCheckReport r = check_topology(t);
  const auto v = with_id(r, "TOPO-GROUP-CPU");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cpu, 0);
  EXPECT_EQ(v[0].level, 1);
  EXPECT_EQ(v[0].expected, "contains 0");
  EXPECT_EQ(v[0].observed, "2-3");
  EXPECT_EQ(ids(r), (std::vector<std::string>{"TOPO-GROUP-CPU", "TOPO-GROUP-CHILD"}));
}

TEST(TopoGroupEmpty, FiresOnAnEmptyGroupAndOnNoGroups) {
  Topology t = laptop();
  groups(t, 2, 2).push_back(SchedGroup{});
  groups(t, 4, 0).clear();
  const auto v = with_id(check_topology(t), "TOPO-GROUP-EMPTY");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].cpu, 2);
  EXPECT_EQ(v[0].level, 2);
  EXPECT_EQ(v[0].observed, "(empty)");
  EXPECT_EQ(v[1].cpu, 4);
  EXPECT_EQ(v[1].level, 0);
  EXPECT_EQ(v[1].observed, "no group");
}

TEST(TopoGroupRepeat, FiresOnARepeatedCpuOutsideNuma) {
  Topology t = laptop();
  groups(t, 0, 1)[1].span = M("1-3");
  const auto v = with_id(check_topology(t), "TOPO-GROUP-REPEAT");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cpu, 0);
  EXPECT_EQ(v[0].level, 1);
  EXPECT_EQ(v[0].observed, "1");
  EXPECT_EQ(v[0].explanation,
            "CPU 1 of group 2:{1-3} already appear in group 0:{0-1} of CPU0's domain-1 (MC), "
            "whose groups must not overlap");
}

TEST(TopoGroupRepeat, HoldsForOverlappingNumaGroups) {
  // Sample 004's CPU1: NUMA groups 0-2 and 2-3 share CPU 2 by design.
  const Topology t =
      dump({{1, {dom("NUMA", "0-2", {"1", "2", "0"}), dom("NUMA", "0-3", {"0-2/1", "2-3/3"})}}});
  const TopoCheckReport r = check_topology(t);
  EXPECT_TRUE(with_id(r, "TOPO-GROUP-REPEAT").empty());
  EXPECT_EQ(summary(r, "TOPO-GROUP-REPEAT").outcome, CheckOutcome::Holds);
}

// The structure of tests/data/topologies/004-* (QEMU, NUMA diameter 3, v5.8): the
// kernel printed "groups don't span domain->span" for CPU0 domain-1 and CPU3 domain-1.
Topology sample_004() {
  return dump({
      {0,
       {dom("NUMA", "0-1", {"0", "1"}), dom("NUMA", "0-2", {"0-1/0", "1-3/2"}),
        dom("NUMA", "0-3", {"0-2/0", "1-3/3"})}},
      {1, {dom("NUMA", "0-2", {"1", "2", "0"}), dom("NUMA", "0-3", {"0-2/1", "2-3/3"})}},
      {2, {dom("NUMA", "1-3", {"2", "3", "1"}), dom("NUMA", "0-3", {"1-3/2", "0-1/0"})}},
      {3,
       {dom("NUMA", "2-3", {"3", "2"}), dom("NUMA", "1-3", {"2-3/3", "0-2/1"}),
        dom("NUMA", "0-3", {"1-3/3", "0-2/0"})}},
  });
}

TEST(TopoGroupsSpan, FindsExactlyTheKernelErrorsOfSample004) {
  const Topology t = sample_004();
  const TopoCheckReport r = check_topology(t);
  ASSERT_EQ(r.violations.size(), 2u);
  const Violation& a = r.violations[0];
  EXPECT_EQ(a.id, "TOPO-GROUPS-SPAN");
  EXPECT_EQ(a.cpu, 0);
  EXPECT_EQ(a.level, 1);
  EXPECT_EQ(a.level_name, "NUMA");
  EXPECT_EQ(a.file, "test.txt");
  EXPECT_EQ(a.line, t.cpus.at(0).domains[1].groups->at(1).line);
  EXPECT_EQ(a.expected, "0-2");
  EXPECT_EQ(a.observed, "0-3");
  EXPECT_EQ(a.explanation,
            "the union of CPU0's domain-1 (NUMA)'s groups is 0-3 but its span is 0-2: group "
            "2:{1-3} reaches CPU 3 outside the domain");
  const Violation& b = r.violations[1];
  EXPECT_EQ(b.id, "TOPO-GROUPS-SPAN");
  EXPECT_EQ(b.cpu, 3);
  EXPECT_EQ(b.level, 1);
  EXPECT_EQ(b.expected, "1-3");
  EXPECT_EQ(b.observed, "0-3");
  // Verdicts: those two domains are violated, the rest hold.
  int violated = 0;
  for (const DomainVerdict& d : r.domains) {
    if (d.outcome == CheckOutcome::Violated) {
      ++violated;
      EXPECT_TRUE((d.cpu == 0 || d.cpu == 3) && d.level == 1);
    } else {
      EXPECT_EQ(d.outcome, CheckOutcome::Holds);
    }
  }
  EXPECT_EQ(violated, 2);
}

TEST(TopoGroupsSpan, HoldsForTheFixedDiameter3Groups) {
  // v5.13+ (585b6d2723dc): find_descended_sibling() takes CPU2's NUMA-0 child {2}.
  Topology t = sample_004();
  groups(t, 0, 1)[1] = grp("2/2");
  groups(t, 3, 1)[1] = grp("1/1");
  EXPECT_TRUE(check_topology(t).ok());
}

TEST(TopoGroupsSpan, ReportsCpusInNoGroup) {
  Topology t = laptop();
  groups(t, 5, 1).erase(groups(t, 5, 1).begin() + 1);  // drops group 6-7
  const auto v = with_id(check_topology(t), "TOPO-GROUPS-SPAN");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cpu, 5);
  EXPECT_EQ(v[0].level, 1);
  EXPECT_EQ(v[0].expected, "4-7");
  EXPECT_EQ(v[0].observed, "4-5");
  EXPECT_NE(v[0].explanation.find("CPUs 6-7 of the span in no group"), std::string::npos);
}

TEST(TopoParentSpan, FiresWhenTheParentDoesNotContainTheChild) {
  Topology t = laptop();
  domain(t, 0, 2).span = M("0-2,4-7");
  const auto v = with_id(check_topology(t), "TOPO-PARENT-SPAN");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cpu, 0);
  EXPECT_EQ(v[0].level, 1);
  EXPECT_EQ(v[0].expected, "within 0-2,4-7");
  EXPECT_EQ(v[0].observed, "0-3");
  EXPECT_EQ(v[0].explanation,
            "CPU0's domain-1 (MC) spans 0-3 but its parent domain-2 (PKG) spans 0-2,4-7: CPU 3 "
            "outside the parent");
}

TEST(TopoParentSpan, FiresWhenOnlyTheGroupsEscapeTheParent) {
  // As the kernel tests it: groupmask, not the span, against the parent.
  const Topology t =
      dump({{0, {dom("MC", "0-1", {"0", "1-2"}), dom("PKG", "0-1,3", {"0-1", "3"})}}});
  const auto v = with_id(check_topology(t), "TOPO-PARENT-SPAN");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].observed, "0-2");
  EXPECT_NE(v[0].explanation.find("'s groups cover 0-2"), std::string::npos);
}

TEST(TopoGroupCapacity, FiresOnZeroAndIsNotCheckableWithoutCapacities) {
  Topology t = laptop();
  groups(t, 7, 2)[0].capacity = 0;
  const auto v = with_id(check_topology(t), "TOPO-GROUP-CAPACITY");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cpu, 7);
  EXPECT_EQ(v[0].level, 2);
  EXPECT_EQ(v[0].observed, "0");

  Topology none = laptop();
  for (auto& [cpu, chain] : none.cpus)
    for (SchedDomain& sd : chain.domains)
      for (SchedGroup& sg : *sd.groups) sg.capacity.reset();
  const CheckSummary s = summary(check_topology(none), "TOPO-GROUP-CAPACITY");
  EXPECT_EQ(s.outcome, CheckOutcome::NotCheckable);
  EXPECT_EQ(s.reason, "the input has no group capacities (built)");
}

TEST(TopoGroupChild, FiresWhenTheFirstGroupIsNotTheChild) {
  const Topology t =
      dump({{0, {dom("NUMA", "0-1", {"0", "1"}), dom("NUMA", "0-3", {"0-2", "2-3"})}}});
  const TopoCheckReport r = check_topology(t);
  const auto v = with_id(r, "TOPO-GROUP-CHILD");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cpu, 0);
  EXPECT_EQ(v[0].level, 1);
  EXPECT_EQ(v[0].expected, "0-1");
  EXPECT_EQ(v[0].observed, "0-2");
  EXPECT_TRUE(with_id(r, "TOPO-GROUP-CPU").empty());
}

TEST(TopoGroupChild, ABaseDomainsFirstGroupIsTheCpuAlone) {
  Topology t = laptop();
  std::swap(groups(t, 6, 0)[0], groups(t, 6, 0)[1]);
  const auto v = with_id(check_topology(t), "TOPO-GROUP-CHILD");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cpu, 6);
  EXPECT_EQ(v[0].level, 0);
  EXPECT_EQ(v[0].expected, "6");
  EXPECT_EQ(v[0].observed, "7");
}

TEST(TopoFlagsChild, FiresWhenASharedChildFlagIsMissingBelow) {
  Topology t = laptop();
  domain(t, 0, 0).flags->clear(F::ShareLlc);
  const auto v = with_id(check_topology(t), "TOPO-FLAGS-CHILD");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cpu, 0);
  EXPECT_EQ(v[0].level, 1);
  EXPECT_EQ(v[0].expected, "SD_SHARE_LLC set in child domain-0 (SMT)");
  EXPECT_EQ(v[0].explanation,
            "flag SD_SHARE_LLC is set in CPU0's domain-1 (MC) but not in its child domain-0 (SMT)");
}

TEST(TopoFlagsChild, UsesTheErasFlagName) {
  Topology t = laptop();
  t.era = KernelVersion{5, 13, 0};
  domain(t, 0, 0).flags->clear(F::ShareLlc);
  const auto v = with_id(check_topology(t), "TOPO-FLAGS-CHILD");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].expected, "SD_SHARE_PKG_RESOURCES set in child domain-0 (SMT)");
}

TEST(TopoFlagsParent, FiresWhenASharedParentFlagIsMissingAbove) {
  Topology t = laptop();
  domain(t, 5, 1).flags->set(F::Serialize);
  const auto v = with_id(check_topology(t), "TOPO-FLAGS-PARENT");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cpu, 5);
  EXPECT_EQ(v[0].level, 1);
  EXPECT_EQ(v[0].expected, "SD_SERIALIZE set in parent domain-2 (PKG)");
}

TEST(TopoFlags, HoldOnSample009sDebugfsFlags) {
  // tests/data/topologies/009-* (POWER LPAR, v5.13 debugfs): CPU0's names and flags.
  Topology t;
  t.source = {"debugfs", "009.txt"};
  t.era = KernelVersion{5, 13, 0};
  auto add = [&](const std::string& name, SdFlags flags) {
    SchedDomain sd;
    sd.name = name;
    sd.flags = flags;
    t.cpus[0].domains.push_back(sd);
  };
  add("SMT", kSmtFlags);
  add("CACHE", kMcFlags);
  add("NUMA", {F::BalanceNewidle, F::Serialize, F::Overlap, F::Numa});
  const TopoCheckReport r = check_topology(t);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(summary(r, "TOPO-FLAGS-CHILD").outcome, CheckOutcome::Holds);
  EXPECT_EQ(summary(r, "TOPO-FLAGS-PARENT").outcome, CheckOutcome::Holds);
  const CheckSummary span = summary(r, "TOPO-SPAN-CPU");
  EXPECT_EQ(span.outcome, CheckOutcome::NotCheckable);
  EXPECT_EQ(span.reason, "the input has no domain spans (debugfs)");
  EXPECT_EQ(summary(r, "TOPO-GROUPS-SPAN").outcome, CheckOutcome::NotCheckable);
  EXPECT_EQ(summary(r, "TOPO-SPAN-SANE").outcome, CheckOutcome::NotCheckable);
  for (const DomainVerdict& d : r.domains) EXPECT_EQ(d.outcome, CheckOutcome::Holds);
}

TEST(TopoDegenerate, FiresOnASingleCpuDomain) {
  Topology t = laptop();
  auto& chain = t.cpus.at(2).domains;
  SchedDomain lone = dom("SMT", "2", {"2"});
  lone.flags = kSmtFlags;
  chain.insert(chain.begin(), lone);
  const auto v = with_id(check_topology(t), "TOPO-DEGENERATE");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cpu, 2);
  EXPECT_EQ(v[0].level, 0);
  EXPECT_EQ(v[0].observed, "2");
}

TEST(TopoMask, FiresOnAnEmptyMaskAndOnAMaskOutsideTheGroup) {
  Topology t = laptop();
  groups(t, 0, 2)[1].balance_mask = CpuMask();
  groups(t, 4, 1)[1].balance_mask = M("6-8");
  const auto v = with_id(check_topology(t), "TOPO-MASK");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].cpu, 0);
  EXPECT_EQ(v[0].level, 2);
  EXPECT_EQ(v[0].observed, "(empty)");
  EXPECT_EQ(v[1].cpu, 4);
  EXPECT_EQ(v[1].level, 1);
  EXPECT_EQ(v[1].expected, "non-empty, within 6-7");
  EXPECT_NE(v[1].explanation.find("has CPU 8 outside the group"), std::string::npos);
}

TEST(TopoMask, IsNotCheckableWhenNoMaskIsPrinted) {
  Topology t = laptop();
  t.source.format = "dmesg-old";
  for (auto& [cpu, chain] : t.cpus)
    for (SchedDomain& sd : chain.domains)
      for (SchedGroup& sg : *sd.groups) sg.balance_mask.reset();
  const CheckSummary s = summary(check_topology(t), "TOPO-MASK");
  EXPECT_EQ(s.outcome, CheckOutcome::NotCheckable);
  EXPECT_EQ(s.reason, "the input has no group balance masks (dmesg-old)");
}

// ---------------------------------------------------------------------------------------
// Cross-CPU checks

TEST(TopoSpanSane, FiresOnPartiallyOverlappingSpansOfOneLevel) {
  // CPU2's MC span 2-5 overlaps CPU0's 0-3 (topology_span_sane() would WARN and fail).
  const Topology t = dump({
      {0, {dom("MC", "0-3", {"0", "1", "2", "3"})}},
      {2, {dom("MC", "2-5", {"2", "3", "4", "5"})}},
  });
  const auto v = with_id(check_topology(t), "TOPO-SPAN-SANE");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].cpu, 0);
  EXPECT_EQ(v[0].expected, "equal to or disjoint from 2-5");
  EXPECT_EQ(v[0].observed, "0-3");
  EXPECT_EQ(v[1].cpu, 2);
  EXPECT_EQ(v[1].explanation,
            "CPU2's domain-0 (MC) spans 2-5, which overlaps CPU0's domain-0 (MC) span 0-3 without "
            "being equal to it; spans of one non-NUMA level must be equal or disjoint "
            "(topology_span_sane())");
}

TEST(TopoSpanSane, NestedSpansOfDifferentLevelsAndNumaOverlapsHold) {
  const TopoCheckReport good = check_topology(laptop());
  EXPECT_EQ(summary(good, "TOPO-SPAN-SANE").outcome, CheckOutcome::Holds);
  const TopoCheckReport numa = check_topology(sample_004());
  EXPECT_TRUE(with_id(numa, "TOPO-SPAN-SANE").empty());
  EXPECT_EQ(summary(numa, "TOPO-SPAN-SANE").outcome, CheckOutcome::Holds);
}

TEST(TopoSpanSane, NeedsLevelNamesOrBuilderLevels) {
  Topology t = dump(
      {{0, {dom("", "0-3", {"0", "1", "2", "3"})}}, {2, {dom("", "2-5", {"2", "3", "4", "5"})}}},
      "dmesg-old");
  const CheckSummary s = summary(check_topology(t), "TOPO-SPAN-SANE");
  EXPECT_EQ(s.outcome, CheckOutcome::NotCheckable);
  EXPECT_EQ(s.reason, "the input has no level names (dmesg-old)");
  domain(t, 0, 0).topology_level = 1;  // the builder's level index stands in for a name
  domain(t, 2, 0).topology_level = 1;
  EXPECT_EQ(summary(check_topology(t), "TOPO-SPAN-SANE").outcome, CheckOutcome::Violated);
}

TEST(TopoSpanAgree, FiresWhenACpuOfTheSpanLacksTheDomain) {
  Topology t = laptop();
  t.cpus.at(5).domains.pop_back();  // CPU5 has no PKG domain
  const TopoCheckReport r = check_topology(t);
  const auto v = with_id(r, "TOPO-SPAN-AGREE");
  ASSERT_EQ(v.size(), 7u);  // every other CPU's PKG domain
  EXPECT_EQ(v[0].cpu, 0);
  EXPECT_EQ(v[0].level, 2);
  EXPECT_EQ(v[0].expected, "0-7");
  EXPECT_EQ(v[0].observed, "0-4,6-7");
  EXPECT_EQ(v[0].explanation,
            "CPU0's domain-2 (PKG) spans 0-7, but CPU 5 has no domain spanning 0-7 (CPUs of a "
            "non-NUMA span share its domain and groups)");
  // The root domain check sees the same defect from CPU5's side.
  const auto root = with_id(r, "TOPO-ROOT-SPAN");
  ASSERT_EQ(root.size(), 1u);
  EXPECT_EQ(root[0].cpu, 5);
  EXPECT_EQ(root[0].level, 1);
  EXPECT_EQ(root[0].observed, "4-7");
}

TEST(TopoSpanAgree, FiresWhenTheLevelNameDiffers) {
  Topology t = laptop();
  domain(t, 6, 2).name = "DIE";
  const auto v = with_id(check_topology(t), "TOPO-SPAN-AGREE");
  ASSERT_EQ(v.size(), 8u);
  EXPECT_NE(v[0].explanation.find("CPU 6 has one, but not at level PKG"), std::string::npos);
  EXPECT_EQ(v[6].cpu, 6);
  EXPECT_NE(v[6].explanation.find("CPUs 0-5,7 have one, but not at level DIE"), std::string::npos);
}

TEST(TopoSpanAgree, OnlyOneCpuIsNotCheckable) {
  Topology t = laptop();
  for (int c = 1; c < 8; ++c) t.cpus.erase(c);
  t.source.format = "dmesg-new";
  const TopoCheckReport r = check_topology(t);
  EXPECT_TRUE(r.ok());
  for (const char* id : {"TOPO-SPAN-SANE", "TOPO-SPAN-AGREE", "TOPO-GROUPS-AGREE"}) {
    const CheckSummary s = summary(r, id);
    EXPECT_EQ(s.outcome, CheckOutcome::NotCheckable) << id;
    EXPECT_EQ(s.reason, "only CPU0's block is in the input") << id;
  }
  const CheckSummary reach = summary(r, "TOPO-MASK-REACH");
  EXPECT_EQ(reach.outcome, CheckOutcome::Holds);  // single-CPU groups and CPU0's own groups
  EXPECT_NE(reach.reason.find("only CPU0's block is in the input"), std::string::npos);
  const auto root = summary(r, "TOPO-ROOT-SPAN");
  EXPECT_EQ(root.outcome, CheckOutcome::Holds);
  EXPECT_NE(root.reason.find("7 place(s) not checkable"), std::string::npos);
}

TEST(TopoGroupsAgree, FiresForTheCpuThatSeesOtherGroups) {
  Topology t = laptop();
  auto& g = groups(t, 5, 1);  // {4-5},{6-7} -> {4-5},{6},{7}
  g[1] = grp("6");
  g.push_back(grp("7"));
  const auto v = with_id(check_topology(t), "TOPO-GROUPS-AGREE");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cpu, 5);
  EXPECT_EQ(v[0].level, 1);
  EXPECT_EQ(v[0].expected, "{4-5},{6-7}");
  EXPECT_EQ(v[0].observed, "{4-5},{6},{7}");
}

TEST(TopoGroupsAgree, GroupOrderDoesNotMatter) {
  // Each CPU lists its own group first (sample 023); the sets agree.
  const TopoCheckReport r = check_topology(laptop());
  EXPECT_EQ(summary(r, "TOPO-GROUPS-AGREE").outcome, CheckOutcome::Holds);
}

TEST(TopoMaskReach, FiresWhenAMaskedCpuNeverReachesTheGroup) {
  Topology t = sample_004();
  groups(t, 0, 1)[0].balance_mask = M("0-1");  // CPU1's domains span 0-2 and 0-3, not 0-1
  const auto v = with_id(check_topology(t), "TOPO-MASK-REACH");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cpu, 0);
  EXPECT_EQ(v[0].level, 1);
  EXPECT_EQ(v[0].expected, "0-1");
  EXPECT_EQ(v[0].observed, "0");
  EXPECT_EQ(v[0].explanation,
            "CPU 1 in the balance mask of group 0:{0-1} of CPU0's domain-1 (NUMA) has no domain "
            "spanning 0-1, so should_we_balance() may designate a CPU that never balances for "
            "this group");
}

TEST(TopoMaskReach, NonNumaGroupsUseTheirSpan) {
  Topology t = laptop();
  t.cpus.at(3).domains.erase(t.cpus.at(3).domains.begin());  // CPU3 loses its SMT 2-3
  const auto v = with_id(check_topology(t), "TOPO-MASK-REACH");
  ASSERT_FALSE(v.empty());
  EXPECT_EQ(v[0].cpu, 0);
  EXPECT_EQ(v[0].level, 1);
  EXPECT_EQ(v[0].expected, "2-3");
  EXPECT_EQ(v[0].observed, "2");
}

TEST(TopoMaskReach, OldDmesgNumaGroupsWithoutMasksAreNotCheckable) {
  Topology t = sample_004();
  t.source.format = "dmesg-old";
  for (auto& [cpu, chain] : t.cpus)
    for (SchedDomain& sd : chain.domains)
      for (SchedGroup& sg : *sd.groups) sg.balance_mask.reset();
  const CheckSummary s = summary(check_topology(t), "TOPO-MASK-REACH");
  EXPECT_EQ(s.outcome, CheckOutcome::NotCheckable);
  EXPECT_EQ(s.reason, "the input has no group balance masks (dmesg-old)");
}

TEST(TopoRootSpan, FiresWhenATopDomainFallsShortOfTheRoot) {
  // spec/bugs.md #4: after hotplug, the NUMA levels are gone and PKG is the top.
  Topology t = laptop();
  t.cpus.at(3).domains.pop_back();
  const auto v = with_id(check_topology(t), "TOPO-ROOT-SPAN");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cpu, 3);
  EXPECT_EQ(v[0].level, 1);
  EXPECT_EQ(v[0].expected, "0-7");
  EXPECT_EQ(v[0].observed, "0-3");
  EXPECT_EQ(v[0].explanation,
            "CPU3's top domain, domain-1 (MC), spans 0-3 but the root domain spans 0-7: CPUs 4-7 "
            "are never balanced with it");
}

TEST(TopoRootSpan, FiresForARootCpuWithoutDomains) {
  Topology t = laptop();
  t.cpus.at(7).domains.clear();
  t.cpus.at(7).line = 42;
  const auto v = with_id(check_topology(t), "TOPO-ROOT-SPAN");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cpu, 7);
  EXPECT_EQ(v[0].level, -1);
  EXPECT_EQ(v[0].line, 42);
  EXPECT_EQ(v[0].observed, "no sched domain");
}

TEST(TopoRootSpan, NotCheckableWithoutARootLine) {
  Topology t = laptop();
  t.root_span.reset();
  t.source.format = "dmesg-new";
  const CheckSummary s = summary(check_topology(t), "TOPO-ROOT-SPAN");
  EXPECT_EQ(s.outcome, CheckOutcome::NotCheckable);
  EXPECT_EQ(s.reason, "the input has no root domain span (dmesg-new)");
}

TEST(TopoGroupFlags, FiresWhenTheLocalGroupMissesTheChildsSmtFlag) {
  // spec/bugs.md #9 (bf2dc42d6beb): the local group kept a trimmed CLUSTER domain's flags.
  Topology t = laptop();
  groups(t, 2, 1)[0].flags = kMcFlags;
  const auto v = with_id(check_topology(t), "TOPO-GROUP-FLAGS");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cpu, 2);
  EXPECT_EQ(v[0].level, 1);
  EXPECT_EQ(v[0].expected,
            "SD_BALANCE_NEWIDLE SD_BALANCE_EXEC SD_BALANCE_FORK SD_WAKE_AFFINE "
            "SD_SHARE_CPUCAPACITY SD_SHARE_LLC");
  EXPECT_NE(v[0].explanation.find(", the flags of its child domain-0 (SMT)"), std::string::npos);
}

TEST(TopoGroupFlags, FiresOnANonLocalGroupAndIgnoresPreferSibling) {
  Topology t = laptop();
  groups(t, 0, 2)[1].flags->clear(F::WakeAffine);
  groups(t, 1, 2)[0].flags->clear(F::PreferSibling);  // cpu_attach_domain() may do this
  const auto v = with_id(check_topology(t), "TOPO-GROUP-FLAGS");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].cpu, 0);
  EXPECT_EQ(v[0].level, 2);
  EXPECT_NE(v[0].explanation.find("the flags of CPU4's domain-1 (MC), which it stands for"),
            std::string::npos);
}

TEST(TopoGroupFlags, BaseDomainGroupsCarryNoFlags) {
  Topology t = laptop();
  groups(t, 1, 0)[1].flags = SdFlags{F::ShareLlc};
  const auto v = with_id(check_topology(t), "TOPO-GROUP-FLAGS");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].expected, "(none)");
  EXPECT_EQ(v[0].observed, "SD_SHARE_LLC");
  EXPECT_EQ(v[0].explanation,
            "group 0:{0} of CPU1's domain-0 (SMT) carries flags SD_SHARE_LLC but should carry "
            "(none), as it stands for no domain (a base domain's group, or a single CPU whose base "
            "domain was trimmed)");
}

// ---------------------------------------------------------------------------------------
// What the input cannot support

TEST(TopoNotCheckable, SchedstatSpansWithoutGroups) {
  // Sample 011 (schedstat v17): names and spans only; CPUs 0-1 have no SMT domain.
  Topology t;
  t.source = {"schedstat", "011.txt"};
  auto add = [&](int cpu, const std::string& name, const std::string& span) {
    SchedDomain sd;
    sd.name = name;
    sd.span = M(span);
    t.cpus[cpu].domains.push_back(sd);
  };
  for (int c = 0; c < 8; ++c) {
    if (c >= 2) add(c, "SMT", c < 4 ? "2-3" : "4-7");
    add(c, "MC", "0-7");
  }
  const TopoCheckReport r = check_topology(t);
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(summary(r, "TOPO-GROUPS-SPAN").reason, "the input has no group lists (schedstat)");
  EXPECT_EQ(summary(r, "TOPO-GROUPS-SPAN").outcome, CheckOutcome::NotCheckable);
  EXPECT_EQ(summary(r, "TOPO-FLAGS-CHILD").outcome, CheckOutcome::NotCheckable);
  for (const char* id : {"TOPO-SPAN-CPU", "TOPO-PARENT-SPAN", "TOPO-DEGENERATE", "TOPO-SPAN-SANE",
                         "TOPO-SPAN-AGREE"})
    EXPECT_EQ(summary(r, id).outcome, CheckOutcome::Holds) << id;
}

TEST(TopoNotCheckable, EmptyInputAndBareDomains) {
  const TopoCheckReport empty = check_topology(Topology{});
  EXPECT_TRUE(empty.ok());
  for (const CheckSummary& s : empty.checks) {
    EXPECT_EQ(s.outcome, CheckOutcome::NotCheckable) << s.id;
    EXPECT_FALSE(s.reason.empty()) << s.id;
  }
  EXPECT_EQ(empty.checks[0].reason, "the input describes no CPU");

  Topology bare;
  bare.source = {"sysctl", "x"};
  bare.cpus[0].domains.push_back(SchedDomain{});  // a domain the input says nothing about
  const TopoCheckReport r = check_topology(bare);
  ASSERT_EQ(r.domains.size(), 1u);
  EXPECT_EQ(r.domains[0].outcome, CheckOutcome::NotCheckable);
}

TEST(TopoNotCheckable, NoFlagsInDmesg) {
  const TopoCheckReport r = check_topology(sample_004());
  for (const char* id : {"TOPO-FLAGS-CHILD", "TOPO-FLAGS-PARENT"}) {
    EXPECT_EQ(summary(r, id).outcome, CheckOutcome::NotCheckable) << id;
    EXPECT_EQ(summary(r, id).reason, "the input has no domain flags (dmesg-new)") << id;
  }
  EXPECT_EQ(summary(r, "TOPO-GROUP-FLAGS").reason, "the input has no group flags (dmesg-new)");
}

TEST(TopoPartial, HoldsWithAReasonWhenSomePlacesCannotBeChecked) {
  Topology t = laptop();
  groups(t, 3, 2)[1].capacity.reset();
  const CheckSummary s = summary(check_topology(t), "TOPO-GROUP-CAPACITY");
  EXPECT_EQ(s.outcome, CheckOutcome::Holds);
  EXPECT_EQ(s.reason, "1 place(s) not checkable: the input has no group capacities (built)");
}

TEST(TopoNodeLevel, TwoSixNodeSpansMayOverlap) {
  // 2.6.x NODE spans = the node plus its 15 nearest (sched_domain_node_span()).
  Topology t =
      dump({{0, {dom("NODE", "0-2", {"0", "1", "2"})}}, {2, {dom("NODE", "1-3", {"2", "3", "1"})}}},
           "dmesg-old");
  t.era = KernelVersion{2, 6, 32};
  EXPECT_TRUE(with_id(check_topology(t), "TOPO-SPAN-SANE").empty());
  t.era = KernelVersion{4, 19, 0};
  EXPECT_FALSE(with_id(check_topology(t), "TOPO-SPAN-SANE").empty());
}

// ---------------------------------------------------------------------------------------
// The real dumps (tests/data/topologies): the
// checker reaches each header's verdict from the structure alone.

// SBM_DATA_DIR, not __FILE__: with CCACHE_BASEDIR set, __FILE__ is relative to the build
// directory and ctest runs the tests from another one.
std::string sample_text(const std::string& name) {
  const std::string path = std::string(SBM_DATA_DIR) + "/topologies/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot open " << path;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TopoCheckReport check_sample(const std::string& name, DumpReadOptions options = {}) {
  const DumpReadResult read = read_topology_dump(sample_text(name), name, options);
  EXPECT_TRUE(read.errors.empty()) << name << ": " << read.errors.front().message;
  if (!read.topology) {
    ADD_FAILURE() << name << " did not read";
    return {};
  }
  return check_topology(*read.topology);
}

const std::vector<std::string> kSamples = {
    "003-x86-nehalem-numa-2.6.37rc1-revert-ok.txt", "004-qemu-arm64-numa-diameter3-broken.txt",
    "005-arm64-juno-biglittle-hotplug-ok.txt",      "009-power-lpar-dlpar-debugfs-ok.txt",
    "011-qemu-arm64-hetero-smt-schedstat-ok.txt",   "023-x86-tigerlake-nuc11-smt-ok.txt",
};

TEST(TopoSamples, EachHeaderVerdictIsReached) {
  for (const std::string& name : kSamples) {
    const std::string text = sample_text(name);
    const size_t at = text.find("verdict: ");
    ASSERT_NE(at, std::string::npos) << name;
    const bool broken = text.compare(at + 9, 6, "broken") == 0;
    const TopoCheckReport r = check_sample(name);
    EXPECT_EQ(!r.ok(), broken) << name;
    for (const CheckSummary& s : r.checks) {
      if (s.outcome == CheckOutcome::NotCheckable) {
        EXPECT_FALSE(s.reason.empty()) << name << " " << s.id;
      }
    }
  }
}

TEST(TopoSamples, Sample004FailsWhereTheKernelPrintedItsError) {
  const TopoCheckReport r = check_sample("004-qemu-arm64-numa-diameter3-broken.txt");
  ASSERT_EQ(r.violations.size(), 2u);
  for (const Violation& v : r.violations) {
    EXPECT_EQ(v.id, "TOPO-GROUPS-SPAN");
    EXPECT_EQ(v.level, 1);
    EXPECT_EQ(v.file, "004-qemu-arm64-numa-diameter3-broken.txt");
  }
  EXPECT_EQ(r.violations[0].cpu, 0);
  EXPECT_EQ(r.violations[0].line, 8);  // the groups line just before the kernel's ERROR line
  EXPECT_EQ(r.violations[0].observed, "0-3");
  EXPECT_EQ(r.violations[1].cpu, 3);
  EXPECT_EQ(r.violations[1].line, 29);
  EXPECT_EQ(r.violations[1].expected, "1-3");
}

TEST(TopoSamples, PartialDumpsSayWhatTheyLack) {
  const TopoCheckReport debugfs = check_sample("009-power-lpar-dlpar-debugfs-ok.txt");
  EXPECT_EQ(summary(debugfs, "TOPO-FLAGS-CHILD").outcome, CheckOutcome::Holds);
  EXPECT_EQ(summary(debugfs, "TOPO-GROUPS-SPAN").reason, "the input has no domain spans (debugfs)");
  const TopoCheckReport schedstat = check_sample("011-qemu-arm64-hetero-smt-schedstat-ok.txt");
  EXPECT_EQ(summary(schedstat, "TOPO-SPAN-SANE").outcome, CheckOutcome::Holds);
  EXPECT_EQ(summary(schedstat, "TOPO-GROUP-CHILD").reason,
            "the input has no group lists (schedstat)");
  // 005: measured capacities differ between CPUs (2041 / 2042) and that is fine.
  const TopoCheckReport juno = check_sample("005-arm64-juno-biglittle-hotplug-ok.txt");
  EXPECT_EQ(summary(juno, "TOPO-GROUP-CAPACITY").outcome, CheckOutcome::Holds);
  EXPECT_EQ(summary(juno, "TOPO-ROOT-SPAN").outcome, CheckOutcome::Holds);
}

// ---------------------------------------------------------------------------------------
// Eras: what the kernel of the dump did (spec/invariants.md, TOPO-DEGENERATE and
// TOPO-GROUPS-AGREE).

// Sample 030 (v2.6.7, "CPUn:  online" headers) attaches single-CPU SMT domains: before
// v2.6.13 cpu_attach_domain() removed nothing. Its layout dates it; under a modern era
// hint the same text fires.
TEST(TopoDegenerate, HoldsBeforeDegenerateRemovalAndFiresAfter) {
  const std::string name = "030-ppc64-power4-2.6.7-online-headers-ok.txt";
  const TopoCheckReport dated = check_sample(name);
  EXPECT_TRUE(dated.ok());
  EXPECT_EQ(summary(dated, "TOPO-DEGENERATE").outcome, CheckOutcome::Holds);
  EXPECT_TRUE(dated.notes.empty());
  const TopoCheckReport modern = check_sample(name, DumpReadOptions{KernelVersion{6, 17, 0}});
  const auto v = with_id(modern, "TOPO-DEGENERATE");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].cpu, 0);
  EXPECT_EQ(v[1].cpu, 1);
  EXPECT_EQ(v[0].observed, "0");
  EXPECT_TRUE(modern.notes.empty());  // the era was given, not assumed
}

// Sample 031 (2.6.12.1): its "attaching" header and hex masks were printed from v2.6.11 to
// v2.6.25, so the layout does not say which side of v2.6.13 it is on.
TEST(TopoDegenerate, AssumedEraIsNotedAndAHintDecides) {
  const std::string name = "031-x86_64-athlon64-x2-2.6.12.1-ok.txt";
  const TopoCheckReport assumed = check_sample(name);
  EXPECT_EQ(with_id(assumed, "TOPO-DEGENERATE").size(), 2u);
  ASSERT_EQ(assumed.notes.size(), 1u);
  EXPECT_NE(assumed.notes[0].find("assumed to be v2.6.13 or later"), std::string::npos);
  EXPECT_NE(with_id(assumed, "TOPO-DEGENERATE")[0].explanation.find("(assuming v2.6.13 or later)"),
            std::string::npos);
  const TopoCheckReport old = check_sample(name, DumpReadOptions{KernelVersion{2, 6, 12}});
  EXPECT_TRUE(old.ok());
  EXPECT_EQ(summary(old, "TOPO-DEGENERATE").outcome, CheckOutcome::Holds);
}

// Two levels with one span and no names (sample 030: CPU with per-CPU groups, NODE with
// one group; sample 032: MC, CPU and NODE over 0-3) are paired by position, not merged.
TEST(TopoGroupsAgree, UnnamedLevelsWithOneSpanArePairedByPosition) {
  for (const char* name : {"030-ppc64-power4-2.6.7-online-headers-ok.txt",
                           "032-x86_64-core2-quad-2.6.24-three-levels-one-span-ok.txt"}) {
    const TopoCheckReport r = check_sample(name);
    EXPECT_TRUE(r.ok()) << name;
    EXPECT_EQ(summary(r, "TOPO-GROUPS-AGREE").outcome, CheckOutcome::Holds) << name;
  }
}

// CPUs that show different numbers of unnamed levels with one span cannot be paired.
TEST(TopoGroupsAgree, UnpairableLevelsAreNotCheckable) {
  Topology t;
  t.source = {"dmesg-old", "x"};
  t.cpus[0].domains = {dom("", "0-1", {"0", "1"}), dom("", "0-1", {"0-1"})};
  t.cpus[1].domains = {dom("", "0-1", {"1", "0"})};
  const TopoCheckReport r = check_topology(t);
  EXPECT_TRUE(with_id(r, "TOPO-GROUPS-AGREE").empty());
  EXPECT_EQ(summary(r, "TOPO-GROUPS-AGREE").outcome, CheckOutcome::NotCheckable);
  EXPECT_NE(summary(r, "TOPO-GROUPS-AGREE").reason.find("cannot be paired"), std::string::npos);
}

}  // namespace
}  // namespace sbm
