// The events sbm reads by name, classified once per line (TraceRecord::id) so that the
// mainline checker and the replay dispatch on a number instead of comparing names per event
// (spec/trace-format.md, "Reading"). The names themselves are the ones the writer prints
// (traces/trace_write.cpp) and the kernel's tracepoints use.
#pragma once

#include <cstdint>
#include <string_view>

namespace sbm {

// Event names. softirq_*, sched_migrate_task, sched_switch, sched_waking, sched_wakeup(_new)
// and sched_process_exit are the kernel's own tracepoints (include/trace/events/irq.h,
// include/trace/events/sched.h, v6.17); sched_balance_* are sbm's.
namespace trace_event {
inline constexpr std::string_view kTick = "sched_balance_tick";
inline constexpr std::string_view kSoftirqRaise = "softirq_raise";
inline constexpr std::string_view kSoftirqEntry = "softirq_entry";
inline constexpr std::string_view kSoftirqExit = "softirq_exit";
inline constexpr std::string_view kPass = "sched_balance_pass";
inline constexpr std::string_view kDomain = "sched_balance_domain";
inline constexpr std::string_view kDomainSkip = "sched_balance_domain_skip";
inline constexpr std::string_view kSerialize = "sched_balance_serialize";
inline constexpr std::string_view kResult = "sched_balance_result";
inline constexpr std::string_view kCandidate = "sched_balance_candidate";
inline constexpr std::string_view kNextBalance = "sched_balance_next_balance";
inline constexpr std::string_view kRqLock = "sched_balance_rq_lock";
inline constexpr std::string_view kMigrate = "sched_migrate_task";
inline constexpr std::string_view kDetach = "sched_balance_detach";
inline constexpr std::string_view kActive = "sched_balance_active";
inline constexpr std::string_view kNohzIdle = "sched_balance_nohz_idle";
inline constexpr std::string_view kNohzKick = "sched_balance_nohz_kick";
inline constexpr std::string_view kIlb = "sched_balance_ilb";
inline constexpr std::string_view kIlbEnd = "sched_balance_ilb_end";
inline constexpr std::string_view kHotplug = "sched_balance_hotplug";
// The workload's task events.
inline constexpr std::string_view kFork = "sched_wakeup_new";
inline constexpr std::string_view kWake = "sched_wakeup";
inline constexpr std::string_view kSleep = "sched_balance_task_sleep";
inline constexpr std::string_view kExit = "sched_process_exit";
inline constexpr std::string_view kAffinity = "sched_balance_task_affinity";
// Mainline events sbm does not write but reads in a kernel's trace.
inline constexpr std::string_view kSwitch = "sched_switch";
inline constexpr std::string_view kWaking = "sched_waking";
}  // namespace trace_event

// One value per name above, in the same order; Unknown for every other event.
enum class TraceEventId : uint8_t {
  Unknown,
  Tick,
  SoftirqRaise,
  SoftirqEntry,
  SoftirqExit,
  Pass,
  Domain,
  DomainSkip,
  Serialize,
  Result,
  Candidate,
  NextBalance,
  RqLock,
  Migrate,
  Detach,
  Active,
  NohzIdle,
  NohzKick,
  Ilb,
  IlbEnd,
  Hotplug,
  Fork,
  Wake,
  Sleep,
  Exit,
  Affinity,
  Switch,
  Waking,
};
inline constexpr std::size_t kTraceEventIds = static_cast<std::size_t>(TraceEventId::Waking) + 1;

// The event's name without perf script's "subsystem:" prefix ("sched:sched_switch").
std::string_view bare_trace_event_name(std::string_view event);

// The id of a bare event name: one hash and one comparison.
TraceEventId trace_event_id(std::string_view bare_name);

// The name of `id` ("" for Unknown).
std::string_view trace_event_name(TraceEventId id);

// sched_balance_*: sbm's own events (their names all start so, known to this table or not).
constexpr bool is_sbm_trace_event(std::string_view bare_name) {
  return bare_name.starts_with("sched_balance_");
}
// The same for a known event, from a table made of the names once.
bool is_sbm_trace_event(TraceEventId id);

}  // namespace sbm
