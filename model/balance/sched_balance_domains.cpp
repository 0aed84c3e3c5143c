#include "model/balance/sched_balance_domains.h"

#include <algorithm>

#include "model/balance/balance_interval.h"

namespace sbm {

SchedBalanceDomains::SchedBalanceDomains(int cpu, CpuIdleType idle, int executing_cpu)
    : cpu_(cpu), executing_cpu_(executing_cpu), idle_(idle) {}

void SchedBalanceDomains::step(MachineState& m, SchedBalanceRq& balancer, BalanceEventSink& sink) {
  switch (phase_) {
    case Phase::Start:
      start(m, sink);
      break;
    case Phase::Visit:
      visit(m, sink);
      break;
    case Phase::Acquire:
      acquire(m, sink);
      break;
    case Phase::Balance:
      balance(m, balancer, sink);
      break;
    case Phase::Release:
      release(m, sink);
      break;
    case Phase::MinUpdate:
      min_update(m, sink);
      break;
    case Phase::Finish:
      finish(m, sink);
      break;
    case Phase::Done:
      break;
  }
}

void SchedBalanceDomains::run_to_completion(MachineState& m, SchedBalanceRq& balancer,
                                            BalanceEventSink& sink) {
  while (!done()) step(m, balancer, sink);
}

// Locals of rebalance_domains()/sched_balance_domains(): busy from the idle type the
// caller passed, next_balance = jiffies + 60*HZ, update_next_balance = 0.
void SchedBalanceDomains::start(MachineState& m, BalanceEventSink& sink) {
  const Profile& p = m.profile;
  const Rq& rq = m.rq(cpu_);
  busy_ = pass_cpu_busy(p, rq, idle_);
  next_balance_ = m.ops.add(m.jiffies, m.ops.lit(uint64_t{p.next_balance_horizon_s} * p.hz));
  sink.emit(PassStartEvent{cpu_, executing_cpu_, m.jiffies, idle_, busy_, next_balance_,
                           rq.next_balance});
  level_ = 0;
  phase_ = rq.sd.empty() ? Phase::Finish : Phase::Visit;
}

// The max_newidle_lb_cost decay at the top of each iteration.
//   <= 5.15: if (time_after(jiffies, sd->next_decay_max_lb_cost)) { max = max*253/256;
//            next_decay_max_lb_cost = jiffies + HZ; need_decay = 1; }   (v4.19)
//   5.16+:   update_newidle_cost(sd, 0): if (time_after(jiffies,
//            sd->last_decay_max_lb_cost + HZ)) { max = max*253/256;
//            last_decay_max_lb_cost = jiffies; return true; }         (v6.17)
// Returns whether this domain decayed.
bool SchedBalanceDomains::decay(MachineState& m, RqDomain& d) const {
  const WrapOps& o = m.ops;
  const uint64_t hz = m.profile.hz;
  switch (m.profile.need_decay) {
    case NeedDecay::None:
      return false;
    case NeedDecay::Sticky:
      if (!time_after(o, m.jiffies, d.next_decay_max_lb_cost)) return false;
      d.next_decay_max_lb_cost = o.add(m.jiffies, hz);
      break;
    case NeedDecay::PerIteration:
      if (!time_after(o, m.jiffies, o.add(d.last_decay_max_lb_cost, hz))) return false;
      d.last_decay_max_lb_cost = m.jiffies;
      break;
  }
  d.max_newidle_lb_cost = d.max_newidle_lb_cost * 253 / 256;
  return true;
}

void SchedBalanceDomains::visit(MachineState& m, BalanceEventSink& sink) {
  const Profile& p = m.profile;
  RqDomain& d = m.rq(cpu_).sd[static_cast<size_t>(level_)];

  if (p.need_decay != NeedDecay::None) {
    const bool decayed = decay(m, d);
    need_decay_ = p.need_decay == NeedDecay::Sticky ? (need_decay_ || decayed) : decayed;
    max_cost_ += d.max_newidle_lb_cost;
  }

  // <= 5.7: "if (!(sd->flags & SD_LOAD_BALANCE)) continue;" (after the decay).
  if (p.skip_domain_without_load_balance && !d.flags().has(SdFlag::LoadBalance)) {
    sink.emit(DomainSkipEvent{cpu_, level_, DomainSkipReason::NoLoadBalanceFlag});
    next_domain(m);
    return;
  }

  // 3.x+: another CPU balances this level (should_we_balance() cleared it); keep walking
  // only to decay.
  if (p.continue_check == ContinueCheck::TopBreakUnlessDecay && !continue_balancing_) {
    // Mutant next-balance-all-domains (model/mutants.h): a domain the walk does not reach
    // still feeds the minimum, with the interval it would have had, and the walk goes on.
    if (is_mutant(p, Mutant::NextBalanceAllDomains)) {
      interval_ = sd_balance_interval(m, d, busy_);
      phase_ = Phase::MinUpdate;
      return;
    }
    if (need_decay_) {
      sink.emit(DomainSkipEvent{cpu_, level_, DomainSkipReason::DecayOnly});
      next_domain(m);
    } else {
      sink.emit(DomainSkipEvent{cpu_, level_, DomainSkipReason::Break});
      phase_ = Phase::Finish;
    }
    return;
  }

  interval_ = sd_balance_interval(m, d, busy_);
  const bool due = time_after_eq(m.ops, m.jiffies, m.ops.add(d.sd.last_balance, interval_));
  sink.emit(DomainVisitEvent{cpu_, level_, d.sd.name, m.jiffies, interval_, d.sd.last_balance, due,
                             d.sd.balance_interval, busy_});

  need_serialize_ = p.serialize_placement == SerializePlacement::BeforeDueTest &&
                    d.flags().has(SdFlag::Serialize);
  phase_ = need_serialize_ ? Phase::Acquire : Phase::Balance;
}

// <= 6.18: a busy token skips to "out:" without the due test and without touching
// last_balance, so next_balance may end up in the past (spec/kernel-facts.md §0.2).
void SchedBalanceDomains::acquire(MachineState& m, BalanceEventSink& sink) {
  holds_token_ = serialize_try_acquire(m.sched_balance_running, executing_cpu_, cpu_, level_, sink);
  phase_ = holds_token_ ? Phase::Balance : Phase::MinUpdate;
}

void SchedBalanceDomains::balance(MachineState& m, SchedBalanceRq& balancer,
                                  BalanceEventSink& sink) {
  const Profile& p = m.profile;
  const uint64_t last_balance = m.rq(cpu_).sd[static_cast<size_t>(level_)].sd.last_balance;
  if (time_after_eq(m.ops, m.jiffies, m.ops.add(last_balance, interval_))) {
    const unsigned bi_before = m.rq(cpu_).sd[static_cast<size_t>(level_)].sd.balance_interval;
    const BalanceCall call{cpu_, executing_cpu_, level_, idle_};
    const BalanceOutcome out = balancer.balance(m, call, continue_balancing_, sink);
    // The balancer may have changed the machine: look the rq and domain up again.
    Rq& rq = m.rq(cpu_);
    RqDomain& d = rq.sd[static_cast<size_t>(level_)];
    if (out.moved != 0) {
      // 2.6.x: "idle = CPU_NOT_IDLE"; v4.19+: LBF_DST_PINNED may have moved the pull
      // elsewhere, so ask idle_cpu() again.
      idle_ = p.idle_after_pull == IdleAfterPull::NotIdle || !idle_cpu(rq) ? CpuIdleType::NotIdle
                                                                           : CpuIdleType::Idle;
      busy_ = pass_cpu_busy(p, rq, idle_);
    }
    d.sd.last_balance = m.jiffies;
    if (p.recompute_interval_after_balance) interval_ = sd_balance_interval(m, d, busy_);
    sink.emit(BalanceResultEvent{cpu_, level_, call.idle, out.moved, out.serialize_busy,
                                 continue_balancing_, d.sd.last_balance, interval_, bi_before,
                                 d.sd.balance_interval});
  }
  phase_ = holds_token_ ? Phase::Release : Phase::MinUpdate;
}

void SchedBalanceDomains::release(MachineState& m, BalanceEventSink& sink) {
  serialize_release(m.sched_balance_running, executing_cpu_, cpu_, level_, sink);
  holds_token_ = false;
  phase_ = Phase::MinUpdate;
}

void SchedBalanceDomains::min_update(MachineState& m, BalanceEventSink& sink) {
  const RqDomain& d = m.rq(cpu_).sd[static_cast<size_t>(level_)];
  const uint64_t candidate = m.ops.add(d.sd.last_balance, interval_);
  const auto acc = next_balance_min_update(
      m.ops, NextBalanceMin<WrapOps>{next_balance_, update_next_balance_}, candidate);
  const bool taken = acc.value != next_balance_;
  next_balance_ = acc.value;
  update_next_balance_ = acc.updated;
  sink.emit(NextBalanceCandidateEvent{cpu_, level_, candidate, taken, next_balance_});
  // 2.6.20-2.6.3x: "if (!balance) break;" at the bottom, after the min-update.
  if (m.profile.continue_check == ContinueCheck::BottomBreak && !continue_balancing_)
    phase_ = Phase::Finish;
  else
    next_domain(m);
}

void SchedBalanceDomains::next_domain(const MachineState& m) {
  ++level_;
  phase_ = static_cast<size_t>(level_) < m.rq(cpu_).sd.size() ? Phase::Visit : Phase::Finish;
}

void SchedBalanceDomains::finish(MachineState& m, BalanceEventSink& sink) {
  const Profile& p = m.profile;
  Rq& rq = m.rq(cpu_);
  // "Ensure the rq-wide value also decays but keep it at a reasonable floor".
  if (need_decay_) rq.max_idle_balance_cost = std::max(m.sysctl_sched_migration_cost_ns, max_cost_);

  const bool always = p.next_balance_write == NextBalanceWrite::Always;
  const uint64_t old_value = rq.next_balance;
  rq.next_balance = next_balance_after_pass(
      m.ops, old_value, NextBalanceMin<WrapOps>{next_balance_, update_next_balance_}, always);
  const bool written = always || update_next_balance_;
  sink.emit(NextBalanceWriteEvent{cpu_, old_value, rq.next_balance, written});

  // c5afb6a87f23 .. 3ea2f097b17e (v4.19): inside "if (likely(update_next_balance))", an
  // idle CPU also pulls nohz.next_balance down to its own.
  if (p.pass_folds_nohz_next_balance && p.config_no_hz && written && idle_ == CpuIdleType::Idle &&
      time_after(m.ops, m.nohz.next_balance, rq.next_balance))
    m.nohz.next_balance = rq.next_balance;
  phase_ = Phase::Done;
}

void SchedBalanceSoftirq::step(MachineState& m, SchedBalanceRq& balancer, NohzHooks& nohz,
                               BalanceEventSink& sink) {
  const Profile& p = m.profile;
  const bool nohz_on = p.config_no_hz && p.nohz_model != NohzModel::None;
  switch (phase_) {
    case Phase::Entry: {
      Rq& rq = m.rq(cpu_);
      rq.sched_softirq_pending = false;
      sink.emit(SoftirqEntryEvent{cpu_, p.sched_softirq_vec});
      // v2.6.20: "idle = !this_rq->nr_running ? SCHED_IDLE : NOT_IDLE" here; later the
      // value the tick stored (idle_at_tick, then idle_balance).
      const bool idle =
          p.idle_sampling == IdleSampling::InSoftirq ? rq.nr_running() == 0 : rq.idle_balance;
      idle_ = idle ? CpuIdleType::Idle : CpuIdleType::NotIdle;
      if (nohz_on && p.nohz_pass_before_local) {
        phase_ = Phase::NohzBefore;
      } else {
        pass_.emplace(cpu_, idle_);
        phase_ = Phase::Local;
      }
      break;
    }
    case Phase::NohzBefore:
      if (nohz.idle_balance_before_local(m, cpu_, idle_, balancer, sink)) {
        phase_ = Phase::Exit;
      } else {
        pass_.emplace(cpu_, idle_);
        phase_ = Phase::Local;
      }
      break;
    case Phase::Local:
      pass_->step(m, balancer, sink);
      if (pass_->done())
        phase_ = nohz_on && !p.nohz_pass_before_local ? Phase::NohzAfter : Phase::Exit;
      break;
    case Phase::NohzAfter:
      nohz.idle_balance_after_local(m, cpu_, idle_, balancer, sink);
      phase_ = Phase::Exit;
      break;
    case Phase::Exit:
      sink.emit(SoftirqExitEvent{cpu_, p.sched_softirq_vec});
      phase_ = Phase::Done;
      break;
    case Phase::Done:
      break;
  }
}

void SchedBalanceSoftirq::run_to_completion(MachineState& m, SchedBalanceRq& balancer,
                                            NohzHooks& nohz, BalanceEventSink& sink) {
  while (!done()) step(m, balancer, nohz, sink);
}

}  // namespace sbm
