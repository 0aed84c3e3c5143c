// The fields of the kernel's softirq events (softirq_raise, softirq_entry, softirq_exit,
// include/trace/events/irq.h): `vec=7 [action=SCHED]` (v6.17; older kernels print
// `softirq=7 action=SCHED`). Read once in the layout the kernel prints, else by TraceFields, so
// the replay (is it the SCHED softirq?) and the mainline checks (NB-3) read them alike.
#pragma once

#include <optional>
#include <string_view>

#include "traces/trace_fields.h"

namespace sbm {

struct SoftirqFields {
  std::optional<int> vec;                  // vec=, else softirq=; absent when neither is an int
  std::optional<std::string_view> action;  // action=, bracketed or not
};

// `fields` is scratch space for a line off the kernel's layout; it is reset here.
SoftirqFields read_softirq_fields(std::string_view text, TraceFields& fields);

}  // namespace sbm
