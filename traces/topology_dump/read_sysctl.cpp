// The kernel.sched_domain sysctl tree (sd_alloc_ctl_domain_table(); kernel/sched.c in 2.6,
// kernel/sched/core.c, then kernel/sched/debug.c; removed in v5.13), in its two common
// spellings:
//   kernel.sched_domain.cpu0.domain0.flags = 4143                      (sysctl -a)
//   /proc/sys/kernel/sched_domain/cpu0/domain0/flags:4143               (grep -r . /proc/...)
// "flags" is a decimal number up to v5.9 and a list of names in v5.10 - v5.12. Numbers are
// decoded with the era hint, else with the newest era that printed such a listing (eras.h:
// v4.19 when load-index entries show a pre-v5.8 kernel, v5.9 otherwise) and a note.
#include <deque>
#include <string>

#include "traces/topology_dump/cat_listing.h"
#include "traces/topology_dump/detect.h"
#include "traces/topology_dump/domain_files.h"
#include "traces/topology_dump/readers.h"

namespace sbm {

namespace {

std::optional<DomainFileEntry> match_sysctl(const DumpLine& l, std::string& error) {
  std::string_view s = l.text;
  DomainFileEntry e;
  e.line = l.number;
  const bool dotted = consume(s, "kernel.sched_domain.");
  if (!dotted) s.remove_prefix(s.find("sched_domain/cpu") + 13);
  const std::string_view sep = dotted ? "." : "/";
  bool ok = consume(s, "cpu");
  if (ok) e.cpu = take_digits(s);
  ok = ok && !e.cpu.empty() && consume(s, sep) && consume(s, "domain");
  if (ok) e.domain = take_digits(s);
  ok = ok && !e.domain.empty() && consume(s, sep);
  // sysctl prints "key = value"; grep prints "path:value".
  const size_t at = dotted ? s.find('=') : s.find(':');
  if (!ok || at == std::string_view::npos || trim(s.substr(0, at)).empty()) {
    error = std::string("expected '") +
            (dotted ? "kernel.sched_domain.cpuN.domainM.<name> = <value>"
                    : ".../sched_domain/cpuN/domainM/<name>:<value>") +
            "', found " + quoted(l.text);
    return std::nullopt;
  }
  e.file = trim(s.substr(0, at));
  e.value = trim(s.substr(at + 1));
  return e;
}

}  // namespace

void read_sysctl(const std::vector<DumpLine>& lines, ReaderContext& ctx) {
  DomainFileAssembler files(ctx);
  std::deque<std::string> globbed;  // domain indexes a cat's "domain*" expanded to
  for (size_t i = 0; i < lines.size(); ++i) {
    const DumpLine& l = lines[i];
    if (l.text.empty()) continue;
    if (!is_sysctl_line(l.text)) {
      ctx.ignore_line();
      continue;
    }
    if (is_domain_files_cat(l.text, kSysctlCpuMarker)) {
      i = read_domain_files_cat(lines, i, kSysctlCpuMarker, ctx, files, globbed) - 1;
      continue;
    }
    std::string error;
    if (const auto e = match_sysctl(l, error))
      files.add(*e);
    else
      ctx.error(l.number, error);
  }
  files.finish();
  ctx.topology().source.format = "sysctl";
}

}  // namespace sbm
