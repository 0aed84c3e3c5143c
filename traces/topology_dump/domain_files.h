// The debugfs and sysctl dumps are the same thing spelled twice: one value per
// (CPU, domain, file), from register_sd() (kernel/sched/debug.c, v5.13+) or
// sd_alloc_ctl_domain_table() (kernel/sched.c, core.c, debug.c; up to v5.12). This
// assembles such entries into per-CPU domain chains. Internal to traces/topology_dump.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/kernel_version.h"
#include "traces/topology_dump/reader_context.h"

namespace sbm {

struct DomainFileEntry {
  int line = 0;
  std::string_view cpu;     // digits of "cpuN"
  std::string_view domain;  // digits of "domainM"
  std::string_view file;    // "flags", "name", "min_interval", ...
  std::string_view value;   // as printed, trimmed
};

class DomainFileAssembler {
 public:
  // Numeric "flags" values (sysctl up to v5.9) are decoded in finish() with the era hint,
  // else with the newest era that printed such a listing (eras.h, kSysctl*).
  explicit DomainFileAssembler(ReaderContext& ctx) : ctx_(ctx) {}

  void add(const DomainFileEntry& e);
  // Moves the chains into the context's topology and writes the notes.
  void finish();

 private:
  struct Slot {
    SchedDomain sd;
    std::map<std::string, std::string, std::less<>> values;  // file -> value, for repeats
  };
  struct Chain {
    int line = 0;
    std::map<int, Slot> domains;
  };

  void apply(Slot& slot, const DomainFileEntry& e);
  void apply_flags(Slot& slot, const DomainFileEntry& e, bool group_flags);
  void decode_numeric_flags();
  void apply_unsigned(std::optional<unsigned>& field, const DomainFileEntry& e);

  struct NumericFlags {
    SchedDomain* sd;  // into chains_ (std::map nodes do not move)
    uint64_t value;
    int line;
  };

  ReaderContext& ctx_;
  std::map<int, Chain> chains_;
  std::vector<NumericFlags> numeric_flags_;
  bool load_idx_seen_ = false;  // busy_idx ... forkexec_idx: a pre-v5.8 kernel
  std::map<std::string, int, std::less<>> unmodelled_;  // file name -> lines
  int repeated_ = 0;
};

}  // namespace sbm
