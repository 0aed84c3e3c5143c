// The names sbm's trace format gives to events and to the enum values inside their fields
// (spec/trace-format.md). The writer (traces/trace_write.cpp) prints them and the reader
// (traces/trace_events_read.cpp) maps them back, both from these tables, so the two can never
// disagree.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

#include "model/balance_event.h"

namespace sbm {

// Event names. softirq_*, sched_migrate_task, sched_wakeup(_new) and sched_process_exit are
// the kernel's own tracepoints (include/trace/events/irq.h, include/trace/events/sched.h,
// v6.17); sched_balance_* are sbm's.
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
}  // namespace trace_event

// The SCHED softirq's name in softirq_name[] (kernel/softirq.c), printed as [action=SCHED].
inline constexpr std::string_view kSchedSoftirqAction = "SCHED";

template <class E, std::size_t N>
using NameTable = std::array<std::pair<E, std::string_view>, N>;

inline constexpr NameTable<DomainSkipReason, 3> kDomainSkipReasonNames{{
    {DomainSkipReason::NoLoadBalanceFlag, "no_load_balance"},
    {DomainSkipReason::DecayOnly, "decay_only"},
    {DomainSkipReason::Break, "break"},
}};

inline constexpr NameTable<SerializeAction, 3> kSerializeActionNames{{
    {SerializeAction::Acquire, "acquire"},
    {SerializeAction::Busy, "busy"},
    {SerializeAction::Release, "release"},
}};

inline constexpr NameTable<RqLockAction, 4> kRqLockActionNames{{
    {RqLockAction::Acquire, "lock"},
    {RqLockAction::TryAcquire, "trylock"},
    {RqLockAction::TryFail, "trylock_fail"},
    {RqLockAction::Release, "unlock"},
}};

inline constexpr NameTable<ActiveBalanceAction, 2> kActiveBalanceActionNames{{
    {ActiveBalanceAction::Kick, "kick"},
    {ActiveBalanceAction::Run, "run"},
}};

// sched_migrate_task's sbm field `reason`.
inline constexpr NameTable<MigrateReason, 3> kMigrateReasonNames{{
    {MigrateReason::Balance, "balance"},
    {MigrateReason::Hotplug, "hotplug"},
    {MigrateReason::Affinity, "affinity"},
}};

// softirq_raise's sbm field `source`: the kernel's event does not say who raised it.
inline constexpr NameTable<RaiseSource, 2> kRaiseSourceNames{{
    {RaiseSource::Trigger, "trigger"},
    {RaiseSource::NohzKick, "nohz_kick"},
}};

// enum cpu_idle_type, named as the model names it (cpu_idle_type_name()).
inline const NameTable<CpuIdleType, kCpuIdleTypes> kCpuIdleTypeNames{{
    {CpuIdleType::Idle, cpu_idle_type_name(CpuIdleType::Idle)},
    {CpuIdleType::NotIdle, cpu_idle_type_name(CpuIdleType::NotIdle)},
    {CpuIdleType::NewlyIdle, cpu_idle_type_name(CpuIdleType::NewlyIdle)},
}};

template <class E, std::size_t N>
std::string_view name_of(const NameTable<E, N>& table, E value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return "?";
}

template <class E, std::size_t N>
std::optional<E> value_of(const NameTable<E, N>& table, std::string_view name) {
  for (const auto& [v, n] : table)
    if (n == name) return v;
  return std::nullopt;
}

}  // namespace sbm
