// sd_alloc_ctl_domain_table() (kernel/sched.c, kernel/sched/core.c, kernel/sched/debug.c)
// as `sysctl -a` prints it. Entries the model does not keep (busy_idx ... forkexec_idx up
// to v5.2, max_newidle_lb_cost from v3.11) are not printed; the others keep the table's
// order: the tunables, flags, name.
#include "traces/topology_dump/dump_style.h"
#include "traces/topology_dump/tunable_files.h"
#include "traces/topology_dump/write.h"

namespace sbm {

std::string write_sysctl(const Topology& topo, KernelVersion era) {
  const DumpStyle of = dump_style(era);
  std::string out;
  for (const auto& [cpu, chain] : topo.cpus) {
    for (size_t i = 0; i < chain.domains.size(); ++i) {
      const SchedDomain& sd = chain.domains[i];
      const std::string key =
          "kernel.sched_domain.cpu" + std::to_string(cpu) + ".domain" + std::to_string(i) + ".";
      for (const TunableFile& t : kTunableFiles)
        if (const auto& v = sd.tunables.*t.field)
          out += key + t.name + " = " + std::to_string(*v) + "\n";
      if (sd.flags) {
        // proc_dointvec up to v5.9; sd_ctl_doflags() ("NAME " per flag) in v5.10 - v5.12.
        std::string value;
        if (!of.sysctl_flag_names) {
          value = std::to_string(encode_sd_flags(*sd.flags, era));
        } else {
          value = format_sd_flags(*sd.flags, era);
          if (!value.empty()) value += ' ';
        }
        out += key + "flags = " + value + "\n";
      }
      if (of.sysctl_name_entry) out += key + "name = " + sd.name + "\n";
    }
  }
  return out;
}

}  // namespace sbm
