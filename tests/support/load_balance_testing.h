// Test support for load_balance() / sched_balance_rq(): machines built from hand-made
// topologies (sched_balance_testing.h; groups come from sched_groups_of()), tasks, and one
// balance call with its events.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "model/balance/lb_env.h"
#include "model/balance/sched_balance_rq.h"
#include "model/balance_event.h"
#include "model/profile.h"
#include "model/rq.h"
#include "tests/support/sched_balance_testing.h"

namespace sbm::testing {

inline const std::vector<std::string>& all_profiles() {
  static const std::vector<std::string> names = {"v2.6.20", "v2.6.32", "v4.19", "v6.17", "v6.19"};
  return names;
}

// A runnable task: CPU-bound nice-0 by default, allowed everywhere, last ran at boot.
inline Task task(int pid, unsigned long weight = 1024, unsigned long util = 1024) {
  Task t;
  t.pid = pid;
  t.load_weight = weight;
  t.util = util;
  t.cpus_allowed = CpuMask::range(0, kMaxCpus - 1);
  return t;
}

inline Task pinned(Task t, const CpuMask& allowed) {
  t.cpus_allowed = allowed;
  return t;
}

// Puts tasks on a CPU; the first becomes rq->curr.
inline void place(MachineState& m, int cpu, std::vector<Task> tasks) {
  Rq& rq = m.rq(cpu);
  for (Task& t : tasks) {
    t.running = rq.tasks.empty();
    rq.tasks.push_back(t);
  }
}

// One flat level: `n` CPUs in one domain of single-CPU groups ("MC" with SD_SHARE_LLC).
inline Topology flat_topology(int n) {
  const SdFlags mc{SdFlag::LoadBalance, SdFlag::BalanceNewidle, SdFlag::ShareLlc};
  return hand_topology(n, {{"MC", n, mc}});
}

// Two levels: cores of `core` CPUs (SMT) under one package of all `n` CPUs.
inline Topology smt_pkg_topology(int n, int core) {
  const SdFlags smt{SdFlag::LoadBalance, SdFlag::BalanceNewidle, SdFlag::ShareCpucapacity,
                    SdFlag::ShareLlc, SdFlag::PreferSibling};
  const SdFlags pkg{SdFlag::LoadBalance, SdFlag::BalanceNewidle, SdFlag::ShareLlc};
  return hand_topology(n, {{"SMT", core, smt}, {"MC", n, pkg}});
}

// A machine a few ticks after boot, so that tasks that ran at boot are cache-cold.
inline MachineState lb_machine(const Topology& t, const std::string& profile_name) {
  MachineState m = machine(t, profile(profile_name.c_str()));
  advance_jiffies(m, 10);
  return m;
}

struct BalanceRun {
  BalanceOutcome out;
  bool continue_balancing = true;
  RecordingEventSink sink;
};

inline BalanceRun balance(MachineState& m, LoadBalancer& lb, int cpu, int level,
                          CpuIdleType idle = CpuIdleType::Idle) {
  BalanceRun r;
  r.out = lb.balance(m, BalanceCall{cpu, cpu, level, idle}, r.continue_balancing, r.sink);
  return r;
}

inline std::vector<int> pids_on(const MachineState& m, int cpu) {
  std::vector<int> pids;
  for (const Task& t : m.rq(cpu).tasks) pids.push_back(t.pid);
  return pids;
}

}  // namespace sbm::testing
