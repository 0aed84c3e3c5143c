// The trace fields of every event sbm writes, each written out once (spec/trace-format.md,
// "Event lines"): for each event struct of model/balance_event.h and for TaskEvent
// (model/sim/workload.h), which event name it prints as, which member the line's CPU column
// holds, its irq context, and its `name=value` items in the order they are printed, each with
// the member it carries and how the value prints and parses. The writer (traces/trace_write.cpp)
// prints the items in this order, the reader (traces/trace_events_read.cpp) reads each one by
// name back into its member, and the tests compare what a trace carries through the same
// tables.
//
// An item is one of the descriptors below; a table is a std::tuple of them, walked with
// std::apply. Names and enum values come from traces/trace_names.h and traces/trace_event_id.h.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "model/balance_event.h"
#include "model/cpumask.h"
#include "model/sim/workload.h"
#include "traces/trace_event_id.h"
#include "traces/trace_names.h"

namespace sbm::trace_fields {

// --- Items: one `name=value` each (a descriptor says how its value prints and parses).

// An integer in decimal: any integer member, or a std::optional of one (see IfPresent).
template <class E, class M>
struct Number {
  std::string_view name;
  M E::*member;
};

// A boolean as 0 or 1.
template <class E>
struct Flag {
  std::string_view name;
  bool E::*member;
};

// Text up to the next blank (a domain's name, a lock site); empty is `name=`.
template <class E>
struct Text {
  std::string_view name;
  std::string E::*member;
};

// A CPU set as a cpulist; empty is `name=`.
template <class E>
struct Cpulist {
  std::string_view name;
  CpuMask E::*member;
};

// An enum value by its name in a NameTable of traces/trace_names.h.
template <class E, class V, std::size_t N>
struct Named {
  std::string_view name;
  V E::*member;
  const NameTable<V, N>* table;
};

// An enum value by name, where older sbm traces printed a 0/1 flag `legacy` instead (read
// as `if_set` or `if_clear` when the line has `legacy` and not `name`).
template <class E, class V, std::size_t N>
struct NamedOrLegacyFlag {
  Named<E, V, N> named;
  std::string_view legacy;
  V if_set;
  V if_clear;
};

// Two integers as `before->after`.
template <class E, class M>
struct Transition {
  std::string_view name;
  M E::*before;
  M E::*after;
};

// (cpu, value) pairs as `cpu:value,cpu:value` (empty: none).
template <class E>
struct CpuValuePairs {
  std::string_view name;
  std::vector<std::pair<int, uint64_t>> E::*member;
};

// --- Items the writer prints for the kernel's layout and the reader leaves.

// `comm=task<pid>` (the kernel's comm; a simulated task is named after its pid). Not read: a
// kernel's comm may hold blanks.
template <class E>
struct Comm {
  static constexpr std::string_view name = "comm";
  int E::*pid;
};

// `prio=120` (the kernel's prio; every simulated task is a nice-0 CFS task). Not read.
struct Prio {
  static constexpr std::string_view name = "prio";
};

// `[action=NAME]` after a softirq's `vec`: the vector's name in softirq_name[]
// (kernel/softirq.c), SCHED for the profile's SCHED_SOFTIRQ, else `?`. Stepped over when read:
// read_trace_event() keeps only SCHED softirqs.
template <class E>
struct SoftirqAction {
  static constexpr std::string_view name = "action";
  int E::*vec;
};

// --- Groups of items.

// Items printed and read only for the events `applies` accepts (TaskEvent: by kind).
template <class E, class... Items>
struct When {
  bool (*applies)(const E&);
  std::tuple<Items...> items;
};

// Items sbm added to an event after traces were written without them, or that a kernel's own
// line lacks: read only when the line has the first one (else the members keep their
// defaults). Printed always, or, when the first item's member is a std::optional, when it
// holds a value.
template <class... Items>
struct IfPresent {
  std::tuple<Items...> items;
};

// --- The line's CPU column and irq context.

// ftrace's irq-info column for the event: in the tick (hardirq), in the SCHED softirq, or in
// task context (traces/trace_write.cpp prints them).
enum class IrqContext { Hardirq, Softirq, Task };

// The schema of one event type: `id` (or `id_of(e)`), `cpu` (the member the CPU column holds,
// set from it when read, before the items; or `cpu_of(e)`, a column the reader ignores),
// `context` (or `context_of(e)`), and `items`.
template <class E>
struct Schema;

template <>
struct Schema<TickEvent> {
  using E = TickEvent;
  static constexpr TraceEventId id = TraceEventId::Tick;
  static constexpr auto cpu = &E::cpu;
  static constexpr IrqContext context = IrqContext::Hardirq;
  static constexpr std::tuple items{Number{"cpu", &E::cpu},
                                    Number{"jiffies", &E::jiffies},
                                    Flag{"idle", &E::idle},
                                    Number{"next_balance", &E::next_balance},
                                    Flag{"attached", &E::attached},
                                    Flag{"active", &E::active},
                                    Flag{"nohz_defers", &E::nohz_defers}};
};

// `source` is sbm's: the kernel's softirq_raise does not say who raised it.
template <>
struct Schema<SoftirqRaiseEvent> {
  using E = SoftirqRaiseEvent;
  static constexpr TraceEventId id = TraceEventId::SoftirqRaise;
  static constexpr auto cpu = &E::cpu;
  static constexpr IrqContext context = IrqContext::Hardirq;
  static constexpr std::tuple items{
      Number{"vec", &E::vec}, SoftirqAction{&E::vec},
      IfPresent{std::tuple{Named{"source", &E::source, &kRaiseSourceNames}}}};
};

template <>
struct Schema<SoftirqEntryEvent> {
  using E = SoftirqEntryEvent;
  static constexpr TraceEventId id = TraceEventId::SoftirqEntry;
  static constexpr auto cpu = &E::cpu;
  static constexpr IrqContext context = IrqContext::Softirq;
  static constexpr std::tuple items{Number{"vec", &E::vec}, SoftirqAction{&E::vec}};
};

template <>
struct Schema<SoftirqExitEvent> {
  using E = SoftirqExitEvent;
  static constexpr TraceEventId id = TraceEventId::SoftirqExit;
  static constexpr auto cpu = &E::cpu;
  static constexpr IrqContext context = IrqContext::Softirq;
  static constexpr std::tuple items{Number{"vec", &E::vec}, SoftirqAction{&E::vec}};
};

template <>
struct Schema<PassStartEvent> {
  using E = PassStartEvent;
  static constexpr TraceEventId id = TraceEventId::Pass;
  static constexpr auto cpu = &E::executing_cpu;
  static constexpr IrqContext context = IrqContext::Softirq;
  static constexpr std::tuple items{Number{"cpu", &E::cpu},
                                    Named{"idle", &E::idle, &kCpuIdleTypeNames},
                                    Flag{"busy", &E::busy},
                                    Number{"jiffies", &E::jiffies},
                                    Number{"next_balance", &E::rq_next_balance},
                                    Number{"horizon", &E::next_balance_start}};
};

// Traces written before balance_interval and busy lack them: INT-2 then has nothing to check.
template <>
struct Schema<DomainVisitEvent> {
  using E = DomainVisitEvent;
  static constexpr TraceEventId id = TraceEventId::Domain;
  static constexpr auto cpu = &E::cpu;
  static constexpr IrqContext context = IrqContext::Softirq;
  static constexpr std::tuple items{
      Number{"cpu", &E::cpu},
      Number{"level", &E::level},
      Text{"name", &E::name},
      Number{"jiffies", &E::jiffies},
      Number{"interval", &E::interval},
      Number{"last_balance", &E::last_balance},
      Flag{"due", &E::due},
      IfPresent{
          std::tuple{Number{"balance_interval", &E::balance_interval}, Flag{"busy", &E::busy}}}};
};

template <>
struct Schema<DomainSkipEvent> {
  using E = DomainSkipEvent;
  static constexpr TraceEventId id = TraceEventId::DomainSkip;
  static constexpr auto cpu = &E::cpu;
  static constexpr IrqContext context = IrqContext::Softirq;
  static constexpr std::tuple items{Number{"cpu", &E::cpu}, Number{"level", &E::level},
                                    Named{"reason", &E::reason, &kDomainSkipReasonNames}};
};

// The column is the CPU executing the balance; `cpu=` the rq being balanced.
template <>
struct Schema<SerializeEvent> {
  using E = SerializeEvent;
  static constexpr TraceEventId id = TraceEventId::Serialize;
  static constexpr auto cpu = &E::cpu;
  static constexpr IrqContext context = IrqContext::Softirq;
  static constexpr std::tuple items{Number{"cpu", &E::for_cpu}, Number{"level", &E::level},
                                    Named{"action", &E::action, &kSerializeActionNames},
                                    Number{"holder", &E::holder}};
};

template <>
struct Schema<BalanceResultEvent> {
  using E = BalanceResultEvent;
  static constexpr TraceEventId id = TraceEventId::Result;
  static constexpr auto cpu = &E::cpu;
  static constexpr IrqContext context = IrqContext::Softirq;
  static constexpr std::tuple items{
      Number{"cpu", &E::cpu},
      Number{"level", &E::level},
      Named{"idle", &E::idle, &kCpuIdleTypeNames},
      Number{"moved", &E::moved},
      Flag{"serialize_busy", &E::serialize_busy},
      Flag{"continue", &E::continue_balancing},
      Number{"last_balance", &E::last_balance},
      Number{"interval", &E::interval},
      Transition{"balance_interval", &E::balance_interval_before, &E::balance_interval_after}};
};

template <>
struct Schema<NextBalanceCandidateEvent> {
  using E = NextBalanceCandidateEvent;
  static constexpr TraceEventId id = TraceEventId::Candidate;
  static constexpr auto cpu = &E::cpu;
  static constexpr IrqContext context = IrqContext::Softirq;
  static constexpr std::tuple items{Number{"cpu", &E::cpu}, Number{"level", &E::level},
                                    Number{"candidate", &E::candidate}, Flag{"taken", &E::taken},
                                    Number{"next_balance", &E::next_balance}};
};

template <>
struct Schema<NextBalanceWriteEvent> {
  using E = NextBalanceWriteEvent;
  static constexpr TraceEventId id = TraceEventId::NextBalance;
  static constexpr auto cpu = &E::cpu;
  static constexpr IrqContext context = IrqContext::Softirq;
  static constexpr std::tuple items{Number{"cpu", &E::cpu}, Number{"old", &E::old_value},
                                    Number{"new", &E::new_value}, Flag{"written", &E::written}};
};

template <>
struct Schema<RqLockEvent> {
  using E = RqLockEvent;
  static constexpr TraceEventId id = TraceEventId::RqLock;
  static constexpr auto cpu = &E::cpu;
  static constexpr IrqContext context = IrqContext::Softirq;
  static constexpr std::tuple items{Number{"rq", &E::rq},
                                    Named{"action", &E::action, &kRqLockActionNames},
                                    Text{"site", &E::site}};
};

// include/trace/events/sched.h: sched_migrate_task, plus what sbm knows of why. Traces
// written before `reason` carried `hotplug=0|1` (no affinity moves were traced).
template <>
struct Schema<TaskMigrateEvent> {
  using E = TaskMigrateEvent;
  static constexpr TraceEventId id = TraceEventId::Migrate;
  static constexpr auto cpu = &E::executing_cpu;
  static constexpr IrqContext context_of(const E& e) {
    return e.active ? IrqContext::Task : IrqContext::Softirq;
  }
  static constexpr std::tuple items{
      Comm{&E::pid},
      Number{"pid", &E::pid},
      Prio{},
      Number{"orig_cpu", &E::from_cpu},
      Number{"dest_cpu", &E::to_cpu},
      Number{"balance_cpu", &E::cpu},
      Number{"level", &E::level},
      Flag{"active", &E::active},
      Cpulist{"allowed", &E::cpus_allowed},
      NamedOrLegacyFlag{Named{"reason", &E::reason, &kMigrateReasonNames}, "hotplug",
                        MigrateReason::Hotplug, MigrateReason::Balance},
      Number{"balance_seq", &E::balance_seq}};
};

template <>
struct Schema<DetachPassEvent> {
  using E = DetachPassEvent;
  static constexpr TraceEventId id = TraceEventId::Detach;
  static constexpr auto cpu = &E::cpu;
  static constexpr IrqContext context = IrqContext::Softirq;
  static constexpr std::tuple items{
      Number{"cpu", &E::cpu},           Number{"level", &E::level},
      Number{"src_cpu", &E::src_cpu},   Number{"dst_cpu", &E::dst_cpu},
      Number{"round", &E::round},       Number{"src_nr_running", &E::src_nr_running},
      Number{"limit", &E::limit},       Number{"examined", &E::examined},
      Number{"detached", &E::detached}, Number{"balance_seq", &E::balance_seq}};
};

// Printed on the CPU doing the work: the pushing CPU's stopper kicks, the busiest CPU runs.
template <>
struct Schema<ActiveBalanceEvent> {
  using E = ActiveBalanceEvent;
  static constexpr TraceEventId id = TraceEventId::Active;
  static constexpr int cpu_of(const E& e) {
    return e.action == ActiveBalanceAction::Kick ? e.push_cpu : e.busiest_cpu;
  }
  static constexpr IrqContext context = IrqContext::Task;
  static constexpr std::tuple items{Named{"action", &E::action, &kActiveBalanceActionNames},
                                    Number{"busiest_cpu", &E::busiest_cpu},
                                    Number{"push_cpu", &E::push_cpu}, Number{"pid", &E::pid}};
};

template <>
struct Schema<NohzIdleEvent> {
  using E = NohzIdleEvent;
  static constexpr TraceEventId id = TraceEventId::NohzIdle;
  static constexpr auto cpu = &E::cpu;
  static constexpr IrqContext context = IrqContext::Task;
  static constexpr std::tuple items{Flag{"enter", &E::enter},
                                    Number{"jiffies", &E::jiffies},
                                    Number{"next_balance", &E::rq_next_balance},
                                    Number{"nohz_next_balance", &E::nohz_next_balance},
                                    Flag{"needs_update", &E::needs_update},
                                    Number{"load_balancer", &E::load_balancer}};
};

template <>
struct Schema<NohzKickEvent> {
  using E = NohzKickEvent;
  static constexpr TraceEventId id = TraceEventId::NohzKick;
  static constexpr auto cpu = &E::cpu;
  static constexpr IrqContext context = IrqContext::Hardirq;
  static constexpr std::tuple items{
      Number{"target", &E::target},
      Number{"flags", &E::flags},
      Number{"jiffies", &E::jiffies},
      Transition{"nohz_next_balance", &E::next_balance_before, &E::next_balance_after},
      Flag{"ipi", &E::ipi},
      Flag{"needs_update", &E::needs_update}};
};

template <>
struct Schema<IlbBalanceEvent> {
  using E = IlbBalanceEvent;
  static constexpr TraceEventId id = TraceEventId::Ilb;
  static constexpr auto cpu = &E::ilb_cpu;
  static constexpr IrqContext context = IrqContext::Softirq;
  static constexpr std::tuple items{Number{"cpu", &E::cpu}, Flag{"ilb_idle", &E::ilb_idle},
                                    Number{"jiffies", &E::jiffies}};
};

// next_balance: nohz.next_balance (3.3+) or the owner's rq->next_balance (2.6.21-3.2).
template <>
struct Schema<IlbPassEndEvent> {
  using E = IlbPassEndEvent;
  static constexpr TraceEventId id = TraceEventId::IlbEnd;
  static constexpr auto cpu = &E::ilb_cpu;
  static constexpr IrqContext context = IrqContext::Softirq;
  static constexpr std::tuple items{Number{"flags", &E::flags},
                                    Flag{"complete", &E::complete},
                                    Number{"jiffies", &E::jiffies},
                                    Cpulist{"candidates", &E::candidates},
                                    Cpulist{"skipped_busy", &E::skipped_busy},
                                    CpuValuePairs{"folded", &E::folded},
                                    Transition{"next_balance", &E::before, &E::after}};
};

template <>
struct Schema<HotplugEvent> {
  using E = HotplugEvent;
  static constexpr TraceEventId id = TraceEventId::Hotplug;
  static constexpr auto cpu = &E::cpu;
  static constexpr IrqContext context = IrqContext::Task;
  static constexpr std::tuple items{Number{"cpu", &E::cpu}, Flag{"online", &E::online}};
};

// The workload's task events, one event name per kind (sched_wakeup_new / sched_wakeup are
// the kernel's names). Fork's allowed/load_weight/util are sbm's additions to
// sched_wakeup_new; a kernel's line lacks them and keeps TaskEvent's defaults.
inline constexpr std::array<std::pair<TaskEventKind, TraceEventId>, 5> kTaskEventIds{{
    {TaskEventKind::Fork, TraceEventId::Fork},
    {TaskEventKind::Wake, TraceEventId::Wake},
    {TaskEventKind::Sleep, TraceEventId::Sleep},
    {TaskEventKind::Exit, TraceEventId::Exit},
    {TaskEventKind::SetAffinity, TraceEventId::Affinity},
}};

template <>
struct Schema<TaskEvent> {
  using E = TaskEvent;
  static constexpr TraceEventId id_of(const E& e) {
    for (const auto& [kind, id] : kTaskEventIds)
      if (kind == e.kind) return id;
    return TraceEventId::Unknown;
  }
  static constexpr auto cpu = &E::cpu;
  static constexpr IrqContext context = IrqContext::Task;
  static constexpr bool fork(const E& e) { return e.kind == TaskEventKind::Fork; }
  static constexpr bool placed(const E& e) {
    return e.kind == TaskEventKind::Fork || e.kind == TaskEventKind::Wake;
  }
  static constexpr bool set_affinity(const E& e) { return e.kind == TaskEventKind::SetAffinity; }
  static constexpr std::tuple items{
      Comm{&E::pid},
      Number{"pid", &E::pid},
      Prio{},
      When{placed, std::tuple{Number{"target_cpu", &E::cpu}}},
      When{fork, std::tuple{IfPresent{std::tuple{Cpulist{"allowed", &E::cpus_allowed}}},
                            IfPresent{std::tuple{Number{"load_weight", &E::load_weight}}},
                            IfPresent{std::tuple{Number{"util", &E::util}}}}},
      When{set_affinity, std::tuple{Cpulist{"allowed", &E::cpus_allowed}}}};
};

// --- Walking a schema.

// Calls f(item) for every item of the tuple, in order.
template <class Tuple, class F>
constexpr void for_each_item(const Tuple& items, F&& f) {
  std::apply([&f](const auto&... item) { (f(item), ...); }, items);
}

// The line's CPU column of `e`.
template <class E>
constexpr int cpu_column(const E& e) {
  if constexpr (requires { Schema<E>::cpu_of(e); })
    return Schema<E>::cpu_of(e);
  else
    return e.*Schema<E>::cpu;
}

template <class E>
constexpr IrqContext irq_context(const E& e) {
  if constexpr (requires { Schema<E>::context_of(e); })
    return Schema<E>::context_of(e);
  else
    return Schema<E>::context;
}

template <class E>
constexpr TraceEventId event_id(const E& e) {
  if constexpr (requires { Schema<E>::id_of(e); })
    return Schema<E>::id_of(e);
  else
    return Schema<E>::id;
}

}  // namespace sbm::trace_fields
