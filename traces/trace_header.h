// The `# key: value` header of an sbm trace, read back from its Header records
// (spec/trace-format.md, "Header").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "traces/trace_line_read.h"

namespace sbm {

// What the `# key: value` header of an sbm trace declares (spec/trace-format.md, "Header").
// Not TraceHeader (traces/trace_write.h): that one holds the model objects to write, this
// one the text read back.
struct TraceHeaderText {
  std::optional<int> version;  // sbm-trace
  std::string generator;
  std::string profile;
  std::optional<unsigned> hz;
  std::optional<unsigned> jiffies_bits;
  std::string topology;
  std::vector<std::string> topology_dump;  // one entry per `# topology-dump:` line
};

// Adds one Header record to `h`. Keys sbm does not define (ftrace's `tracer`, a sample's
// `source`) are left to the caller and return nullopt, as does a good value; a bad value of an
// sbm key returns the reason.
std::optional<std::string_view> add_trace_header(TraceHeaderText& h, const TraceRecord& r);

}  // namespace sbm
