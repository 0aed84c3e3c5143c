// What a trace carries of an event, for the trace reader tests. The model's events compare
// with their own operator==; a TaskEvent read back from a trace differs from the one written
// in the members its kind leaves out of the line (a wake's affinity and weights are the
// workload's, never printed), so a read-back TaskEvent is compared on what its field table
// (traces/trace_event_fields.h) prints for that kind.
#pragma once

#include "model/sim/workload.h"
#include "traces/trace_event_fields.h"

namespace sbm::testing {

// Calls f(item) for every item of `items` the line of `e` prints (a When group's items only
// where it applies to `e`).
template <class E, class Tuple, class F>
void for_each_printed_item(const E& e, const Tuple& items, F& f) {
  trace_fields::for_each_item(items, [&](const auto& item) {
    if constexpr (requires { item.applies; }) {
      if (item.applies(e)) for_each_printed_item(e, item.items, f);
    } else if constexpr (requires { item.items; }) {
      for_each_printed_item(e, item.items, f);
    } else {
      f(item);
    }
  });
}

// The same kind on the same CPU, and equal in every member the trace line of that kind carries.
inline bool same_in_trace(const TaskEvent& a, const TaskEvent& b) {
  bool same = a.kind == b.kind &&
              a.*trace_fields::Schema<TaskEvent>::cpu == b.*trace_fields::Schema<TaskEvent>::cpu;
  auto compare = [&](const auto& item) {
    if constexpr (requires { item.member; })
      same = same && a.*item.member == b.*item.member;
    else if constexpr (requires { item.pid; })
      same = same && a.*item.pid == b.*item.pid;
  };
  for_each_printed_item(a, trace_fields::Schema<TaskEvent>::items, compare);
  return same;
}

}  // namespace sbm::testing
