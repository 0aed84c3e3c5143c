// What a trace carries of a task event, for the trace reader tests. The model's events compare
// with their own operator==; a TaskEvent read back from a trace differs from the one written
// in the members its kind leaves out of the line (a wake's affinity and weights are the
// workload's, never printed), so a read-back TaskEvent is compared on what its field table
// (traces/trace_event_fields.h) prints for that kind.
#pragma once

#include "model/workload.h"
#include "traces/trace_event_fields.h"

namespace sbm::testing {

// Calls f(member pointer) for every member the items of `items` carry for the event `e`.
template <class E, class Tuple, class F>
void for_each_traced_member(const E& e, const Tuple& items, F& f) {
  trace_fields::for_each_item(items, [&](const auto& item) {
    if constexpr (requires { item.member; }) {
      f(item.member);
    } else if constexpr (requires { item.applies; }) {
      if (item.applies(e)) for_each_traced_member(e, item.items, f);
    } else if constexpr (requires { item.items; }) {
      for_each_traced_member(e, item.items, f);
    } else if constexpr (requires { item.pid; }) {
      f(item.pid);
    }
  });
}

// The same kind on the same CPU, and equal in every member the trace line of that kind carries.
inline bool same_in_trace(const TaskEvent& a, const TaskEvent& b) {
  bool same = a.kind == b.kind && a.*trace_fields::Schema<TaskEvent>::cpu == b.*trace_fields::Schema<TaskEvent>::cpu;
  auto compare = [&](auto member) { same = same && a.*member == b.*member; };
  for_each_traced_member(a, trace_fields::Schema<TaskEvent>::items, compare);
  return same;
}

}  // namespace sbm::testing
