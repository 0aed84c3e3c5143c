// The fields of the kernel's sched_switch and sched_wakeup / sched_wakeup_new / sched_waking
// (include/trace/events/sched.h, v6.18), read once for every checker that follows tasks: the
// raw layout ("prev_comm=a prev_pid=1 prev_prio=120 prev_state=R ==> next_comm=b next_pid=2
// next_prio=120", "comm=a pid=1 prio=120 target_cpu=003") or the compact one that trace-cmd
// report (libtraceevent's sched_switch plugin, trace-cmd 2.x and 3.x) and perf script print
// ("a:1 [120] R ==> b:2 [120]", "a:1 [120] CPU:003", older "a:1 [120] success=1 CPU:003").
#pragma once

#include <optional>
#include <string_view>

#include "traces/trace_fields.h"
#include "traces/trace_line_read.h"

namespace sbm {

// One side of a sched_switch: pid, comm, and (prev only) the state letters.
struct SwitchSide {
  std::optional<int> pid;
  std::string_view comm;
  std::string_view state;
};

struct SchedSwitchFields {
  SwitchSide prev;
  SwitchSide next;
};

// Both sides, or nullopt when either pid is missing or negative. `fields` is scratch space.
std::optional<SchedSwitchFields> read_sched_switch(const TraceRecord& r, TraceFields& fields);

// A wakeup's task and the CPU it printed (task_cpu(p)).
struct SchedWakeupFields {
  std::string_view comm;
  int pid = 0;
  int target_cpu = 0;
};

// The task and target CPU of a sched_wakeup, sched_wakeup_new or sched_waking, or nullopt when
// the pid or the CPU is missing or negative. `fields` is scratch space.
std::optional<SchedWakeupFields> read_sched_wakeup(const TraceRecord& r, TraceFields& fields);

}  // namespace sbm
