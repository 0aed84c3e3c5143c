#include "traces/topology_dump/detect.h"

namespace sbm {

namespace {

bool digits_then(std::string_view s, std::string_view prefix, std::string_view after) {
  if (!consume(s, prefix) || take_digits(s).empty()) return false;
  return s.substr(0, after.size()) == after;
}

bool is_cpu_header(std::string_view s) {
  if (!consume(s, "CPU") || take_digits(s).empty()) return false;
  if (s.substr(0, 10) == " attaching") return true;
  // sched_domain_debug() of v2.6.7 - v2.6.10 printed "CPU%d: %s" with " online" or
  // "offline", later "CPU%d:"; other "CPUn: ..." lines ("CPU3: shutdown") are not ours.
  if (!consume(s, ":")) return false;
  const std::string_view rest = trim(s);
  return rest.empty() || rest == "online" || rest == "offline";
}

// grep -r prints the path first: the marker must lie in the line's first word, so shell
// prompts quoting the command ("# grep -r . /sys/kernel/debug/...") are not taken.
bool in_first_word(std::string_view text, std::string_view marker) {
  const size_t at = text.find(marker);
  return at != std::string_view::npos &&
         text.substr(0, at).find_first_of(" \t") == std::string_view::npos;
}

}  // namespace

std::string_view cat_arguments(std::string_view text) {
  std::string_view s = text;
  if (!consume(s, "cat ")) {
    // A prompt is one word ending in '#', '$' or '>' ("#", "$", "root@host:~#").
    const std::string_view prompt = take_word(s);
    if (prompt.empty() || std::string_view("#$>").find(prompt.back()) == std::string_view::npos)
      return {};
    s = skip_blanks(s);
    if (!consume(s, "cat ")) return {};
  }
  return skip_blanks(s);
}

bool is_domain_files_cat(std::string_view text, std::string_view marker) {
  return cat_arguments(text).find(marker) != std::string_view::npos;
}

const char* dump_family_name(DumpFamily f) {
  switch (f) {
    case DumpFamily::Dmesg:
      return "dmesg";
    case DumpFamily::Debugfs:
      return "debugfs";
    case DumpFamily::Sysctl:
      return "sysctl";
    case DumpFamily::Schedstat:
      return "schedstat";
  }
  return "?";
}

bool is_dmesg_line(std::string_view text) {
  return is_cpu_header(text) || digits_then(text, "domain-", ":") ||
         digits_then(text, "domain ", ":") || text.substr(0, 7) == "groups:" ||
         text.substr(0, 17) == "root domain span:";
}

bool is_debugfs_line(std::string_view text) {
  return text.substr(0, 11) == "domains/cpu" || in_first_word(text, kDebugfsCpuMarker) ||
         is_domain_files_cat(text, kDebugfsCpuMarker);
}

bool is_sysctl_line(std::string_view text) {
  return text.substr(0, 20) == "kernel.sched_domain." || in_first_word(text, kSysctlCpuMarker) ||
         is_domain_files_cat(text, kSysctlCpuMarker);
}

bool is_schedstat_anchor(std::string_view text) {
  std::string_view s = text;
  if (consume(s, "version ")) return !take_digits(s).empty() && s.empty();
  return digits_then(text, "domain", " ");
}

bool is_schedstat_line(std::string_view text) {
  if (is_schedstat_anchor(text)) return true;
  std::string_view s = text;
  if (consume(s, "timestamp ")) return !take_digits(s).empty() && s.empty();
  s = text;
  if (!consume(s, "cpu") || take_digits(s).empty()) return false;
  return s.empty() || s.front() == ' ';
}

bool belongs_to(DumpFamily f, std::string_view text) {
  switch (f) {
    case DumpFamily::Dmesg:
      return is_dmesg_line(text);
    case DumpFamily::Debugfs:
      return is_debugfs_line(text);
    case DumpFamily::Sysctl:
      return is_sysctl_line(text);
    case DumpFamily::Schedstat:
      return is_schedstat_line(text);
  }
  return false;
}

DumpDetection detect_dump_family(const std::vector<DumpLine>& lines) {
  DumpDetection d{std::nullopt, {0, 0, 0, 0}};
  bool schedstat_anchor = false;
  for (const DumpLine& l : lines) {
    for (int f = 0; f < kDumpFamilyCount; ++f)
      if (belongs_to(static_cast<DumpFamily>(f), l.text)) ++d.lines[static_cast<size_t>(f)];
    schedstat_anchor = schedstat_anchor || is_schedstat_anchor(l.text);
  }
  if (!schedstat_anchor) d.lines[static_cast<size_t>(DumpFamily::Schedstat)] = 0;
  int best = 0;
  for (int f = 0; f < kDumpFamilyCount; ++f) {
    if (d.lines[static_cast<size_t>(f)] > best) {  // ties go to the earlier family
      best = d.lines[static_cast<size_t>(f)];
      d.family = static_cast<DumpFamily>(f);
    }
  }
  return d;
}

}  // namespace sbm
