// The sd_init() tunables that both the sysctl table (sd_alloc_ctl_domain_table()) and the
// debugfs directory (register_sd()) expose as one file each, in the kernels' order. One
// table serves the readers and the writers. Internal to traces/topology_dump.
#pragma once

#include <array>
#include <optional>

#include "model/topology.h"

namespace sbm {

struct TunableFile {
  const char* name;
  std::optional<unsigned> SdTunables::*field;
};

inline constexpr std::array<TunableFile, 5> kTunableFiles = {{
    {"min_interval", &SdTunables::min_interval},
    {"max_interval", &SdTunables::max_interval},
    {"busy_factor", &SdTunables::busy_factor},
    {"imbalance_pct", &SdTunables::imbalance_pct},
    {"cache_nice_tries", &SdTunables::cache_nice_tries},
}};

}  // namespace sbm
