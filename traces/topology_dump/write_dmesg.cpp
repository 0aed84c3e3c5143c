// sched_domain_debug() / sched_domain_debug_one() per era (dump_style.h): kernel/sched.c
// (v2.6.7 - v3.2), kernel/sched/core.c (v3.3 - v4.11), kernel/sched/topology.c (v4.12+).
#include <string>

#include "traces/topology_dump/dump_style.h"
#include "traces/topology_dump/write.h"

namespace sbm {

namespace {

struct Style {
  DumpStyle of;
  bool new_layout;
  bool hex;  // cpumask_scnprintf hex words instead of cpulists
  int nr_cpu_ids;

  std::string mask(const CpuMask& m) const { return hex ? m.to_hex(nr_cpu_ids) : m.to_cpulist(); }
};

std::string header(const Style& st, int cpu, bool attached) {
  const std::string c = "CPU" + std::to_string(cpu);
  if (st.of.dmesg_online_header) return c + (attached ? ":  online" : ": offline");
  if (!st.of.dmesg_attach_header) return c + ":";
  if (!attached) return c + " attaching NULL sched-domain.";
  return c + (st.new_layout ? " attaching sched-domain(s):" : " attaching sched-domain:");
}

// The capacity the kernel printed after a group, or "" when it printed none.
std::string capacity_text(const Style& st, const SchedGroup& sg) {
  if (!sg.capacity || *sg.capacity == kSchedCapacityScale) return {};
  const std::string value = std::to_string(*sg.capacity);
  if (st.new_layout) return " cap=" + value;
  if (!st.of.dmesg_group_power) return {};
  return (st.of.dmesg_cpu_capacity_name ? " (cpu_capacity = " : " (cpu_power = ") + value + ")";
}

std::string group_text(const Style& st, const SchedDomain& sd, const SchedGroup& sg) {
  if (!st.new_layout) return " " + st.mask(sg.span) + capacity_text(st, sg);
  // sched_group_capacity::id: the first CPU of the balance mask (init_overlap_sched_group,
  // get_group); " mask=" only for overlapping groups whose balance mask differs.
  std::string out =
      " " + std::to_string(sg.effective_balance_mask().first()) + ":{ span=" + sg.span.to_cpulist();
  if (domain_has_overlapping_groups(sd) && sg.balance_mask && *sg.balance_mask != sg.span)
    out += " mask=" + sg.balance_mask->to_cpulist();
  return out + capacity_text(st, sg) + " }";
}

void write_domain(std::string& out, const Style& st, const SchedDomain& sd, int level) {
  // "%*s domain-%d: " with width level: level + 1 blanks before "domain".
  const std::string indent(static_cast<size_t>(level) + 1, ' ');
  out += indent + (st.new_layout ? "domain-" : "domain ") + std::to_string(level) + ": ";
  if (st.new_layout) {
    out += "span=" + (sd.span ? sd.span->to_cpulist() : std::string()) + " level=" + sd.name;
  } else {
    out += "span " + (sd.span ? st.mask(*sd.span) : std::string());
    if (st.of.dmesg_level_name) out += " level " + sd.name;
  }
  out += "\n" + indent + " groups:";
  if (sd.groups) {
    for (size_t i = 0; i < sd.groups->size(); ++i) {
      out += group_text(st, sd, (*sd.groups)[i]);
      if (st.new_layout && i + 1 < sd.groups->size()) out += ",";
    }
  }
  out += "\n";
}

}  // namespace

std::string write_dmesg(const Topology& topo, KernelVersion era) {
  const DumpStyle of = dump_style(era);
  const Style st{of, of.dmesg_new_layout, !of.dmesg_cpulist, topo.nr_cpu_ids};
  std::string out;
  for (const auto& [cpu, chain] : topo.cpus) {
    out += header(st, cpu, !chain.domains.empty()) + "\n";
    for (size_t level = 0; level < chain.domains.size(); ++level) {
      const SchedDomain& sd = chain.domains[level];
      if (of.dmesg_does_not_load_balance && sd.flags && !sd.flags->has(SdFlag::LoadBalance)) {
        // sched_domain_debug_one() returns -1 here and the walk up the chain stops.
        out += std::string(level + 1, ' ') + (st.new_layout ? "domain-" : "domain ") +
               std::to_string(level) + ": does not load-balance\n";
        break;
      }
      write_domain(out, st, sd, static_cast<int>(level));
    }
  }
  if (of.dmesg_root_domain_span && topo.root_span)
    out += "root domain span: " + topo.root_span->to_cpulist() +
           " (max cpu_capacity = " + std::to_string(kSchedCapacityScale) + ")\n";
  return out;
}

}  // namespace sbm
