// The field text of one trace event (what follows the event name): split into items, or read
// by key in the order the line prints them (spec/trace-format.md, "Reading").
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <vector>

namespace sbm {

// A field's value as an int: all of it, in decimal (a '-' allowed); absent when missing, empty,
// out of range or not a number.
std::optional<int> field_int(std::optional<std::string_view> value);

// One item of an event's field text. `key=value` gives both; a token without '=' (`*LLC:`,
// `R`, `==>`, `[120]`) is a value-less item: key is the token, has_value false. The kernel's
// softirq events print the action in brackets (`vec=7 [action=SCHED]`, softirq_entry,
// include/trace/events/irq.h): a bracketed `[key=value]` token loses its brackets and reads
// as the item action=SCHED. A value of a `comm`-like key (comm, prev_comm, next_comm, ...)
// runs on over following tokens that contain no '=', since a task's comm may hold spaces
// (`comm=Web Content pid=5512`).
struct TraceField {
  std::string_view key;
  std::string_view value;
  bool has_value = false;
};

// "comm" or "*_comm" (prev_comm, next_comm, parent_comm): a key whose value may hold blanks.
[[gnu::always_inline]] constexpr bool is_comm_field_key(std::string_view key) {
  // By hand, not ends_with(): it is asked on every lookup that finds its key.
  const std::size_t n = key.size();
  return n >= 4 && key[n - 4] == 'c' && key[n - 3] == 'o' && key[n - 2] == 'm' &&
         key[n - 1] == 'm' && (n == 4 || key[n - 5] == '_');
}

// Splits `text` into `out` (cleared first; its capacity is reused, so a caller keeping one
// vector parses without allocating).
void parse_trace_fields(std::string_view text, std::vector<TraceField>& out);

// The value of the first item named `key`, if it has one.
std::optional<std::string_view> find_trace_field(const std::vector<TraceField>& fields,
                                                 std::string_view key);

// Where the value starts when `key=` begins at `p` (before `end`), else null; null for a
// comm-like key too, whose value may run over blanks (cut_trace_field()). Inline, so that at a
// reader's call the key is a constant and the test compiles to a few word compares.
[[gnu::always_inline]] inline const char* value_after_key(const char* p, const char* end,
                                                          std::string_view key) {
  if (static_cast<std::size_t>(end - p) <= key.size() || p[key.size()] != '=' ||
      __builtin_memcmp(p, key.data(), key.size()) != 0 || is_comm_field_key(key))
    return nullptr;
  return p + key.size() + 1;
}

// A plain decimal T at `p`: digits (a '-' first for a signed T), no more of them than T surely
// holds, then a blank, a tab or `end`. Read in the pass that finds its end; returns that end,
// or null for anything else (the caller then reads the value the long way).
template <class T>
[[gnu::always_inline]] inline const char* read_plain_number(const char* p, const char* end,
                                                            T& out) {
  bool negative = false;
  if constexpr (std::numeric_limits<T>::is_signed) {
    if (p < end && *p == '-') {
      negative = true;
      ++p;
    }
  }
  const char* const first = p;
  // Unsigned, so that too many digits wrap (defined) before the count below rejects them.
  uint64_t value = 0;
  for (; p < end && static_cast<unsigned char>(*p - '0') < 10; ++p)
    value = value * 10 + static_cast<uint64_t>(*p - '0');
  const std::size_t digits = static_cast<std::size_t>(p - first);
  if (digits == 0 || digits > static_cast<std::size_t>(std::numeric_limits<T>::digits10) ||
      (p < end && *p != ' ' && *p != '\t'))
    return nullptr;
  out = negative ? static_cast<T>(-static_cast<T>(value)) : static_cast<T>(value);
  return p;
}

// The fields of one event, read by key. Every reader in sbm asks for them in the order the
// line prints them (the writer's order, a tracepoint's TP_printk() order), so find() looks
// forward from the last item it found (and at that one again: has() then a read): one pass
// over the text, no split. A key not found forward splits the whole text once
// (parse_trace_fields()) and is searched there. For a line that names no key twice, find()
// answers what find_trace_field() on the split text answers, in any order of lookups.
class TraceFields {
 public:
  // Starts on a new event's field text (keeps the split vector's capacity).
  void reset(std::string_view text);
  std::optional<std::string_view> find(std::string_view key) {
    const std::string_view* v = find_value(key);
    return v ? std::optional<std::string_view>(*v) : std::nullopt;
  }
  // The same as a pointer (null: not found) into this object, valid until reset(): returned
  // in a register, where an optional comes back through memory on every lookup. `key` is a
  // field name: no blank, no '='.
  // Inline, so that at a reader's call the key is a constant and the in-place test of the
  // common case (the next item is `key=...`) compiles to a few word compares.
  [[gnu::always_inline]] const std::string_view* find_value(std::string_view key) {
    if (last_.has_value && last_.key == key) return &last_.value;
    const std::size_t v = key_at_cursor(key);
    return v != std::string_view::npos ? take_value(key, v) : find_value_slow(key);
  }
  // The value of `key` as a decimal integer when the next item is `key=` followed by digits
  // (a '-' first for a signed T) and then a blank or the end, with no more digits than T
  // surely holds: the value is read while its end is found, one pass. Returns the value's
  // length, or 0 for anything else (the caller then reads find_value() and parses that);
  // nothing moves then.
  template <class T>
  [[gnu::always_inline]] std::size_t number_at_cursor(std::string_view key, T& out) {
    const std::size_t v = key_at_cursor(key);
    if (v == std::string_view::npos) return 0;
    const char* const d = text_.data();
    const char* const end = read_plain_number(d + v, d + text_.size(), out);
    if (end == nullptr) return 0;
    const std::size_t e = static_cast<std::size_t>(end - d);
    found(key.size(), v, e, e);
    return e - v;
  }
  // Goes on from `offset` in the text, as if the items before it had been found in order
  // (what InOrderFields hands over when a line leaves the writer's layout).
  void seek(std::size_t offset) {
    pos_ = offset;
    last_ = TraceField{};
  }
  // Every item, split on first use.
  const std::vector<TraceField>& all();

 private:
  // Where the value starts when the next item (one or more blanks after the cursor) is
  // `key=`, else npos. Not for a comm-like key, whose value may run over blanks
  // (cut_trace_field()).
  [[gnu::always_inline]] std::size_t key_at_cursor(std::string_view key) const {
    std::size_t p = pos_;
    const std::size_t n = text_.size();
    if (p < n && text_[p] == ' ') ++p;  // most items are one blank apart
    if (p < n && (text_[p] == ' ' || text_[p] == '\t')) p = skip_blanks_from(p);
    return key_at(p, key);
  }
  // Where the value starts when `key=` begins at `p`, else npos (also for a comm-like key).
  [[gnu::always_inline]] std::size_t key_at(std::size_t p, std::string_view key) const {
    const char* const d = text_.data();
    const char* const v =
        p < text_.size() ? value_after_key(d + p, d + text_.size(), key) : nullptr;
    return v != nullptr ? static_cast<std::size_t>(v - d) : std::string_view::npos;
  }
  // Records the item found in order: its value is [value, value_end), its key the
  // `key_size` bytes before the '=' at value - 1, and the cursor moves to `end`.
  [[gnu::always_inline]] const std::string_view* found(std::size_t key_size, std::size_t value,
                                                       std::size_t value_end, std::size_t end) {
    pos_ = end;
    // Positions the caller found inside text_: no substr() checks.
    const char* const d = text_.data();
    last_ = TraceField{std::string_view(d + value - key_size - 1, key_size),
                       std::string_view(d + value, value_end - value), true};
    return &last_.value;
  }
  std::size_t skip_blanks_from(std::size_t p) const;
  const std::string_view* take_value(std::string_view key, std::size_t value);
  const std::string_view* find_value_slow(std::string_view key);

  std::string_view text_;
  std::size_t pos_ = 0;  // after `last_`
  TraceField last_;      // the last item found in order (key empty before the first)
  bool split_ = false;
  std::vector<TraceField> all_;
};

// An event's items read in the order and layout its writer prints them: each `key=value`, one
// blank apart, from the first byte of the text. The cursor is one pointer and nothing is
// recorded per item (TraceFields keeps the item found, for a second look), so a line on that
// layout costs a key compare and the value's bytes per item. Each read answers only when the next
// item is the key asked for, and then exactly what TraceFields answers for it; otherwise it answers
// nothing and moves nothing, and the caller goes on with TraceFields::seek(offset()), which reads
// any layout.
class InOrderFields {
 public:
  explicit InOrderFields(std::string_view text)
      : begin_(text.data()), at_(begin_), end_(begin_ + text.size()) {}

  // Whether the next item is `key=`; the cursor stays (a read of it follows).
  [[gnu::always_inline]] bool at(std::string_view key) const {
    return value_after_key(at_, end_, key) != nullptr;
  }

  template <class T>
  [[gnu::always_inline]] bool number(std::string_view key, T& out) {
    const char* const v = value_after_key(at_, end_, key);
    const char* const end = v != nullptr ? read_plain_number(v, end_, out) : nullptr;
    if (end == nullptr) return false;
    step_to(end);
    return true;
  }

  // A one-byte value 0 or 1.
  [[gnu::always_inline]] bool flag(std::string_view key, bool& out) {
    const char* const v = value_after_key(at_, end_, key);
    if (v == nullptr || v == end_ || (*v != '0' && *v != '1') ||
        (v + 1 < end_ && v[1] != ' ' && v[1] != '\t'))
      return false;
    out = *v == '1';
    step_to(v + 1);
    return true;
  }

  // The value of `[key=value]` next (the softirq events' `[action=SCHED]`), as TraceFields
  // reads a bracketed item: the token ends in ']', which the value leaves out.
  [[gnu::always_inline]] bool bracketed(std::string_view key, std::string_view& out) {
    if (at_ == end_ || *at_ != '[') return false;
    InOrderFields inside = *this;
    ++inside.at_;
    if (!inside.text(key, out) || out.empty() || out.back() != ']') return false;
    out.remove_suffix(1);
    at_ = inside.at_;
    return true;
  }

  // Steps over the next item, unread, when it is `key=...` or `[key=...]`; an item the event's
  // reader does not keep, so that the items after it are read in order too.
  bool step_over(std::string_view key) {
    std::string_view unused;
    return text(key, unused) || bracketed(key, unused);
  }

  // The value of `key=` up to the next blank or tab (TraceFields' take_value()).
  [[gnu::always_inline]] bool text(std::string_view key, std::string_view& out) {
    const char* const v = value_after_key(at_, end_, key);
    if (v == nullptr) return false;
    const char* end = v;
    while (end < end_ && *end != ' ' && *end != '\t') ++end;
    out = std::string_view(v, static_cast<std::size_t>(end - v));
    step_to(end);
    return true;
  }

  // Where the cursor is, from the start of the text.
  std::size_t offset() const { return static_cast<std::size_t>(at_ - begin_); }

 private:
  // Past a value ending at `end` and the one blank after it. Any other separator (a tab, a
  // second blank) stops the next key compare, and the caller leaves for TraceFields.
  [[gnu::always_inline]] void step_to(const char* end) { at_ = end + (end < end_ && *end == ' '); }

  const char* begin_;
  const char* at_;
  const char* end_;
};

}  // namespace sbm
