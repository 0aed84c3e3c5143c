// Print-then-read is the identity for every dump format on every field that format carries:
// random machines are built at a random era, printed by each writer
// (traces/topology_dump/write.h) and read back with that era as the hint.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "model/topology/build_sched_domains.h"
#include "tests/property/machine_gen.h"
#include "traces/topology_dump/read.h"
#include "traces/topology_dump/write.h"

namespace sbm {
namespace {

const std::vector<KernelVersion> kEras = {{2, 6, 20}, {2, 6, 32}, {3, 10, 0}, {4, 19, 0},
                                          {5, 8, 0},  {5, 10, 0}, {6, 9, 0},  {6, 13, 0},
                                          {6, 17, 0}, {6, 19, 0}};

// Which fields a format must give back, so the comparison below cannot pass vacuously.
struct Carries {
  bool span = false, groups = false, flags = false, tunables = false, name = false;
  bool balance_mask = false;  // printed ("mask=") whenever it differs from the group span
};

struct Format {
  const char* name;
  std::string (*write)(const Topology&, KernelVersion);
  Carries (*carries)(KernelVersion);
};

const std::vector<Format> kFormats = {
    {"dmesg", write_dmesg,
     [](KernelVersion era) {
       return Carries{true,
                      true,
                      false,
                      false,
                      era >= KernelVersion{2, 6, 27},
                      era >= KernelVersion{4, 14, 0}};
     }},
    {"debugfs", write_debugfs,
     [](KernelVersion) {
       return Carries{false, false, true, true, true};
     }},
    {"sysctl", write_sysctl,
     [](KernelVersion era) {
       return Carries{false, false, true, true, era >= KernelVersion{2, 6, 28}};
     }},
    {"schedstat", write_schedstat,
     [](KernelVersion era) {
       return Carries{true, false, false, false, era >= KernelVersion{6, 14, 0}};
     }},
};

void compare_domain(const SchedDomain& built, const SchedDomain& read, const Carries& must) {
  if (must.span) RC_ASSERT(read.span.has_value());
  if (read.span) RC_ASSERT(*read.span == *built.span);
  if (must.name) RC_ASSERT(read.name == built.name);
  if (must.flags) RC_ASSERT(read.flags.has_value());
  if (read.flags) RC_ASSERT(*read.flags == *built.flags);
  if (must.tunables) RC_ASSERT(read.tunables.min_interval.has_value());
  if (read.tunables.min_interval) RC_ASSERT(read.tunables == built.tunables);
  if (must.groups) RC_ASSERT(read.groups.has_value());
  if (!read.groups) return;
  RC_ASSERT(read.groups->size() == built.groups->size());
  for (size_t g = 0; g < read.groups->size(); ++g) {
    const SchedGroup& rg = (*read.groups)[g];
    const SchedGroup& bg = (*built.groups)[g];
    RC_ASSERT(rg.span == bg.span);
    if (must.balance_mask)
      RC_ASSERT(rg.effective_balance_mask() == bg.effective_balance_mask());
    else if (rg.balance_mask)
      RC_ASSERT(*rg.balance_mask == bg.effective_balance_mask());
    if (rg.capacity) RC_ASSERT(*rg.capacity == *bg.capacity);
  }
}

RC_GTEST_PROP(TopologyRoundTripProps, EveryWriterReadsBackWhatItPrinted, ()) {
  const MachineSpec spec = *testgen::gen_machine(64);
  const KernelVersion era = testgen::pick_from(kEras);
  const Format& format = testgen::pick_from(kFormats);
  RC_TAG(format.name);
  RC_LOG() << format.name << " at " << era.str() << " for " << format_machine_spec(spec) << "\n";
  const Topology built = build_sched_domains(spec, era, 0);
  // A machine whose CPUs all attach the NULL domain prints nothing in the file-based formats.
  RC_PRE(std::any_of(built.cpus.begin(), built.cpus.end(),
                     [](const auto& c) { return !c.second.domains.empty(); }));
  const std::string text = format.write(built, era);
  DumpReadOptions options;
  options.era = era;
  const DumpReadResult read = read_topology_dump(text, "roundtrip", options);
  RC_ASSERT(read.errors.empty());
  RC_ASSERT(read.topology.has_value());
  // CPUs attached to no domain (offline ones excluded) print differently per format; every
  // CPU with a chain must come back with the same chain.
  const Carries must = format.carries(era);
  for (const auto& [cpu, chain] : built.cpus) {
    if (chain.domains.empty()) continue;
    const CpuDomains* back = read.topology->find(cpu);
    RC_ASSERT(back != nullptr);
    RC_ASSERT(back->domains.size() == chain.domains.size());
    for (size_t level = 0; level < chain.domains.size(); ++level)
      compare_domain(chain.domains[level], back->domains[level], must);
  }
}

}  // namespace
}  // namespace sbm
