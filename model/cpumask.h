// struct cpumask: a set of CPU ids, as include/linux/cpumask.h keeps it, with the two
// notations the kernel prints: cpulist ("%*pbl", "0-3,8-11") and hex words ("%*pb",
// "00000000,000f0003"; old cpumask_scnprintf output).
//
// The model's mask grows on demand instead of being fixed at NR_CPUS, so one type serves
// an 8-CPU laptop and an 8192-CPU machine; bits never set read as zero, so two masks
// compare by content whatever their capacity.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbm {

// The largest CPU id sbm accepts from input (CONFIG_NR_CPUS tops out at 8192 on x86_64).
inline constexpr int kMaxCpus = 8192;

class CpuMask {
 public:
  CpuMask() = default;
  static CpuMask single(int cpu);
  static CpuMask range(int first, int last);  // [first, last], empty if last < first

  void set(int cpu);
  void clear(int cpu);
  bool test(int cpu) const;

  bool empty() const;
  int weight() const;             // cpumask_weight
  int first() const;              // cpumask_first; -1 when empty
  int next(int cpu) const;        // cpumask_next: first set bit > cpu; -1 when none
  int last() const;               // highest set bit; -1 when empty
  std::vector<int> cpus() const;  // ascending
  // for_each_cpu_wrap(cpu, mask, start): ascending from start, then from 0 up to start.
  std::vector<int> cpus_wrap(int start) const;

  bool subset_of(const CpuMask& other) const;   // cpumask_subset
  bool intersects(const CpuMask& other) const;  // cpumask_intersects
  CpuMask operator|(const CpuMask& o) const;
  CpuMask operator&(const CpuMask& o) const;
  CpuMask andnot(const CpuMask& o) const;  // cpumask_andnot
  CpuMask& operator|=(const CpuMask& o);
  CpuMask& operator&=(const CpuMask& o);
  bool operator==(const CpuMask& o) const;
  bool operator<(const CpuMask& o) const;  // any strict total order, for std::map keys

  // "0-3,8-11"; "" for the empty mask (as %*pbl prints it).
  std::string to_cpulist() const;
  // Comma-separated 32-bit hex words, most significant first, as %*pb prints for
  // nr_cpu_ids bits: the first word has ceil((nr_cpu_ids % 32)/4) digits (8 if it is a
  // multiple of 32), the others 8. nr_cpu_ids is raised to cover the highest set bit.
  std::string to_hex(int nr_cpu_ids) const;

 private:
  void trim();
  std::vector<uint64_t> words_;  // no trailing zero words
};

// Parse results carry the error text so that readers can report "file:line: error: ...".
struct MaskParse {
  std::optional<CpuMask> mask;
  std::string error;  // set when !mask
};

// cpulist: comma-separated ids and ranges "a-b"; bitmap_parselist also allows the
// stride form "a-b:used/group", which is accepted here. "" is the empty mask.
MaskParse parse_cpulist(std::string_view text);
// Hex words separated by commas, most significant first; each word up to 8 digits
// (an unpadded single word may be any length up to the mask size).
MaskParse parse_cpumask_hex(std::string_view text);

}  // namespace sbm
