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

// Bit layouts, newest last. Sources: include/linux/sched.h at v2.6.20 (decimal
// constants 1..1024), v2.6.32 and v4.19 (hex constants), and the SD_FLAG() order of
// include/linux/sched/sd_flags.h from v5.10 on.
const std::vector<EraLayout>& layouts() {
  static const std::vector<EraLayout> kLayouts = {
      {{2, 6, 0},
       {F::LoadBalance, F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::WakeIdle,
        F::WakeAffine, F::WakeBalance, F::ShareCpucapacity, F::PowersavingsBalance, F::ShareLlc,
        F::Serialize}},
      {{2, 6, 31},
       {F::LoadBalance, F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::BalanceWake,
        F::WakeAffine, F::PreferLocal, F::ShareCpucapacity, F::PowersavingsBalance, F::ShareLlc,
        F::Serialize, std::nullopt, F::PreferSibling}},
      {{3, 0, 0},
       {F::LoadBalance, F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::BalanceWake,
        F::WakeAffine, F::PreferLocal, F::ShareCpucapacity, F::PowersavingsBalance, F::ShareLlc,
        F::Serialize, F::AsymPacking, F::PreferSibling, F::Overlap, F::Numa}},
      {{3, 16, 0},
       {F::LoadBalance, F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::BalanceWake,
        F::WakeAffine, std::nullopt, F::ShareCpucapacity, F::SharePowerdomain, F::ShareLlc,
        F::Serialize, F::AsymPacking, F::PreferSibling, F::Overlap, F::Numa}},
      {{4, 9, 0},
       {F::LoadBalance, F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::BalanceWake,
        F::WakeAffine, F::AsymCpucapacity, F::ShareCpucapacity, F::SharePowerdomain, F::ShareLlc,
        F::Serialize, F::AsymPacking, F::PreferSibling, F::Overlap, F::Numa}},
      {{5, 10, 0},
       {F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::BalanceWake, F::WakeAffine,
        F::AsymCpucapacity, F::ShareCpucapacity, F::ShareLlc, F::Serialize, F::AsymPacking,
        F::PreferSibling, F::Overlap, F::Numa}},
      {{5, 14, 0},
       {F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::BalanceWake, F::WakeAffine,
        F::AsymCpucapacity, F::AsymCpucapacityFull, F::ShareCpucapacity, F::ShareLlc,
        F::Serialize, F::AsymPacking, F::PreferSibling, F::Overlap, F::Numa}},
      {{5, 16, 0},
       {F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::BalanceWake, F::WakeAffine,
        F::AsymCpucapacity, F::AsymCpucapacityFull, F::ShareCpucapacity, F::Cluster,
        F::ShareLlc, F::Serialize, F::AsymPacking, F::PreferSibling, F::Overlap, F::Numa}},
      {{6, 17, 0},
       {F::BalanceNewidle, F::BalanceExec, F::BalanceFork, F::BalanceWake, F::WakeAffine,
        F::AsymCpucapacity, F::AsymCpucapacityFull, F::ShareCpucapacity, F::Cluster,
        F::ShareLlc, F::Serialize, F::AsymPacking, F::PreferSibling, F::Numa}},
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
