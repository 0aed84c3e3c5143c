// sched_domain flags (SD_*), decoded per kernel era.
//
// The set of flags and their bit numbers changed over time: 2.6.20 had SD_WAKE_IDLE at 16,
// 4.19 had SD_LOAD_BALANCE at bit 0, 5.8 removed it and renumbered (SD_BALANCE_NEWIDLE at
// bit 0), 5.10 generated the numbering from include/linux/sched/sd_flags.h, 6.9
// renamed SD_SHARE_PKG_RESOURCES to SD_SHARE_LLC and 6.17 dropped SD_OVERLAP. So sbm keeps
// one era-independent set of named flags (SdFlag) and a table per era that maps bits to
// them; a numeric value read from a dump is only meaningful together with its era.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/kernel_version.h"

namespace sbm {

// One entry per flag that any modelled era had, under its newest name.
enum class SdFlag : uint8_t {
  LoadBalance,          // SD_LOAD_BALANCE (until 5.8)
  BalanceNewidle,       // SD_BALANCE_NEWIDLE
  BalanceExec,          // SD_BALANCE_EXEC
  BalanceFork,          // SD_BALANCE_FORK
  BalanceWake,          // SD_BALANCE_WAKE (2.6.32+)
  WakeIdle,             // SD_WAKE_IDLE (until 2.6.31)
  WakeAffine,           // SD_WAKE_AFFINE
  WakeBalance,          // SD_WAKE_BALANCE (until 2.6.31)
  PreferLocal,          // SD_PREFER_LOCAL (2.6.32 - 3.15)
  AsymCpucapacity,      // SD_ASYM_CPUCAPACITY (4.9+)
  AsymCpucapacityFull,  // SD_ASYM_CPUCAPACITY_FULL (5.14+)
  ShareCpucapacity,     // SD_SHARE_CPUCAPACITY, SD_SHARE_CPUPOWER before 3.16
  Cluster,              // SD_CLUSTER (6.7+; the CLS level is 5.16+)
  SharePowerdomain,     // SD_SHARE_POWERDOMAIN (3.16 - 5.9)
  PowersavingsBalance,  // SD_POWERSAVINGS_BALANCE (until 3.4)
  ShareLlc,             // SD_SHARE_LLC, SD_SHARE_PKG_RESOURCES before 6.9
  Serialize,            // SD_SERIALIZE
  AsymPacking,          // SD_ASYM_PACKING
  PreferSibling,        // SD_PREFER_SIBLING
  Overlap,              // SD_OVERLAP (3.x - 6.16)
  Numa,                 // SD_NUMA (3.x+)
  Count_
};
inline constexpr int kSdFlagCount = static_cast<int>(SdFlag::Count_);

// A set of SdFlag, era-independent.
class SdFlags {
 public:
  SdFlags() = default;
  SdFlags(std::initializer_list<SdFlag> flags);
  bool has(SdFlag f) const { return (bits_ >> static_cast<int>(f)) & 1u; }
  void set(SdFlag f) { bits_ |= 1u << static_cast<int>(f); }
  void clear(SdFlag f) { bits_ &= ~(1u << static_cast<int>(f)); }
  bool operator==(const SdFlags&) const = default;
  uint32_t raw() const { return bits_; }  // sbm-internal, not a kernel value
  std::vector<SdFlag> list() const;

 private:
  uint32_t bits_ = 0;
};

// include/linux/sched/sd_flags.h (5.10+) metaflags. sbm applies them in every era:
// the hierarchy rule they state held before they were written down.
inline constexpr unsigned kSdfSharedChild = 0x1;   // set here => set in the child
inline constexpr unsigned kSdfSharedParent = 0x2;  // set here => set in the parent
inline constexpr unsigned kSdfNeedsGroups = 0x4;   // meaningless with a single group
unsigned sd_flag_meta(SdFlag f);

// The kernel's name of the flag in that era ("SD_SHARE_PKG_RESOURCES" before 6.9,
// "SD_SHARE_LLC" from 6.9), as debugfs prints it.
std::string sd_flag_name(SdFlag f, KernelVersion era);
// Accepts every era's name, with or without the "SD_" prefix.
std::optional<SdFlag> parse_sd_flag_name(std::string_view name);

// Bit layout of the era: bit i of a kernel value is layout[i] (nullopt for a hole).
std::vector<std::optional<SdFlag>> sd_flag_layout(KernelVersion era);
// Kernel numeric value -> flags; bits not defined in that era go to *unknown_bits.
SdFlags decode_sd_flags(uint64_t value, KernelVersion era, uint64_t* unknown_bits = nullptr);
// Flags -> kernel numeric value; flags the era did not have go to *not_in_era.
uint64_t encode_sd_flags(SdFlags flags, KernelVersion era, SdFlags* not_in_era = nullptr);
// "SD_BALANCE_NEWIDLE SD_SERIALIZE ..." in bit order, as debugfs' flags file prints them.
std::string format_sd_flags(SdFlags flags, KernelVersion era);

}  // namespace sbm
