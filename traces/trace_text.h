// Small text helpers shared by the trace readers (trace_line_read.cpp, trace_fields.cpp,
// trace_header.cpp): digits, blanks, tokens. Internal to traces/; inline, since every byte of
// every line passes through them.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string_view>

#include "traces/byte_scan.h"

namespace sbm {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_alnum(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Without trailing blanks: four at a time first, since a pid is padded to 7 columns ("%-7d").
inline std::string_view trim_right(std::string_view s) {
  std::size_t n = s.size();
  while (n >= 4) {
    uint32_t w;
    std::memcpy(&w, s.data() + n - 4, 4);
    if (w != 0x20202020u) break;
    n -= 4;
  }
  while (n > 0 && is_space(s[n - 1])) --n;
  return s.substr(0, n);
}

// Whole of `s` as plain decimal digits (no sign, no blanks); nullopt for anything else or
// for more digits than T surely holds.
template <class T>
std::optional<T> to_number(std::string_view s) {
  if (s.empty() || s.size() > static_cast<std::size_t>(std::numeric_limits<T>::digits10))
    return std::nullopt;
  T v = 0;
  for (const char c : s) {
    if (!is_digit(c)) return std::nullopt;
    v = static_cast<T>(v * 10 + static_cast<T>(c - '0'));
  }
  return v;
}

// The first non-blank of `t` at or after `pos`, or t.size(). Columns are padded with runs of
// blanks (a comm right-aligned to 16, a pid to 7): 16 bytes at a time while they last.
inline std::size_t skip_blanks(std::string_view t, std::size_t pos) {
  const std::size_t n = t.size();
  const char* const d = t.data();
  // Most items are one blank apart: settle that before the vectors.
  if (pos >= n || !is_space(d[pos])) return pos;
  if (++pos >= n || !is_space(d[pos])) return pos;
  for (; pos + 16 <= n; pos += 16)
    if (const std::size_t lane = first_lane(~blank_lanes(d + pos)); lane != 16) return pos + lane;
  while (pos < n && is_space(d[pos])) ++pos;
  return pos;
}

inline std::string_view trim_left(std::string_view s) { return s.substr(skip_blanks(s, 0)); }

// Byte classes for cutting items: every byte of every line passes through one of these
// loops, so a table lookup replaces the comparisons.
enum ByteClass : uint8_t { kOther, kBlank, kEquals };
inline constexpr std::array<uint8_t, 256> kByteClass = [] {
  std::array<uint8_t, 256> c{};
  c[' '] = kBlank;
  c['\t'] = kBlank;
  c['='] = kEquals;
  return c;
}();

// The first blank of `t` at or after `pos`, with `stop_at_eq` the first blank or '=', or
// t.size().
inline std::size_t find_delimiter(std::string_view t, std::size_t pos, bool stop_at_eq) {
  const std::size_t n = t.size();
  const char* d = t.data();
  if (stop_at_eq) {
    while (pos < n && kByteClass[static_cast<uint8_t>(d[pos])] == kOther) ++pos;
    return pos;
  }
  // A token (a timestamp, an event name, a cpulist) is often 8 bytes or more: 16 at a time.
  for (; pos + 16 <= n; pos += 16)
    if (const std::size_t lane = first_lane(blank_lanes(d + pos)); lane != 16) return pos + lane;
  while (pos < n && kByteClass[static_cast<uint8_t>(d[pos])] != kBlank) ++pos;
  return pos;
}

// Next blank-separated token of `t` from `pos` (blanks before it skipped); pos moves past it.
[[gnu::always_inline]] inline std::string_view next_token(std::string_view t, std::size_t& pos) {
  pos = skip_blanks(t, pos);
  const std::size_t start = pos;
  pos = find_delimiter(t, pos, false);
  return t.substr(start, pos - start);
}

}  // namespace sbm
