#include "properties/topo_invariants.h"

#include "properties/topo_check_context.h"

namespace sbm {

// Keep in the order of topo::TopoCheck and of spec/invariants.md.
const std::vector<InvariantInfo>& topo_invariants() {
  static const std::vector<InvariantInfo> kCatalogue = {
      {"TOPO-SPAN-CPU", "a CPU's domain span contains the CPU",
       "sched_domain_debug_one(), kernel/sched.c v2.6.32, kernel/sched/topology.c v4.19, v6.17: "
       "\"domain->span does not contain CPU%d\""},
      {"TOPO-GROUP-CPU", "the first group (sd->groups) contains the CPU",
       "sched_domain_debug_one(), v2.6.32, v4.19, v6.17: \"domain->groups does not contain "
       "CPU%d\""},
      {"TOPO-GROUP-EMPTY", "a domain has groups and none of them is empty",
       "sched_domain_debug_one(), v2.6.32, v4.19, v6.17: \"group is NULL\", \"empty group\""},
      {"TOPO-GROUP-REPEAT", "no CPU is in two groups of a domain without overlapping groups",
       "sched_domain_debug_one(), v2.6.32 (every domain), v4.19 (!SD_OVERLAP), v6.17 (!SD_NUMA): "
       "\"repeated CPUs\""},
      {"TOPO-GROUPS-SPAN", "the union of a domain's groups equals its span",
       "sched_domain_debug_one(), v2.6.32, v4.19, v6.17: \"groups don't span domain->span\"; "
       "Documentation/scheduler/sched-domains.rst"},
      {"TOPO-PARENT-SPAN", "the parent's span contains the domain's span and its groups",
       "sched_domain_debug_one(), v2.6.32, v4.19, v6.17: \"parent span is not a superset of "
       "domain->span\"; build_sched_domain(), v6.17: \"BUG: arch topology borken\""},
      {"TOPO-GROUP-CAPACITY", "every group's capacity is set (non-zero)",
       "sched_domain_debug_one(), v2.6.32: \"domain->cpu_power not set\""},
      {"TOPO-GROUP-CHILD",
       "the first group's span equals the child domain's span (the CPU alone for a base domain)",
       "sched_domain_debug_one(), v4.19, v6.17: \"domain->groups does not match domain->child\"; "
       "get_group() / build_sched_groups(), v6.17"},
      {"TOPO-FLAGS-CHILD", "an SDF_SHARED_CHILD flag set in a domain is set in its child",
       "sched_domain_debug_one(), v5.10+ (v6.17): \"flag %s set here but not in child\"; "
       "include/linux/sched/sd_flags.h"},
      {"TOPO-FLAGS-PARENT", "an SDF_SHARED_PARENT flag set in a domain is set in its parent",
       "sched_domain_debug_one(), v5.10+ (v6.17): \"flag %s set here but not in parent\"; "
       "include/linux/sched/sd_flags.h"},
      {"TOPO-DEGENERATE", "no attached domain spans a single CPU",
       "sd_degenerate() and cpu_attach_domain(), v2.6.32, v4.19, v6.17"},
      {"TOPO-MASK", "a group's balance mask is non-empty and inside the group's span",
       "build_balance_mask(), v4.19, v6.17 (WARN_ON_ONCE(cpumask_empty(mask))); 73bb059f9b8a"},
      {"TOPO-SPAN-SANE", "at a non-NUMA level, two CPUs' spans are equal or disjoint",
       "topology_span_sane(), kernel/sched/topology.c, v5.x-v6.17"},
      {"TOPO-SPAN-AGREE",
       "every CPU in a non-NUMA domain's span has a domain with that span and level name",
       "build_sched_groups() / get_group(), v6.17: groups shared by all CPUs of a span"},
      {"TOPO-GROUPS-AGREE", "CPUs with the same non-NUMA domain span see the same groups",
       "build_sched_groups() / get_group(), v6.17"},
      {"TOPO-MASK-REACH",
       "every CPU in a group's balance mask has a domain whose span is the group's span",
       "build_balance_mask(), v4.19, v6.17; should_we_balance(), kernel/sched/fair.c; "
       "74a5ce20e6ee, 73bb059f9b8a"},
      {"TOPO-ROOT-SPAN", "each CPU of the root domain has a top domain spanning the root domain",
       "build_sched_domains(), v6.17 (stop at the level spanning cpu_map); 8f37961cf223"},
      {"TOPO-GROUP-FLAGS",
       "a group's flags equal those of the domain it stands for, after degenerate trimming",
       "get_group() and cpu_attach_domain(), v6.17; bf2dc42d6beb"},
  };
  return kCatalogue;
}

TopoCheckReport check_topology(const Topology& topo) {
  topo::TopoCheckContext ctx(topo);
  topo::check_each_domain(ctx);
  topo::check_across_cpus(ctx);
  return std::move(ctx).finish();
}

}  // namespace sbm
