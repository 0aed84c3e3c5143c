#include "traces/topology_dump/read.h"

#include "traces/topology_dump/detect.h"
#include "traces/topology_dump/lines.h"
#include "traces/topology_dump/reader_context.h"
#include "traces/topology_dump/readers.h"

namespace sbm {

std::string_view dump_format_list() {
  return "dmesg (sched_verbose boot log, new and old sched_domain_debug layouts), debugfs "
         "(/sys/kernel/debug/sched/domains), sysctl (kernel.sched_domain), /proc/schedstat";
}

DumpReadResult read_topology_dump(std::string_view text, std::string_view file_name,
                                  const DumpReadOptions& options) {
  const std::vector<DumpLine> lines = split_dump_lines(text);
  ReaderContext ctx(options);
  const DumpDetection detection = detect_dump_family(lines);
  if (!detection.family) {
    for (const DumpLine& l : lines)
      if (!l.text.empty()) ctx.ignore_line();
    ctx.error(1, "expected sched-domain content in a format sbm reads (" +
                     std::string(dump_format_list()) + "), found none");
    return ctx.finish();
  }
  const DumpFamily family = *detection.family;
  switch (family) {
    case DumpFamily::Dmesg:
      read_dmesg(lines, ctx);
      break;
    case DumpFamily::Debugfs:
      read_debugfs(lines, ctx);
      break;
    case DumpFamily::Sysctl:
      read_sysctl(lines, ctx);
      break;
    case DumpFamily::Schedstat:
      read_schedstat(lines, ctx);
      break;
  }
  for (int f = 0; f < kDumpFamilyCount; ++f) {
    const int n = detection.lines[static_cast<size_t>(f)];
    if (static_cast<DumpFamily>(f) != family && n > 0)
      ctx.note(std::to_string(n) + " lines look like " +
               dump_family_name(static_cast<DumpFamily>(f)) + " output and were ignored: the " +
               "file is read as " + dump_family_name(family));
  }
  Topology& topo = ctx.topology();
  topo.source.file = std::string(file_name);
  if (!ctx.read_anything()) {
    int first = 1;
    for (const DumpLine& l : lines) {
      if (belongs_to(family, l.text)) {
        first = l.number;
        break;
      }
    }
    ctx.error(first, std::string("expected at least one CPU in the ") + dump_family_name(family) +
                         " dump, found none");
  }
  return ctx.finish();
}

}  // namespace sbm
