// debugfs sched-domain files as `grep -r . /sys/kernel/debug/sched/domains` prints them
// (register_sd(), kernel/sched/debug.c, v5.13+):
//   /sys/kernel/debug/sched/domains/cpu0/domain1/flags:SD_BALANCE_NEWIDLE SD_SERIALIZE ...
// The mount point in front of "domains/" may be anything or absent (grep run from inside
// /sys/kernel/debug/sched). Flags are names, so no era is needed.
#include <deque>
#include <string>

#include "traces/topology_dump/cat_listing.h"
#include "traces/topology_dump/detect.h"
#include "traces/topology_dump/domain_files.h"
#include "traces/topology_dump/readers.h"

namespace sbm {

namespace {

// "<prefix>domains/cpuN/domainM/<file>:<value>"; error text on malformed lines.
std::optional<DomainFileEntry> match_debugfs(const DumpLine& l, std::string& error) {
  std::string_view s = l.text;
  const size_t at = s.substr(0, 11) == "domains/cpu" ? 0 : s.find("/domains/cpu") + 1;
  s.remove_prefix(at + 11);
  DomainFileEntry e;
  e.line = l.number;
  e.cpu = take_digits(s);
  bool ok = !e.cpu.empty() && consume(s, "/domain");
  if (ok) e.domain = take_digits(s);
  ok = ok && !e.domain.empty() && consume(s, "/");
  const size_t colon = s.find(':');
  if (!ok || colon == std::string_view::npos || colon == 0) {
    error = "expected '.../domains/cpuN/domainM/<file>:<value>', found " + quoted(l.text);
    return std::nullopt;
  }
  e.file = s.substr(0, colon);
  e.value = trim(s.substr(colon + 1));
  return e;
}

}  // namespace

void read_debugfs(const std::vector<DumpLine>& lines, ReaderContext& ctx) {
  DomainFileAssembler files(ctx);
  std::deque<std::string> globbed;  // domain indexes a cat's "domain*" expanded to
  for (size_t i = 0; i < lines.size(); ++i) {
    const DumpLine& l = lines[i];
    if (l.text.empty()) continue;
    if (!is_debugfs_line(l.text)) {
      ctx.ignore_line();
      continue;
    }
    if (is_domain_files_cat(l.text, kDebugfsCpuMarker)) {
      i = read_domain_files_cat(lines, i, kDebugfsCpuMarker, ctx, files, globbed) - 1;
      continue;
    }
    std::string error;
    if (const auto e = match_debugfs(l, error))
      files.add(*e);
    else
      ctx.error(l.number, error);
  }
  files.finish();
  ctx.topology().source.format = "debugfs";
}

}  // namespace sbm
