// Fuzz target: any bytes as a machine SPEC given to `sbm topology build` or `--topology`
// (model/topology/topology_spec.h, spec/topology-builder.md). A SPEC the parser accepts must print
// and parse back to itself, and, for a machine without NUMA nodes of at most 256 CPUs, what
// build_sched_domains() makes of it at the newest era must satisfy every TOPO invariant
// (tests/property/topo_builder_props_test.cpp asks the same of generated machines; here the
// machine comes from the text, odd keys, bounds and online sets included).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string_view>

#include "model/topology/build_sched_domains.h"
#include "model/topology/topology_spec.h"
#include "properties/topo_invariants.h"
#include "tests/fuzz/fuzz_fail.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const sbm::SpecParse parsed = sbm::parse_machine_spec(text);
  if (!parsed.spec) {
    if (parsed.error.empty()) fuzz_fail("a SPEC was refused without a reason");
    return 0;
  }
  sbm::MachineSpec spec = *parsed.spec;
  const std::string canonical = sbm::format_machine_spec(spec);
  sbm::SpecParse again = sbm::parse_machine_spec(canonical);
  if (!again.spec)
    fuzz_fail("the canonical SPEC '%s' does not parse: %s", canonical.c_str(), again.error.c_str());
  again.spec->text = spec.text;
  if (!(*again.spec == spec))
    fuzz_fail("the canonical SPEC '%s' parses to another machine", canonical.c_str());
  if (spec.nodes != 1 || spec.nr_cpus() > 256) return 0;
  const sbm::Topology topo = sbm::build_sched_domains(spec, sbm::kNewestModelledKernel, 0);
  const sbm::TopoCheckReport report = sbm::check_topology(topo);
  for (const sbm::Violation& v : report.violations) {
    std::fprintf(stderr, "%s CPU%d domain-%d: %s (SPEC '%s')\n", v.id.c_str(), v.cpu, v.level,
                 v.explanation.c_str(), canonical.c_str());
  }
  if (!report.violations.empty()) fuzz_fail("%zu TOPO violations", report.violations.size());
  return 0;
}
