// A machine to build sched domains for: sockets, dies, clusters, cores, SMT threads, NUMA nodes
// with their distance table, the online CPUs (the builder's cpu_map) and per-CPU capacities.
//
// A SPEC is the text form: a preset name or comma-separated key=value pairs, for example
//   sockets=2,cores=8,threads=2,nodes=2,distance=10:20/20:10,online=0-29,era=v6.17
// The grammar, the defaults and the presets are in spec/topology-builder.md. The machine masks
// below are what the arch code hands to the scheduler (topology_sibling_cpumask(),
// cpu_clustergroup_mask(), cpu_coregroup_mask(), cpu_cpu_mask() = cpumask_of_node()); the
// builder (build_sched_domains.h) only reads them.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/cpumask.h"
#include "model/kernel_version.h"

namespace sbm {

// LOCAL_DISTANCE and REMOTE_DISTANCE (include/linux/topology.h); sched_init_numa() rejects
// distances of 1 << DISTANCE_BITS (256) and more (v5.12+).
inline constexpr int kLocalDistance = 10;
inline constexpr int kRemoteDistance = 20;
inline constexpr int kMaxDistance = 255;

// How SMT siblings are numbered: next to each other (core k = CPUs k*t .. k*t+t-1), or
// Intel-style, thread j of core k = CPU j*ncores + k (siblings 0 and 4 on a 4-core part).
enum class SmtNumbering { Adjacent, Split };

// The arch masks of a machine that is no regular grid (hybrid parts, asymmetric clusters,
// uneven nodes), given per CPU id for every CPU of the machine, as a real machine's arch code
// computed them (traces/host_topology/ reads them from sysfs). Each level partitions the CPUs
// (a CPU's mask holds it, and every CPU of the mask has the same mask) and nests in the next:
// smt in cluster in coregroup in the node.
struct ArchMasks {
  std::vector<CpuMask> smt;        // topology_sibling_cpumask()
  std::vector<CpuMask> cluster;    // cpu_clustergroup_mask()
  std::vector<CpuMask> coregroup;  // cpu_coregroup_mask()
  std::vector<int> node;           // cpu_to_node(), 0..nodes-1
  bool operator==(const ArchMasks&) const = default;
};

struct MachineSpec {
  int sockets = 1;
  int dies = 1;      // per socket; a die is one last-level cache (the MC level)
  int clusters = 1;  // per die; 1 means no cluster level of its own
  int cores = 1;     // per cluster (per die when clusters = 1)
  int threads = 1;   // SMT threads per core
  int nodes = 1;     // NUMA nodes; they split the cores evenly in core order
  std::vector<std::vector<int>> distance;  // node_distance(); empty: 10 local, 20 remote
  std::optional<CpuMask> online;           // cpu_map; nullopt: every CPU
  std::vector<unsigned long> capacity;     // arch_scale_cpu_capacity() per CPU; empty: 1024
  SmtNumbering smt_numbering = SmtNumbering::Adjacent;
  // Set: the machine is `cores` CPUs (sockets, dies, clusters, threads 1) in `nodes` nodes
  // with these masks instead of the grid's. No SPEC text says it; `text` names the source.
  std::optional<ArchMasks> masks;
  std::optional<KernelVersion> era;  // era= in the SPEC; the builder takes it as argument
  std::string text;                  // the SPEC as given; empty when built in code

  int nr_cores() const { return sockets * dies * clusters * cores; }
  int nr_cpus() const { return nr_cores() * threads; }
  bool operator==(const MachineSpec&) const = default;
};

// Where a CPU sits. All indices are global (core 5 is the sixth core of the machine). With
// explicit masks only `node` is meaningful (core = the CPU, the rest 0).
struct CpuPlace {
  int core = 0;
  int thread = 0;
  int cluster = 0;
  int die = 0;
  int socket = 0;
  int node = 0;
};
CpuPlace cpu_place(const MachineSpec& spec, int cpu);
int cpu_of(const MachineSpec& spec, int core, int thread);

// Checks what the parser checks, for specs built in code. Empty when the spec is valid.
std::string validate_machine_spec(const MachineSpec& spec);

// The derived machine data, with the defaults filled in.
CpuMask online_cpus(const MachineSpec& spec);  // the cpu_map
int node_distance(const MachineSpec& spec, int a, int b);
unsigned long cpu_capacity(const MachineSpec& spec, int cpu);
std::vector<std::vector<int>> distance_table(const MachineSpec& spec);
std::vector<int> cpu_to_node(const MachineSpec& spec);  // indexed by CPU id

// The arch masks, all CPUs of the machine (online or not).
CpuMask smt_mask(const MachineSpec& spec, int cpu);        // topology_sibling_cpumask()
CpuMask cluster_mask(const MachineSpec& spec, int cpu);    // cpu_clustergroup_mask()
CpuMask coregroup_mask(const MachineSpec& spec, int cpu);  // cpu_coregroup_mask()
CpuMask node_mask(const MachineSpec& spec, int node);      // cpumask_of_node()

struct SpecParse {
  std::optional<MachineSpec> spec;
  std::string error;  // set when !spec: names the bad key or value
};
SpecParse parse_machine_spec(std::string_view text);

// The canonical key=value text of a spec (every key, defaults included, no preset name);
// parse_machine_spec(format_machine_spec(s)) gives back s up to `text`, for specs without
// explicit masks (those have no SPEC form; their `text` names where they were read).
std::string format_machine_spec(const MachineSpec& spec);

struct MachinePreset {
  std::string_view name;
  std::string_view description;  // one line, for `sbm topology build --list`
  std::string_view spec;         // key=value text
};
const std::vector<MachinePreset>& machine_presets();

}  // namespace sbm
