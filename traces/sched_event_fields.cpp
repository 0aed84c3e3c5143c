#include "traces/sched_event_fields.h"

namespace sbm {

namespace {

// "comm:pid [prio]" of trace-cmd's and perf's compact sched_switch (the comm may hold ':' and
// blanks, the pid follows the last ':').
SwitchSide parse_compact_side(std::string_view s) {
  SwitchSide side;
  const std::size_t bracket = s.rfind(" [");
  const std::string_view task = bracket == std::string_view::npos ? s : s.substr(0, bracket);
  const std::size_t colon = task.rfind(':');
  if (colon == std::string_view::npos) return side;
  side.comm = task.substr(0, colon);
  side.pid = field_int(task.substr(colon + 1));
  return side;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

// The compact wakeup "comm:pid [prio] CPU:003", with " success=1" before CPU: in old
// trace-cmd reports of kernels that still had the field (removed in v4.15).
std::optional<SchedWakeupFields> parse_compact_wakeup(std::string_view s) {
  const std::size_t cpu_at = s.rfind(" CPU:");
  if (cpu_at == std::string_view::npos) return std::nullopt;
  const std::optional<int> cpu = field_int(trim(s.substr(cpu_at + 5)));
  std::string_view task = s.substr(0, cpu_at);
  if (const std::size_t success = task.rfind(" success="); success != std::string_view::npos)
    task = task.substr(0, success);
  const SwitchSide side = parse_compact_side(trim(task));
  if (!cpu || !side.pid) return std::nullopt;
  return SchedWakeupFields{side.comm, *side.pid, *cpu};
}

}  // namespace

std::optional<SchedWakeupFields> read_sched_wakeup(const TraceRecord& r, TraceFields& fields) {
  fields.reset(r.fields);
  // Read in the line's order (TraceFields).
  const std::optional<std::string_view> comm = fields.find("comm");
  const std::optional<int> pid = field_int(fields.find("pid"));
  const std::optional<int> target = field_int(fields.find("target_cpu"));
  std::optional<SchedWakeupFields> w;
  if (pid && target)
    w = SchedWakeupFields{comm.value_or(""), *pid, *target};
  else if (!pid && !target)
    w = parse_compact_wakeup(r.fields);
  if (!w || w->pid < 0 || w->target_cpu < 0) return std::nullopt;
  return w;
}

std::optional<SchedSwitchFields> read_sched_switch(const TraceRecord& r, TraceFields& fields) {
  SchedSwitchFields s;
  fields.reset(r.fields);
  // Read in the line's order (TraceFields).
  const std::optional<std::string_view> prev_comm = fields.find("prev_comm");
  const std::optional<std::string_view> prev_pid = fields.find("prev_pid");
  const std::optional<std::string_view> prev_state = fields.find("prev_state");
  const std::optional<std::string_view> next_comm = fields.find("next_comm");
  if (const std::optional<std::string_view> next_pid = fields.find("next_pid")) {
    s.prev = {field_int(prev_pid), prev_comm.value_or(""), prev_state.value_or("")};
    s.next = {field_int(next_pid), next_comm.value_or(""), {}};
  } else if (const std::size_t arrow = r.fields.find(" ==> "); arrow != std::string_view::npos) {
    std::string_view left = trim(r.fields.substr(0, arrow));
    const std::size_t blank = left.rfind(' ');
    if (blank != std::string_view::npos) {
      s.prev = parse_compact_side(left.substr(0, blank));
      s.prev.state = left.substr(blank + 1);
    }
    s.next = parse_compact_side(trim(r.fields.substr(arrow + 5)));
  }
  if (!s.prev.pid || !s.next.pid || *s.prev.pid < 0 || *s.next.pid < 0) return std::nullopt;
  return s;
}

}  // namespace sbm
