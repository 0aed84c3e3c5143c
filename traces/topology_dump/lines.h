// Lines of a posted dump, as the readers see them: split, numbered from 1, and with the
// decorations that real posts add in front of the kernel's text removed (syslog and
// printk prefixes, mail quoting, indentation). The kernel's indentation of domain and
// group lines is redundant with the level numbers they print, so it is dropped too.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbm {

struct DumpLine {
  int number = 0;         // 1-based
  std::string_view text;  // prefixes, indentation and trailing blanks removed
};

// Splits on '\n' (a trailing '\r' is dropped) and strips each line (strip_log_prefixes).
std::vector<DumpLine> split_dump_lines(std::string_view text);

// Removes, repeatedly and in any order: mail quoting ("> ", ">> ", "> > "), printk
// levels ("<7>"), bracketed timestamps and caller ids ("[    1.234567]", "[  T1]",
// dmesg -T "[Mon Jan  1 00:00:00 2024]"), BSD syslog and journalctl prefixes
// ("Jan  1 00:00:00 host kernel: "), RFC 3339 syslog prefixes
// ("2024-01-01T00:00:00.123+00:00 host kernel: "), a bare "kernel: ", and blanks.
std::string_view strip_log_prefixes(std::string_view line);

bool is_blank(char c);  // ' ' or '\t'
bool is_hex_digit(char c);
std::string_view skip_blanks(std::string_view s);
std::string_view trim(std::string_view s);
// If s starts with prefix, removes it and returns true.
bool consume(std::string_view& s, std::string_view prefix);
// Leading decimal digits of s, removed from s; empty if s does not start with a digit.
std::string_view take_digits(std::string_view& s);
// Up to the first blank (space or tab), removed from s; leading blanks are skipped.
std::string_view take_word(std::string_view& s);
// Up to the first blank or stop character, removed from s; leading blanks are not skipped.
std::string_view take_until(std::string_view& s, std::string_view stops);

// A decimal number that must fit in max; nullopt on anything else (sign, junk, overflow).
std::optional<uint64_t> parse_decimal(std::string_view s, uint64_t max);

// "'text'" for error messages, shortened to a readable length and with control
// characters shown as '?', so hostile input cannot flood or garble a message.
std::string quoted(std::string_view text);

}  // namespace sbm
