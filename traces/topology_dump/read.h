// Reading sched-domain dumps as people post them: boot logs with sched_verbose (old and
// new sched_domain_debug() layouts), debugfs and sysctl listings, /proc/schedstat. The
// format is detected from the text; spec/topology-formats.md describes every layout, the
// kernel versions that printed it and the rules the readers apply.
//
// A reader fills what its format carries and leaves the rest of model/topology.h's
// Topology unset (nullopt), which is how checks know a property is "not checkable from
// this input". Bad input is data: every malformed line gives a diagnostic with its line
// number, nothing throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/kernel_version.h"
#include "model/topology.h"

namespace sbm {

struct DumpDiagnostic {
  int line = 0;         // 1-based line of the input
  std::string message;  // "expected X, found Y"
  bool operator==(const DumpDiagnostic&) const = default;
};

struct DumpReadResult {
  // Present when the input described at least one CPU, even if some lines were bad (the
  // errors then say what was left out); nullopt when nothing usable was found.
  std::optional<Topology> topology;
  std::vector<DumpDiagnostic> errors;  // any error => the CLI exits 2
  int ignored_lines = 0;               // non-blank lines of no sched-domain format
  std::vector<std::string> notes;      // e.g. "flags decoded with the v5.9 layout"
};

struct DumpReadOptions {
  // The kernel the dump came from (CLI --era). Used where the text alone is ambiguous:
  // numeric sysctl flags, hex-or-cpulist masks and unprinted capacities in old boot logs.
  // When given it is also recorded as Topology::era.
  std::optional<KernelVersion> era;
};

// file_name is only recorded (Topology::source.file); the caller does the I/O.
DumpReadResult read_topology_dump(std::string_view text, std::string_view file_name,
                                  const DumpReadOptions& options = {});

// The formats read_topology_dump() recognises, as the error for unrecognised input lists
// them: "dmesg (sched_verbose, new and old layouts), debugfs, sysctl, /proc/schedstat".
std::string_view dump_format_list();

}  // namespace sbm
