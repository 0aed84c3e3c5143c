// Internal to the TOPO checker (topo_invariants.h): the bookkeeping every check shares
// (instances looked at, places skipped and why, violations) and the phrases the
// messages are built from. Not part of the public API.
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/topology.h"
#include "properties/topo_invariants.h"

namespace sbm::topo {

// The checks, in spec order; topo_invariants()[index] is the catalogue entry.
enum class TopoCheck : int {
  SpanCpu,
  GroupCpu,
  GroupEmpty,
  GroupRepeat,
  GroupsSpan,
  ParentSpan,
  GroupCapacity,
  GroupChild,
  FlagsChild,
  FlagsParent,
  Degenerate,
  Mask,
  SpanSane,
  SpanAgree,
  GroupsAgree,
  MaskReach,
  RootSpan,
  GroupFlags,
  Count_
};
inline constexpr int kTopoCheckCount = static_cast<int>(TopoCheck::Count_);

// One CPU's domain-N with its neighbours in the chain (sd->child, sd->parent).
struct DomainRef {
  int cpu;
  int level;
  const SchedDomain& sd;
  const SchedDomain* child;   // nullptr for the base domain
  const SchedDomain* parent;  // nullptr for the top domain
};

// Calls fn(DomainRef) for every domain of every CPU, in CPU then level order.
template <typename Fn>
void for_each_domain(const Topology& topo, Fn&& fn) {
  for (const auto& [cpu, chain] : topo.cpus) {
    const auto& ds = chain.domains;
    for (size_t i = 0; i < ds.size(); ++i)
      fn(DomainRef{cpu, static_cast<int>(i), ds[i], i > 0 ? &ds[i - 1] : nullptr,
                   i + 1 < ds.size() ? &ds[i + 1] : nullptr});
  }
}

class TopoCheckContext {
 public:
  explicit TopoCheckContext(const Topology& topo);

  const Topology& topo() const { return topo_; }
  // The CPUs the input has a block for (including "attaching NULL sched-domain" ones).
  const CpuMask& described() const { return described_; }

  // Check c looked at one place in CPU cpu's domain-`level` (level -1: the CPU itself).
  void looked(TopoCheck c, int cpu, int level);
  // Check c could not look at one place; reason says what the input lacks.
  void skipped(TopoCheck c, const std::string& reason);

  // A violation of c located at d (or at a CPU without domains), with id, CPU, level,
  // level name, file and line filled in; the caller adds expected/observed/explanation.
  Violation violation(TopoCheck c, const DomainRef& d, int line) const;
  Violation violation_at_cpu(TopoCheck c, int cpu, int line) const;
  // Records v, a violation of c; group is the group's index in the domain, -1 for the
  // domain as a whole.
  void report(TopoCheck c, Violation v, int group);

  // A note for the report (TopoCheckReport::notes); the same text is kept once.
  void note(const std::string& text);

  // "the input has no <what> (<format>)"
  std::string lacks(const std::string& what) const;
  // Why CPUs `missing` cannot be consulted: "only CPU0's block is in the input" or
  // "the input has no block for CPUs 4-7".
  std::string not_described(const CpuMask& missing) const;

  TopoCheckReport finish() &&;

 private:
  struct Reason {
    std::string text;
    int count;
  };
  struct PerCheck {
    int instances = 0;
    std::vector<Reason> skips;  // in order of first appearance
  };
  struct Pending {
    int cpu, level, group, check;
    Violation v;
  };
  struct DomainState {
    bool looked = false;
    bool violated = false;
  };

  DomainState* state(int cpu, int level);

  const Topology& topo_;
  CpuMask described_;
  std::array<PerCheck, kTopoCheckCount> per_check_;
  std::vector<Pending> pending_;
  std::vector<std::string> notes_;
  std::map<int, std::vector<DomainState>> domain_states_;
};

// "domain-1 (MC)"; the level name is left out when the input has none.
std::string level_phrase(int level, const SchedDomain& sd);
// "CPU0's domain-1 (MC)"
std::string domain_phrase(const DomainRef& d);
// A group as the kernel prints it, "2:{1-3}": the first CPU of its balance mask (the
// sgc id, group_balance_cpu()), then its span.
std::string group_phrase(const SchedGroup& sg);
// "CPU 3" / "CPUs 3-5,7"
std::string cpus_phrase(const CpuMask& cpus);
// The cpulist, or "(empty)".
std::string show(const CpuMask& cpus);
// Space-separated flag names as the input's era spells them, or "(none)".
std::string show_flags(SdFlags flags, const Topology& topo);

// Whether spans of this domain's level may partially overlap between CPUs, which
// exempts it from the cross-CPU span checks: NUMA levels with overlapping groups
// (domain_has_overlapping_groups), and the 2.6.x NODE level, whose span was the node
// plus its SD_NODES_PER_DOMAIN (16) nearest nodes (sched_domain_node_span(),
// kernel/sched.c, v2.6.32).
bool spans_may_partially_overlap(const Topology& topo, const SchedDomain& sd);

// cpu_attach_domain() removes degenerate domains (sd_degenerate(), sd_parent_degenerate())
// from this release on: absent in v2.6.12's kernel/sched.c, posted to LKML as "[patch
// 1/5] sched: remove degenerate domains" (Nick Piggin, Suresh Siddha, 6 Apr 2005) and
// merged after v2.6.12; present in v2.6.18, v2.6.32, v4.19, v6.17. The release is
// inferred (the 2.6.13 merge window).
inline constexpr KernelVersion kDegenerateDomainsRemoved{2, 6, 13};

// Whether the kernel of the input removed degenerate domains: by the era hint, else by
// what the layout proves (TopologySource::layout_from / layout_before); nullopt when
// neither says.
std::optional<bool> removes_degenerate_domains(const Topology& topo);

// Whether the group's balance mask is known: printed or built, or implied equal to the
// span. Non-overlapping groups always have mask == span (get_group(), v4.13+). For
// overlapping groups an absent mask means "equal to the span" only where the input
// would have printed a differing one: the new dmesg layout (" mask=" in
// sched_domain_debug_one(), v4.19, v6.17) and built topologies.
bool balance_mask_known(const Topology& topo, const SchedDomain& sd, const SchedGroup& sg);

void check_each_domain(TopoCheckContext& ctx);  // topo_checks_domain.cpp
void check_across_cpus(TopoCheckContext& ctx);  // topo_checks_cross_cpu.cpp

}  // namespace sbm::topo
