// Reading a trace input the way `sbm trace check` does (spec/trace-format.md, "Input"): a file
// or standard input ("-"), text or trace-cmd's trace.dat, either perhaps gzip- or
// zstd-compressed. Every command that reads a trace (trace check, trace view) reads it here.
#pragma once

#include <functional>
#include <string>

#include "traces/trace_line_read.h"

namespace sbm::cli {

// Gives each record of `file` ("-": standard input) to `feed` until it returns false. `name`
// names the input in errors: empty or binary input and a trace.dat or compressed stream that
// does not read to its end are InputError. A mapped text file over 100 MB shows its progress on
// stderr (tools/sbm/progress.h) unless `quiet`.
void read_trace_file(const std::string& file, const std::string& name,
                     const std::function<bool(const TraceRecord&)>& feed, bool quiet = false);

}  // namespace sbm::cli
