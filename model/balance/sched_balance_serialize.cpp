#include "model/balance/sched_balance_serialize.h"

namespace sbm {

namespace {

void emit_busy(const SchedBalanceRunning& token, int executing_cpu, int for_cpu, int level,
               BalanceEventSink& sink) {
  sink.emit(SerializeEvent{executing_cpu, for_cpu, level, SerializeAction::Busy, token.holder});
}

// The store that makes `executing_cpu` the holder.
void take(SchedBalanceRunning& token, int executing_cpu, int for_cpu, int level,
          BalanceEventSink& sink) {
  token = SchedBalanceRunning{executing_cpu, for_cpu, level};
  sink.emit(SerializeEvent{executing_cpu, for_cpu, level, SerializeAction::Acquire, executing_cpu});
}

}  // namespace

bool serialize_try_acquire(SchedBalanceRunning& token, int executing_cpu, int for_cpu, int level,
                           BalanceEventSink& sink) {
  if (token.held()) {
    emit_busy(token, executing_cpu, for_cpu, level, sink);
    return false;
  }
  take(token, executing_cpu, for_cpu, level, sink);
  return true;
}

bool serialize_caller(const Profile& p, CpuIdleType idle) {
  return idle != CpuIdleType::NewlyIdle || p.serialize_newidle;
}

SerializePc serialize_step(const Profile& p, SchedBalanceRunning& token, SerializePc pc,
                           CpuIdleType idle, int executing_cpu, int for_cpu, int level,
                           BalanceEventSink& sink) {
  switch (pc) {
    case SerializePc::Outside:
      if (!serialize_caller(p, idle)) return SerializePc::Unserialized;
      // Registry "check-then-set": the test and the set are two steps.
      if (is_mutant(p, Mutant::CheckThenSet)) {
        if (!token.held()) return SerializePc::Checked;
        emit_busy(token, executing_cpu, for_cpu, level, sink);
        return SerializePc::Outside;
      }
      if (serialize_try_acquire(token, executing_cpu, for_cpu, level, sink))
        return SerializePc::Inside;
      // Registry "trylock-fail-balances": the "goto out" after a failed trylock is missing.
      return is_mutant(p, Mutant::TrylockFailBalances) ? SerializePc::Inside : SerializePc::Outside;
    case SerializePc::Checked:
      take(token, executing_cpu, for_cpu, level, sink);
      return SerializePc::Inside;
    case SerializePc::Inside:
      serialize_release(token, executing_cpu, for_cpu, level, sink);
      return SerializePc::Outside;
    case SerializePc::Unserialized:
      return SerializePc::Outside;
  }
  return pc;
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
  if (!serialize_caller(p, idle)) return SerializeTry::NotNeeded;
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
