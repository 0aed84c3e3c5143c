#include "traces/trace_events_read.h"

#include <array>
#include <charconv>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>

#include "traces/softirq_fields.h"
#include "traces/trace_event_fields.h"

namespace sbm {

namespace {

// The fields of one event, read by name; the first problem is kept as the event's error and
// every later read returns a default, so a reader function reads straight through.
// A line in the writer's own layout is read in order (InOrderFields); at the first item off
// that layout the rest of the line is read by TraceFields, from where the in-order read stopped.
class FieldReader {
 public:
  // `in_order` false reads every line the way any layout is read (read_trace_event_the_long_way()).
  FieldReader(std::string_view event, std::string_view text, TraceFields& fields, bool in_order)
      : event_(event), ordered_(in_order), in_order_(text), fields_(fields) {}

  const std::string& error() const { return error_; }
  // For the sbm fields a mainline event may lack (a kernel's own trace).
  // The lookups are forced inline so that each reader's keys are constants there
  // (TraceFields::find_value()).
  [[gnu::always_inline]] bool has(std::string_view key) {
    if (ordered_ && in_order_.at(key)) return true;
    leave_order();
    return fields_.find_value(key) != nullptr;
  }

  // The value of `key`, null when missing (a pointer, not an optional: see
  // TraceFields::find_value()). A `key=` with nothing after it (an empty cpulist, an empty
  // name) is an empty value; parse_trace_fields() leaves it as a value-less token "key=".
  [[gnu::always_inline]] const std::string_view* text(std::string_view key) {
    if (ordered_ && in_order_.text(key, value_)) return &value_;
    leave_order();
    if (const std::string_view* v = fields_.find_value(key)) return v;
    return empty_or_missing(key);
  }

  // A plain number is read in the same pass that finds its end; anything else (a sign where T
  // has none, too many digits, a value that is not a number) goes the long way.
  template <class T>
  [[gnu::always_inline]] T number(std::string_view key) {
    T out{};
    if (ordered_ && in_order_.number(key, out)) return out;
    leave_order();
    return fields_.number_at_cursor(key, out) != 0 ? out : number_the_long_way<T>(key);
  }

  // An item the event does not keep, next in the writer's layout: the items after it are then
  // read in order too. Off that layout, nothing to do: TraceFields finds items by key.
  void step_over(std::string_view key) {
    if (ordered_) in_order_.step_over(key);
  }

  // "0" or "1"; a one-digit number is settled without a second look.
  [[gnu::always_inline]] bool flag(std::string_view key) {
    bool set = false;
    if (ordered_ && in_order_.flag(key, set)) return set;
    leave_order();
    unsigned digit = 0;
    if (fields_.number_at_cursor(key, digit) == 1 && digit <= 1) return digit == 1;
    return flag_the_long_way(key);
  }

  std::string str(std::string_view key) {
    const std::string_view* v = text(key);
    return v ? std::string(*v) : std::string();
  }

  CpuMask mask(std::string_view key) {
    const std::string_view* v = text(key);
    if (!v || v->empty()) return CpuMask{};
    MaskParse p = parse_cpulist(*v);
    if (!p.mask) fail(key, "expected a cpulist, found '" + std::string(*v) + "': " + p.error);
    return p.mask.value_or(CpuMask{});
  }

  template <class E, std::size_t N>
  E named(std::string_view key, const NameTable<E, N>& table) {
    const std::string_view* v = text(key);
    if (!v) return table.front().first;
    if (std::optional<E> e = value_of(table, *v)) return *e;
    std::string known;
    for (const auto& [value, name] : table)
      known += (known.empty() ? "" : ", ") + std::string(name);
    fail(key, "expected one of " + known + ", found '" + std::string(*v) + "'");
    return table.front().first;
  }

  // "before->after".
  template <class T>
  std::pair<T, T> transition(std::string_view key) {
    const std::string_view* v = text(key);
    if (!v) return {};
    const std::size_t arrow = v->find("->");
    if (arrow == std::string_view::npos) {
      fail(key, "expected before->after, found '" + std::string(*v) + "'");
      return {};
    }
    return {parse_number<T>(key, v->substr(0, arrow)), parse_number<T>(key, v->substr(arrow + 2))};
  }

  // "cpu:value,cpu:value" (empty: none).
  std::vector<std::pair<int, uint64_t>> pairs(std::string_view key) {
    std::vector<std::pair<int, uint64_t>> out;
    const std::string_view* found = text(key);
    std::string_view v = found ? *found : std::string_view{};
    while (!v.empty()) {
      const std::size_t comma = v.find(',');
      const std::string_view item = v.substr(0, comma);
      const std::size_t colon = item.find(':');
      if (colon == std::string_view::npos) {
        fail(key, "expected cpu:value, found '" + std::string(item) + "'");
        break;
      }
      out.emplace_back(parse_number<int>(key, item.substr(0, colon)),
                       parse_number<uint64_t>(key, item.substr(colon + 1)));
      v = comma == std::string_view::npos ? std::string_view{} : v.substr(comma + 1);
    }
    return out;
  }

 private:
  // The rest of the line is read by TraceFields, from the first item not read in order.
  void leave_order() {
    if (!ordered_) return;
    ordered_ = false;
    fields_.seek(in_order_.offset());
  }

  [[gnu::noinline]] bool flag_the_long_way(std::string_view key) {
    const std::string_view* v = text(key);
    if (!v) return false;
    const char c = v->size() == 1 ? v->front() : '?';
    if (c != '0' && c != '1') fail(key, "expected 0 or 1, found '" + std::string(*v) + "'");
    return c == '1';
  }

  [[gnu::noinline]] const std::string_view* empty_or_missing(std::string_view key) {
    static constexpr std::string_view kEmpty;
    for (const TraceField& f : fields_.all())
      if (!f.has_value && f.key.size() == key.size() + 1 && f.key.starts_with(key) &&
          f.key.back() == '=')
        return &kEmpty;
    fail(key, "missing");
    return nullptr;
  }

  template <class T>
  [[gnu::noinline]] T number_the_long_way(std::string_view key) {
    const std::string_view* v = text(key);
    return v ? parse_number<T>(key, *v) : T{};
  }

  template <class T>
  T parse_number(std::string_view key, std::string_view v) {
    T out{};
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
    if (ec != std::errc{} || end != v.data() + v.size() || v.empty())
      fail(key, "expected an integer, found '" + std::string(v) + "'");
    return out;
  }

  void fail(std::string_view key, const std::string& why) {
    if (error_.empty()) error_ = std::string(event_) + ": field " + std::string(key) + ": " + why;
  }

  std::string_view event_;
  bool ordered_;  // every item so far was read in order
  InOrderFields in_order_;
  std::string_view value_;  // text() read in order
  TraceFields& fields_;
  std::string error_;
};

// Reads the items of an event's field table (traces/trace_event_fields.h) into `e`, in the
// writer's order.
template <class E>
class ItemReader {
 public:
  ItemReader(E& e, FieldReader& f) : e_(e), f_(f) {}

  template <class M>
  [[gnu::always_inline]] void operator()(const trace_fields::Number<E, M>& item) {
    if constexpr (requires { typename M::value_type; })
      e_.*item.member = f_.number<typename M::value_type>(item.name);
    else
      e_.*item.member = f_.number<M>(item.name);
  }
  [[gnu::always_inline]] void operator()(const trace_fields::Flag<E>& item) {
    e_.*item.member = f_.flag(item.name);
  }
  [[gnu::always_inline]] void operator()(const trace_fields::Text<E>& item) {
    e_.*item.member = f_.str(item.name);
  }
  [[gnu::always_inline]] void operator()(const trace_fields::Cpulist<E>& item) {
    e_.*item.member = f_.mask(item.name);
  }
  template <class V, std::size_t N>
  [[gnu::always_inline]] void operator()(const trace_fields::Named<E, V, N>& item) {
    e_.*item.member = f_.named(item.name, *item.table);
  }
  template <class V, std::size_t N>
  [[gnu::always_inline]] void operator()(const trace_fields::NamedOrLegacyFlag<E, V, N>& item) {
    if (!f_.has(item.named.name) && f_.has(item.legacy))
      e_.*item.named.member = f_.flag(item.legacy) ? item.if_set : item.if_clear;
    else
      (*this)(item.named);
  }
  template <class M>
  [[gnu::always_inline]] void operator()(const trace_fields::Transition<E, M>& item) {
    std::tie(e_.*item.before, e_.*item.after) = f_.transition<M>(item.name);
  }
  [[gnu::always_inline]] void operator()(const trace_fields::CpuValuePairs<E>& item) {
    e_.*item.member = f_.pairs(item.name);
  }
  [[gnu::always_inline]] void operator()(const trace_fields::Comm<E>&) {}
  [[gnu::always_inline]] void operator()(const trace_fields::Prio&) {}
  // SCHED: read_event() kept no other.
  [[gnu::always_inline]] void operator()(const trace_fields::SoftirqAction<E>& item) {
    f_.step_over(item.name);
  }
  template <class... Items>
  [[gnu::always_inline]] void operator()(const trace_fields::When<E, Items...>& group) {
    if (group.applies(e_)) all(group.items);
  }
  template <class... Items>
  [[gnu::always_inline]] void operator()(const trace_fields::IfPresent<Items...>& group) {
    if (f_.has(std::get<0>(group.items).name)) all(group.items);
  }

  // Item by item, each forced inline so that its key is a constant where FieldReader compares
  // it (as in a reader written out by hand).
  template <class Tuple>
  [[gnu::always_inline]] void all(const Tuple& items) {
    all(items, std::make_index_sequence<std::tuple_size_v<Tuple>>{});
  }

 private:
  template <class Tuple, std::size_t... I>
  [[gnu::always_inline]] void all(const Tuple& items, std::index_sequence<I...>) {
    ((*this)(std::get<I>(items)), ...);
  }

  E& e_;
  FieldReader& f_;
};

// `cpu` is the line's CPU column.
template <class E>
[[gnu::always_inline]] inline void read_items(E& e, int cpu, FieldReader& f) {
  if constexpr (requires { trace_fields::Schema<E>::cpu; }) e.*trace_fields::Schema<E>::cpu = cpu;
  ItemReader<E>(e, f).all(trace_fields::Schema<E>::items);
}

template <class E>
BalanceEvent read_balance(int cpu, FieldReader& f) {
  E e;
  read_items(e, cpu, f);
  return e;
}

TaskEvent read_task(TaskEventKind kind, int cpu, FieldReader& f) {
  TaskEvent e;
  e.kind = kind;
  read_items(e, cpu, f);
  return e;
}

using BalanceReader = BalanceEvent (*)(int cpu, FieldReader& f);

// Indexed by TraceEventId: the reader of each balance event, null for the others.
template <std::size_t... I>
constexpr std::array<BalanceReader, kTraceEventIds> balance_readers(std::index_sequence<I...>) {
  std::array<BalanceReader, kTraceEventIds> r{};
  ((r[static_cast<std::size_t>(
        trace_fields::Schema<std::variant_alternative_t<I, BalanceEvent>>::id)] =
        read_balance<std::variant_alternative_t<I, BalanceEvent>>),
   ...);
  return r;
}
constexpr std::array<BalanceReader, kTraceEventIds> kBalanceReaders =
    balance_readers(std::make_index_sequence<std::variant_size_v<BalanceEvent>>{});

// Indexed by TraceEventId: the kind of each task event, none for the others.
constexpr std::array<std::optional<TaskEventKind>, kTraceEventIds> kTaskEventKinds = [] {
  std::array<std::optional<TaskEventKind>, kTraceEventIds> k{};
  for (const auto& [kind, id] : trace_fields::kTaskEventIds) k[static_cast<std::size_t>(id)] = kind;
  return k;
}();

bool is_softirq(TraceEventId id) {
  return id == TraceEventId::SoftirqRaise || id == TraceEventId::SoftirqEntry ||
         id == TraceEventId::SoftirqExit;
}

// What read_trace_event() and read_trace_event_the_long_way() share.
void read_event(const TraceRecord& r, TraceFields& fields, bool in_order, TraceEventRead& out) {
  out.kind = TraceEventKind::Other;
  if (r.kind != TraceRecordKind::Event) return;
  const BalanceReader balance = kBalanceReaders[static_cast<std::size_t>(r.id)];
  const std::optional<TaskEventKind> task = kTaskEventKinds[static_cast<std::size_t>(r.id)];
  if (!balance && !task) return;
  // Only the SCHED softirq belongs to balancing; NET_RX and the rest are someone else's.
  if (is_softirq(r.id) && read_softirq_fields(r.fields, fields).action != kSchedSoftirqAction)
    return;
  fields.reset(r.fields);
  FieldReader f(r.event, r.fields, fields, in_order);
  if (balance)
    out.balance = balance(r.cpu, f);
  else
    out.task = read_task(*task, r.cpu, f);
  if (!f.error().empty()) {
    out.kind = TraceEventKind::Malformed;
    out.error = f.error();
  } else {
    out.kind = balance ? TraceEventKind::Balance : TraceEventKind::Task;
  }
}

}  // namespace

void read_trace_event(const TraceRecord& r, TraceFields& fields, TraceEventRead& out) {
  read_event(r, fields, true, out);
}

void read_trace_event_the_long_way(const TraceRecord& r, TraceFields& fields, TraceEventRead& out) {
  read_event(r, fields, false, out);
}

}  // namespace sbm
