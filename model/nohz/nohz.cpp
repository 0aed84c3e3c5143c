#include "model/nohz/nohz.h"

#include "model/nohz/nohz_era.h"

namespace sbm {

namespace {

bool nohz_on(const Profile& p, NohzModel model) { return p.config_no_hz && p.nohz_model == model; }

}  // namespace

std::string nohz_flags_name(unsigned flags) {
  std::string s;
  const auto add = [&](unsigned bit, const char* name) {
    if (flags & bit) s += (s.empty() ? "" : "|") + std::string(name);
  };
  add(kNohzBalanceKick, "BALANCE");
  add(kNohzStatsKick, "STATS");
  add(kNohzNextKick, "NEXT");
  return s.empty() ? "0" : s;
}

bool NohzIdleBalancer::trigger_defers(MachineState& m, int cpu, BalanceEventSink& sink) {
  return nohz_on(m.profile, NohzModel::OwnerLoadBalancer) &&
         nohz_era::owner_trigger_defers(m, cpu, sink);
}

void NohzIdleBalancer::balancer_kick(MachineState& m, int cpu, BalanceEventSink& sink) {
  if (nohz_on(m.profile, NohzModel::KickIdleLoadBalancer))
    nohz_era::nohz_balancer_kick(m, cpu, sink);
}

bool NohzIdleBalancer::idle_balance_before_local(MachineState& m, int cpu, CpuIdleType idle,
                                                 SchedBalanceRq& balancer, BalanceEventSink& sink) {
  return nohz_on(m.profile, NohzModel::KickIdleLoadBalancer) &&
         nohz_era::nohz_idle_balance(m, cpu, idle, balancer, sink);
}

void NohzIdleBalancer::idle_balance_after_local(MachineState& m, int cpu, CpuIdleType idle,
                                                SchedBalanceRq& balancer, BalanceEventSink& sink) {
  if (nohz_on(m.profile, NohzModel::OwnerLoadBalancer))
    nohz_era::owner_balance_others(m, cpu, idle, balancer, sink);
}

bool nohz_stop_tick(MachineState& m, int cpu, BalanceEventSink& sink) {
  if (nohz_on(m.profile, NohzModel::OwnerLoadBalancer))
    return nohz_era::select_nohz_load_balancer(m, cpu, true, sink);
  if (nohz_on(m.profile, NohzModel::KickIdleLoadBalancer))
    nohz_era::nohz_balance_enter_idle(m, cpu, sink);
  return false;
}

void nohz_restart_tick(MachineState& m, int cpu, BalanceEventSink& sink) {
  if (nohz_on(m.profile, NohzModel::OwnerLoadBalancer))
    nohz_era::select_nohz_load_balancer(m, cpu, false, sink);
}

bool nohz_tick_is_stopped(const MachineState& m, int cpu) {
  return m.rq(cpu).nohz_tick_stopped && idle_cpu(m.rq(cpu));
}

bool nohz_ipi(MachineState& m, int cpu, BalanceEventSink& sink) {
  m.nohz.ipi_pending.clear(cpu);
  if (nohz_on(m.profile, NohzModel::OwnerLoadBalancer)) {
    nohz_era::owner_resched_ipi(m, cpu, sink);
    return false;
  }
  return nohz_on(m.profile, NohzModel::KickIdleLoadBalancer) && nohz_era::kick_ipi(m, cpu, sink);
}

// find_new_ilb(): v2.6.32 without power-savings balancing: cpumask_first(nohz.cpu_mask);
// v4.19: cpumask_first(nohz.idle_cpus_mask) if idle_cpu(); v6.17: the first idle_cpu() of
// nohz.idle_cpus_mask other than smp_processor_id().
int find_new_ilb(const MachineState& m, int this_cpu) {
  const CpuMask& mask = m.nohz.idle_cpus_mask;
  if (m.profile.nohz_model == NohzModel::OwnerLoadBalancer) return mask.first();
  if (m.profile.ilb_select == IlbSelect::FirstOfMaskIfIdle) {
    const int ilb = mask.first();
    return ilb >= 0 && idle_cpu(m.rq(ilb)) ? ilb : -1;
  }
  for (int ilb : mask.cpus())
    if (ilb != this_cpu && idle_cpu(m.rq(ilb))) return ilb;
  return -1;
}

namespace {

// highest_flag_domain(cpu, SD_SHARE_LLC), for a const or a mutable rq.
template <typename R>
auto* highest_llc_domain(R& rq) {
  decltype(&rq.sd.front()) llc = nullptr;
  for (auto& d : rq.sd)
    if (d.flags().has(SdFlag::ShareLlc)) llc = &d;
  return llc;
}

}  // namespace

const RqDomain* sd_llc(const Rq& rq) { return highest_llc_domain(rq); }
RqDomain* sd_llc(Rq& rq) { return highest_llc_domain(rq); }

int llc_nr_busy_cpus(const MachineState& m, int cpu) {
  const RqDomain* llc = sd_llc(m.rq(cpu));
  if (!llc) return -1;
  int nr_busy = llc->span().weight();  // atomic_set(&sd->shared->nr_busy_cpus, sd_weight)
  for (int j : llc->span().cpus()) {
    const RqDomain* other = sd_llc(m.rq(j));
    if (other && other->nohz_idle) --nr_busy;
  }
  return nr_busy;
}

namespace nohz_era {

void emit_idle_change(const MachineState& m, int cpu, bool enter, BalanceEventSink& sink) {
  sink.emit(NohzIdleEvent{cpu, enter, m.jiffies, m.rq(cpu).next_balance, m.nohz.next_balance,
                          m.nohz.needs_update, m.nohz.load_balancer});
}

void ilb_balance(MachineState& m, int ilb_cpu, int cpu, SchedBalanceRq& balancer,
                 BalanceEventSink& sink) {
  sink.emit(IlbBalanceEvent{ilb_cpu, cpu, idle_cpu(m.rq(ilb_cpu)), m.jiffies});
  SchedBalanceDomains pass(cpu, CpuIdleType::Idle, ilb_cpu);
  pass.run_to_completion(m, balancer, sink);
}

void raise_sched_softirq(MachineState& m, int cpu, BalanceEventSink& sink) {
  m.rq(cpu).sched_softirq_pending = true;
  sink.emit(SoftirqRaiseEvent{cpu, m.profile.sched_softirq_vec, RaiseSource::NohzKick});
}

}  // namespace nohz_era

}  // namespace sbm
