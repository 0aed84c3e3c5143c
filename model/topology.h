// struct sched_domain and struct sched_group as sbm models them, and the per-CPU domain
// chains (rq->sd, sd->parent ...) that make a topology.
//
// One type serves two sources: the builder (build_sched_domains.h), which knows every
// field, and the dump readers (traces/), which know only what a given format prints
// (dmesg: spans and groups; debugfs and sysctl: flags and tunables; schedstat: spans).
// Fields an input may lack are std::optional, so a check can tell "not in the input"
// from "present and wrong" (spec/invariants.md, "not checkable").
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/cpumask.h"
#include "model/kernel_version.h"
#include "model/sd_flags.h"

namespace sbm {

// SCHED_CAPACITY_SCALE (SCHED_LOAD_SCALE / SCHED_POWER_SCALE in older kernels).
inline constexpr unsigned long kSchedCapacityScale = 1024;

// struct sched_group, as seen from one CPU's domain (sd->groups is groups[0]).
struct SchedGroup {
  CpuMask span;                           // sched_group_span()
  std::optional<CpuMask> balance_mask;    // group_balance_mask(); nullopt: not in the input
  std::optional<unsigned long> capacity;  // sg->sgc->capacity; nullopt: not in the input
  std::optional<SdFlags> flags;           // sg->flags (= child->flags, 5.16+)
  int line = 0;                           // input line it was read from; 0 when built

  // The balance mask, or the span when the input did not print one: dmesg prints "mask="
  // only when it differs from the span (sched_domain_debug_one, v4.14+).
  const CpuMask& effective_balance_mask() const { return balance_mask ? *balance_mask : span; }
};

// The sd_init() tunables. Each optional because debugfs/sysctl dumps list files one by one.
struct SdTunables {
  std::optional<unsigned> min_interval;  // ms
  std::optional<unsigned> max_interval;  // ms
  std::optional<unsigned> busy_factor;
  std::optional<unsigned> imbalance_pct;
  std::optional<unsigned> cache_nice_tries;
  bool operator==(const SdTunables&) const = default;
};

// struct sched_domain for one CPU at one level. Parent and child are the neighbours in
// CpuDomains::domains (sd->parent == domains[i + 1], sd->child == domains[i - 1]).
struct SchedDomain {
  std::string name;              // sd->name, the topology level ("SMT", "MC", "NUMA")
  std::optional<CpuMask> span;   // sched_domain_span()
  std::optional<SdFlags> flags;  // sd->flags
  std::optional<std::vector<SchedGroup>> groups;  // the circular list from sd->groups
  SdTunables tunables;

  // Balancing state (sd_init sets balance_interval = sd_weight, last_balance = jiffies).
  unsigned balance_interval = 0;   // ms
  unsigned long last_balance = 0;  // jiffies
  unsigned nr_balance_failed = 0;

  int topology_level = -1;  // index into the builder's levels; -1: unknown
  int line = 0;             // input line; 0 when built
};

// One CPU's chain, base domain first. A CPU "attaching NULL sched-domain" has none.
struct CpuDomains {
  std::vector<SchedDomain> domains;
  int line = 0;  // the "CPUn attaching ..." line, or the first line naming the CPU
};

// What the input carried, so checks know whether they can run.
struct TopologySource {
  std::string format;  // "built", "dmesg-new", "dmesg-old", "debugfs", "sysctl", "schedstat"
  std::string file;    // path as given, "<stdin>", or the SPEC for built topologies
  // The releases that could have printed the input, when its layout alone says so
  // (layout_from <= kernel < layout_before; spec/topology-formats.md, "Dating a dump").
  // Unlike Topology::era these are facts of the text, not a hint.
  std::optional<KernelVersion> layout_from;
  std::optional<KernelVersion> layout_before;
};

struct Topology {
  std::map<int, CpuDomains> cpus;    // the CPUs the input describes, by id
  int nr_cpu_ids = 0;                // largest described CPU + 1, or more if known
  std::optional<KernelVersion> era;  // when the input states it (header, builder)
  std::optional<CpuMask> root_span;  // "root domain span:" line, or the builder's map
  // NUMA distances (node_distance()) and the CPU -> node map, when known (builder).
  std::vector<std::vector<int>> node_distance;
  std::vector<int> cpu_node;  // indexed by CPU id; empty when unknown
  TopologySource source;

  const CpuDomains* find(int cpu) const;
  // Every CPU that appears in the input: described CPUs plus CPUs named in any span.
  CpuMask all_cpus() const;
};

// The overlap test the kernel makes to choose build_overlap_sched_groups(): SD_OVERLAP
// up to v6.16, SD_NUMA from v6.17. For inputs without flags, a level named "NUMA" (or
// groups that print a balance mask) stands for it.
bool domain_has_overlapping_groups(const SchedDomain& sd);

}  // namespace sbm
