// Writing the model's events as a kernel-like ftrace text trace (spec/trace-format.md):
// one event a line, `comm-pid [cpu] flags timestamp: event: fields`, as
// /sys/kernel/tracing/trace prints. Mainline events keep their kernel names and field
// layout (softirq_raise/entry/exit, sched_migrate_task); what mainline has no tracepoint
// for is a `sched_balance_*` event of sbm's own.
//
// The writer streams: it keeps only the clock of the current jiffy, never the events.
#pragma once

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <string_view>

#include "model/balance_event.h"
#include "model/profile.h"
#include "model/sim/simulator.h"
#include "model/sim/workload.h"
#include "model/topology.h"

namespace sbm {

inline constexpr int kTraceFormatVersion = 1;

// What the `#` header declares.
struct TraceHeader {
  std::string generator;  // e.g. "sbm trace gen --topology 2s-numa --seed 1 ..."
  const Profile* profile = nullptr;
  const Topology* topology = nullptr;  // embedded as a sched_verbose dump of its era
  std::string topology_name;           // the SPEC or file it came from
};

class TraceWriter {
 public:
  // `current_task(cpu)` names what runs on a CPU when an event is written, as ftrace's
  // comm-pid column shows it: {"<idle>", 0} for the idle task.
  using CurrentTask = std::function<std::pair<std::string, int>(int cpu)>;

  TraceWriter(std::ostream& out, const Profile& profile, CurrentTask current_task);

  void header(const TraceHeader& h);
  void event(const BalanceEvent& e);
  void task_event(const TaskEvent& e);
  // jiffies advanced: the timestamp base moves to the new jiffy.
  void jiffy(uint64_t jiffies);

 private:
  // One line of `e`, its fields as its table in traces/trace_event_fields.h lists them.
  template <class E>
  void write(const E& e);
  void line(int cpu, const char* flags, std::string_view event, const std::string& fields);
  std::string timestamp();

  std::ostream& out_;
  const Profile& profile_;
  CurrentTask current_task_;
  uint64_t jiffies_ = 0;
  uint64_t seq_in_jiffy_ = 0;  // events already written in this jiffy: the sub-jiffy clock
};

// A writer for a simulation's trace, its header (the simulator's profile and starting
// topology) and first jiffy written: `sbm trace gen`, tests and benchmarks. Task names are
// the CPU's running task, or {"<idle>", 0}. The simulator must outlive the writer.
TraceWriter start_trace(std::ostream& out, const Simulator& sim, const std::string& generator,
                        const std::string& topology_name);

// Forwards a simulator's observations to a TraceWriter (`sbm trace gen`, tests, benchmarks).
class TraceObserver : public SimObserver {
 public:
  explicit TraceObserver(TraceWriter& w) : w_(w) {}
  void emit(const BalanceEvent& e) override { w_.event(e); }
  void on_task_event(const TaskEvent& e) override { w_.task_event(e); }
  void on_jiffy(uint64_t jiffies) override { w_.jiffy(jiffies); }

 private:
  TraceWriter& w_;
};

}  // namespace sbm
