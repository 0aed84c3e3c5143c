// `cat` of per-domain files as posted: the command line, then the files' contents with
// nothing saying which is which, e.g.
//   # cat /proc/sys/kernel/sched_domain/cpu0/domain*/{name,flags}
//   MC
//   NUMA
//   4655
//   25647
// The shell expands the braces first, then each glob in sorted order (domain10 before
// domain2), and cat prints one line per file (sd_alloc_ctl_domain_table()'s entries up to
// v5.12, register_sd()'s debugfs files from v5.13), so the values map back to files once
// the number of domains is known: what is left after the fixed paths, divided by the
// files per domain. Internal to traces/topology_dump.
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "traces/topology_dump/domain_files.h"
#include "traces/topology_dump/lines.h"

namespace sbm {

// Reads the cat command at lines[at] and the value lines after it (up to a blank line
// or a line that is not a value: one word, or flag names), adds one entry per file to
// files, and returns the index of the first line not consumed. Expanded domain indexes
// are kept in storage (the entries view them).
size_t read_domain_files_cat(const std::vector<DumpLine>& lines, size_t at, std::string_view marker,
                             ReaderContext& ctx, DomainFileAssembler& files,
                             std::deque<std::string>& storage);

}  // namespace sbm
