// A simulated run written as an sbm trace, with the events it was written from: what the
// trace reader and replay tests read back. The run is `sbm trace gen`'s (tools/sbm/cmd_trace.cpp):
// a jiffy at a time, with a seeded CPU hotplug request every `hotplug_period` jiffies.
#pragma once

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "model/topology/sched_hotplug.h"
#include "tests/support/sim_testing.h"
#include "traces/trace_write.h"

namespace sbm::testing {

struct GeneratedTrace {
  std::string text;
  std::vector<BalanceEvent> events;
  std::vector<TaskEvent> task_events;
  uint64_t hotplugs = 0;
};

// Writes to the trace and keeps the events.
class KeepingTraceObserver final : public SimObserver {
 public:
  KeepingTraceObserver(TraceWriter& w, GeneratedTrace& keep) : trace_(w), keep_(keep) {}
  void emit(const BalanceEvent& e) override {
    keep_.events.push_back(e);
    trace_.emit(e);
  }
  void on_task_event(const TaskEvent& e) override {
    keep_.task_events.push_back(e);
    trace_.on_task_event(e);
  }
  void on_jiffy(uint64_t j) override { trace_.on_jiffy(j); }

 private:
  TraceObserver trace_;
  GeneratedTrace& keep_;
};

inline GeneratedTrace generate_trace(const char* spec, const char* profile, const char* workload,
                                     uint64_t ticks, uint64_t hotplug_period = 0,
                                     uint64_t seed = 1) {
  GeneratedTrace g;
  Simulator sim = make_sim(sim_config(spec, profile, workload, seed));
  std::ostringstream out;
  TraceWriter writer = start_trace(out, sim, "test", spec);
  KeepingTraceObserver observer(writer, g);
  HotplugSchedule hotplug(hotplug_period, seed);
  for (uint64_t done = 1; done <= ticks; ++done) {
    sim.run_jiffy(observer);
    if (const auto r = hotplug.due(done, sim.machine()))
      g.hotplugs += (r->online ? sim.cpu_up(r->cpu, observer) : sim.cpu_down(r->cpu, observer)) ==
                    HotplugResult::Done;
  }
  g.text = out.str();
  return g;
}

}  // namespace sbm::testing
