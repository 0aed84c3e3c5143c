#include "tools/sbm/trace_view_out.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "tools/sbm/checked_output.h"
#include "tools/sbm/cli_common.h"
#include "tools/sbm/trace_file_read.h"
#include "traces/trace_check.h"
#include "traces/trace_reader.h"
#include "traces/trace_view/chrome_trace.h"
#include "traces/trace_view/html_view.h"

namespace sbm::cli {

bool names_a_view(const std::string& path) {
  return path.ends_with(".json") || path.ends_with(".html");
}

ViewForm view_form_of(const std::string& option, const std::string& path) {
  if (path.ends_with(".json")) return ViewForm::Json;
  if (path.ends_with(".html")) return ViewForm::Html;
  throw UsageError(
      option + ": '" + path +
      "' must end in .json (Chrome Trace Event JSON) or .html (a self-contained page)");
}

void ViewSource::read(const std::function<bool(const TraceRecord&)>& feed) const {
  if (!text) return read_trace_file(file, name, feed);
  std::istringstream in(*text);
  TraceReader reader(in);
  feed_records(reader, feed);
}

namespace {

// Pass 1: the timestamp of the first event at or after each of `lines`.
std::map<uint64_t, uint64_t> timestamps_at(const ViewSource& source,
                                           const std::vector<uint64_t>& lines) {
  std::vector<uint64_t> wanted = lines;
  std::sort(wanted.begin(), wanted.end());
  std::map<uint64_t, uint64_t> at;
  std::size_t next = 0;
  source.read([&](const TraceRecord& r) {
    if (r.kind != TraceRecordKind::Event) return true;
    for (; next < wanted.size() && wanted[next] <= r.line; ++next)
      at[wanted[next]] = r.timestamp_us();
    return next < wanted.size();
  });
  if (next < wanted.size())
    throw InputError(source.name, static_cast<int>(wanted[next]),
                     "no trace event at or after this line to centre the view on");
  return at;
}

struct Window {
  std::ostringstream text;  // HTML: the window's JSON
  std::unique_ptr<ChromeTraceWriter> writer;
};

// Pass 2: every window at once, until each has ended.
void fill(const ViewSource& source, std::vector<Window>& windows) {
  source.read([&](const TraceRecord& r) {
    bool open = false;
    for (Window& w : windows) open = w.writer->feed(r) || open;
    return open;
  });
  for (Window& w : windows) w.writer->finish();
}

std::vector<Violation> by_line(std::vector<Violation> v) {
  std::stable_sort(v.begin(), v.end(),
                   [](const Violation& a, const Violation& b) { return a.line < b.line; });
  return v;
}

}  // namespace

void write_trace_view(const std::string& out, const ViewSource& source, const ViewRequest& req) {
  const ViewForm form = view_form_of("-o", out);
  std::vector<uint64_t> centres;  // lines
  const std::size_t shown = form == ViewForm::Json
                                ? std::min<std::size_t>(req.findings.size(), 1)
                                : std::min(req.findings.size(), kMaxViewedFindings);
  for (std::size_t i = 0; i < shown; ++i)
    centres.push_back(static_cast<uint64_t>(std::max(req.findings[i].line, 1)));
  if (centres.empty() && req.around_line) centres.push_back(*req.around_line);
  const std::map<uint64_t, uint64_t> at =
      centres.empty() ? std::map<uint64_t, uint64_t>{} : timestamps_at(source, centres);
  const std::vector<Violation> markers = by_line(req.findings);

  OutputFile output(out);
  std::ostream& file = output.stream();
  std::vector<Window> windows(std::max<std::size_t>(centres.size(), 1));
  for (std::size_t i = 0; i < windows.size(); ++i) {
    ViewWindow vw;
    vw.jiffies = req.jiffies;
    if (i < centres.size()) vw.centre_us = at.at(centres[i]);
    std::ostream& sink = form == ViewForm::Json ? static_cast<std::ostream&>(file)
                                                : static_cast<std::ostream&>(windows[i].text);
    windows[i].writer = std::make_unique<ChromeTraceWriter>(sink, vw, markers, source.name);
  }
  fill(source, windows);
  if (form == ViewForm::Html) {
    std::vector<HtmlTraceView> views;
    for (std::size_t i = 0; i < windows.size(); ++i) {
      const std::vector<std::string>& dump = windows[i].writer->header().topology_dump;
      HtmlTraceView v;
      v.trace_json = windows[i].text.str();
      if (i < shown) {
        const Violation& f = req.findings[i];
        v.finding = f;
        v.title = f.id + " at " + source.name + ":" + std::to_string(f.line);
        if (i == 0) v.context = req.context;
        v.domain_tree = f.cpu >= 0 ? cpu_domain_lines(dump, f.cpu) : dump;
      } else {
        v.title = source.name +
                  (req.around_line ? " around line " + std::to_string(*req.around_line) : "");
        v.domain_tree = dump;
      }
      views.push_back(std::move(v));
    }
    write_html_view(file, req.title.empty() ? "sbm: " + source.name : req.title, req.note, views);
  }
  output.finish();
}

std::vector<Violation> write_counterexample_view(const std::string& out,
                                                 const std::string& trace_text,
                                                 const std::string& name) {
  const ViewSource source{"", &trace_text, name};
  TraceCheck check(TraceCheckLane{}, /*stop_at_first=*/false, name);
  source.read([&check](const TraceRecord& r) { return check.feed(r); });
  check.finish();
  ViewRequest req;
  req.findings = check.result().violations;
  req.title = "sbm: " + name;
  req.note = "the counterexample's trace, replayed into the unmutated model (sbm trace check)";
  write_trace_view(out, source, req);
  return req.findings;
}

}  // namespace sbm::cli
