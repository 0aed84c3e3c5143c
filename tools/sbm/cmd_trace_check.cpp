// sbm trace check: what a kernel trace's mainline events allow (traces/trace_check_mainline.h,
// spec/invariants.md, section 8). Replay into the balancing model (sched_balance_* events) is later.
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "model/profile.h"
#include "tools/sbm/cli_common.h"
#include "tools/sbm/commands.h"
#include "tools/sbm/report.h"
#include "traces/trace_check_mainline.h"
#include "traces/trace_read.h"

namespace sbm::cli {

namespace {

constexpr std::size_t kContextLines = 3;

struct TraceCheckOptions {
  std::string file;
  std::string profile;
  double idle_threshold_ms = 100.0;
  bool keep_going = false;
  bool json = false;
  bool quiet = false;
  std::string junit;
};

// The last event lines of each CPU, for the context of the first violation: a ring of three
// strings per CPU whose capacity is reused, so keeping it costs a copy per line, no allocation.
class CpuContext {
 public:
  void add(const TraceRecord& r) {
    if (r.kind != TraceRecordKind::Event || r.cpu < 0) return;
    if (static_cast<std::size_t>(r.cpu) >= rings_.size()) rings_.resize(static_cast<std::size_t>(r.cpu) + 1);
    Ring& ring = rings_[static_cast<std::size_t>(r.cpu)];
    ring.lines[ring.count % kContextLines].assign(r.text);
    ++ring.count;
  }
  std::vector<std::string> of(int cpu) const {
    if (cpu < 0 || static_cast<std::size_t>(cpu) >= rings_.size()) return {};
    const Ring& ring = rings_[static_cast<std::size_t>(cpu)];
    std::vector<std::string> out;
    for (std::size_t i = ring.count > kContextLines ? ring.count - kContextLines : 0; i < ring.count; ++i)
      out.push_back(ring.lines[i % kContextLines]);
    return out;
  }

 private:
  struct Ring {
    std::array<std::string, kContextLines> lines;
    std::size_t count = 0;
  };
  std::vector<Ring> rings_;
};

struct CheckRun {
  std::vector<Violation> violations;
  std::vector<std::string> context;  // lines before the first violation on its CPU (stop mode)
  bool stopped = false;
  MainlineCheckSummary summary;
};

MainlineCheckOptions checker_options(const TraceCheckOptions& o) {
  MainlineCheckOptions mo;
  if (!o.profile.empty()) {
    const ProfileLookup p = find_profile(o.profile);
    if (!p.profile) throw UsageError("--profile: " + p.error);
    mo.era = p.profile->version;
  }
  mo.idle_threshold_ns = static_cast<uint64_t>(std::llround(o.idle_threshold_ms * 1e6));
  if (mo.idle_threshold_ns == 0) throw UsageError("--idle-threshold: must be at least 0.000001 ms");
  return mo;
}

CheckRun check_stream(std::istream& in, const std::string& name, const TraceCheckOptions& o,
                      const MainlineCheckOptions& mo) {
  MainlineTraceChecker checker(mo);
  TraceReader reader(in);
  CheckRun run;
  CpuContext context;
  while (const TraceRecord* r = reader.next()) {
    const std::size_t before = run.violations.size();
    checker.feed(*r, run.violations);
    if (!o.keep_going && run.violations.size() > before) {
      run.violations.resize(before + 1);
      run.context = context.of(run.violations.back().cpu);
      run.stopped = true;
      break;
    }
    if (!o.keep_going) context.add(*r);
  }
  if (!run.stopped) {
    checker.finish(run.violations);
    if (!o.keep_going && !run.violations.empty()) {
      run.violations.resize(1);
      run.context = context.of(run.violations.front().cpu);
      run.stopped = true;
    }
  }
  run.summary = checker.summary();
  for (Violation& v : run.violations) v.file = name;
  return run;
}

std::string counts_text(const std::map<std::string, uint64_t, std::less<>>& m) {
  std::string s;
  for (const auto& [name, n] : m) s += (s.empty() ? "" : ", ") + name + " " + std::to_string(n);
  return s.empty() ? "none" : s;
}

nlohmann::json counts_json(const std::map<std::string, uint64_t, std::less<>>& m) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [name, n] : m) j[name] = n;
  return j;
}

void print_text(const std::string& name, const CheckRun& run, bool quiet) {
  const MainlineCheckSummary& s = run.summary;
  std::cout << "== " << name << ": " << s.lines << " lines, " << s.events << " events, " << s.unparsed
            << " unparsed, " << s.gaps << " gaps\n";
  if (!quiet) {
    std::cout << "events: " << counts_text(s.events_by_name) << "\n";
    if (s.sbm_events > 0)
      std::cout << "note: " << s.sbm_events << " sched_balance_* events are not checked on mainline events (replay)\n";
  }
  if (!s.unknown_events.empty()) std::cout << "unknown events: " << counts_text(s.unknown_events) << "\n";
  for (const Violation& v : run.violations) {
    std::cout << format_violation(v) << "\n";
    if (!run.context.empty()) {
      std::cout << "  previous events on CPU" << v.cpu << ":\n";
      for (const std::string& line : run.context) std::cout << "  | " << line << "\n";
    }
  }
  if (run.stopped) std::cout << "stopped at the first violation (--keep-going checks the whole trace)\n";
  std::cout << checks_summary_text(s.checks);
  for (const std::string& note : s.notes) std::cout << "note: " << note << "\n";
  std::cout << "result: " << name << ": ";
  if (run.violations.empty()) {
    std::cout << "conforms\n";
    return;
  }
  std::set<std::string> ids;
  for (const Violation& v : run.violations) ids.insert(v.id);
  std::cout << "VIOLATED: " << run.violations.size() << " violation" << (run.violations.size() == 1 ? "" : "s")
            << " of";
  for (const std::string& id : ids) std::cout << " " << id;
  std::cout << "\n";
}

nlohmann::json run_json(const std::string& name, const CheckRun& run) {
  const MainlineCheckSummary& s = run.summary;
  nlohmann::json violations = nlohmann::json::array();
  for (const Violation& v : run.violations) {
    nlohmann::json vj = violation_json(v);
    if (!run.context.empty()) vj["context"] = run.context;
    violations.push_back(std::move(vj));
  }
  nlohmann::json checks = nlohmann::json::array();
  for (const CheckSummary& c : s.checks) checks.push_back(check_summary_json(c));
  nlohmann::json unparsed = nlohmann::json::array();
  for (const auto& [line, reason] : s.first_unparsed) unparsed.push_back({{"line", line}, {"error", reason}});
  return {{"command", "trace check"},
          {"file", name},
          {"result", run.violations.empty() ? "conforms" : "violated"},
          {"stopped_at_first", run.stopped},
          {"lines", s.lines},
          {"events", s.events},
          {"events_by_name", counts_json(s.events_by_name)},
          {"unknown_events", counts_json(s.unknown_events)},
          {"sbm_events_not_checked", s.sbm_events},
          {"unparsed", s.unparsed},
          {"first_unparsed", unparsed},
          {"gaps", s.gaps},
          {"violations", violations},
          {"checks", checks},
          {"notes", s.notes}};
}

int run_trace_check(const TraceCheckOptions& o) {
  const std::string name = display_name(o.file);
  const MainlineCheckOptions mo = checker_options(o);  // usage errors before any output
  CheckRun run;
  if (o.file == "-") {
    run = check_stream(std::cin, name, o, mo);
  } else {
    std::error_code ec;
    if (std::filesystem::is_directory(o.file, ec)) throw InputError(name, 0, "is a directory; expected a trace file");
    std::ifstream f(o.file, std::ios::binary);
    if (!f) throw InputError(name, 0, "cannot open the file");
    run = check_stream(f, name, o, mo);
  }
  for (const auto& [line, reason] : run.summary.first_unparsed)
    std::cerr << name << ":" << line << ": warning: line not read: " << reason << "\n";
  if (run.summary.unparsed > run.summary.first_unparsed.size())
    std::cerr << name << ": warning: " << run.summary.unparsed << " lines not read in all\n";
  if (o.json) std::cout << run_json(name, run).dump(2) << "\n";
  else print_text(name, run, o.quiet);
  if (!o.junit.empty())
    write_output(o.junit, junit_xml("sbm trace check", {junit_suite(name, run.summary.checks, run.violations)}));
  return run.violations.empty() ? kConforms : kViolation;
}

std::string check_help() {
  std::string s =
      "Check a kernel trace (ftrace text, trace-cmd report, perf script, or sbm's own format) on\n"
      "what its mainline events allow (spec/invariants.md, section 8):\n";
  for (const InvariantInfo& i : mainline_trace_invariants())
    s += "  " + i.id + std::string(i.id.size() < 7 ? 7 - i.id.size() : 1, ' ') + i.title + "\n";
  s +=
      "Events used: sched_switch, sched_wakeup, sched_wakeup_new, sched_waking, sched_migrate_task,\n"
      "softirq_raise/entry/exit, sched_process_exit, and the comm-pid column of every line.\n"
      "MIG-5 and WC-2 need sched_switch; the raise half of NB-3 needs softirq_raise. Facts start\n"
      "unknown (excerpts start mid-stream) and are forgotten at lost-events markers (gaps).\n"
      "Not checked on mainline events: everything of the balancing model (which CPU balances,\n"
      "domains, intervals, next_balance, serialization, NOHZ): it needs the sched_balance_* events\n"
      "and replay, which come later. Affinity is not in the trace: WC-2 skips per-CPU kthreads\n"
      "(comm name/N) only.\n"
      "Exit: 0 conforms, 1 violation, 2 bad input or usage.";
  return s;
}

}  // namespace

void add_trace_check_command(CLI::App* trace, int& status) {
  auto o = std::make_shared<TraceCheckOptions>();
  CLI::App* c = trace->add_subcommand("check", check_help());
  c->add_option("file", o->file, "Trace file, or - for standard input")->required();
  c->add_option("--profile", o->profile,
                "Kernel-era profile (e.g. v2.6.20, v6.17): picks the SCHED softirq vec (6 before v2.6.32, "
                "7 from it) and reports a vec/action mismatch; default: any vec with action=SCHED");
  c->add_option("--idle-threshold", o->idle_threshold_ms,
                "WC-2: report a CPU idle this many ms while a task waits elsewhere (default 100)")
      ->check(CLI::PositiveNumber);
  c->add_flag("--keep-going", o->keep_going, "Check the whole trace instead of stopping at the first violation");
  c->add_flag("--json", o->json, "Print one JSON document instead of text");
  c->add_option("--junit", o->junit, "Also write a JUnit XML report to FILE (one test case per invariant)");
  c->add_flag("-q,--quiet", o->quiet, "Print violations and the summary only");
  c->callback([o, &status] { status = run_trace_check(*o); });
}

}  // namespace sbm::cli
