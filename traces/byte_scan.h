// Byte scans the trace lexer runs over every byte it reads: which bytes are blanks or control
// bytes, 16 or 32 at a time. GCC's portable vector extension compares 16 lanes at once (SSE2
// on x86-64, NEON on arm64); a lane-wise comparison gives 0xff where it holds.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sbm {

inline bool is_space(char c) { return c == ' ' || c == '\t'; }

// A byte no trace prints: C0 controls other than tab, and DEL.
inline bool is_control(unsigned char c) { return (c < 0x20 && c != '\t') || c == 0x7f; }

using Bytes16 = uint8_t __attribute__((vector_size(16)));

inline Bytes16 load16(const char* p) {
  Bytes16 v;
  std::memcpy(&v, p, 16);
  return v;
}

// The first lane of `hit` that holds, or 16 when none does. On x86-64 one pmovmskb gathers
// the lanes' top bits into a 16-bit mask; elsewhere the two halves are tested as words.
template <class Lanes>
std::size_t first_lane(Lanes hit) {
#if defined(__SSE2__)
  const auto mask = static_cast<unsigned>(_mm_movemask_epi8(reinterpret_cast<__m128i>(hit)));
  return static_cast<std::size_t>(std::countr_zero(mask | 0x10000u));
#else
  uint64_t half[2];
  std::memcpy(half, &hit, 16);
  if (half[0] != 0) return static_cast<std::size_t>(std::countr_zero(half[0])) / 8;
  if (half[1] != 0) return 8 + static_cast<std::size_t>(std::countr_zero(half[1])) / 8;
  return 16;
#endif
}

// Lanes of the 16 bytes at `p` that are blanks (' ', '\t').
inline auto blank_lanes(const char* p) {
  const Bytes16 v = load16(p);
  return (v == ' ') | (v == '\t');
}

// Where `s` has its first control byte (is_control()), or npos. A line break counts, so on
// the reader's buffer this is also where the line ends: one pass finds both, and every byte
// read passes here. On an x86-64 CPU with AVX2 (asked once, at start-up) 32 bytes at a time,
// else 16: first_control_byte_16().
std::size_t first_control_byte(std::string_view s);
// The same, 16 bytes at a time on any CPU: what first_control_byte() runs without AVX2, and
// the reference its AVX2 scan is tested against.
std::size_t first_control_byte_16(std::string_view s);

}  // namespace sbm
