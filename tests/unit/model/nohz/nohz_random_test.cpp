// Seeded random runs of the NOHZ model with the model's own load_balance() (wakeups,
// sleeps, tick stops, ticks, softirqs, kick IPIs, time): every NOHZ rule a profile
// guarantees holds over everything it emitted, and the runs do reach ILB walks.
#include <gtest/gtest.h>

#include "model/balance/sched_balance_rq.h"
#include "nohz_testing.h"
#include "properties/nohz_invariants.h"

namespace sbm::testing {
namespace {

// A fixed LCG (Knuth's MMIX constants), so that the runs are the same everywhere.
struct Lcg {
  uint64_t s;
  unsigned below(unsigned n) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<unsigned>((s >> 33) % n);
  }
};

struct RunStats {
  size_t walks = 0;
  size_t balanced_for_others = 0;
};

RunStats run(const char* name, uint64_t seed, int steps) {
  constexpr int kCpus = 8;
  MachineState m = machine(nohz_topology(kCpus), profile(name));
  LoadBalancer balancer(m);
  NohzIdleBalancer nohz;
  RecordingEventSink sink;
  Lcg rng{seed};
  int pid = 1;
  const auto softirq = [&](int cpu) {
    SchedBalanceSoftirq(cpu).run_to_completion(m, balancer, nohz, sink);
  };
  for (int i = 0; i < steps; ++i) {
    const int cpu = static_cast<int>(rng.below(kCpus));
    Rq& rq = m.rq(cpu);
    switch (rng.below(6)) {
      case 0: {  // a task wakes up here
        Task t{pid++};
        t.cpus_allowed = CpuMask::range(0, kCpus - 1);
        t.running = rq.tasks.empty();  // an idle CPU runs it at once
        rq.tasks.push_back(t);
        nohz_restart_tick(m, cpu, sink);
        break;
      }
      case 1:  // the running task sleeps and the next queued one runs
        if (!rq.tasks.empty()) {
          for (size_t k = 0; k < rq.tasks.size(); ++k)
            if (rq.tasks[k].running) {
              rq.tasks.erase(rq.tasks.begin() + static_cast<long>(k));
              break;
            }
          if (!rq.tasks.empty() && !rq.curr()) rq.tasks.front().running = true;
        }
        break;
      case 2:
        if (idle_cpu(rq) && !rq.nohz_tick_stopped) nohz_stop_tick(m, cpu, sink);
        break;
      case 3:
        if (!nohz_tick_is_stopped(m, cpu)) {
          sched_tick_balance(m, cpu, nohz, sink);
          if (rq.sched_softirq_pending) softirq(cpu);
        }
        break;
      case 4:
        for (int target : m.nohz.ipi_pending.cpus())
          if (nohz_ipi(m, target, sink)) softirq(target);
        break;
      default:
        advance_jiffies(m);
        break;
    }
  }
  EXPECT_TRUE(check_nohz1(sink.events).empty()) << name << " seed " << seed;
  const auto v = check_nohz2(m.profile, sink.events);
  EXPECT_TRUE(v.empty()) << name << " seed " << seed << ": "
                         << (v.empty() ? ""
                                       : v[0].expected + " / " + v[0].observed + " line " +
                                             std::to_string(v[0].line));
  RunStats stats;
  stats.walks = sink.of_type<IlbPassEndEvent>().size();
  for (const IlbBalanceEvent& e : sink.of_type<IlbBalanceEvent>())
    if (e.cpu != e.ilb_cpu) ++stats.balanced_for_others;
  return stats;
}

TEST(NohzRandom, OwnRulesHoldInEveryNohzProfile) {
  for (const char* name : {"v2.6.32", "v4.19", "v6.17", "v6.19"}) {
    RunStats total;
    for (uint64_t seed = 1; seed <= 12; ++seed) {
      const RunStats s = run(name, seed, 600);
      total.walks += s.walks;
      total.balanced_for_others += s.balanced_for_others;
    }
    EXPECT_GT(total.walks, 0u) << name;
    EXPECT_GT(total.balanced_for_others, 0u) << name;
  }
}

}  // namespace
}  // namespace sbm::testing
