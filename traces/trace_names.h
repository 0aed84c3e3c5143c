// The names sbm's trace format gives to the enum values inside its events' fields
// (spec/trace-format.md; the event names are in traces/trace_event_id.h). The writer
// (traces/trace_write.cpp) prints them and the reader (traces/trace_events_read.cpp) maps them
// back, both from these tables, so the two can never disagree.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

#include "model/balance_event.h"
#include "traces/trace_event_id.h"

namespace sbm {

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
