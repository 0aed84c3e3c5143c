#include "model/balance/lb_load.h"

#include <algorithm>

namespace sbm {

unsigned long cpu_load(const Rq& rq) {
  unsigned long sum = 0;
  for (const Task& t : rq.tasks) sum += t.load_weight;
  return sum;
}

unsigned long cpu_runnable(const Rq& rq) {
  unsigned long sum = 0;
  for (const Task& t : rq.tasks) sum += t.util;
  return sum;
}

unsigned long cpu_util(const Rq& rq) {
  return std::min<unsigned long>(capacity_of(rq.cpu), cpu_runnable(rq));
}

uint64_t rq_clock_task_ns(const MachineState& m) {
  const uint64_t since_boot = m.ops.sub(m.jiffies, m.ops.lit(initial_jiffies(m.profile.hz)));
  return since_boot * (1000000000ull / m.profile.hz);
}

}  // namespace sbm
