#include "traces/trace_events_read.h"

#include <array>
#include <charconv>
#include <optional>
#include <string_view>
#include <tuple>

#include "traces/softirq_fields.h"
#include "traces/trace_names.h"

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
    for (const auto& [value, name] : table) known += (known.empty() ? "" : ", ") + std::string(name);
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
      out.emplace_back(parse_number<int>(key, item.substr(0, colon)), parse_number<uint64_t>(key, item.substr(colon + 1)));
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
      if (!f.has_value && f.key.size() == key.size() + 1 && f.key.starts_with(key) && f.key.back() == '=')
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

// One function per event the writer produces (traces/trace_write.cpp, TraceWriter::event and
// task_event), reading the fields in the writer's order. `cpu` is the line's CPU column.

BalanceEvent read_tick(int, FieldReader& f) {
  TickEvent e;
  e.cpu = f.number<int>("cpu");
  e.jiffies = f.number<uint64_t>("jiffies");
  e.idle = f.flag("idle");
  e.next_balance = f.number<uint64_t>("next_balance");
  e.attached = f.flag("attached");
  e.active = f.flag("active");
  e.nohz_defers = f.flag("nohz_defers");
  return e;
}

BalanceEvent read_softirq_raise(int cpu, FieldReader& f) {
  SoftirqRaiseEvent e{cpu, f.number<int>("vec"), RaiseSource::Trigger};
  f.step_over("action");  // SCHED: read_trace_event() kept no other
  if (f.has("source")) e.source = f.named("source", kRaiseSourceNames);
  return e;
}

BalanceEvent read_softirq_entry(int cpu, FieldReader& f) { return SoftirqEntryEvent{cpu, f.number<int>("vec")}; }
BalanceEvent read_softirq_exit(int cpu, FieldReader& f) { return SoftirqExitEvent{cpu, f.number<int>("vec")}; }

BalanceEvent read_pass(int cpu, FieldReader& f) {
  PassStartEvent e;
  e.executing_cpu = cpu;
  e.cpu = f.number<int>("cpu");
  e.idle = f.named("idle", kCpuIdleTypeNames);
  e.busy = f.flag("busy");
  e.jiffies = f.number<uint64_t>("jiffies");
  e.rq_next_balance = f.number<uint64_t>("next_balance");
  e.next_balance_start = f.number<uint64_t>("horizon");
  return e;
}

BalanceEvent read_domain(int, FieldReader& f) {
  DomainVisitEvent e;
  e.cpu = f.number<int>("cpu");
  e.level = f.number<int>("level");
  e.name = f.str("name");
  e.jiffies = f.number<uint64_t>("jiffies");
  e.interval = f.number<uint64_t>("interval");
  e.last_balance = f.number<uint64_t>("last_balance");
  e.due = f.flag("due");
  // Traces written before these fields lack them: INT-2 then has nothing to check.
  if (f.has("balance_interval")) {
    e.balance_interval = f.number<unsigned>("balance_interval");
    e.busy = f.flag("busy");
  }
  return e;
}

BalanceEvent read_domain_skip(int, FieldReader& f) {
  DomainSkipEvent e;
  e.cpu = f.number<int>("cpu");
  e.level = f.number<int>("level");
  e.reason = f.named("reason", kDomainSkipReasonNames);
  return e;
}

BalanceEvent read_serialize(int cpu, FieldReader& f) {
  SerializeEvent e;
  e.cpu = cpu;
  e.for_cpu = f.number<int>("cpu");
  e.level = f.number<int>("level");
  e.action = f.named("action", kSerializeActionNames);
  e.holder = f.number<int>("holder");
  return e;
}

BalanceEvent read_result(int, FieldReader& f) {
  BalanceResultEvent e;
  e.cpu = f.number<int>("cpu");
  e.level = f.number<int>("level");
  e.idle = f.named("idle", kCpuIdleTypeNames);
  e.moved = f.number<int>("moved");
  e.serialize_busy = f.flag("serialize_busy");
  e.continue_balancing = f.flag("continue");
  e.last_balance = f.number<uint64_t>("last_balance");
  e.interval = f.number<uint64_t>("interval");
  std::tie(e.balance_interval_before, e.balance_interval_after) = f.transition<unsigned>("balance_interval");
  return e;
}

BalanceEvent read_candidate(int, FieldReader& f) {
  NextBalanceCandidateEvent e;
  e.cpu = f.number<int>("cpu");
  e.level = f.number<int>("level");
  e.candidate = f.number<uint64_t>("candidate");
  e.taken = f.flag("taken");
  e.next_balance = f.number<uint64_t>("next_balance");
  return e;
}

BalanceEvent read_next_balance(int, FieldReader& f) {
  NextBalanceWriteEvent e;
  e.cpu = f.number<int>("cpu");
  e.old_value = f.number<uint64_t>("old");
  e.new_value = f.number<uint64_t>("new");
  e.written = f.flag("written");
  return e;
}

BalanceEvent read_rq_lock(int cpu, FieldReader& f) {
  RqLockEvent e;
  e.cpu = cpu;
  e.rq = f.number<int>("rq");
  e.action = f.named("action", kRqLockActionNames);
  e.site = f.str("site");
  return e;
}

BalanceEvent read_migrate(int cpu, FieldReader& f) {
  TaskMigrateEvent e;
  e.executing_cpu = cpu;
  e.pid = f.number<int>("pid");
  e.from_cpu = f.number<int>("orig_cpu");
  e.to_cpu = f.number<int>("dest_cpu");
  e.cpu = f.number<int>("balance_cpu");
  e.level = f.number<int>("level");
  e.active = f.flag("active");
  e.cpus_allowed = f.mask("allowed");
  // Traces written before `reason` carried `hotplug=0|1` (no affinity moves were traced).
  if (!f.has("reason") && f.has("hotplug"))
    e.reason = f.flag("hotplug") ? MigrateReason::Hotplug : MigrateReason::Balance;
  else
    e.reason = f.named("reason", kMigrateReasonNames);
  e.balance_seq = f.number<uint64_t>("balance_seq");
  return e;
}

BalanceEvent read_detach(int, FieldReader& f) {
  DetachPassEvent e;
  e.cpu = f.number<int>("cpu");
  e.level = f.number<int>("level");
  e.src_cpu = f.number<int>("src_cpu");
  e.dst_cpu = f.number<int>("dst_cpu");
  e.round = f.number<int>("round");
  e.src_nr_running = f.number<unsigned>("src_nr_running");
  e.limit = f.number<unsigned>("limit");
  e.examined = f.number<unsigned>("examined");
  e.detached = f.number<unsigned>("detached");
  e.balance_seq = f.number<uint64_t>("balance_seq");
  return e;
}

BalanceEvent read_active(int, FieldReader& f) {
  ActiveBalanceEvent e;
  e.action = f.named("action", kActiveBalanceActionNames);
  e.busiest_cpu = f.number<int>("busiest_cpu");
  e.push_cpu = f.number<int>("push_cpu");
  e.pid = f.number<int>("pid");
  return e;
}

BalanceEvent read_nohz_idle(int cpu, FieldReader& f) {
  NohzIdleEvent e;
  e.cpu = cpu;
  e.enter = f.flag("enter");
  e.jiffies = f.number<uint64_t>("jiffies");
  e.rq_next_balance = f.number<uint64_t>("next_balance");
  e.nohz_next_balance = f.number<uint64_t>("nohz_next_balance");
  e.needs_update = f.flag("needs_update");
  e.load_balancer = f.number<int>("load_balancer");
  return e;
}

BalanceEvent read_nohz_kick(int cpu, FieldReader& f) {
  NohzKickEvent e;
  e.cpu = cpu;
  e.target = f.number<int>("target");
  e.flags = f.number<unsigned>("flags");
  e.jiffies = f.number<uint64_t>("jiffies");
  std::tie(e.next_balance_before, e.next_balance_after) = f.transition<uint64_t>("nohz_next_balance");
  e.ipi = f.flag("ipi");
  e.needs_update = f.flag("needs_update");
  return e;
}

BalanceEvent read_ilb(int cpu, FieldReader& f) {
  IlbBalanceEvent e;
  e.ilb_cpu = cpu;
  e.cpu = f.number<int>("cpu");
  e.ilb_idle = f.flag("ilb_idle");
  e.jiffies = f.number<uint64_t>("jiffies");
  return e;
}

BalanceEvent read_ilb_end(int cpu, FieldReader& f) {
  IlbPassEndEvent e;
  e.ilb_cpu = cpu;
  e.flags = f.number<unsigned>("flags");
  e.complete = f.flag("complete");
  e.jiffies = f.number<uint64_t>("jiffies");
  e.candidates = f.mask("candidates");
  e.skipped_busy = f.mask("skipped_busy");
  e.folded = f.pairs("folded");
  std::tie(e.before, e.after) = f.transition<uint64_t>("next_balance");
  return e;
}

BalanceEvent read_hotplug(int, FieldReader& f) {
  HotplugEvent e;
  e.cpu = f.number<int>("cpu");
  e.online = f.flag("online");
  return e;
}

// The workload's task events. Fork's allowed/load_weight/util are sbm's additions to
// sched_wakeup_new; a kernel's line lacks them and keeps TaskEvent's defaults.
TaskEvent read_task(TaskEventKind kind, int cpu, FieldReader& f) {
  TaskEvent e;
  e.kind = kind;
  e.cpu = cpu;
  e.pid = f.number<int>("pid");
  if (kind == TaskEventKind::Fork || kind == TaskEventKind::Wake) e.cpu = f.number<int>("target_cpu");
  if (kind == TaskEventKind::SetAffinity || (kind == TaskEventKind::Fork && f.has("allowed")))
    e.cpus_allowed = f.mask("allowed");
  if (kind == TaskEventKind::Fork && f.has("load_weight")) e.load_weight = f.number<unsigned long>("load_weight");
  if (kind == TaskEventKind::Fork && f.has("util")) e.util = f.number<unsigned long>("util");
  return e;
}

using BalanceReader = BalanceEvent (*)(int cpu, FieldReader& f);

// Indexed by TraceEventId: the reader of each balance event, null for the others.
constexpr std::array<BalanceReader, kTraceEventIds> kBalanceReaders = [] {
  std::array<BalanceReader, kTraceEventIds> r{};
  auto set = [&r](TraceEventId id, BalanceReader f) { r[static_cast<std::size_t>(id)] = f; };
  set(TraceEventId::Tick, read_tick);
  set(TraceEventId::SoftirqRaise, read_softirq_raise);
  set(TraceEventId::SoftirqEntry, read_softirq_entry);
  set(TraceEventId::SoftirqExit, read_softirq_exit);
  set(TraceEventId::Pass, read_pass);
  set(TraceEventId::Domain, read_domain);
  set(TraceEventId::DomainSkip, read_domain_skip);
  set(TraceEventId::Serialize, read_serialize);
  set(TraceEventId::Result, read_result);
  set(TraceEventId::Candidate, read_candidate);
  set(TraceEventId::NextBalance, read_next_balance);
  set(TraceEventId::RqLock, read_rq_lock);
  set(TraceEventId::Migrate, read_migrate);
  set(TraceEventId::Detach, read_detach);
  set(TraceEventId::Active, read_active);
  set(TraceEventId::NohzIdle, read_nohz_idle);
  set(TraceEventId::NohzKick, read_nohz_kick);
  set(TraceEventId::Ilb, read_ilb);
  set(TraceEventId::IlbEnd, read_ilb_end);
  set(TraceEventId::Hotplug, read_hotplug);
  return r;
}();

std::optional<TaskEventKind> task_event_kind(TraceEventId id) {
  switch (id) {
    case TraceEventId::Fork: return TaskEventKind::Fork;
    case TraceEventId::Wake: return TaskEventKind::Wake;
    case TraceEventId::Sleep: return TaskEventKind::Sleep;
    case TraceEventId::Exit: return TaskEventKind::Exit;
    case TraceEventId::Affinity: return TaskEventKind::SetAffinity;
    default: return std::nullopt;
  }
}

bool is_softirq(TraceEventId id) {
  return id == TraceEventId::SoftirqRaise || id == TraceEventId::SoftirqEntry || id == TraceEventId::SoftirqExit;
}

// What read_trace_event() and read_trace_event_the_long_way() share.
void read_event(const TraceRecord& r, TraceFields& fields, bool in_order, TraceEventRead& out) {
  out.kind = TraceEventKind::Other;
  if (r.kind != TraceRecordKind::Event) return;
  const BalanceReader balance = kBalanceReaders[static_cast<std::size_t>(r.id)];
  const std::optional<TaskEventKind> task = task_event_kind(r.id);
  if (!balance && !task) return;
  // Only the SCHED softirq belongs to balancing; NET_RX and the rest are someone else's.
  if (is_softirq(r.id) && read_softirq_fields(r.fields, fields).action != kSchedSoftirqAction) return;
  fields.reset(r.fields);
  FieldReader f(r.event, r.fields, fields, in_order);
  if (balance) out.balance = balance(r.cpu, f);
  else out.task = read_task(*task, r.cpu, f);
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
