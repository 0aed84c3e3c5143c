// The "groups:" line of sched_domain_debug_one(), in both layouts, parsed into raw tokens
// (masks stay text until the file's mask notation is known). Internal to
// traces/topology_dump.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbm {

struct RawGroup {
  int id = -1;                              // new layout "N:{": sched_group_capacity::id
  std::string span;                         // mask text
  std::optional<std::string> balance_mask;  // "mask=" / "(mask: ...)"
  std::optional<unsigned long> capacity;    // "cap=", "(cpu_power = N)", "N[P]"
  bool power_annotation = false;            // "(cpu_power|cpu_capacity = N)" was printed
};

struct GroupsParse {
  std::vector<RawGroup> groups;
  std::string error;    // "expected X, found Y"; groups is empty when set
  int extra_items = 0;  // new layout: "key=value" / "key: value" items of debug patches, skipped
};

// v4.13+: " 0:{ span=0-1 mask=0 cap=2019 }, 2:{ span=1-3 mask=2 cap=3025 }". The text
// after "groups:"; may be empty (the kernel prints nothing more when the first group is
// NULL). Other items inside the braces, as kernels with debug patches print them
// ("0:{ cluster: false span=0 cap=1023 }", "flags=0x2f"), are skipped and counted.
GroupsParse parse_new_layout_groups(std::string_view text);
// Up to v4.12: " 0-3 (cpu_power = 4096) 4-7 (cpu_power = 4096)", hex words before
// v2.6.26, later "(cpu_capacity = N)"; also "mask" annotations and the bracketed power
// spelling "1[128]".
GroupsParse parse_old_layout_groups(std::string_view text);

// The rest of a groups line that a KERN_ERR message cut in two: the kernel prints the
// error on its own line, then goes on with " }, 1:{ ..." (new layout) or with the next
// group masks (v2.6.2x, which did not stop at an error).
bool continues_new_layout_groups(std::string_view text);
bool continues_old_layout_groups(std::string_view text);

}  // namespace sbm
