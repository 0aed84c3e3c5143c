// The fields of the kernel's sched_switch (include/trace/events/sched.h, v6.18), read once for
// every checker that follows what runs on a CPU: the raw layout ("prev_comm=a prev_pid=1
// prev_prio=120 prev_state=R ==> next_comm=b next_pid=2 next_prio=120") or the compact one of
// trace-cmd report and perf script ("a:1 [120] R ==> b:2 [120]").
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

}  // namespace sbm
