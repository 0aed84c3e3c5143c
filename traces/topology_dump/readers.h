// One reader per dump family; read_topology_dump() picks one after detection. Each reader
// walks every line: lines of its family are parsed (and reported if malformed), all other
// non-blank lines are counted as ignored. Internal to traces/topology_dump.
#pragma once

#include <vector>

#include "traces/topology_dump/lines.h"
#include "traces/topology_dump/reader_context.h"

namespace sbm {

void read_dmesg(const std::vector<DumpLine>& lines, ReaderContext& ctx);
void read_debugfs(const std::vector<DumpLine>& lines, ReaderContext& ctx);
void read_sysctl(const std::vector<DumpLine>& lines, ReaderContext& ctx);
void read_schedstat(const std::vector<DumpLine>& lines, ReaderContext& ctx);

}  // namespace sbm
