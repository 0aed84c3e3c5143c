// sbm trace view: a window of a trace as Chrome Trace Event JSON (ui.perfetto.dev,
// chrome://tracing) or as a self-contained HTML timeline (spec/views.md).
#include <iostream>
#include <memory>
#include <optional>

#include <CLI/CLI.hpp>

#include "tools/sbm/cli_common.h"
#include "tools/sbm/commands.h"
#include "tools/sbm/trace_file_read.h"
#include "tools/sbm/trace_view_out.h"
#include "traces/trace_check.h"

namespace sbm::cli {

namespace {

struct TraceViewOptions {
  std::string file;
  std::optional<uint64_t> around;
  bool divergence = false;
  uint64_t jiffies = 50;
  std::string output;
};

int run_trace_view(const TraceViewOptions& o) {
  view_form_of("-o", o.output);  // a usage error before anything is read
  if (o.file == "-")
    throw UsageError("trace view reads its input twice: give a file, not standard input");
  if (o.around && o.divergence) throw UsageError("--around and --divergence exclude each other");
  const ViewSource source{o.file, nullptr, display_name(o.file)};
  ViewRequest req;
  req.jiffies = o.jiffies;
  req.around_line = o.around;
  if (o.divergence) {
    // The check `sbm trace check` runs with its defaults: the trace's own machine and profile.
    TraceCheck check(TraceCheckLane{}, /*stop_at_first=*/true, source.name);
    source.read([&check](const TraceRecord& r) { return check.feed(r); });
    check.finish();
    const TraceCheckResult& result = check.result();
    if (result.summary.events == 0)
      throw InputError(source.name, 0, "no trace event read; nothing to view");
    req.findings = result.violations;
    req.context = result.context;
    if (req.findings.empty())
      std::cerr << source.name << ": note: the trace conforms; showing its first " << o.jiffies
                << " jiffies\n";
  }
  req.note =
      req.findings.empty() ? "no finding in this window" : "first divergence of sbm trace check";
  write_trace_view(o.output, source, req);
  std::cout << "wrote " << o.output << "\n";
  return kConforms;
}

}  // namespace

void add_trace_view_command(CLI::App* trace, int& status) {
  auto o = std::make_shared<TraceViewOptions>();
  CLI::App* v = trace->add_subcommand(
      "view",
      "Write a window of a trace as Chrome Trace Event JSON (open it in ui.perfetto.dev or\n"
      "chrome://tracing) or as one self-contained HTML page (per-CPU lanes on a jiffy axis, the\n"
      "divergent event highlighted beside its CPU's sched domains; no network needed). The\n"
      "output's suffix picks the form (spec/views.md).");
  v->add_option("file", o->file, "Trace file (any input sbm trace check reads)")->required();
  v->add_option("--around", o->around, "Centre the window on this line of the input")
      ->check(CLI::PositiveNumber);
  v->add_flag("--divergence", o->divergence,
              "Run sbm trace check and centre the window on its first violation");
  v->add_option("--jiffies", o->jiffies,
                "Width of the window in jiffies of the trace's HZ (# hz:, else 250; default 50)")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1000000}));
  v->add_option("-o,--output", o->output, "OUT.json or OUT.html")->required();
  v->footer(
      "Tracks: one per CPU (tid = CPU); task run slices from sched_switch, SCHED softirq slices,\n"
      "balancing passes with their domain visits, the SD_SERIALIZE token, NOHZ kicks, migrations\n"
      "as flow arrows, the finding as a marker with its ID, expected and observed.\n"
      "Exit: 0 written, 2 bad input or usage.\n"
      "Examples:\n"
      "  sbm trace view run.trace --divergence -o divergence.html\n"
      "  sbm trace view run.trace --around 1200 --jiffies 20 -o window.json   # ui.perfetto.dev\n"
      "  sbm trace view kernel.trace -o first-50-jiffies.html");
  v->callback([o, &status] { status = run_trace_view(*o); });
}

}  // namespace sbm::cli
