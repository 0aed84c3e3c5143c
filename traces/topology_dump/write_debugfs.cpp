// register_sd(), kernel/sched/debug.c (v5.13+), as `grep -r .` lists it. Files in the
// order register_sd() creates them; max_newidle_lb_cost and groups_flags are not in the
// model and not printed.
#include "traces/topology_dump/dump_style.h"
#include "traces/topology_dump/tunable_files.h"
#include "traces/topology_dump/write.h"

namespace sbm {

std::string write_debugfs(const Topology& topo, KernelVersion era) {
  const DumpStyle of = dump_style(era);
  std::string out;
  for (const auto& [cpu, chain] : topo.cpus) {
    for (size_t i = 0; i < chain.domains.size(); ++i) {
      const SchedDomain& sd = chain.domains[i];
      const std::string dir = "/sys/kernel/debug/sched/domains/cpu" + std::to_string(cpu) +
                              "/domain" + std::to_string(i) + "/";
      for (const TunableFile& t : kTunableFiles)
        if (const auto& v = sd.tunables.*t.field)
          out += dir + t.name + ":" + std::to_string(*v) + "\n";
      if (!sd.name.empty()) out += dir + "name:" + sd.name + "\n";
      // sd_flags_show() prints each name followed by a blank; an empty file has no line.
      if (sd.flags) {
        const std::string names = format_sd_flags(*sd.flags, era);
        if (!names.empty()) out += dir + "flags:" + names + " \n";
      }
      if (of.debugfs_level_file && sd.topology_level >= 0)
        out += dir + "level:" + std::to_string(sd.topology_level) + "\n";
    }
  }
  return out;
}

}  // namespace sbm
