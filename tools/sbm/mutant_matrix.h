// The kill matrix of `sbm mutants` (spec/mutants.md): every mutant of the registry
// (model/mutants.h) run against the suite's checkers, one column each, and the unmutated
// model against all of them as the baseline that must pass.
//
//   property  the simulator with the mutated profile under PropertyChecker (every state and
//             event check while it runs, properties/check_all.h) over a fixed list of
//             (profile, topology, workload, seed, ticks) cases; for the topology mutants also
//             the builder with the mutated BuildOptions over the machine presets, checked by
//             check_topology()
//   replay    the same simulations written as traces by the mutated simulator
//             (traces/trace_write.h) and replayed by the unmutated model (TraceReplay)
//   corpus    the golden traces of traces/corpus/{mainline,replay}, replayed with the mutated
//             model as the oracle: killed when a verdict differs from the file's "# expect:"
//   z3        the `sbm prove` query catalogue (properties/prove.h) under v6.17 and v6.19 with
//             the mutated profile and BuildOptions: killed by a counterexample
//
// The columns run one after the other over every mutant (the baseline first), so a tight
// budget cuts the solver, not the cheap columns. With jobs > 1, that many worker threads take
// the (column, mutant) items in the same order (the mutant is data in the Profile and
// BuildOptions of each run, and each Z3 query has its own context: the runs share no mutable
// state), and each result lands in its fixed place, so the matrix is the one of jobs = 1. Each
// column stops at its first kill and reports the property ID, the case, and how soon: cases tried
// (1 = the first) and the number of events (trace line for replay and corpus) until the first
// violation. The case lists are fixed and ordered, so a result is the same on every run; only a
// wall-clock budget can cut a run short, and then the results say so.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/mutants.h"

namespace sbm {

enum class KillColumn { Property, Replay, Corpus, Z3 };
inline constexpr std::array<KillColumn, 4> kKillColumns = {KillColumn::Property, KillColumn::Replay,
                                                           KillColumn::Corpus, KillColumn::Z3};
const char* kill_column_name(KillColumn c);  // "property", "replay", "corpus", "z3"

// One column's outcome for one mutant (or the baseline).
struct ColumnResult {
  bool killed = false;       // for the baseline: some check failed (it must not)
  std::string id;            // the property ID of the first violation
  std::string where;         // the case that showed it ("v6.17 laptop churn seed 1")
  std::string observed;      // the first violation, one line
  uint64_t cases = 0;        // cases tried, the killing one included
  uint64_t total_cases = 0;  // cases the column has
  uint64_t events = 0;       // events (trace line for replay/corpus) until the first violation
  std::string reproduce;     // rerun_command(): that mutant with that one column
  double seconds = 0;
  bool budget_cut = false;  // stopped by the budget before trying every case
  std::string note;         // why the column has nothing to try, when it has not
  bool skipped = false;     // not selected (MatrixOptions::columns)
};

struct MutantResult {
  const MutantInfo* mutant = nullptr;  // nullptr: the unmutated model
  std::array<ColumnResult, 4> columns;
  double seconds = 0;

  bool killed() const;
  // "property:NB-1", ... in column order.
  std::vector<std::string> killed_by() const;
  // Survived although every column tried all its cases (not a budget cut).
  bool budget_cut() const;
};

struct MatrixOptions {
  std::vector<Mutant> mutants;  // empty: the whole registry; only Mutant::None: the baseline alone
  std::vector<KillColumn> columns;  // empty: every column
  double budget_s = 120;            // wall-clock seconds for the whole run
  std::string trace_corpus_dir;     // holds mainline/ and replay/; empty: no corpus column
  unsigned jobs = 1;                // worker threads (>= 1)
};

struct MatrixResult {
  MutantResult baseline;
  std::vector<MutantResult> mutants;
  double seconds = 0;
  bool budget_cut = false;  // some column stopped early
};

// What a run covers: the mutants (the baseline not among them) and the columns, in order.
std::vector<Mutant> matrix_mutants(const MatrixOptions& options);
std::vector<KillColumn> matrix_columns(const MatrixOptions& options);

// `progress` (may be empty) is told how many (column, mutant) items are done of how many, after
// each one; from one worker at a time.
MatrixResult run_kill_matrix(const MatrixOptions& options,
                             const std::function<void(size_t done, size_t total)>& progress = {});

// The command that reruns one cell: `mutant` (Mutant::None: the unmutated model) with column `c`
// alone, e.g. "sbm mutants --mutant plain-lt --column property".
std::string rerun_command(Mutant mutant, KillColumn c);
std::optional<KillColumn> find_kill_column(std::string_view name);

// The text report of `sbm mutants` (spec/mutants.md, "Output"): the matrix, one row per mutant,
// then every kill with the case, the first violation and its rerun command. No line is longer
// than kMatrixTextWidth, and nothing in it depends on the wall clock unless the budget cut it.
inline constexpr size_t kMatrixTextWidth = 100;
std::string matrix_text(const MatrixResult& m);

// --- The parts, for tests.

// One simulation case of the property and replay columns.
struct SimCase {
  std::string profile;
  std::string topology;  // a SPEC
  std::string workload;
  uint64_t seed = 1;
  uint64_t ticks = 0;
  // CONFIG_NO_HZ off: idle CPUs keep ticking, so WC-1 (which leaves NOHZ-idle CPUs to the
  // NOHZ checks) watches them. A trace does not record it, so the replay column skips it.
  bool no_hz = false;
  std::string name() const;  // "v6.17 laptop churn seed 1 ticks 300"
};
const std::vector<SimCase>& sim_cases();

// A deadline on the wall clock; an unset one never expires.
class Deadline {
 public:
  Deadline() = default;
  explicit Deadline(double seconds);
  bool expired() const;

 private:
  double end_ = 0;
  bool set_ = false;
};

// The columns one by one, for `mutant` (Mutant::None: the baseline).
ColumnResult property_column(Mutant mutant, const Deadline& deadline);
ColumnResult replay_column(Mutant mutant, const Deadline& deadline);
ColumnResult corpus_column(Mutant mutant, const std::string& trace_corpus_dir,
                           const Deadline& deadline);
ColumnResult z3_column(Mutant mutant, const Deadline& deadline);
// The column `c` of the four above.
ColumnResult run_kill_column(KillColumn c, Mutant mutant, const std::string& trace_corpus_dir,
                             const Deadline& deadline);

}  // namespace sbm
