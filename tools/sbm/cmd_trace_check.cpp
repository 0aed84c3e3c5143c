// sbm trace check: what a kernel trace's mainline events allow (traces/trace_check_mainline.h,
// spec/invariants.md, section 8) and, when the trace carries sched_balance_* events, their
// replay into the balancing model's event checks (traces/trace_replay.h).
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "model/profile.h"
#include "model/topology/topology_spec.h"
#include "properties/check_all.h"
#include "tools/sbm/cli_common.h"
#include "tools/sbm/cli_tree.h"
#include "tools/sbm/commands.h"
#include "tools/sbm/report.h"
#include "tools/sbm/trace_file_read.h"
#include "tools/sbm/trace_view_out.h"
#include "traces/trace_check.h"
#include "traces/trace_dat.h"
#include "traces/trace_input.h"
#include "traces/trace_reader.h"
#include "traces/trace_replay.h"

namespace sbm::cli {

namespace {

struct TraceCheckOptions {
  std::vector<std::string> files;
  std::string profile;
  std::string topology;
  std::optional<unsigned> hz;
  double idle_threshold_ms = 100.0;
  bool keep_going = false;
  bool json = false;
  bool quiet = false;
  std::string junit;
  std::string html;
  std::string require;
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

// --profile and --topology for the replay: a dump file is read now (its errors are usage
// errors before any output); a SPEC is built by the replay for the trace's era.
ReplayOptions replay_options(const TraceCheckOptions& o) {
  ReplayOptions ro;
  ro.profile = o.profile;
  ro.hz = o.hz;
  if (o.topology.empty()) return ro;
  if (names_a_dump(o.topology)) {
    std::optional<KernelVersion> era;
    if (!o.profile.empty()) era = find_profile(o.profile).profile->version;
    ro.topology = load_topology(o.topology, era).topology;
    return ro;
  }
  ro.spec = require_machine_spec(o.topology, "--topology");
  return ro;
}

TraceCheckLane make_lane(const TraceCheckOptions& o, const std::string& profile) {
  TraceCheckOptions lo = o;
  lo.profile = profile;
  return {profile, checker_options(lo), replay_options(lo)};
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

// Every ID `sbm trace check` may judge, for --require.
std::vector<std::string> trace_check_ids() {
  std::vector<std::string> ids;
  for (const auto* list : {&mainline_trace_invariants(), &machine_trace_invariants()})
    for (const InvariantInfo& i : *list) ids.push_back(i.id);
  for (const char* id : balance_event_check_ids()) ids.emplace_back(id);
  return ids;
}

// The verdict of one lane, and what it rests on.
struct LaneVerdict {
  Judged judged;
  Verdict verdict;
  std::string text;
};
LaneVerdict lane_verdict(const TraceCheckResult& run, const RequiredChecks& required) {
  Judged j = judged_of(run.checks(), required);
  const Verdict v = verdict_of(run.violations, j);
  std::string text = verdict_text(run.violations, j, "conforms");
  return {std::move(j), v, std::move(text)};
}

void print_header(const std::string& name, const MainlineCheckSummary& s) {
  std::cout << "== " << name << ": " << s.lines << " lines, " << s.events << " events, "
            << s.unparsed << " unparsed, " << s.gaps << " gaps\n";
}

void print_text(const std::string& name, const TraceCheckResult& run, const LaneVerdict& verdict,
                bool quiet) {
  const MainlineCheckSummary& s = run.summary;
  print_header(name, s);
  if (!quiet) {
    std::cout << "events: " << counts_text(s.events_by_name) << "\n";
    if (run.replayed())
      std::cout << "replay: " << run.replay.balance_events << " balancing events in "
                << run.replay.windows << " windows, " << run.replay.malformed << " malformed, "
                << run.replay.dropped_windows << " windows dropped at gaps or malformed events\n";
  }
  if (!s.unknown_events.empty())
    std::cout << "unknown events: " << counts_text(s.unknown_events) << "\n";
  for (const Violation& v : run.violations) {
    std::cout << format_violation(v) << "\n";
    if (!run.context.empty()) {
      std::cout << "  previous events on CPU" << v.cpu << ":\n";
      for (const std::string& line : run.context) std::cout << "  | " << line << "\n";
    }
  }
  if (run.stopped)
    std::cout << "stopped at the first violation (--keep-going checks the whole trace)\n";
  std::cout << checks_summary_text(run.checks());
  for (const std::string& note : s.notes) std::cout << "note: " << note << "\n";
  for (const std::string& note : run.cadence.notes) std::cout << "note: " << note << "\n";
  if (run.replayed()) {
    if (!run.replay.not_checkable.empty())
      std::cout << "note: replay not checkable: " << run.replay.not_checkable << "\n";
    for (const std::string& note : run.replay.notes) std::cout << "note: replay: " << note << "\n";
  }
  std::cout << "result: " << name << ": " << verdict.text << "\n";
}

// --profile auto: which profiles the trace conforms to, and where each other one departs.
std::vector<std::string> conforming_profiles(const TraceCheck& check,
                                             const RequiredChecks& required) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < check.lanes(); ++i)
    if (lane_verdict(check.result(i), required).verdict == Verdict::Good)
      out.push_back(check.profile(i));
  return out;
}

void print_auto_text(const std::string& name, const TraceCheck& check,
                     const RequiredChecks& required, bool quiet) {
  // The lane that read furthest saw the whole trace (the others stopped at a violation).
  const MainlineCheckSummary& read = check.furthest().summary;
  print_header(name, read);
  if (!quiet) std::cout << "events: " << counts_text(read.events_by_name) << "\n";
  for (std::size_t i = 0; i < check.lanes(); ++i) {
    const TraceCheckResult& run = check.result(i);
    std::cout << "profile " << check.profile(i) << ": " << lane_verdict(run, required).text;
    if (!run.replay.not_checkable.empty() && run.replayed())
      std::cout << " (replay not checkable: " << run.replay.not_checkable << ")";
    std::cout << "\n";
    for (const Violation& v : run.violations) std::cout << "  " << format_violation(v) << "\n";
  }
  const std::vector<std::string> ok = conforming_profiles(check, required);
  std::cout << "result: " << name << ": ";
  if (ok.empty()) {
    std::cout << "conforms to no profile\n";
    return;
  }
  std::cout << "conforms to";
  for (const std::string& p : ok) std::cout << " " << p;
  std::cout << "\n";
}

// One lane of --json (spec/output.md): the profile it checked against (null: the trace's own
// header, or none) and everything it found.
nlohmann::json lane_json(const std::string& profile, const TraceCheckResult& run,
                         const LaneVerdict& verdict) {
  const MainlineCheckSummary& s = run.summary;
  nlohmann::json violations = nlohmann::json::array();
  for (const Violation& v : run.violations) {
    nlohmann::json vj = violation_json(v);
    vj["context"] = run.context;
    violations.push_back(std::move(vj));
  }
  nlohmann::json checks = nlohmann::json::array();
  for (const CheckSummary& c : run.checks()) checks.push_back(check_summary_json(c));
  nlohmann::json unparsed = nlohmann::json::array();
  for (const auto& [line, reason] : s.first_unparsed)
    unparsed.push_back({{"line", line}, {"error", reason}});
  nlohmann::json replay = nullptr;
  if (run.replayed()) {
    const ReplaySummary& r = run.replay;
    nlohmann::json malformed = nlohmann::json::array();
    for (const auto& [line, reason] : r.first_malformed)
      malformed.push_back({{"line", line}, {"error", reason}});
    replay = {{"balance_events", r.balance_events},
              {"windows", r.windows},
              {"malformed", r.malformed},
              {"first_malformed", malformed},
              {"dropped_windows", r.dropped_windows},
              {"not_checkable", r.not_checkable},
              {"notes", r.notes}};
  }
  return {{"profile", json_or_null(!profile.empty(), profile)},
          {"result", verdict_word(verdict.verdict, "conforms")},
          {"verdict", verdict.text},
          {"judged", judged_json(verdict.judged)},
          {"stopped_at_first", run.stopped},
          {"lines", s.lines},
          {"events", s.events},
          {"events_by_name", counts_json(s.events_by_name)},
          {"unknown_events", counts_json(s.unknown_events)},
          {"sbm_events", s.sbm_events},
          {"replay", replay},
          {"unparsed", s.unparsed},
          {"first_unparsed", unparsed},
          {"gaps", s.gaps},
          {"violations", violations},
          {"checks", checks},
          {"cadence",
           {{"ticks", run.cadence.ticks},
            {"ticks_judged", run.cadence.ticks_judged},
            {"tick_raises", run.cadence.tick_raises},
            {"tick_raises_judged", run.cadence.judged_raises}}},
          {"notes", s.notes},
          {"cadence_notes", run.cadence.notes}};
}

// Lines the reader could not read are warnings; a malformed sbm event is an error of its line,
// but the rest of the trace is still checked.
void print_read_problems(const std::string& name, const TraceCheckResult& run) {
  for (const auto& [line, reason] : run.summary.first_unparsed)
    std::cerr << name << ":" << line << ": warning: line not read: " << reason << "\n";
  if (run.summary.unparsed > run.summary.first_unparsed.size())
    std::cerr << name << ": warning: " << run.summary.unparsed << " lines not read in all\n";
  if (!run.replayed()) return;
  for (const auto& [line, reason] : run.replay.first_malformed)
    std::cerr << name << ":" << line << ": error: " << reason << "\n";
  if (run.replay.malformed > run.replay.first_malformed.size())
    std::cerr << name << ": error: " << run.replay.malformed << " malformed sbm events in all\n";
}

// No verdict rests on an input from which no event was read (a text file of something else,
// one overlong line): it is bad input, and the message says what the lines were.
void require_events(const std::string& name, const MainlineCheckSummary& s) {
  if (s.events > 0) return;
  std::string what = std::to_string(s.lines) + " line" + (s.lines == 1 ? "" : "s");
  if (s.unparsed > 0)
    what += ", " + std::to_string(s.unparsed) + " of them not read as trace lines";
  throw InputError(name, 0, "no trace event read (" + what + ")");
}

// The document of --json, one shape with or without --profile auto: a lane per profile checked.
nlohmann::json check_json(const std::string& name, const std::string& profile,
                          const TraceCheck& check, const RequiredChecks& required,
                          const std::string& result) {
  nlohmann::json doc = json_envelope("trace check");
  doc["file"] = name;
  doc["profile"] = json_or_null(!profile.empty(), profile);
  doc["result"] = result;
  doc["conforms_to"] = nlohmann::json::array();
  doc["profiles"] = nlohmann::json::array();
  for (std::size_t i = 0; i < check.lanes(); ++i) {
    const LaneVerdict verdict = lane_verdict(check.result(i), required);
    if (verdict.verdict == Verdict::Good && !check.profile(i).empty())
      doc["conforms_to"].push_back(check.profile(i));
    doc["profiles"].push_back(lane_json(check.profile(i), check.result(i), verdict));
  }
  return doc;
}

// --html: a window of the trace around each finding (spec/views.md), or its start when none.
void write_findings_page(const std::string& html, const std::string& name, const std::string& file,
                         const TraceCheckResult& run, const std::string& verdict) {
  ViewRequest req;
  req.findings = run.violations;
  req.context = run.context;
  req.title = "sbm trace check " + name;
  req.note = "result: " + verdict;
  if (run.violations.size() > kMaxViewedFindings)
    req.note += " (the first " + std::to_string(kMaxViewedFindings) + " findings are shown)";
  write_trace_view(html, ViewSource{file, nullptr, name}, req);
}

// One trace: prints its report (text) or adds its JSON object to `json`, adds its JUnit suites
// (one per lane), and returns its exit status. Throws InputError when it cannot be read.
int check_one(const std::string& file, const TraceCheckOptions& o,
              const std::vector<TraceCheckLane>& lanes, const RequiredChecks& required,
              std::vector<JUnitSuite>& suites, nlohmann::json& json) {
  const std::string name = display_name(file);
  const bool automatic = o.profile == "auto";
  const auto started = std::chrono::system_clock::now();
  TraceCheck check(lanes, !o.keep_going, name);
  read_trace_file(
      file, name, [&check](const TraceRecord& r) { return check.feed(r); }, o.quiet);
  check.finish();
  // What could not be read is the same in every lane: the one that read furthest says it.
  const TraceCheckResult& read = check.furthest();
  print_read_problems(name, read);
  require_events(name, read.summary);
  // sbm events, none of them readable: there is nothing to replay.
  const bool unreadable =
      read.replayed() && read.replay.balance_events == 0 && read.replay.malformed > 0;
  if (!o.junit.empty())
    for (std::size_t i = 0; i < check.lanes(); ++i) {
      suites.push_back(junit_suite(automatic ? name + " [" + check.profile(i) + "]" : name,
                                   check.result(i).checks(), check.result(i).violations, required));
      if (unreadable)
        suites.back().cases.push_back(
            JUnitCase{"read",
                      {},
                      {},
                      std::to_string(read.replay.malformed) +
                          " malformed sbm events, none readable: nothing replayed"});
      junit_timed(suites.back(), started);
    }
  if (automatic) {
    const std::vector<std::string> ok = conforming_profiles(check, required);
    if (o.json)
      json.push_back(
          check_json(name, o.profile, check, required, ok.empty() ? "violated" : "conforms"));
    else
      print_auto_text(name, check, required, o.quiet);
    return unreadable ? kBadInput : ok.empty() ? kViolation : kConforms;
  }
  const TraceCheckResult& run = check.result();
  const LaneVerdict verdict = lane_verdict(run, required);
  if (!o.html.empty()) write_findings_page(o.html, name, file, run, verdict.text);
  if (o.json)
    json.push_back(
        check_json(name, o.profile, check, required, verdict_word(verdict.verdict, "conforms")));
  else
    print_text(name, run, verdict, o.quiet);
  return unreadable ? kBadInput : verdict_exit(verdict.verdict);
}

// Many traces: each one's report, then a summary; the exit status is the worst one's. One
// trace's --json document is its own (spec/output.md); with many it is {envelope, "result",
// "files": [each trace's document without the envelope, or its errors]}. A JUnit report asked
// for is written even when an input could not be read: that input is its <error>.
int run_trace_check(const TraceCheckOptions& o) {
  std::vector<TraceCheckLane> lanes;  // usage errors before any output
  for (const std::string& p :
       o.profile == "auto" ? profile_names() : std::vector<std::string>{o.profile})
    lanes.push_back(make_lane(o, p));
  const RequiredChecks required(o.require, trace_check_ids());
  const bool many = o.files.size() > 1;
  if (!o.html.empty()) {
    view_form_of("--html", o.html);
    if (many) throw UsageError("--html draws one trace: give one file");
    if (o.files.front() == "-")
      throw UsageError("--html reads the trace again: give a file, not -");
    if (o.profile == "auto") throw UsageError("--html needs one profile, not --profile auto");
  }
  int status = kConforms;
  std::map<int, std::size_t> by_status;
  nlohmann::json files = nlohmann::json::array();
  std::vector<JUnitSuite> suites;
  for (const std::string& file : o.files) {
    int s = kBadInput;
    const auto started = std::chrono::system_clock::now();
    try {
      s = check_one(file, o, lanes, required, suites, files);
    } catch (const InputError& e) {
      suites.push_back(junit_error_suite(display_name(file), error_text(e)));
      junit_timed(suites.back(), started);
      if (!many) {
        if (!o.junit.empty()) write_output(o.junit, junit_xml("sbm trace check", suites));
        throw;
      }
      report_error(e);
      files.push_back(input_error_json(display_name(file), e));
    }
    status = worse(status, s);
    ++by_status[s];
  }
  if (!o.junit.empty()) write_output(o.junit, junit_xml("sbm trace check", suites));
  if (o.json && !many) {
    std::cout << json_text(files.front());
  } else if (o.json) {
    nlohmann::json doc = json_envelope("trace check");
    doc["result"] = status_word(status, "conforms");
    for (nlohmann::json& f : files)
      for (const char* key : {"sbm_version", "schema_version", "command"}) f.erase(key);
    doc["files"] = std::move(files);
    std::cout << json_text(doc);
  } else if (many) {
    std::cout << "summary: " << o.files.size() << " traces: " << by_status[kConforms]
              << " conform, " << by_status[kViolation] << " violated, " << by_status[kUnknown]
              << " not checkable, " << by_status[kBadInput] << " bad input\n";
  }
  return status;
}

// One "  ID     title" line of --help.
std::string help_row(const InvariantInfo& i) {
  return "  " + i.id + std::string(i.id.size() < 7 ? 7 - i.id.size() : 1, ' ') + i.title + "\n";
}

std::string check_help() {
  std::string s =
      "Check a kernel trace (ftrace text, trace-cmd report, perf script, sbm's own format, or\n"
      "trace-cmd's binary trace.dat, known by its magic, from a file or standard input) on what\n"
      "its mainline events allow (spec/invariants.md, section 8):\n";
  for (const InvariantInfo& i : mainline_trace_invariants()) s += help_row(i);
  s += "Events used: sched_switch, sched_wakeup, sched_wakeup_new, sched_waking, "
       "sched_migrate_task,\n"
       "softirq_raise/entry/exit, sched_process_exit, and the comm-pid column of every line.\n"
       "MIG-5 and WC-2 need sched_switch; the raise half of NB-3 needs softirq_raise. Facts start\n"
       "unknown (excerpts start mid-stream) and are forgotten at lost-events markers (gaps).\n"
       "Affinity is not in the trace: WC-2 skips per-CPU kthreads (comm name/N) only.\n"
       "Given the machine (the header's # profile:, # hz: and # topology-dump:, as sbm trace "
       "record\n"
       "writes them, or --profile and --topology), kernel events also judge periodic balancing:\n";
  for (const InvariantInfo& i : machine_trace_invariants()) s += help_row(i);
  s +=
      "NB-4 reads the tick (timer:hrtimer_expire_entry/exit), NOHZ-4 the csd:csd_* events of\n"
      "nohz_csd_func; NB-4 keeps every hidden last_balance / balance_interval / next_balance the\n"
      "trace allows and reports how many tick raises it judged.\n"
      "Not checked on mainline events: the rest of the balancing model (which domains a pass\n"
      "visits, next_balance values, serialization, the ILB's choices): it needs the "
      "sched_balance_*\n"
      "events.\n"
      "A trace with sched_balance_* events (sbm trace gen, spec/trace-format.md) is also replayed\n"
      "into the balancing model, one jiffy at a time, on the machine of its header (# profile:,\n"
      "# topology-dump:) or of --profile / --topology:\n";
  for (const InvariantInfo& i : sim_invariants())
    for (const char* id : balance_event_check_ids())
      if (i.id == id) s += help_row(i);
  s +=
      "A malformed sbm event is an error of its line; the check goes on without it.\n"
      "--profile auto runs every profile side by side over one read of the trace, each stopping "
      "at\n"
      "its first violation, and prints which profiles the trace conforms to.\n"
      "gzip and zstd input is unpacked (known by content, from a file or standard input); an "
      "input\n"
      "from which no event is read (empty, binary, not a trace) is bad input, never \"conforms\".\n"
      "The verdict says how many checks judged the input and which could not; --require makes a\n"
      "named check that could not judge a failure.\n"
      "Many traces are checked one after the other, each with its own result: line, then a\n"
      "summary; --json then prints {\"files\": [one object per trace]}.\n"
      "Exit: 0 conforms (with auto: to some profile), 1 violation or a required check not judged,\n"
      "2 bad input or usage, 3 not checkable (events were read, but no check could judge them);\n"
      "with many traces, the worst one's.";
  return s;
}

}  // namespace

void add_trace_check_command(CLI::App* trace, int& status) {
  auto o = std::make_shared<TraceCheckOptions>();
  CLI::App* c = trace->add_subcommand("check", check_help());
  c->add_option("files", o->files,
                "Trace files, or - for standard input; with many, the exit is the worst one's")
      ->required();
  c->add_option(
      "--profile", o->profile,
      "Kernel-era profile (e.g. v2.6.20, v6.17): picks the SCHED softirq vec (6 before v2.6.32, "
      "7 from it) and the model the sbm events replay into (default: the trace's # profile:, and "
      "any "
      "vec with action=SCHED); 'auto' checks against every profile and reports those the trace "
      "conforms to (exit 0 if any)");
  c->add_option(
      "--topology", o->topology,
      "Replay on this machine instead of the trace's embedded dump: a SPEC (preset or key=value, "
      "or host / host:DIR for a sysfs tree; built for the profile's era) or a topology dump FILE");
  c->add_option("--hz", o->hz,
                "The kernel's HZ (CONFIG_HZ), for a trace that does not say it (a trace.dat, "
                "ftrace's text): "
                "NB-4 and the replay count jiffies with it (default: the trace's # hz:)")
      ->check(positive_number());
  c->add_option("--idle-threshold", o->idle_threshold_ms,
                "WC-2: report a CPU idle this many ms while a task waits elsewhere (default 100)")
      ->check(positive_number());
  c->add_flag("--keep-going", o->keep_going,
              "Check the whole trace instead of stopping at the first violation");
  cli::add_report_options(*c, o->json, o->junit);
  c->add_option("--html", o->html,
                "Also write REPORT.html: a window of the trace around each finding, per-CPU lanes "
                "with the finding highlighted beside its CPU's sched domains (spec/views.md)")
      ->type_name("REPORT.html");
  c->add_flag("-q,--quiet", o->quiet,
              "Print violations and the summary only, and no progress on stderr (shown for a text "
              "file over 100 MB: a live line on a terminal, else a line every 10 s)");
  c->add_option(
       "--require", o->require,
       "Fail (exit 1) when one of these checks could not judge the input: ID[,ID...] or all")
      ->type_name("ID,...");
  c->footer(
      "Examples:\n"
      "  trace-cmd report | sbm trace check - --keep-going\n"
      "  sbm trace check trace.dat --profile v6.17 --hz 250 --topology host   # trace-cmd's binary "
      "file\n"
      "  sbm trace check -q a.trace b.trace.gz c.dat   # one verdict each; exit: the worst\n"
      "  sbm trace check run.trace --keep-going --html findings.html");
  c->callback([o, &status] { status = run_trace_check(*o); });
}

}  // namespace sbm::cli
