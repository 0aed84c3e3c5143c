// Property: on built topologies of up to 16 CPUs (NUMA overlap groups included), with random
// tasks, weights, utilisations and affinities, every sched_balance_rq() call and every
// queued active balance of every profile keeps MIG-1..4 and LOCK-1..2
// (spec/invariants.md, section 5).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "model/balance/active_balance.h"
#include "model/balance/lb_load.h"
#include "model/balance/sched_balance_rq.h"
#include "model/topology/build_sched_domains.h"
#include "properties/lock_invariants.h"
#include "properties/mig_invariants.h"
#include "tests/property/machine_gen.h"

namespace sbm {
namespace {

using testgen::pick;

void log_violations(const std::vector<Violation>& v) {
  for (const Violation& x : v)
    RC_LOG() << x.id << " CPU" << x.cpu << " level " << x.level << ": expected " << x.expected
             << ", observed " << x.observed << "\n";
}

RC_GTEST_PROP(MigLockProps, BalancesKeepMigrationAndLockInvariants, ()) {
  const std::vector<std::string> names = {"v2.6.20", "v2.6.32", "v4.19", "v6.17", "v6.19"};
  const ProfileLookup found = find_profile(testgen::pick_from(names));
  RC_ASSERT(found.profile.has_value());
  const Profile& p = *found.profile;
  const MachineSpec spec = *testgen::gen_machine(16, 1, false);
  RC_LOG() << p.name << " '" << format_machine_spec(spec) << "'\n";
  // The era's sd_init() parameters with today's group building: older builders can make
  // groups that leave the domain span (spec/bugs.md #2, #8), and a balance can then move a task
  // outside the span, which MIG-3 reports (Mig3.FiresOnBug8Groups); here the topology is sane.
  const BuildOptions sane = build_options_for(kNewestModelledKernel);
  MachineBuild built =
      make_machine(build_sched_domains(spec, p.version, initial_jiffies(p.hz), sane), p);
  RC_ASSERT(built.machine.has_value());
  MachineState m = std::move(*built.machine);
  advance_jiffies(m, 5);
  const int n = m.nr_cpu_ids();
  const std::vector<unsigned long> weights = {15, 335, 1024, 3121, 9548};
  const std::vector<unsigned long> utils = {150, 600, 1024};
  int pid = 1;
  for (int cpu = 0; cpu < n; ++cpu) {
    const int tasks = pick(0, 5);
    for (int i = 0; i < tasks; ++i) {
      Task t;
      t.pid = pid++;
      t.load_weight = testgen::pick_from(weights);
      t.util = testgen::pick_from(utils);
      t.running = i == 0;
      t.exec_start_ns = pick(0, 2) ? 0 : rq_clock_task_ns(m);  // cold, or just ran
      t.cpus_allowed = CpuMask::range(0, n - 1);
      if (pick(0, 3) == 0) {  // pinned to a random subset that holds its CPU
        CpuMask allowed = CpuMask::single(cpu);
        for (int c = 0; c < n; ++c)
          if (pick(0, 3) == 0) allowed.set(c);
        t.cpus_allowed = allowed;
      }
      m.rq(cpu).tasks.push_back(t);
    }
  }
  LoadBalancer lb(m);
  const int steps = pick(1, 40);
  for (int step = 0; step < steps; ++step) {
    const MachineState before = m;
    RecordingEventSink sink;
    const int cpu = pick(0, n);
    if (pick(0, 4) == 0 || m.rq(cpu).sd.empty()) {
      run_stopper_work(m, lb.state, m.profile, sink);
    } else {
      const int level = pick(0, static_cast<int>(m.rq(cpu).sd.size()));
      const CpuIdleType idle = pick(0, 4) == 0       ? CpuIdleType::NewlyIdle
                               : idle_cpu(m.rq(cpu)) ? CpuIdleType::Idle
                                                     : CpuIdleType::NotIdle;
      bool cont = true;
      lb.balance(m, BalanceCall{cpu, cpu, level, idle}, cont, sink);
    }
    std::vector<Violation> v = check_mig_invariants(before, m, sink.events);
    for (const auto& part : {check_lock1_order(p.lock_order, lb.state.locks.layout(), sink.events),
                             check_lock2_discipline(lb.state.locks.layout(), sink.events)})
      v.insert(v.end(), part.begin(), part.end());
    log_violations(v);
    RC_ASSERT(v.empty());
  }
}

}  // namespace
}  // namespace sbm
