#include "tools/sbm/mutant_matrix.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "model/profile.h"
#include "model/sim/simulator.h"
#include "model/topology/build_options.h"
#include "model/topology/build_sched_domains.h"
#include "model/topology/topology_spec.h"
#include "properties/check_all.h"
#include "properties/prove.h"
#include "properties/topo_invariants.h"
#include "traces/litmus.h"
#include "traces/trace_check.h"
#include "traces/trace_reader.h"
#include "traces/trace_write.h"

namespace sbm {

const char* kill_column_name(KillColumn c) {
  switch (c) {
    case KillColumn::Property:
      return "property";
    case KillColumn::Replay:
      return "replay";
    case KillColumn::Corpus:
      return "corpus";
    case KillColumn::Z3:
      return "z3";
  }
  return "?";
}

bool MutantResult::killed() const {
  return std::any_of(columns.begin(), columns.end(),
                     [](const ColumnResult& c) { return c.killed; });
}

std::vector<std::string> MutantResult::killed_by() const {
  std::vector<std::string> out;
  for (KillColumn c : kKillColumns) {
    const ColumnResult& r = columns[static_cast<size_t>(c)];
    if (r.killed) out.push_back(std::string(kill_column_name(c)) + ":" + r.id);
  }
  return out;
}

bool MutantResult::budget_cut() const {
  return std::any_of(columns.begin(), columns.end(),
                     [](const ColumnResult& c) { return c.budget_cut; });
}

std::string SimCase::name() const {
  return profile + " " + topology + " " + workload + " seed " + std::to_string(seed) + " ticks " +
         std::to_string(ticks) + (no_hz ? " CONFIG_NO_HZ=n" : "");
}

// Ordered so that the cheap, broad cases come first: every era on the 8-CPU laptop with the
// random churn workload (it forks, sleeps, wakes and re-pins tasks of three weights), and
// the Wasted Cores shape on 4 cores with ticking idle CPUs (WC-1's ground), then the
// affinity and spreading workloads, then the NUMA machines where SD_SERIALIZE, overlap
// groups and the ILB across nodes come in.
const std::vector<SimCase>& sim_cases() {
  static const std::vector<SimCase> all = {
      {"v6.17", "laptop", "churn", 1, 300},
      {"v6.17", "cores=4", "wasted-cores", 1, 200, true},
      {"v4.19", "laptop", "churn", 1, 300},
      {"v2.6.32", "laptop", "churn", 1, 300},
      {"v2.6.20", "laptop", "churn", 1, 300},
      {"v6.19", "laptop", "churn", 1, 300},
      {"v6.17", "laptop", "pinned", 1, 200},
      {"v4.19", "laptop", "pinned", 1, 200},
      {"v6.17", "laptop", "spread", 1, 200},
      {"v6.17", "laptop", "churn", 2, 600},
      {"v6.19", "2s-numa", "busy", 1, 100},
      {"v6.17", "2s-numa", "numa-imbalance", 1, 100},
      {"v4.19", "2s-numa", "churn", 1, 200},
      {"v2.6.32", "2s-numa", "churn", 1, 200},
      {"v6.17", "segmented-bus", "churn", 1, 300},
  };
  return all;
}

Deadline::Deadline(double seconds)
    : end_(std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
               .count() +
           seconds),
      set_(true) {}

bool Deadline::expired() const {
  if (!set_) return false;
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
             .count() > end_;
}

namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string one_line(const Violation& v) {
  std::string s = v.id;
  if (v.cpu >= 0) s += " cpu " + std::to_string(v.cpu);
  if (v.line > 0) s += " line " + std::to_string(v.line);
  return s + ": expected " + v.expected + ", observed " + v.observed + ": " + v.explanation;
}

std::string mutant_option(Mutant m) {
  return m == Mutant::None ? "" : " --mutant " + std::string(mutant_info(m).name);
}

// The profile of a case with the mutant applied; the simulator builds its topology with the
// era's own options, so only the profile carries the mutant here.
Profile case_profile(const SimCase& c, Mutant mutant) {
  Profile p = find_profile(c.profile).profile.value();
  if (c.no_hz) p.config_no_hz = false;
  apply_mutant(mutant, p, nullptr);
  return p;
}

Simulator make_case_sim(const SimCase& c, Mutant mutant) {
  SimConfig config;
  config.machine = parse_machine_spec(c.topology).spec.value();
  config.profile = case_profile(c, mutant);
  config.workload = c.workload;
  config.seed = c.seed;
  Simulator::Build b = Simulator::create(config);
  return std::move(b.sim.value());
}

std::string gen_command(const SimCase& c, Mutant mutant) {
  return "sbm trace gen --topology " + c.topology + " --profile " + c.profile + " --ticks " +
         std::to_string(c.ticks) + " --seed " + std::to_string(c.seed) + " --workload " +
         c.workload + mutant_option(mutant);
}

// The machine presets the builder cases build, for the era that has every builder switch the
// TOPO mutants undo (groups flags, find_descended_sibling, the wrap walk).
constexpr KernelVersion kBuilderEra{6, 17, 0};

// Property column, builder part: a preset built with the mutated BuildOptions.
bool builder_case(const MachinePreset& preset, Mutant mutant, ColumnResult& r) {
  BuildOptions opts = build_options_for(kBuilderEra);
  Profile unused;
  apply_mutant(mutant, unused, &opts);
  const MachineSpec spec = parse_machine_spec(preset.spec).spec.value();
  const TopoCheckReport report = check_topology(build_sched_domains(spec, kBuilderEra, 0, opts));
  if (report.violations.empty()) return false;
  const Violation& v = report.violations.front();
  r.id = v.id;
  r.where = "topology build " + std::string(preset.name) + " (v6.17)";
  r.observed = one_line(v);
  return true;
}

// Records the events of the jiffy in progress and counts every event of the run.
class WindowObserver final : public SimObserver {
 public:
  void emit(const BalanceEvent& e) override { window.push_back(e); }
  std::vector<BalanceEvent> window;
  uint64_t before_window = 0;  // events of the jiffies already checked
};

// Property column, simulator part, until the first violation of:
//  - PropertyChecker (every state and event check, NOHZ-3 at jiffy boundaries included, on
//    the machine as the mutant runs it);
//  - the event checks again against the era's own profile: an era-switch mutant changes
//    the profile fields the checks read (next_balance_write, serialize_newidle, ...), and a
//    property test states what the kernel of that era guarantees, not what the mutant does.
bool simulator_case(const SimCase& c, Mutant mutant, ColumnResult& r) {
  Simulator sim = make_case_sim(c, mutant);
  const Profile oracle_profile = case_profile(c, Mutant::None);
  PropertyChecker checker;
  WindowObserver events;
  std::vector<Violation> found;
  for (uint64_t t = 0; t < c.ticks && found.empty();) {
    if (checker.step(sim, events).kind != StepKind::JiffyEnd) continue;
    ++t;
    found = checker.violations();
    MachineState oracle = sim.machine();
    oracle.profile = oracle_profile;
    for (Violation v : check_balance_events(oracle, events.window, nullptr)) {
      v.line += static_cast<int>(events.before_window);
      found.push_back(std::move(v));
    }
    events.before_window += events.window.size();
    events.window.clear();
  }
  if (found.empty()) return false;
  const Violation& v =
      *std::min_element(found.begin(), found.end(),
                        [](const Violation& a, const Violation& b) { return a.line < b.line; });
  r.id = v.id;
  r.where = c.name();
  r.observed = one_line(v);
  r.events = static_cast<uint64_t>(std::max(v.line, 0));
  return true;
}

// Replay column: the mutated simulator writes the trace; `sbm trace check` of it (the
// mainline checks and the unmutated model's replay) judges it.
bool replay_case(const SimCase& c, Mutant mutant, ColumnResult& r) {
  std::stringstream trace;
  {
    Simulator sim = make_case_sim(c, mutant);
    TraceWriter writer = start_trace(trace, sim, gen_command(c, mutant), c.topology);
    TraceObserver observer(writer);
    sim.run_ticks(c.ticks, observer);
  }
  TraceReader reader(trace);
  TraceCheck check(TraceCheckLane{}, /*stop_at_first=*/true);
  check_trace(reader, check);
  const std::vector<Violation>& found = check.result().violations;
  if (found.empty()) return false;
  const Violation& v = found.front();
  r.id = v.id;
  r.where = c.name();
  r.observed = one_line(v);
  r.events = static_cast<uint64_t>(std::max(v.line, 0));
  return true;
}

// Corpus column: one golden trace judged as `sbm corpus check` judges it (traces/litmus.h),
// with the mutated model as the replay oracle.
bool corpus_case(const std::string& path, Mutant mutant, ColumnResult& r) {
  const TraceLitmus litmus = check_trace_litmus(path, mutant);
  if (litmus.error || litmus.verdict.ok) return false;
  const std::vector<Violation>& out = litmus.result.violations;
  const std::set<std::string> expected =
      litmus.expect->good ? std::set<std::string>{} : *litmus.expect->ids;
  // The first ID on which the verdicts differ: one that fired unexpectedly, else one missed.
  const auto extra = std::find_if(out.begin(), out.end(),
                                  [&](const Violation& v) { return !expected.count(v.id); });
  const std::string name = std::filesystem::path(path).filename().string();
  if (extra != out.end()) {
    r.id = extra->id;
    r.observed = one_line(*extra);
    r.events = static_cast<uint64_t>(std::max(extra->line, 0));
  } else {
    for (const std::string& id : expected)
      if (!litmus.verdict.fired.count(id)) {
        r.id = id;
        break;
      }
    r.observed = r.id + " expected to fire but did not";
  }
  r.where = name;
  return true;
}

std::vector<std::string> corpus_files(const std::string& dir) {
  std::vector<std::string> files;
  for (const char* sub : {"mainline", "replay"}) {
    const std::filesystem::path d = std::filesystem::path(dir) / sub;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(d, ec))
      if (e.path().extension() == ".trace") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Runs `try_case` over `n` cases of column `column` in order until one kills `mutant` (or the
// deadline passes).
template <class TryCase>
ColumnResult run_column(Mutant mutant, KillColumn column, size_t n, const Deadline& deadline,
                        TryCase try_case) {
  ColumnResult r;
  const double start = now_s();
  r.total_cases = n;
  for (size_t i = 0; i < n; ++i) {
    if (deadline.expired()) {
      r.budget_cut = true;
      break;
    }
    ++r.cases;
    if (try_case(i, r)) {
      r.killed = true;
      r.reproduce = rerun_command(mutant, column);
      break;
    }
  }
  r.seconds = now_s() - start;
  return r;
}

}  // namespace

ColumnResult property_column(Mutant mutant, const Deadline& deadline) {
  const std::vector<MachinePreset>& presets = machine_presets();
  const std::vector<SimCase>& sims = sim_cases();
  return run_column(mutant, KillColumn::Property, presets.size() + sims.size(), deadline,
                    [&](size_t i, ColumnResult& r) {
                      if (i < presets.size()) return builder_case(presets[i], mutant, r);
                      return simulator_case(sims[i - presets.size()], mutant, r);
                    });
}

ColumnResult replay_column(Mutant mutant, const Deadline& deadline) {
  const std::vector<SimCase>& sims = sim_cases();
  std::vector<SimCase> traced;
  std::copy_if(sims.begin(), sims.end(), std::back_inserter(traced),
               [](const SimCase& c) { return !c.no_hz; });
  return run_column(mutant, KillColumn::Replay, traced.size(), deadline,
                    [&](size_t i, ColumnResult& r) { return replay_case(traced[i], mutant, r); });
}

ColumnResult corpus_column(Mutant mutant, const std::string& trace_corpus_dir,
                           const Deadline& deadline) {
  const std::vector<std::string> files =
      trace_corpus_dir.empty() ? std::vector<std::string>{} : corpus_files(trace_corpus_dir);
  ColumnResult r =
      run_column(mutant, KillColumn::Corpus, files.size(), deadline,
                 [&](size_t i, ColumnResult& out) { return corpus_case(files[i], mutant, out); });
  if (files.empty())
    r.note = "no trace corpus (" +
             (trace_corpus_dir.empty() ? std::string("none given") : trace_corpus_dir) + ")";
  return r;
}

// The profiles the queries run under: the newest era, then v6.19 for what it changed
// (SD_SERIALIZE placement and newidle serialization).
constexpr const char* kZ3Profiles[] = {"v6.17", "v6.19"};
constexpr unsigned kZ3TimeoutMs = 30000;

ColumnResult z3_column(Mutant mutant, const Deadline& deadline) {
  // Queries about the ID the registry expects come first, so a tight budget still tries them.
  std::vector<const QueryInfo*> queries;
  for (const QueryInfo& q : query_catalogue()) queries.push_back(&q);
  const std::string expected(mutant_info(mutant).caught_by);
  std::stable_partition(queries.begin(), queries.end(), [&](const QueryInfo* q) {
    return !expected.empty() && q->property_id.starts_with(expected.substr(0, expected.find('-')));
  });
  const size_t n = std::size(kZ3Profiles) * queries.size();
  ColumnResult r =
      run_column(mutant, KillColumn::Z3, n, deadline, [&](size_t i, ColumnResult& out) {
        const char* profile = kZ3Profiles[i / queries.size()];
        const QueryInfo& q = *queries[i % queries.size()];
        ProveOptions po;
        po.profile = find_profile(profile).profile.value();
        po.build = build_options_for(po.profile.version);
        apply_mutant(mutant, po.profile, &po.build);
        po.timeout_ms = kZ3TimeoutMs;
        const QueryResult qr = q.run(po);
        if (qr.verdict == ProofVerdict::Unknown)
          out.note += q.name + " (" + profile + "): unknown, " + qr.reason + "; ";
        if (qr.verdict != ProofVerdict::Counterexample) return false;
        out.id = qr.property_id;
        out.where = q.name + " (" + profile + ")";
        out.observed =
            qr.cex && !qr.cex->summary.empty() ? qr.cex->summary.front() : "counterexample";
        return true;
      });
  if (n == 0) r.note = "the query catalogue is empty";
  return r;
}

std::optional<KillColumn> find_kill_column(std::string_view name) {
  for (KillColumn c : kKillColumns)
    if (name == kill_column_name(c)) return c;
  return std::nullopt;
}

std::string rerun_command(Mutant mutant, KillColumn c) {
  return "sbm mutants --mutant " + std::string(mutant_info(mutant).name) + " --column " +
         kill_column_name(c);
}

ColumnResult run_kill_column(KillColumn c, Mutant m, const std::string& trace_corpus_dir,
                             const Deadline& deadline) {
  switch (c) {
    case KillColumn::Property:
      return property_column(m, deadline);
    case KillColumn::Replay:
      return replay_column(m, deadline);
    case KillColumn::Corpus:
      return corpus_column(m, trace_corpus_dir, deadline);
    case KillColumn::Z3:
      return z3_column(m, deadline);
  }
  return {};
}

std::vector<Mutant> matrix_mutants(const MatrixOptions& options) {
  std::vector<Mutant> which;
  if (options.mutants.empty())
    for (const MutantInfo& m : mutant_registry()) which.push_back(m.id);
  for (Mutant m : options.mutants)
    if (m != Mutant::None) which.push_back(m);
  return which;
}

std::vector<KillColumn> matrix_columns(const MatrixOptions& options) {
  if (!options.columns.empty()) return options.columns;
  return {kKillColumns.begin(), kKillColumns.end()};
}

MatrixResult run_kill_matrix(const MatrixOptions& options,
                             const std::function<void(size_t, size_t)>& progress) {
  const double start = now_s();
  const Deadline deadline(options.budget_s);
  const std::vector<Mutant> which = matrix_mutants(options);
  const std::vector<KillColumn> columns = matrix_columns(options);
  MatrixResult out;
  out.baseline.mutant = nullptr;
  for (Mutant m : which) out.mutants.push_back(MutantResult{&mutant_info(m), {}, 0});
  const auto mark_skipped = [&](MutantResult& r) {
    for (KillColumn c : kKillColumns)
      r.columns[static_cast<size_t>(c)].skipped =
          std::find(columns.begin(), columns.end(), c) == columns.end();
  };
  mark_skipped(out.baseline);
  for (MutantResult& r : out.mutants) mark_skipped(r);

  // Column by column, the baseline first in each: the cheap columns decide most mutants
  // before the solver runs, so a tight budget cuts the Z3 column, not the others. Workers take
  // the items in this order; each writes only its own cell.
  struct Item {
    KillColumn column;
    size_t row;  // 0: the baseline, k: which[k - 1]
  };
  std::vector<Item> items;
  for (KillColumn c : columns)
    for (size_t k = 0; k <= which.size(); ++k) items.push_back({c, k});
  std::atomic<size_t> next{0};
  size_t done = 0;
  std::mutex done_mutex;
  const auto work = [&] {
    for (size_t i; (i = next.fetch_add(1)) < items.size();) {
      const Item& it = items[i];
      const Mutant m = it.row == 0 ? Mutant::None : which[it.row - 1];
      MutantResult& r = it.row == 0 ? out.baseline : out.mutants[it.row - 1];
      r.columns[static_cast<size_t>(it.column)] =
          run_kill_column(it.column, m, options.trace_corpus_dir, deadline);
      const std::lock_guard lock(done_mutex);
      ++done;
      if (progress) progress(done, items.size());
    }
  };
  const size_t workers = std::min<size_t>(std::max(options.jobs, 1u), items.size());
  std::vector<std::thread> threads;
  for (size_t w = 1; w < workers; ++w) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();

  const auto add_seconds = [](MutantResult& r) {
    for (const ColumnResult& c : r.columns) r.seconds += c.seconds;
  };
  add_seconds(out.baseline);
  for (MutantResult& r : out.mutants) add_seconds(r);
  out.seconds = now_s() - start;
  out.budget_cut = out.baseline.budget_cut() ||
                   std::any_of(out.mutants.begin(), out.mutants.end(),
                               [](const MutantResult& r) { return r.budget_cut(); });
  return out;
}

namespace {

// One cell of the text matrix: the killing case of the column's cases ("5/21"), "-" (tried
// every case, none killed), "cut 3/21" (the budget ran out after 3), "n/a" (nothing to try),
// "skip" (not selected).
std::string cell(const ColumnResult& c) {
  const std::string of = std::to_string(c.cases) + "/" + std::to_string(c.total_cases);
  if (c.skipped) return "skip";
  if (c.killed) return of;
  if (c.budget_cut) return "cut " + of;
  if (c.total_cases == 0) return "n/a";
  return "-";
}

// `text` broken at spaces into lines of at most kMatrixTextWidth, each after `indent` spaces
// (a word longer than a line is cut).
std::string wrapped(const std::string& text, size_t indent) {
  const size_t room = kMatrixTextWidth - indent;
  std::string out, line;
  const auto flush = [&] {
    out += std::string(indent, ' ') + line + "\n";
    line.clear();
  };
  std::istringstream words(text);
  for (std::string w; words >> w;) {
    if (!line.empty() && line.size() + 1 + w.size() > room) flush();
    for (; w.size() > room; w.erase(0, room)) {
      if (!line.empty()) flush();
      line = w.substr(0, room);
      flush();
    }
    if (!w.empty()) line += (line.empty() ? "" : " ") + w;
  }
  if (!line.empty()) flush();
  return out;
}

std::string padded(const std::string& s, size_t width) {
  return s + std::string(width > s.size() ? width - s.size() : 0, ' ');
}

// A kill: which column, the ID, how soon, the case, the first violation and the rerun command.
std::string kill_text(const std::string& row, KillColumn c, const ColumnResult& col) {
  std::string head = row + ": " + kill_column_name(c) + " " + col.id + " at case " +
                     std::to_string(col.cases) + "/" + std::to_string(col.total_cases);
  if (col.events) head += ", event " + std::to_string(col.events);
  return wrapped(head + ", " + col.where, 0) + wrapped(col.observed, 4) +
         wrapped("rerun: " + col.reproduce, 4);
}

}  // namespace

std::string matrix_text(const MatrixResult& m) {
  const std::string baseline_name = "(unmutated model)";
  std::vector<const MutantResult*> rows = {&m.baseline};
  for (const MutantResult& r : m.mutants) rows.push_back(&r);
  const auto row_name = [&](const MutantResult& r) {
    return r.mutant ? std::string(r.mutant->name) : baseline_name;
  };
  // Each column as wide as its widest entry.
  std::array<size_t, 4> width{};
  size_t name_width = std::string("mutant").size();
  for (KillColumn c : kKillColumns)
    width[static_cast<size_t>(c)] = std::string(kill_column_name(c)).size();
  for (const MutantResult* r : rows) {
    name_width = std::max(name_width, row_name(*r).size());
    for (KillColumn c : kKillColumns) {
      const size_t k = static_cast<size_t>(c);
      width[k] = std::max(width[k], cell(r->columns[k]).size());
    }
  }
  std::ostringstream o;
  const auto line = [&](const std::string& name, const std::function<std::string(size_t)>& at,
                        const std::string& verdict) {
    std::string s = padded(name, name_width);
    for (size_t k = 0; k < width.size(); ++k) s += " | " + padded(at(k), width[k]);
    o << s << " | " << verdict << "\n";
  };
  line(
      "mutant", [](size_t k) { return std::string(kill_column_name(kKillColumns[k])); }, "verdict");
  {
    std::string rule(name_width, '-');
    for (size_t w : width) rule += "-+-" + std::string(w, '-');
    o << rule << "-+-" << std::string(std::string("SURVIVED").size(), '-') << "\n";
  }
  const auto row = [&](const MutantResult& r, const std::string& verdict) {
    line(
        row_name(r), [&](size_t k) { return cell(r.columns[k]); }, verdict);
  };
  row(m.baseline, m.baseline.killed() ? "FAILS" : m.baseline.budget_cut() ? "unknown" : "passes");
  int killed = 0, survivors = 0;
  for (const MutantResult& r : m.mutants) {
    const bool survived = !r.killed() && !r.budget_cut();
    killed += r.killed();
    survivors += survived;
    row(r, r.killed() ? "killed" : survived ? "SURVIVED" : "unknown");
  }
  o << wrapped(
      "A cell: the case that killed, of the column's cases; - every case tried, none killed; "
      "cut N/M the budget ran out after N; n/a nothing to try; skip not selected (--column).",
      0);
  o << "\n";
  for (const MutantResult* r : rows)
    for (KillColumn c : kKillColumns)
      if (const ColumnResult& col = r->columns[static_cast<size_t>(c)]; col.killed)
        o << kill_text(r->mutant ? row_name(*r) : "the unmutated model FAILS", c, col);
  std::string summary = std::to_string(m.mutants.size()) + " mutants: " + std::to_string(killed) +
                        " killed, " + std::to_string(survivors) + " survived";
  if (m.budget_cut) summary += ", the budget cut some columns short";
  summary += "; the unmutated model " +
             std::string(m.baseline.killed() ? "FAILS a check" : "passes every checker run");
  o << wrapped(summary, 0);
  return o.str();
}

}  // namespace sbm
