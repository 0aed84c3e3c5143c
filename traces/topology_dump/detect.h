// Which dump format a text is: each stripped line is matched against the shapes the
// formats print, and the format with the most matching lines wins. The shapes here are
// deliberately loose (a line that looks like it belongs to a format is given to that
// format's reader, which reports it if it is malformed); the readers parse strictly.
// Internal to traces/topology_dump.
#pragma once

#include <array>
#include <optional>
#include <string_view>
#include <vector>

#include "traces/topology_dump/lines.h"

namespace sbm {

enum class DumpFamily { Dmesg, Debugfs, Sysctl, Schedstat };
inline constexpr int kDumpFamilyCount = 4;

const char* dump_family_name(DumpFamily f);  // "dmesg", "debugfs", "sysctl", "schedstat"

// sched_domain_debug() output: "CPUn attaching ...", "CPUn:" (v2.6.7 - v2.6.10 headers),
// "domain-N:" / "domain N:", "groups:", and build_sched_domains()' "root domain span:".
bool is_dmesg_line(std::string_view text);
// A debugfs path ".../domains/cpuN/..." (kernel/sched/debug.c, v5.13+), or a cat of such
// files.
bool is_debugfs_line(std::string_view text);
// "kernel.sched_domain...." (sysctl -a) or ".../sched_domain/cpuN/..." (grep -r . /proc),
// or a cat of such files.
bool is_sysctl_line(std::string_view text);
// The arguments of a line running `cat`, after an optional shell prompt ("# ", "$ ",
// "root@host:~# "); empty when the line does not run cat.
std::string_view cat_arguments(std::string_view text);
// A cat of per-domain files whose paths contain marker (cat_listing.h).
bool is_domain_files_cat(std::string_view text, std::string_view marker);
inline constexpr std::string_view kSysctlCpuMarker = "sched_domain/cpu";
inline constexpr std::string_view kDebugfsCpuMarker = "/domains/cpu";

// show_schedstat(): "version N", "timestamp N", "cpuN ...", "domainN ...".
bool is_schedstat_line(std::string_view text);
// The schedstat lines that /proc/stat and similar files cannot produce ("version N",
// "domainN ..."): a file counts as schedstat only if it has one of them.
bool is_schedstat_anchor(std::string_view text);

bool belongs_to(DumpFamily f, std::string_view text);

struct DumpDetection {
  std::optional<DumpFamily> family;         // nullopt: no sched-domain content
  std::array<int, kDumpFamilyCount> lines;  // matching lines per family
};

DumpDetection detect_dump_family(const std::vector<DumpLine>& lines);

}  // namespace sbm
