#include "traces/trace_fields.h"

#include <charconv>

#include "traces/trace_text.h"

namespace sbm {

namespace {

// a == b for the short keys of trace fields, without a call to memcmp() per lookup.
inline bool same_key(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// The item of `text` at or after `pos` (blanks before it skipped), as parse_trace_fields()
// splits it; pos moves past it. False at the end of the text. Inline in the loops below, so
// the item stays in registers (storing it through a reference and reading it back stalled
// every lookup on store forwarding).
inline bool cut_trace_field(std::string_view text, std::size_t& pos, TraceField& out) {
  const std::size_t n = text.size();
  pos = skip_blanks(text, pos);
  if (pos == n) return false;
  std::size_t start = pos;
  std::size_t eq = std::string_view::npos;  // the token's first '='
  pos = find_delimiter(text, pos, true);
  if (pos < n && text[pos] == '=') {
    eq = pos;
    pos = find_delimiter(text, pos + 1, false);
  }
  std::size_t end = pos;
  if (eq != std::string_view::npos && text[start] == '[' && text[end - 1] == ']' &&
      end - start > 2) {
    ++start;
    --end;
  }
  if (eq == std::string_view::npos || eq == start || eq >= end) {
    out = TraceField{text.substr(start, end - start), {}, false};
    return true;
  }
  const std::string_view key = text.substr(start, eq - start);
  if (is_comm_field_key(key)) {
    // A comm may hold blanks: its value runs to the last token before one with '='.
    std::size_t look = pos;
    for (std::string_view more = next_token(text, look);
         !more.empty() && more.find('=') == std::string_view::npos; more = next_token(text, look))
      end = pos = look;
  }
  out = TraceField{key, text.substr(eq + 1, end - eq - 1), true};
  return true;
}

// The first item named `key` with a value: what find_trace_field() and the split fallback of
// TraceFields::find_value() both search.
const TraceField* first_field(const std::vector<TraceField>& fields, std::string_view key) {
  for (const TraceField& f : fields)
    if (f.has_value && same_key(f.key, key)) return &f;
  return nullptr;
}

}  // namespace

std::optional<int> field_int(std::optional<std::string_view> value) {
  if (!value || value->empty()) return std::nullopt;
  int v = 0;
  const char* end = value->data() + value->size();
  const auto [p, ec] = std::from_chars(value->data(), end, v);
  if (ec != std::errc() || p != end) return std::nullopt;
  return v;
}

void parse_trace_fields(std::string_view text, std::vector<TraceField>& out) {
  out.clear();
  std::size_t pos = 0;
  TraceField f;
  while (cut_trace_field(text, pos, f)) out.push_back(f);
}

std::optional<std::string_view> find_trace_field(const std::vector<TraceField>& fields,
                                                 std::string_view key) {
  const TraceField* f = first_field(fields, key);
  return f ? std::optional<std::string_view>(f->value) : std::nullopt;
}

void TraceFields::reset(std::string_view text) {
  text_ = text;
  pos_ = 0;
  last_ = TraceField{};
  split_ = false;
}

std::size_t TraceFields::skip_blanks_from(std::size_t p) const { return skip_blanks(text_, p); }

const std::string_view* TraceFields::take_value(std::string_view key, std::size_t value) {
  const std::size_t end = find_delimiter(text_, value, false);
  return found(key.size(), value, end, end);
}

const std::string_view* TraceFields::find_value_slow(std::string_view key) {
  std::size_t p = skip_blanks(text_, pos_);
  // `[key=value]` next (the softirq events' `[action=SCHED]`): it loses its brackets, as
  // cut_trace_field() reads it; without the closing one the item is named "[key".
  if (p < text_.size() && text_[p] == '[') {
    if (const std::size_t value = key_at(p + 1, key); value != std::string_view::npos) {
      const std::size_t end = find_delimiter(text_, value, false);
      if (text_[end - 1] == ']') return found(key.size(), value, end - 1, end);
    }
  }
  TraceField f;
  while (cut_trace_field(text_, p, f)) {
    if (f.has_value && same_key(f.key, key)) {
      pos_ = p;
      last_ = f;
      return &last_.value;
    }
  }
  // Not after the last item found: before it, or nowhere.
  const TraceField* earlier = first_field(all(), key);
  return earlier ? &earlier->value : nullptr;
}

const std::vector<TraceField>& TraceFields::all() {
  if (!split_) {
    parse_trace_fields(text_, all_);
    split_ = true;
  }
  return all_;
}

}  // namespace sbm
