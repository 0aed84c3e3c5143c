#include "traces/topology_dump/lines.h"

#include <array>
#include <cctype>
#include <charconv>

namespace sbm {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// "<7>": the printk level as `dmesg -r` and serial consoles show it.
bool strip_printk_level(std::string_view& s) {
  if (s.size() < 3 || s.front() != '<') return false;
  const size_t close = s.find('>');
  if (close == std::string_view::npos || close < 2 || close > 4) return false;
  for (size_t i = 1; i < close; ++i)
    if (!is_digit(s[i])) return false;
  s.remove_prefix(close + 1);
  return true;
}

// "[    1.234567]", "[  T123]", "[Mon Jan  1 00:00:00 2024]" (dmesg -T): a short
// bracketed stamp made of digits, letters, blanks and ".:+-", with at least one digit.
bool strip_bracket_stamp(std::string_view& s) {
  if (s.empty() || s.front() != '[') return false;
  const size_t close = s.find(']');
  if (close == std::string_view::npos || close < 2 || close > 48) return false;
  bool digit = false;
  for (size_t i = 1; i < close; ++i) {
    const char c = s[i];
    if (is_digit(c))
      digit = true;
    else if (!is_alpha(c) && !is_blank(c) && c != '.' && c != ':' && c != '+' && c != '-')
      return false;
  }
  if (!digit) return false;
  s.remove_prefix(close + 1);
  return true;
}

// "hh:mm:ss" at the front of s.
bool take_clock(std::string_view& s) {
  if (s.size() < 8) return false;
  for (size_t i : {0, 1, 3, 4, 6, 7})
    if (!is_digit(s[i])) return false;
  if (s[2] != ':' || s[5] != ':') return false;
  s.remove_prefix(8);
  return true;
}

// "Jan  1 00:00:00 host " (BSD syslog, journalctl's short format).
bool strip_bsd_syslog(std::string_view& s) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::string_view t = s;
  bool month = false;
  for (std::string_view m : kMonths) {
    if (consume(t, m)) {
      month = true;
      break;
    }
  }
  if (!month || t.empty() || !is_blank(t.front())) return false;
  t = skip_blanks(t);
  if (take_digits(t).empty() || t.empty() || !is_blank(t.front())) return false;
  t = skip_blanks(t);
  if (!take_clock(t) || t.empty() || !is_blank(t.front())) return false;
  if (take_word(t).empty()) return false;  // host
  s = t;
  return true;
}

// "2024-01-01T00:00:00.123456+00:00 host " (RFC 3339 syslog).
bool strip_rfc3339_syslog(std::string_view& s) {
  std::string_view t = s;
  if (take_digits(t).size() != 4 || !consume(t, "-") || take_digits(t).size() != 2 ||
      !consume(t, "-") || take_digits(t).size() != 2 || !consume(t, "T") || !take_clock(t))
    return false;
  while (!t.empty() && !is_blank(t.front())) t.remove_prefix(1);  // fraction and zone
  if (take_word(t).empty()) return false;                         // host
  s = t;
  return true;
}

// "kernel:" as syslog tags kernel messages.
bool strip_kernel_tag(std::string_view& s) {
  std::string_view t = s;
  if (!consume(t, "kernel:") || (!t.empty() && !is_blank(t.front()))) return false;
  s = t;
  return true;
}

}  // namespace

bool is_blank(char c) { return c == ' ' || c == '\t'; }

bool is_hex_digit(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string_view skip_blanks(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  return s;
}

std::string_view trim(std::string_view s) {
  s = skip_blanks(s);
  while (!s.empty() && (is_blank(s.back()) || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool consume(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

std::string_view take_digits(std::string_view& s) {
  size_t n = 0;
  while (n < s.size() && is_digit(s[n])) ++n;
  const std::string_view digits = s.substr(0, n);
  s.remove_prefix(n);
  return digits;
}

std::string_view take_until(std::string_view& s, std::string_view stops) {
  size_t n = 0;
  while (n < s.size() && !is_blank(s[n]) && stops.find(s[n]) == std::string_view::npos) ++n;
  const std::string_view out = s.substr(0, n);
  s.remove_prefix(n);
  return out;
}

std::string_view take_word(std::string_view& s) {
  s = skip_blanks(s);
  return take_until(s, {});
}

std::optional<uint64_t> parse_decimal(std::string_view s, uint64_t max) {
  if (s.empty()) return std::nullopt;
  for (char c : s)
    if (!is_digit(c)) return std::nullopt;
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || value > max) return std::nullopt;
  return value;
}

std::string quoted(std::string_view text) {
  constexpr size_t kShown = 60;
  std::string out = "'";
  for (size_t i = 0; i < text.size() && i < kShown; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    out += std::isprint(c) ? static_cast<char>(c) : '?';
  }
  if (text.size() > kShown) out += "...";
  out += '\'';
  return out;
}

std::string_view strip_log_prefixes(std::string_view line) {
  std::string_view s = line;
  while (true) {
    s = skip_blanks(s);
    if (!s.empty() && s.front() == '>') {  // mail quoting, one level at a time
      s.remove_prefix(1);
      continue;
    }
    if (strip_printk_level(s) || strip_bracket_stamp(s) || strip_bsd_syslog(s) ||
        strip_rfc3339_syslog(s) || strip_kernel_tag(s))
      continue;
    break;
  }
  return trim(s);
}

std::vector<DumpLine> split_dump_lines(std::string_view text) {
  std::vector<DumpLine> lines;
  int number = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    lines.push_back(DumpLine{++number, strip_log_prefixes(text.substr(pos, end - pos))});
    pos = end + 1;
  }
  return lines;
}

}  // namespace sbm
