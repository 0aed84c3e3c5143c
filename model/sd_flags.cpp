#include "model/sd_flags.h"

#include <array>

namespace sbm {

namespace {

using F = SdFlag;

struct FlagInfo {
  const char* name;          // newest kernel name
  const char* old_name;      // earlier name, or nullptr
  KernelVersion renamed_in;  // first release with `name`
  unsigned meta;
};

// Names and metaflags: include/linux/sched/sd_flags.h (v5.10 .. v6.17); the renames
// SD_SHARE_CPUPOWER -> SD_SHARE_CPUCAPACITY (v3.16, 5d4dfddd4f02) and
// SD_SHARE_PKG_RESOURCES -> SD_SHARE_LLC (v6.9, 54de44274703). Flags that left the
// kernel before v5.10 carry the metaflag their role implies (LOAD_BALANCE: none).
const std::array<FlagInfo, kSdFlagCount> kInfo = {{
    {"SD_LOAD_BALANCE", nullptr, {}, 0},
    {"SD_BALANCE_NEWIDLE", nullptr, {}, kSdfSharedChild | kSdfNeedsGroups},
    {"SD_BALANCE_EXEC", nullptr, {}, kSdfSharedChild | kSdfNeedsGroups},
    {"SD_BALANCE_FORK", nullptr, {}, kSdfSharedChild | kSdfNeedsGroups},
    {"SD_BALANCE_WAKE", nullptr, {}, kSdfSharedChild | kSdfNeedsGroups},
    {"SD_WAKE_IDLE", nullptr, {}, 0},
    {"SD_WAKE_AFFINE", nullptr, {}, kSdfSharedChild},
    {"SD_WAKE_BALANCE", nullptr, {}, 0},
    {"SD_PREFER_LOCAL", nullptr, {}, 0},
    {"SD_ASYM_CPUCAPACITY", nullptr, {}, kSdfSharedParent | kSdfNeedsGroups},
    {"SD_ASYM_CPUCAPACITY_FULL", nullptr, {}, kSdfSharedParent | kSdfNeedsGroups},
    {"SD_SHARE_CPUCAPACITY", "SD_SHARE_CPUPOWER", {3, 16, 0}, kSdfSharedChild | kSdfNeedsGroups},
    {"SD_CLUSTER", nullptr, {}, kSdfNeedsGroups},
    {"SD_SHARE_POWERDOMAIN", nullptr, {}, 0},
    {"SD_POWERSAVINGS_BALANCE", nullptr, {}, 0},
    {"SD_SHARE_LLC", "SD_SHARE_PKG_RESOURCES", {6, 9, 0}, kSdfSharedChild | kSdfNeedsGroups},
    {"SD_SERIALIZE", nullptr, {}, kSdfSharedParent | kSdfNeedsGroups},
    {"SD_ASYM_PACKING", nullptr, {}, kSdfSharedChild | kSdfNeedsGroups},
    {"SD_PREFER_SIBLING", nullptr, {}, kSdfNeedsGroups},
    {"SD_OVERLAP", nullptr, {}, kSdfSharedParent | kSdfNeedsGroups},
    {"SD_NUMA", nullptr, {}, kSdfSharedParent | kSdfNeedsGroups},
}};

struct EraLayout {
  KernelVersion from;  // first release with this layout
  std::vector<std::optional<SdFlag>> bits;
};

// Bit layouts, oldest first; bit i of a kernel value is bits[i]. Each row cites the header
// it was read from (spec/topology-builder.md, "SD flag layouts", lists what is unverified).
const std::vector<EraLayout>& layouts() {
  static const std::vector<EraLayout> kLayouts = {
      // include/linux/sched.h, v2.6.20 (decimal constants 1..1024, SD_SERIALIZE = 1024 from
      // "[PATCH 8/8] Add option to serialize load balancing"). SD_WAKE_IDLE_FAR (about
      // 2.6.27 - 2.6.31) is not modelled: a dump of those kernels shows it as an unknown bit.
      {{2, 6, 0},
       {F::LoadBalance, F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::WakeIdle,
        F::WakeAffine, F::WakeBalance, F::ShareCpucapacity, F::PowersavingsBalance, F::ShareLlc,
        F::Serialize}},
      // include/linux/sched.h of the 2.6.32 era (hex constants; bit 11 unused): the
      // September 2009 wakeup rework (SD_BALANCE_WAKE, SD_PREFER_LOCAL, SD_PREFER_SIBLING)
      // was merged after v2.6.31.
      {{2, 6, 32},
       {F::LoadBalance, F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::BalanceWake,
        F::WakeAffine, F::PreferLocal, F::ShareCpucapacity, F::PowersavingsBalance, F::ShareLlc,
        F::Serialize, std::nullopt, F::PreferSibling}},
      // include/linux/sched.h of a v3.2 - v3.4 tree: SD_ASYM_PACKING 0x0800, SD_OVERLAP
      // 0x2000, SD_POWERSAVINGS_BALANCE still present, no SD_NUMA.
      {{3, 0, 0},
       {F::LoadBalance, F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::BalanceWake,
        F::WakeAffine, F::PreferLocal, F::ShareCpucapacity, F::PowersavingsBalance, F::ShareLlc,
        F::Serialize, F::AsymPacking, F::PreferSibling, F::Overlap}},
      // v3.5 removed SD_POWERSAVINGS_BALANCE (8e7fbcbc22c1, bit 8 left unused); SD_NUMA =
      // 0x4000 came with NUMA balancing later in 3.x (release not pinned, see the spec).
      {{3, 5, 0},
       {F::LoadBalance, F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::BalanceWake,
        F::WakeAffine, F::PreferLocal, F::ShareCpucapacity, std::nullopt, F::ShareLlc, F::Serialize,
        F::AsymPacking, F::PreferSibling, F::Overlap, F::Numa}},
      // v3.16: SD_SHARE_CPUPOWER renamed SD_SHARE_CPUCAPACITY (5d4dfddd4f02), bit 8 reused by
      // SD_SHARE_POWERDOMAIN (d77b3ed5c9f8), SD_PREFER_LOCAL gone.
      {{3, 16, 0},
       {F::LoadBalance, F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::BalanceWake,
        F::WakeAffine, std::nullopt, F::ShareCpucapacity, F::SharePowerdomain, F::ShareLlc,
        F::Serialize, F::AsymPacking, F::PreferSibling, F::Overlap, F::Numa}},
      // include/linux/sched/topology.h, v4.19: SD_ASYM_CPUCAPACITY at 0x0040.
      {{4, 9, 0},
       {F::LoadBalance, F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::BalanceWake,
        F::WakeAffine, F::AsymCpucapacity, F::ShareCpucapacity, F::SharePowerdomain, F::ShareLlc,
        F::Serialize, F::AsymPacking, F::PreferSibling, F::Overlap, F::Numa}},
      // v5.8: "sched/topology: Kill SD_LOAD_BALANCE" (36c5bdc43870) renumbered every flag
      // down by one bit (SD_BALANCE_NEWIDLE = 0x0001 ... SD_NUMA = 0x2000).
      {{5, 8, 0},
       {F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::BalanceWake, F::WakeAffine,
        F::AsymCpucapacity, F::ShareCpucapacity, F::SharePowerdomain, F::ShareLlc, F::Serialize,
        F::AsymPacking, F::PreferSibling, F::Overlap, F::Numa}},
      // v5.10: SD_SHARE_POWERDOMAIN removed and the numbering generated from the SD_FLAG()
      // order of the new include/linux/sched/sd_flags.h (same pull, "sched-core" for 5.10).
      {{5, 10, 0},
       {F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::BalanceWake, F::WakeAffine,
        F::AsymCpucapacity, F::ShareCpucapacity, F::ShareLlc, F::Serialize, F::AsymPacking,
        F::PreferSibling, F::Overlap, F::Numa}},
      // v5.14: SD_ASYM_CPUCAPACITY_FULL after SD_ASYM_CPUCAPACITY (2309a05d2abe).
      {{5, 14, 0},
       {F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::BalanceWake, F::WakeAffine,
        F::AsymCpucapacity, F::AsymCpucapacityFull, F::ShareCpucapacity, F::ShareLlc, F::Serialize,
        F::AsymPacking, F::PreferSibling, F::Overlap, F::Numa}},
      // v6.7: SD_CLUSTER after SD_SHARE_CPUCAPACITY ("sched: Add cpus_share_resources API",
      // b95303e0aeaf, in the v6.7 scheduler pull). The CLS level itself dates from v5.16
      // but carried only SD_SHARE_PKG_RESOURCES until then.
      {{6, 7, 0},
       {F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::BalanceWake, F::WakeAffine,
        F::AsymCpucapacity, F::AsymCpucapacityFull, F::ShareCpucapacity, F::Cluster, F::ShareLlc,
        F::Serialize, F::AsymPacking, F::PreferSibling, F::Overlap, F::Numa}},
      // v6.17: SD_OVERLAP removed; overlapping groups are chosen by SD_NUMA
      // (build_sched_domains(), kernel/sched/topology.c, v6.17).
      {{6, 17, 0},
       {F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::BalanceWake, F::WakeAffine,
        F::AsymCpucapacity, F::AsymCpucapacityFull, F::ShareCpucapacity, F::Cluster, F::ShareLlc,
        F::Serialize, F::AsymPacking, F::PreferSibling, F::Numa}},
  };
  return kLayouts;
}

const EraLayout& layout_for(KernelVersion era) {
  const auto& all = layouts();
  const EraLayout* best = &all.front();
  for (const auto& l : all)
    if (l.from <= era) best = &l;
  return *best;
}

}  // namespace

SdFlags::SdFlags(std::initializer_list<SdFlag> flags) {
  for (SdFlag f : flags) set(f);
}

std::vector<SdFlag> SdFlags::list() const {
  std::vector<SdFlag> out;
  for (int i = 0; i < kSdFlagCount; ++i)
    if (has(static_cast<SdFlag>(i))) out.push_back(static_cast<SdFlag>(i));
  return out;
}

unsigned sd_flag_meta(SdFlag f) { return kInfo[static_cast<size_t>(f)].meta; }

std::string sd_flag_name(SdFlag f, KernelVersion era) {
  const FlagInfo& info = kInfo[static_cast<size_t>(f)];
  if (info.old_name != nullptr && era < info.renamed_in) return info.old_name;
  return info.name;
}

std::optional<SdFlag> parse_sd_flag_name(std::string_view name) {
  std::string full(name);
  if (full.rfind("SD_", 0) != 0) full = "SD_" + full;
  for (int i = 0; i < kSdFlagCount; ++i) {
    const FlagInfo& info = kInfo[static_cast<size_t>(i)];
    if (full == info.name || (info.old_name != nullptr && full == info.old_name))
      return static_cast<SdFlag>(i);
  }
  return std::nullopt;
}

std::vector<std::optional<SdFlag>> sd_flag_layout(KernelVersion era) {
  return layout_for(era).bits;
}

SdFlags decode_sd_flags(uint64_t value, KernelVersion era, uint64_t* unknown_bits) {
  const auto& bits = layout_for(era).bits;
  SdFlags out;
  uint64_t unknown = 0;
  for (int b = 0; b < 64; ++b) {
    if (!((value >> b) & 1u)) continue;
    if (static_cast<size_t>(b) < bits.size() && bits[static_cast<size_t>(b)])
      out.set(*bits[static_cast<size_t>(b)]);
    else
      unknown |= uint64_t{1} << b;
  }
  if (unknown_bits != nullptr) *unknown_bits = unknown;
  return out;
}

uint64_t encode_sd_flags(SdFlags flags, KernelVersion era, SdFlags* not_in_era) {
  const auto& bits = layout_for(era).bits;
  uint64_t value = 0;
  SdFlags missing = flags;
  for (size_t b = 0; b < bits.size(); ++b) {
    if (bits[b] && flags.has(*bits[b])) {
      value |= uint64_t{1} << b;
      missing.clear(*bits[b]);
    }
  }
  if (not_in_era != nullptr) *not_in_era = missing;
  return value;
}

std::string format_sd_flags(SdFlags flags, KernelVersion era) {
  std::string out;
  for (const auto& bit : layout_for(era).bits) {
    if (!bit || !flags.has(*bit)) continue;
    if (!out.empty()) out += ' ';
    out += sd_flag_name(*bit, era);
  }
  return out;
}

}  // namespace sbm
