#include "traces/byte_scan.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace sbm {

namespace {

// What a lane-wise comparison of two `Bytes` gives: 0xff in each lane where it holds.
template <class Bytes>
using Lanes = decltype(Bytes{} < Bytes{});

// A control byte among the lanes of `v`, lane-wise (any vector width), into `lanes`. Always
// inlined, so the 32-byte form only ever runs inside the AVX2 function. Both vectors go by
// reference: a 32-byte vector passed or returned by value from code built without AVX would
// change the calling convention, which GCC notes (-Wpsabi) and clang refuses.
template <class Bytes>
[[gnu::always_inline]] inline void control_lanes(const Bytes& v, Lanes<Bytes>& lanes) {
  lanes = ((v < 0x20) & (v != '\t')) | (v == 0x7f);
}

}  // namespace

std::size_t first_control_byte_16(std::string_view s) {
  const char* d = s.data();
  const std::size_t n = s.size();
  std::size_t i = 0;
  Lanes<Bytes16> control;
  for (; i + 16 <= n; i += 16) {
    control_lanes(load16(d + i), control);
    if (const std::size_t lane = first_lane(control); lane != 16) return i + lane;
  }
  for (; i < n; ++i)
    if (is_control(static_cast<unsigned char>(d[i]))) return i;
  return std::string_view::npos;
}

#if defined(__x86_64__)

namespace {

// 32 bytes a step: half the steps of first_control_byte_16() on a line of 150 bytes, the same
// lane-wise test. Only called where the CPU has AVX2.
[[gnu::target("avx2")]] std::size_t first_control_byte_32(std::string_view s) {
  using Bytes32 = uint8_t __attribute__((vector_size(32)));
  const char* d = s.data();
  const std::size_t n = s.size();
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    Bytes32 v;
    std::memcpy(&v, d + i, 32);
    Lanes<Bytes32> control;
    control_lanes(v, control);
    const auto mask =
        static_cast<unsigned>(_mm256_movemask_epi8(reinterpret_cast<__m256i>(control)));
    if (mask != 0) return i + static_cast<std::size_t>(std::countr_zero(mask));
  }
  const std::size_t rest = first_control_byte_16(s.substr(i));
  return rest == std::string_view::npos ? rest : i + rest;
}

const bool kHasAvx2 = __builtin_cpu_supports("avx2");

}  // namespace

std::size_t first_control_byte(std::string_view s) {
  return kHasAvx2 ? first_control_byte_32(s) : first_control_byte_16(s);
}

#else

std::size_t first_control_byte(std::string_view s) { return first_control_byte_16(s); }

#endif

}  // namespace sbm
