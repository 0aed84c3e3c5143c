// Writing pictures of a trace (spec/views.md): Chrome Trace Event JSON or a self-contained HTML
// page, by the output's suffix, for `sbm trace view`, `sbm trace check --html`, `sbm prove --cex`
// and `sbm demo`. The trace is read twice (where the windows are, then the windows), so it must
// be a file or a text in memory, not standard input.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "properties/violation.h"
#include "traces/trace_line_read.h"

namespace sbm::cli {

enum class ViewForm { Json, Html };

// Whether `path` ends in .json or .html, a picture's suffixes.
bool names_a_view(const std::string& path);

// The form `path`'s suffix names (.json or .html); any other is a UsageError of `option`.
ViewForm view_form_of(const std::string& option, const std::string& path);

// A trace that can be read again: a file, or a text in memory (a counterexample's).
struct ViewSource {
  std::string file;                   // read as `sbm trace check` reads it, when text is null
  const std::string* text = nullptr;  // else this text
  std::string name;                   // the input's name in errors and in the picture
  void read(const std::function<bool(const TraceRecord&)>& feed) const;
};

struct ViewRequest {
  std::optional<uint64_t> around_line;  // centre on this line of the input
  std::vector<Violation> findings;      // centre on each (HTML: one window each; JSON: the first)
  std::vector<std::string> context;     // the lines before the first finding on its CPU
  uint64_t jiffies = 50;                // the window's width
  std::string title;                    // the HTML page's title
  std::string note;                     // one line under it
};

// At most this many findings get a window of their own in the HTML page.
inline constexpr std::size_t kMaxViewedFindings = 20;

// Writes the picture to `out` in the form its suffix names. A centre line with no event at or
// after it is an InputError of that line.
void write_trace_view(const std::string& out, const ViewSource& source, const ViewRequest& req);

// A counterexample trace (`sbm prove --cex`, `sbm demo`): replayed as `sbm trace check` replays
// it, then drawn around each finding to `out`. Returns the findings.
std::vector<Violation> write_counterexample_view(const std::string& out,
                                                 const std::string& trace_text,
                                                 const std::string& name);

}  // namespace sbm::cli
