#include "traces/topology_dump/dmesg_groups.h"

#include <cctype>
#include <limits>

#include "model/cpumask.h"
#include "traces/topology_dump/lines.h"

namespace sbm {

namespace {

constexpr uint64_t kMaxCapacity = std::numeric_limits<unsigned long>::max();

// Characters a printed mask can have: cpulist digits, '-' and ',' or hex words.
bool is_mask_char(char c) { return is_hex_digit(c) || c == ',' || c == '-'; }

GroupsParse fail(std::string message) { return GroupsParse{{}, std::move(message)}; }

std::string found(std::string_view rest) { return rest.empty() ? "end of line" : quoted(rest); }

// Shared by both layouts: a group count above the CPU limit is hostile input.
bool too_many(const std::vector<RawGroup>& groups) {
  return groups.size() > static_cast<size_t>(kMaxCpus);
}

// A key as debug patches print one before '=' or ':': letters, digits, '_', '-', '.'.
bool is_item_key(std::string_view key) {
  if (key.empty()) return false;
  for (char c : key)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.')
      return false;
  return true;
}

// An item sched_domain_debug_one() does not print but debug patches add inside a group's
// braces: "key=value", or "key:" followed by its value as the next word ("cluster: false").
// Returns whether field was one (its value, for "key:", is consumed from s).
bool skip_extra_item(std::string_view field, std::string_view& s) {
  const size_t eq = field.find('=');
  if (eq != std::string_view::npos) return is_item_key(field.substr(0, eq));
  if (field.size() < 2 || field.back() != ':' || !is_item_key(field.substr(0, field.size() - 1)))
    return false;
  s = skip_blanks(s);
  if (!s.empty() && s.front() != '}') take_until(s, "}");
  return true;
}

// The body of "N:{ ... }" after "{", up to and including "}".
std::string parse_new_group_fields(std::string_view& s, RawGroup& g, int& extra_items) {
  bool have_span = false;
  while (true) {
    s = skip_blanks(s);
    if (consume(s, "}")) break;
    if (s.empty())
      return "expected '}' closing group " + std::to_string(g.id) + ", found end of line";
    const std::string_view field = take_until(s, "}");
    std::string_view value = field;
    if (consume(value, "span=")) {
      g.span = std::string(value);
      have_span = true;
    } else if (consume(value, "mask=")) {
      g.balance_mask = std::string(value);
    } else if (consume(value, "cap=")) {
      const auto cap = parse_decimal(value, kMaxCapacity);
      if (!cap) return "expected a capacity after 'cap=', found " + quoted(value);
      g.capacity = static_cast<unsigned long>(*cap);
    } else if (skip_extra_item(field, s)) {
      ++extra_items;
    } else {
      return "expected 'span=', 'mask=', 'cap=' or a 'key=value' / 'key: value' item in group " +
             std::to_string(g.id) + ", found " + quoted(field);
    }
  }
  if (!have_span) return "expected 'span=' in group " + std::to_string(g.id) + ", found none";
  return {};
}

// "(cpu_power = 4096)", "(cpu_capacity = 2048)", "(mask: 0-1)": s starts at '('.
std::string parse_old_annotation(std::string_view& s, RawGroup& g) {
  const size_t close = s.find(')');
  if (close == std::string_view::npos) return "expected ')' closing " + quoted(s);
  std::string_view body = s.substr(1, close - 1);
  s.remove_prefix(close + 1);
  const size_t sep = body.find_first_of("=:");
  if (sep == std::string_view::npos)
    return "expected '(key = value)' after a group, found " + quoted(body);
  const std::string_view key = trim(body.substr(0, sep));
  const std::string_view value = trim(body.substr(sep + 1));
  if (key == "cpu_power" || key == "__cpu_power" || key == "cpu_capacity") {
    const auto cap = parse_decimal(value, kMaxCapacity);
    if (!cap) return "expected a number after '" + std::string(key) + " =', found " + quoted(value);
    g.capacity = static_cast<unsigned long>(*cap);
    g.power_annotation = true;
    return {};
  }
  if (key == "mask") {
    g.balance_mask = std::string(value);
    return {};
  }
  return "expected cpu_power, cpu_capacity or mask in a group annotation, found " + quoted(key);
}

}  // namespace

GroupsParse parse_new_layout_groups(std::string_view s) {
  GroupsParse out;
  while (true) {
    s = skip_blanks(s);
    if (s.empty()) break;
    if (!out.groups.empty()) {
      if (!consume(s, ",")) return fail("expected ',' before the next group, found " + found(s));
      s = skip_blanks(s);
    }
    std::string_view rest = s;
    const std::string_view id = take_digits(rest);
    const auto id_value = parse_decimal(id, kMaxCpus - 1);
    if (!id_value || !consume(rest, ":{"))
      return fail("expected a group 'N:{' with N below " + std::to_string(kMaxCpus) + ", found " +
                  found(s));
    s = rest;
    RawGroup g;
    g.id = static_cast<int>(*id_value);
    if (std::string err = parse_new_group_fields(s, g, out.extra_items); !err.empty())
      return fail(err);
    out.groups.push_back(std::move(g));
    if (too_many(out.groups))
      return fail("expected at most " + std::to_string(kMaxCpus) + " groups, found more");
  }
  return out;
}

GroupsParse parse_old_layout_groups(std::string_view s) {
  GroupsParse out;
  while (true) {
    s = skip_blanks(s);
    if (s.empty()) break;
    if (s.front() == '(') {
      if (out.groups.empty()) return fail("expected a group mask before " + quoted(s));
      if (std::string err = parse_old_annotation(s, out.groups.back()); !err.empty())
        return fail(err);
      continue;
    }
    const std::string_view token = take_until(s, "([");
    bool mask_like = !token.empty();
    for (char c : token) mask_like = mask_like && is_mask_char(c);
    if (!mask_like) return fail("expected a group mask, found " + found(token.empty() ? s : token));
    RawGroup g;
    g.span = std::string(token);
    if (!s.empty() && s.front() == '[') {  // "1[128]": power in brackets
      const size_t close = s.find(']');
      const auto power = close == std::string_view::npos
                             ? std::nullopt
                             : parse_decimal(s.substr(1, close - 1), kMaxCapacity);
      if (!power)
        return fail("expected '[power]' after group " + quoted(token) + ", found " + quoted(s));
      g.capacity = static_cast<unsigned long>(*power);
      s.remove_prefix(close + 1);
    }
    out.groups.push_back(std::move(g));
    if (too_many(out.groups))
      return fail("expected at most " + std::to_string(kMaxCpus) + " groups, found more");
  }
  return out;
}

bool continues_new_layout_groups(std::string_view text) {
  return !text.empty() && text.front() == '}';
}

bool continues_old_layout_groups(std::string_view text) {
  if (text.empty() || !is_mask_char(text.front()) || text.front() == ',' || text.front() == '-')
    return false;
  const GroupsParse p = parse_old_layout_groups(text);
  return p.error.empty() && !p.groups.empty();
}

}  // namespace sbm
