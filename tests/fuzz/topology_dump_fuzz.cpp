// Fuzz target: any bytes as a sched-domain dump given to `sbm check` (dmesg, debugfs, sysctl,
// /proc/schedstat, detected from the text: traces/topology_dump/read.h), read, checked by every
// TOPO invariant and printed again in each format, at the input's era or the newest modelled.
//
// Bad input is data: besides not crashing under ASan and UBSan, every diagnostic must name a
// line of the input, and the checks must give the same report when repeated.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "properties/topo_invariants.h"
#include "tests/fuzz/fuzz_fail.h"
#include "traces/topology_dump/read.h"
#include "traces/topology_dump/write.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const sbm::DumpReadResult read = sbm::read_topology_dump(text, "fuzz");
  const int lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (const sbm::DumpDiagnostic& d : read.errors) {
    if (d.line < 0 || d.line > lines)
      fuzz_fail("diagnostic at line %d of an input of %d lines: %s", d.line, lines,
                d.message.c_str());
  }
  if (!read.topology) return 0;
  const sbm::Topology& topo = *read.topology;
  const sbm::TopoCheckReport report = sbm::check_topology(topo);
  if (sbm::check_topology(topo).violations != report.violations)
    fuzz_fail("two TOPO checks of the same topology gave different findings");
  const sbm::KernelVersion era = topo.era.value_or(sbm::kNewestModelledKernel);
  (void)sbm::write_dmesg(topo, era);
  (void)sbm::write_debugfs(topo, era);
  (void)sbm::write_sysctl(topo, era);
  (void)sbm::write_schedstat(topo, era);
  return 0;
}
