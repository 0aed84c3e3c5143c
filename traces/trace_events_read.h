// The inverse of traces/trace_write.cpp: a TraceRecord of an event the writer produces becomes
// the BalanceEvent or TaskEvent it was written from (spec/trace-format.md, "Replay"). Names of
// events and enum values come from traces/trace_names.h, which the writer uses too.
//
// A record of any other event (a mainline event sbm does not write, a softirq of another vec
// than SCHED) is Other; a record of an sbm event with a field missing or malformed is Malformed
// with the reason ("sched_balance_domain: field interval: expected an integer, found 'x'").
#pragma once

#include <string>
#include <vector>

#include "model/balance_event.h"
#include "model/sim/workload.h"
#include "traces/trace_fields.h"
#include "traces/trace_line_read.h"

namespace sbm {

enum class TraceEventKind { Other, Balance, Task, Malformed };

struct TraceEventRead {
  TraceEventKind kind = TraceEventKind::Other;
  BalanceEvent balance;  // kind == Balance
  TaskEvent task;        // kind == Task
  std::string error;     // kind == Malformed
};

// Reads one record into `out`, which the caller keeps from one record to the next: building a
// fresh one (an event variant, a task event, a string) cost more than reading a tick's fields.
// Only the members `out.kind` names are set. `fields` is scratch space reused between calls.
// Fields the trace leaves out of a mainline event keep the kernel's default: a softirq_raise
// without sbm's `source` was raised by the tick's trigger.
void read_trace_event(const TraceRecord& r, TraceFields& fields, TraceEventRead& out);
// read_trace_event() without its in-order reading of the writer's layout (InOrderFields): every
// item looked up the way any layout is. For the property that the in-order reading changes
// nothing.
void read_trace_event_the_long_way(const TraceRecord& r, TraceFields& fields, TraceEventRead& out);

}  // namespace sbm
