#include "model/sched_balance_serialize.h"

namespace sbm {

bool serialize_try_acquire(SchedBalanceRunning& token, int executing_cpu, int for_cpu, int level,
                           BalanceEventSink& sink) {
  if (token.held()) {
    sink.emit(SerializeEvent{executing_cpu, for_cpu, level, SerializeAction::Busy, token.holder});
    return false;
  }
  token = SchedBalanceRunning{executing_cpu, for_cpu, level};
  sink.emit(SerializeEvent{executing_cpu, for_cpu, level, SerializeAction::Acquire, executing_cpu});
  return true;
}

void serialize_release(SchedBalanceRunning& token, int executing_cpu, int for_cpu, int level,
                       BalanceEventSink& sink) {
  const int previous = token.holder;
  token = SchedBalanceRunning{};
  sink.emit(SerializeEvent{executing_cpu, for_cpu, level, SerializeAction::Release, previous});
}

SerializeTry sched_balance_rq_serialize(const Profile& p, SchedBalanceRunning& token,
                                        const SdFlags& sd_flags, CpuIdleType idle,
                                        int executing_cpu, int for_cpu, int level,
                                        bool& need_unlock, BalanceEventSink& sink) {
  if (p.serialize_placement != SerializePlacement::InSchedBalanceRq) return SerializeTry::NotNeeded;
  if (need_unlock) return SerializeTry::AlreadyHeld;
  if (!sd_flags.has(SdFlag::Serialize)) return SerializeTry::NotNeeded;
  if (idle == CpuIdleType::NewlyIdle && !p.serialize_newidle) return SerializeTry::NotNeeded;
  if (!serialize_try_acquire(token, executing_cpu, for_cpu, level, sink)) return SerializeTry::Busy;
  need_unlock = true;
  return SerializeTry::Acquired;
}

void sched_balance_rq_unserialize(SchedBalanceRunning& token, int executing_cpu, int for_cpu,
                                  int level, bool& need_unlock, BalanceEventSink& sink) {
  if (!need_unlock) return;
  serialize_release(token, executing_cpu, for_cpu, level, sink);
  need_unlock = false;
}

}  // namespace sbm
