// State shared by the format readers of one read_topology_dump() call: the topology being
// filled, diagnostics, notes and the count of lines that belong to no format.
// Internal to traces/topology_dump.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "traces/topology_dump/read.h"

namespace sbm {

// Hostile input can produce one error per line; past this many, the rest are counted in
// a final diagnostic instead of listed.
inline constexpr int kMaxDumpErrors = 100;

// Domain indexes a dump may name. The kernel's deepest chains are the default levels
// (SMT, CLS, MC, PKG) plus one NUMA level per distinct node distance; 64 is far above
// anything built, and bounds the placeholders a listing with gaps can make us allocate.
inline constexpr int kMaxDomainLevels = 64;

class ReaderContext {
 public:
  explicit ReaderContext(const DumpReadOptions& options) : options_(options) {}

  const DumpReadOptions& options() const { return options_; }
  Topology& topology() { return topology_; }

  void error(int line, std::string message);
  void note(std::string text);
  void ignore_line() { ++ignored_lines_; }
  // The input carries sched-domain content that names no CPU (schedstat domain lines
  // without their cpuN lines): the topology is returned without CPUs, so the checks say
  // "not checkable" instead of the read failing.
  void read_without_cpu() { without_cpu_ = true; }
  bool read_anything() const { return !topology_.cpus.empty() || without_cpu_; }

  // A CPU number printed in the dump ("CPU12", "cpu12"): nullopt, with an error, unless
  // it is a decimal below kMaxCpus.
  std::optional<int> cpu_id(std::string_view digits, int line);
  // A domain index ("domain-3", "domain3"): nullopt, with an error, unless it is a
  // decimal below kMaxDomainLevels.
  std::optional<int> domain_index(std::string_view digits, int line);

  // Moves everything into the result; topology is kept if any CPU was described.
  DumpReadResult finish();

 private:
  const DumpReadOptions& options_;
  Topology topology_;
  std::vector<DumpDiagnostic> errors_;
  int suppressed_errors_ = 0;
  int last_error_line_ = 0;
  std::vector<std::string> notes_;
  int ignored_lines_ = 0;
  bool without_cpu_ = false;
};

}  // namespace sbm
