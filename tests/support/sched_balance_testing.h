// Test support for the periodic-balancing tests: small hand-made topologies (until the
// builder is used) and a scripted load_balance()/sched_balance_rq() double.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "model/balance/balance_interval.h"
#include "model/balance/sched_balance_domains.h"
#include "model/balance/sched_balance_serialize.h"
#include "model/profile.h"
#include "model/rq.h"
#include "model/topology.h"

namespace sbm::testing {

// One level of a hand-made topology: every CPU's domain at this level spans the aligned
// block of `span_size` CPUs that contains it.
struct LevelSpec {
  std::string name;
  int span_size = 2;
  SdFlags flags;
  unsigned min_interval = 0;  // 0: sd_weight, as sd_init() does
  unsigned max_interval = 0;  // 0: 2 * sd_weight
  unsigned busy_factor = 16;
};

inline Topology hand_topology(int nr_cpus, const std::vector<LevelSpec>& levels) {
  Topology t;
  t.nr_cpu_ids = nr_cpus;
  t.source.format = "built";
  for (int cpu = 0; cpu < nr_cpus; ++cpu) {
    CpuDomains chain;
    for (const LevelSpec& l : levels) {
      SchedDomain sd;
      sd.name = l.name;
      const int first = cpu / l.span_size * l.span_size;
      sd.span = CpuMask::range(first, std::min(first + l.span_size, nr_cpus) - 1);
      sd.flags = l.flags;
      const unsigned weight = static_cast<unsigned>(sd.span->weight());
      sd.tunables.min_interval = l.min_interval ? l.min_interval : weight;
      sd.tunables.max_interval = l.max_interval ? l.max_interval : 2 * weight;
      sd.tunables.busy_factor = l.busy_factor;
      sd.tunables.imbalance_pct = 117;
      sd.tunables.cache_nice_tries = 1;
      chain.domains.push_back(sd);
    }
    t.cpus[cpu] = chain;
  }
  return t;
}

inline Profile profile(const char* name, ProfileOptions o = {}) {
  ProfileLookup r = find_profile(name, o);
  EXPECT_TRUE(r.profile) << r.error;
  return r.profile.value_or(Profile{});
}

inline MachineState machine(const Topology& t, const Profile& p, MachineOptions o = {}) {
  MachineBuild b = make_machine(t, p, o);
  EXPECT_TRUE(b.machine) << b.error;
  return std::move(b.machine).value_or(MachineState{});
}

// 2 CPUs per core ("MC", no serialization) under a 4-CPU "NUMA" level with SD_SERIALIZE.
// SD_LOAD_BALANCE is set too so the <= 5.7 profiles balance them.
inline Topology mc_numa_topology(int nr_cpus = 4) {
  const SdFlags mc{SdFlag::LoadBalance, SdFlag::BalanceNewidle, SdFlag::ShareLlc};
  const SdFlags numa{SdFlag::LoadBalance, SdFlag::BalanceNewidle, SdFlag::Numa, SdFlag::Serialize};
  return hand_topology(nr_cpus, {{"MC", 2, mc}, {"NUMA", 4, numa}});
}

// What the double does for one call.
struct ScriptStep {
  int moved = 0;                  // tasks "pulled"
  bool should_we_balance = true;  // false: clears continue_balancing, out_balanced
  bool all_pinned = false;        // the balanced path with LBF_ALL_PINNED
  bool adds_tasks = true;         // false: pulled elsewhere (LBF_DST_PINNED), rq stays idle
};

// A scripted load_balance()/sched_balance_rq(): counts lb_count, runs the v6.19
// serialization helper where the profile puts the token there, and takes the
// out_balanced tail (lb_balanced++, nr_balance_failed = 0, balance_interval back-off)
// when nothing moved; moving resets balance_interval to min_interval. A pull adds a
// task to the rq so that idle_cpu() sees it.
class ScriptedBalancer final : public SchedBalanceRq {
 public:
  std::map<std::pair<int, int>, ScriptStep> script;  // by (cpu, level); default: balanced
  std::vector<BalanceCall> calls;

  BalanceOutcome balance(MachineState& m, const BalanceCall& call, bool& continue_balancing,
                         BalanceEventSink& sink) override {
    calls.push_back(call);
    const auto it = script.find({call.cpu, call.level});
    const ScriptStep step = it == script.end() ? ScriptStep{} : it->second;
    RqDomain& d = m.rq(call.cpu).sd[static_cast<size_t>(call.level)];
    d.stats.lb_count[SdStats::index(call.idle)]++;
    BalanceOutcome out;
    bool need_unlock = false;
    if (!step.should_we_balance) {
      continue_balancing = false;
    } else if (sched_balance_rq_serialize(m.profile, m.sched_balance_running, d.flags(), call.idle,
                                          call.executing_cpu, call.cpu, call.level, need_unlock,
                                          sink) == SerializeTry::Busy) {
      out.serialize_busy = true;
    } else if (step.moved > 0) {
      if (step.adds_tasks)
        for (int i = 0; i < step.moved; ++i) m.rq(call.cpu).tasks.push_back(Task{1000 + i});
      d.sd.nr_balance_failed = 0;
      d.sd.balance_interval = d.min_interval;
      out.moved = step.moved;
    }
    if (out.moved == 0) {  // out_balanced / out_all_pinned / out_one_pinned
      d.stats.lb_balanced[SdStats::index(call.idle)]++;
      d.sd.nr_balance_failed = 0;
      if (balance_interval_backoff_applies(m.profile, call.idle, false))
        d.sd.balance_interval = static_cast<unsigned>(
            balance_interval_backoff(WrapOps{32}, d.sd.balance_interval, d.max_interval,
                                     step.all_pinned, m.profile.max_pinned_interval));
    }
    sched_balance_rq_unserialize(m.sched_balance_running, call.executing_cpu, call.cpu, call.level,
                                 need_unlock, sink);
    return out;
  }
};

}  // namespace sbm::testing
