// Member-for-member comparison of two trace records (traces/trace_line_read.h), which have no
// operator==: what the reader's tests compare when one line or one input is read two ways
// (the ftrace-layout shortcut and the long way, a reused record and a fresh one, a mapped file
// and a stream).
#pragma once

#include <string>

#include "traces/trace_line_read.h"

namespace sbm::testing {

// The members in which `a` and `b` differ, by name and comma-separated: empty when they agree.
inline std::string record_differences(const TraceRecord& a, const TraceRecord& b) {
  // A member added to TraceRecord must be added here too (start_record() asserts the same).
  static_assert(sizeof(TraceRecord) == 216, "compare the new member below");
  std::string out;
  auto member = [&out](const char* name, bool same) {
    if (!same) out += std::string(out.empty() ? "" : ", ") + name;
  };
  member("line", a.line == b.line);
  member("kind", a.kind == b.kind);
  member("text", a.text == b.text);
  member("comm", a.comm == b.comm);
  member("pid", a.pid == b.pid);
  member("tgid", a.tgid == b.tgid);
  member("cpu", a.cpu == b.cpu);
  member("flags", a.flags == b.flags);
  member("timestamp_ns", a.timestamp_ns == b.timestamp_ns);
  member("timestamp_text", a.timestamp_text == b.timestamp_text);
  member("event", a.event == b.event);
  member("id", a.id == b.id);
  member("fields", a.fields == b.fields);
  member("key", a.key == b.key);
  member("value", a.value == b.value);
  member("lost", a.lost == b.lost);
  member("error", a.error == b.error);
  member("column", a.column == b.column);
  return out;
}

}  // namespace sbm::testing
