// Property: one random mutation of a valid built hierarchy is caught with the expected
// TOPO ID (spec/invariants.md). Each mutation is the kind of damage a kernel bug or a
// broken dump produces; each property builds a random machine at a modern era, picks a
// random place where the mutation applies, applies it and checks the report.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "model/topology/build_sched_domains.h"
#include "properties/topo_invariants.h"
#include "tests/property/machine_gen.h"

namespace sbm {
namespace {

// Where a mutation applies: CPU cpu's domain-`level`, its group `group` (-1: none), and
// a CPU or flag index `x` the mutation needs (-1: none).
struct Site {
  int cpu = -1;
  int level = -1;
  int group = -1;
  int x = -1;
};

struct Mutation {
  std::string what;
  std::vector<std::string> expect;  // IDs that must all be reported
  bool at_site;                     // ...at the site's CPU and level
  std::function<std::vector<Site>(const Topology&)> sites;
  std::function<void(Topology&, const Site&)> apply;
};

SchedDomain& dom(Topology& t, const Site& s) {
  return t.cpus.at(s.cpu).domains.at(static_cast<size_t>(s.level));
}
SchedGroup& grp(Topology& t, const Site& s) {
  return dom(t, s).groups->at(static_cast<size_t>(s.group));
}

// Calls fn(site, sd, child, parent) for every domain of every CPU.
template <typename Fn>
std::vector<Site> collect(const Topology& t, Fn fn) {
  std::vector<Site> out;
  for (const auto& [cpu, chain] : t.cpus) {
    const auto& ds = chain.domains;
    for (size_t i = 0; i < ds.size(); ++i)
      fn(out, Site{cpu, static_cast<int>(i), -1, -1}, ds[i], i > 0 ? &ds[i - 1] : nullptr,
         i + 1 < ds.size() ? &ds[i + 1] : nullptr);
  }
  return out;
}

bool overlapping(const SchedDomain& sd) { return domain_has_overlapping_groups(sd); }

// The CPUs that have a domain spanning `span`.
CpuMask holders(const Topology& t, const CpuMask& span) {
  CpuMask out;
  for (const auto& [cpu, chain] : t.cpus)
    for (const SchedDomain& sd : chain.domains)
      if (*sd.span == span) out.set(cpu);
  return out;
}

const std::vector<Mutation>& mutations() {
  using Out = std::vector<Site>;
  using D = const SchedDomain*;
  static const std::vector<Mutation> kAll = {
      {"drop a CPU from a group",
       {"TOPO-GROUPS-SPAN"},
       true,
       [](const Topology& t) {
         return collect(t, [](Out& out, Site s, const SchedDomain& sd, D, D) {
           if (overlapping(sd)) return;  // another group may still cover the CPU
           for (size_t g = 0; g < sd.groups->size(); ++g)
             if ((*sd.groups)[g].span.weight() >= 2)
               out.push_back({s.cpu, s.level, static_cast<int>(g), (*sd.groups)[g].span.last()});
         });
       },
       [](Topology& t, const Site& s) {
         grp(t, s).span.clear(s.x);
         grp(t, s).balance_mask->clear(s.x);
       }},
      {"widen a child span inside its parent",
       {"TOPO-GROUPS-SPAN"},
       true,
       [](const Topology& t) {
         return collect(t, [](Out& out, Site s, const SchedDomain& sd, D, D parent) {
           if (parent == nullptr) return;
           const CpuMask extra = parent->span->andnot(*sd.span);
           if (!extra.empty()) out.push_back({s.cpu, s.level, -1, extra.first()});
         });
       },
       [](Topology& t, const Site& s) { dom(t, s).span->set(s.x); }},
      {"widen a child span beyond its parent",
       {"TOPO-PARENT-SPAN"},
       true,
       [](const Topology& t) {
         const int outside = t.all_cpus().last() + 1;
         return collect(t, [&](Out& out, Site s, const SchedDomain&, D, D parent) {
           if (parent != nullptr) out.push_back({s.cpu, s.level, -1, outside});
         });
       },
       [](Topology& t, const Site& s) { dom(t, s).span->set(s.x); }},
      {"swap group order so the local group is not first",
       {"TOPO-GROUP-CPU"},
       true,
       [](const Topology& t) {
         return collect(t, [](Out& out, Site s, const SchedDomain& sd, D, D) {
           for (size_t g = 1; g < sd.groups->size(); ++g)
             if (!(*sd.groups)[g].span.test(s.cpu))
               out.push_back({s.cpu, s.level, static_cast<int>(g), -1});
         });
       },
       [](Topology& t, const Site& s) {
         auto& g = *dom(t, s).groups;
         std::swap(g[0], g[static_cast<size_t>(s.group)]);
       }},
      {"shrink a parent",
       {"TOPO-PARENT-SPAN"},
       true,
       [](const Topology& t) {
         return collect(t, [](Out& out, Site s, const SchedDomain& sd, D, D parent) {
           if (parent == nullptr) return;
           CpuMask others = *sd.span;
           others.clear(s.cpu);
           if (!others.empty()) out.push_back({s.cpu, s.level, -1, others.last()});
         });
       },
       [](Topology& t, const Site& s) {
         t.cpus.at(s.cpu).domains.at(static_cast<size_t>(s.level + 1)).span->clear(s.x);
       }},
      {"empty a group",
       {"TOPO-GROUP-EMPTY"},
       true,
       [](const Topology& t) {
         return collect(t, [](Out& out, Site s, const SchedDomain& sd, D, D) {
           for (size_t g = 0; g < sd.groups->size(); ++g)
             out.push_back({s.cpu, s.level, static_cast<int>(g), -1});
         });
       },
       [](Topology& t, const Site& s) {
         grp(t, s).span = CpuMask();
         grp(t, s).balance_mask = CpuMask();
       }},
      {"duplicate a CPU into a second group",
       {"TOPO-GROUP-REPEAT"},
       true,
       [](const Topology& t) {
         return collect(t, [](Out& out, Site s, const SchedDomain& sd, D, D) {
           if (overlapping(sd) || sd.groups->size() < 2) return;
           for (size_t g = 0; g < sd.groups->size(); ++g) {
             const size_t from = (g + 1) % sd.groups->size();
             out.push_back({s.cpu, s.level, static_cast<int>(g), (*sd.groups)[from].span.first()});
           }
         });
       },
       [](Topology& t, const Site& s) { grp(t, s).span.set(s.x); }},
      {"clear a shared-child flag in the child",
       {"TOPO-FLAGS-CHILD"},
       true,
       [](const Topology& t) {
         return collect(t, [](Out& out, Site s, const SchedDomain& sd, D child, D) {
           if (child == nullptr) return;
           for (SdFlag f : sd.flags->list())
             if ((sd_flag_meta(f) & kSdfSharedChild) != 0 && child->flags->has(f))
               out.push_back({s.cpu, s.level, -1, static_cast<int>(f)});
         });
       },
       [](Topology& t, const Site& s) {
         t.cpus.at(s.cpu)
             .domains.at(static_cast<size_t>(s.level - 1))
             .flags->clear(static_cast<SdFlag>(s.x));
       }},
      {"clear a shared-parent flag in the parent",
       {"TOPO-FLAGS-PARENT"},
       true,
       [](const Topology& t) {
         return collect(t, [](Out& out, Site s, const SchedDomain& sd, D, D parent) {
           if (parent == nullptr) return;
           for (SdFlag f : sd.flags->list())
             if ((sd_flag_meta(f) & kSdfSharedParent) != 0 && parent->flags->has(f))
               out.push_back({s.cpu, s.level, -1, static_cast<int>(f)});
         });
       },
       [](Topology& t, const Site& s) {
         t.cpus.at(s.cpu)
             .domains.at(static_cast<size_t>(s.level + 1))
             .flags->clear(static_cast<SdFlag>(s.x));
       }},
      {"keep a single-CPU base domain",
       {"TOPO-DEGENERATE"},
       true,
       [](const Topology& t) {
         return collect(t, [](Out& out, Site s, const SchedDomain&, D child, D) {
           if (child == nullptr) out.push_back(s);
         });
       },
       [](Topology& t, const Site& s) {
         auto& chain = t.cpus.at(s.cpu).domains;
         SchedDomain lone = chain.front();
         lone.span = CpuMask::single(s.cpu);
         SchedGroup sg = lone.groups->front();
         sg.span = sg.balance_mask.emplace(CpuMask::single(s.cpu));
         lone.groups->assign(1, sg);
         chain.insert(chain.begin(), lone);
       }},
      {"zero a group's capacity",
       {"TOPO-GROUP-CAPACITY"},
       true,
       [](const Topology& t) {
         return collect(t, [](Out& out, Site s, const SchedDomain& sd, D, D) {
           for (size_t g = 0; g < sd.groups->size(); ++g)
             out.push_back({s.cpu, s.level, static_cast<int>(g), -1});
         });
       },
       [](Topology& t, const Site& s) { grp(t, s).capacity = 0; }},
      {"empty a balance mask",
       {"TOPO-MASK"},
       true,
       [](const Topology& t) {
         return collect(t, [](Out& out, Site s, const SchedDomain& sd, D, D) {
           for (size_t g = 0; g < sd.groups->size(); ++g)
             out.push_back({s.cpu, s.level, static_cast<int>(g), -1});
         });
       },
       [](Topology& t, const Site& s) { grp(t, s).balance_mask = CpuMask(); }},
      {"make the first group differ from the child",
       {"TOPO-GROUP-CHILD"},
       true,
       [](const Topology& t) {
         return collect(t, [](Out& out, Site s, const SchedDomain& sd, D child, D) {
           const CpuMask want = child != nullptr ? *child->span : CpuMask::single(s.cpu);
           const CpuMask extra = sd.span->andnot(want);
           if (!extra.empty()) out.push_back({s.cpu, s.level, 0, extra.last()});
         });
       },
       [](Topology& t, const Site& s) { grp(t, s).span.set(s.x); }},
      {"drop the CPU from its own span",
       {"TOPO-SPAN-CPU"},
       true,
       [](const Topology& t) {
         return collect(t, [](Out& out, Site s, const SchedDomain&, D, D) { out.push_back(s); });
       },
       [](Topology& t, const Site& s) { dom(t, s).span->clear(s.cpu); }},
      {"overlap two spans of one level",
       {"TOPO-SPAN-SANE"},
       true,
       [](const Topology& t) {
         return collect(t, [&](Out& out, Site s, const SchedDomain& sd, D, D) {
           if (overlapping(sd)) return;
           for (const auto& [cpu, chain] : t.cpus)
             for (const SchedDomain& other : chain.domains)
               if (other.topology_level == sd.topology_level && !other.span->intersects(*sd.span)) {
                 out.push_back({s.cpu, s.level, -1, other.span->first()});
                 return;
               }
         });
       },
       [](Topology& t, const Site& s) { dom(t, s).span->set(s.x); }},
      {"drop a domain from one CPU's chain",
       {"TOPO-SPAN-AGREE", "TOPO-MASK-REACH"},
       false,
       [](const Topology& t) {
         return collect(t, [&](Out& out, Site s, const SchedDomain& sd, D, D parent) {
           if (overlapping(sd) || parent == nullptr) return;
           const auto& chain = t.cpus.at(s.cpu).domains;
           const auto same = std::count_if(chain.begin(), chain.end(), [&](const SchedDomain& o) {
             return *o.span == *sd.span;
           });
           if (same == 1) out.push_back(s);
         });
       },
       [](Topology& t, const Site& s) {
         auto& chain = t.cpus.at(s.cpu).domains;
         chain.erase(chain.begin() + s.level);
       }},
      {"split a shared group in two",
       {"TOPO-GROUPS-AGREE"},
       false,
       [](const Topology& t) {
         return collect(t, [&](Out& out, Site s, const SchedDomain& sd, D, D) {
           if (overlapping(sd) || holders(t, *sd.span).weight() < 2) return;
           for (size_t g = 0; g < sd.groups->size(); ++g)
             if ((*sd.groups)[g].span.weight() >= 2)
               out.push_back({s.cpu, s.level, static_cast<int>(g), (*sd.groups)[g].span.last()});
         });
       },
       [](Topology& t, const Site& s) {
         SchedGroup part = grp(t, s);
         part.span = part.balance_mask.emplace(CpuMask::single(s.x));
         grp(t, s).span.clear(s.x);
         grp(t, s).balance_mask->clear(s.x);
         dom(t, s).groups->push_back(part);
       }},
      {"put a CPU that never reaches the group in its balance mask",
       {"TOPO-MASK-REACH"},
       true,
       [](const Topology& t) {
         return collect(t, [&](Out& out, Site s, const SchedDomain& sd, D, D) {
           for (size_t g = 0; g < sd.groups->size(); ++g) {
             const SchedGroup& sg = (*sd.groups)[g];
             const CpuMask unreached = sg.span.andnot(holders(t, sg.span));
             if (sg.span.weight() >= 2 && !unreached.empty())
               out.push_back({s.cpu, s.level, static_cast<int>(g), unreached.first()});
           }
         });
       },
       [](Topology& t, const Site& s) { grp(t, s).balance_mask->set(s.x); }},
      {"drop the top domain",
       {"TOPO-ROOT-SPAN"},
       false,
       [](const Topology& t) {
         return collect(t, [&](Out& out, Site s, const SchedDomain&, D child, D parent) {
           if (parent == nullptr && child != nullptr && *child->span != *t.root_span)
             out.push_back(s);
         });
       },
       [](Topology& t, const Site& s) { t.cpus.at(s.cpu).domains.pop_back(); }},
      {"give the local group a flag its child lacks",
       {"TOPO-GROUP-FLAGS"},
       true,
       [](const Topology& t) {
         return collect(t, [](Out& out, Site s, const SchedDomain& sd, D child, D) {
           const SdFlags have = child != nullptr ? *child->flags : SdFlags{};
           if (!have.has(SdFlag::AsymPacking) && sd.groups->front().flags)
             out.push_back({s.cpu, s.level, 0, static_cast<int>(SdFlag::AsymPacking)});
         });
       },
       [](Topology& t, const Site& s) { grp(t, s).flags->set(static_cast<SdFlag>(s.x)); }},
  };
  return kAll;
}

const Mutation& mutation(const std::string& what) {
  const auto& all = mutations();
  return *std::find_if(all.begin(), all.end(), [&](const Mutation& m) { return m.what == what; });
}

void expect_caught(const std::string& what, int max_cpus, int min_nodes = 1) {
  const Mutation& m = mutation(what);
  const MachineSpec spec = *testgen::gen_machine(max_cpus, min_nodes);
  const KernelVersion era = testgen::pick_modern_era();
  Topology t = build_sched_domains(spec, era, 0);
  const std::vector<Site> sites = m.sites(t);
  RC_PRE(!sites.empty());
  const Site site = testgen::pick_from(sites);
  RC_LOG() << "sbm topology build '" << format_machine_spec(spec) << "' --era " << era.str() << "\n"
           << m.what << " at CPU" << site.cpu << " domain-" << site.level << " group " << site.group
           << " x " << site.x << "\n";
  m.apply(t, site);
  const TopoCheckReport r = check_topology(t);
  for (const Violation& v : r.violations)
    RC_LOG() << v.id << " CPU" << v.cpu << " domain-" << v.level << ": " << v.explanation << "\n";
  for (const std::string& id : m.expect)
    RC_ASSERT(std::any_of(r.violations.begin(), r.violations.end(), [&](const Violation& v) {
      return v.id == id && (!m.at_site || (v.cpu == site.cpu && v.level == site.level));
    }));
}

// Arbitrary structures, as a careless reader or a hostile dump could produce: any field
// missing or inconsistent, empty spans and masks, zero capacities, CPUs that appear only in
// groups. The checker must not crash, must be deterministic, and must only report known
// IDs about CPUs of the input.
Topology arbitrary_topology() {
  using testgen::pick;
  auto mask = [] {
    CpuMask m;
    for (int c = 0; c < 10; ++c)
      if (pick(0, 3) == 0) m.set(c);
    return m;
  };
  static const std::vector<std::string> kNames = {"", "SMT", "MC", "PKG", "NODE", "NUMA"};
  static const std::vector<std::string> kFormats = {"built", "dmesg-new", "dmesg-old", "debugfs",
                                                    "schedstat"};
  Topology t;
  t.source.format = testgen::pick_from(kFormats);
  if (pick(0, 2) == 0) t.era = pick(0, 2) == 0 ? KernelVersion{2, 6, 32} : KernelVersion{6, 17, 0};
  if (pick(0, 2) == 0) t.root_span = mask();
  for (int cpu = 0; cpu < 8; ++cpu) {
    if (pick(0, 3) == 0) continue;
    CpuDomains& chain = t.cpus[cpu];
    for (int level = pick(0, 4); level > 0; --level) {
      SchedDomain sd;
      sd.name = testgen::pick_from(kNames);
      sd.topology_level = pick(-1, 3);
      if (pick(0, 4) != 0) sd.span = mask();
      if (pick(0, 2) == 0)
        sd.flags = SdFlags{static_cast<SdFlag>(pick(0, kSdFlagCount)),
                           static_cast<SdFlag>(pick(0, kSdFlagCount))};
      if (pick(0, 4) != 0) {
        sd.groups.emplace();
        for (int g = pick(0, 5); g > 0; --g) {
          SchedGroup sg;
          sg.span = mask();
          if (pick(0, 2) == 0) sg.balance_mask = mask();
          if (pick(0, 2) == 0) sg.capacity = static_cast<unsigned long>(pick(0, 3)) * 1024;
          if (pick(0, 2) == 0) sg.flags = SdFlags{static_cast<SdFlag>(pick(0, kSdFlagCount))};
          sd.groups->push_back(sg);
        }
      }
      chain.domains.push_back(sd);
    }
  }
  return t;
}

RC_GTEST_PROP(TopoMutationProps, ArbitraryStructuresAreReportedNotCrashedOn, ()) {
  const Topology t = arbitrary_topology();
  const TopoCheckReport a = check_topology(t);
  RC_ASSERT(a.violations == check_topology(t).violations);
  RC_ASSERT(a.checks.size() == topo_invariants().size());
  for (const Violation& v : a.violations) {
    RC_ASSERT(std::any_of(topo_invariants().begin(), topo_invariants().end(),
                          [&](const InvariantInfo& i) { return i.id == v.id; }));
    RC_ASSERT(t.find(v.cpu) != nullptr);
    RC_ASSERT(!v.explanation.empty());
  }
}

TEST(TopoMutationProps, EveryTopoIdHasAMutation) {
  std::vector<std::string> covered;
  for (const Mutation& m : mutations())
    covered.insert(covered.end(), m.expect.begin(), m.expect.end());
  for (const InvariantInfo& info : topo_invariants())
    EXPECT_NE(std::find(covered.begin(), covered.end(), info.id), covered.end()) << info.id;
}

RC_GTEST_PROP(TopoMutationProps, DroppedGroupCpu, ()) {
  expect_caught("drop a CPU from a group", 64);
}
RC_GTEST_PROP(TopoMutationProps, WidenedChildSpan, ()) {
  expect_caught("widen a child span inside its parent", 64);
}
RC_GTEST_PROP(TopoMutationProps, ChildBeyondParent, ()) {
  expect_caught("widen a child span beyond its parent", 64);
}
RC_GTEST_PROP(TopoMutationProps, LocalGroupNotFirst, ()) {
  expect_caught("swap group order so the local group is not first", 64);
}
RC_GTEST_PROP(TopoMutationProps, ShrunkParent, ()) { expect_caught("shrink a parent", 64); }
RC_GTEST_PROP(TopoMutationProps, EmptiedGroup, ()) { expect_caught("empty a group", 64); }
RC_GTEST_PROP(TopoMutationProps, DuplicatedCpu, ()) {
  expect_caught("duplicate a CPU into a second group", 64);
}
RC_GTEST_PROP(TopoMutationProps, SharedChildFlagCleared, ()) {
  expect_caught("clear a shared-child flag in the child", 64);
}
RC_GTEST_PROP(TopoMutationProps, SharedParentFlagCleared, ()) {
  expect_caught("clear a shared-parent flag in the parent", 64, 3);
}
RC_GTEST_PROP(TopoMutationProps, SingleCpuDomainKept, ()) {
  expect_caught("keep a single-CPU base domain", 64);
}
RC_GTEST_PROP(TopoMutationProps, ZeroCapacity, ()) { expect_caught("zero a group's capacity", 64); }
RC_GTEST_PROP(TopoMutationProps, EmptyBalanceMask, ()) {
  expect_caught("empty a balance mask", 64);
}
RC_GTEST_PROP(TopoMutationProps, FirstGroupNotChild, ()) {
  expect_caught("make the first group differ from the child", 64);
}
RC_GTEST_PROP(TopoMutationProps, CpuOutsideOwnSpan, ()) {
  expect_caught("drop the CPU from its own span", 64);
}
RC_GTEST_PROP(TopoMutationProps, PartiallyOverlappingSpans, ()) {
  expect_caught("overlap two spans of one level", 64);
}
RC_GTEST_PROP(TopoMutationProps, DomainMissingOnOneCpu, ()) {
  expect_caught("drop a domain from one CPU's chain", 64);
}
RC_GTEST_PROP(TopoMutationProps, SplitSharedGroup, ()) {
  expect_caught("split a shared group in two", 64);
}
RC_GTEST_PROP(TopoMutationProps, UnreachingCpuInMask, ()) {
  expect_caught("put a CPU that never reaches the group in its balance mask", 64, 3);
}
RC_GTEST_PROP(TopoMutationProps, TopDomainDropped, ()) { expect_caught("drop the top domain", 64); }
RC_GTEST_PROP(TopoMutationProps, LocalGroupFlagWrong, ()) {
  expect_caught("give the local group a flag its child lacks", 64);
}

}  // namespace
}  // namespace sbm
