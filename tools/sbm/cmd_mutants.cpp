// sbm mutants: the kill matrix of the mutant registry (tools/sbm/mutant_matrix.h,
// spec/mutants.md).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "model/mutants.h"
#include "tools/sbm/cli_common.h"
#include "tools/sbm/cli_tree.h"
#include "tools/sbm/commands.h"
#include "tools/sbm/mutant_matrix.h"
#include "tools/sbm/progress.h"
#include "tools/sbm/report.h"

namespace sbm::cli {

namespace {

struct MutantsOptions {
  bool json = false;
  bool quiet = false;
  std::vector<std::string> mutants;
  std::vector<std::string> columns;
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  double budget_s = 540;  // fits a 10-minute CI job (spec/mutants.md, timings)
  std::string corpus;     // empty: default_corpus_dir()
};

// The corpus when --corpus is not given, found from the executable (no source path is compiled
// in): in a build tree, the path in the file sbm-corpus written next to the binary at configure
// time (tools/CMakeLists.txt); installed, share/sbm/corpus beside bin/.
std::string default_corpus_dir() {
  std::error_code ec;
  const std::filesystem::path dir =
      std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
  if (ec)
    throw UsageError("--corpus: cannot locate the executable (/proc/self/exe: " + ec.message() +
                     "); give --corpus DIR");
  std::ifstream in(dir / "sbm-corpus");
  std::string path;
  if (in && std::getline(in, path) && !path.empty()) return path;
  return (dir.parent_path() / "share" / "sbm" / "corpus").string();
}

std::string seconds_text(double s) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(2) << s;
  return o.str();
}

nlohmann::json column_json(const ColumnResult& c) {
  return {{"killed", c.killed},
          {"cases", c.cases},
          {"total_cases", c.total_cases},
          {"seconds", c.seconds},
          {"budget_cut", c.budget_cut},
          {"skipped", c.skipped},
          {"id", json_or_null(c.killed, c.id)},
          {"where", json_or_null(c.killed, c.where)},
          {"events", json_or_null(c.killed, c.events)},
          {"observed", json_or_null(c.killed, c.observed)},
          {"reproduce", json_or_null(c.killed, c.reproduce)},
          {"note", json_or_null(!c.note.empty(), c.note)}};
}

nlohmann::json columns_json(const MutantResult& r) {
  nlohmann::json j = nlohmann::json::object();
  for (KillColumn c : kKillColumns)
    j[kill_column_name(c)] = column_json(r.columns[static_cast<size_t>(c)]);
  return j;
}

// Survived: tried every case of every column and no check fired.
bool survived(const MutantResult& r) { return !r.killed() && !r.budget_cut(); }

nlohmann::json matrix_json(const MatrixResult& m, double budget_s) {
  nlohmann::json mutants = nlohmann::json::array();
  nlohmann::json survivors = nlohmann::json::array();
  for (const MutantResult& r : m.mutants) {
    mutants.push_back({{"name", r.mutant->name},
                       {"stands_for", r.mutant->stands_for},
                       {"source", r.mutant->source},
                       {"site", r.mutant->site},
                       {"expected", r.mutant->caught_by},
                       {"killed", r.killed()},
                       {"killed_by", r.killed_by()},
                       {"columns", columns_json(r)},
                       {"seconds", r.seconds}});
    if (survived(r)) survivors.push_back(r.mutant->name);
  }
  nlohmann::json doc = json_envelope("mutants");
  doc.update({{"mutants", mutants},
              {"baseline",
               {{"passed", !m.baseline.killed() && !m.baseline.budget_cut()},
                {"columns", columns_json(m.baseline)},
                {"seconds", m.baseline.seconds}}},
              {"survivors", survivors},
              {"budget_s", budget_s},
              {"budget_cut", m.budget_cut},
              {"seconds", m.seconds}});
  return doc;
}

int run_mutants(const MutantsOptions& o) {
  MatrixOptions mo;
  mo.budget_s = o.budget_s;
  mo.trace_corpus_dir = o.corpus.empty() ? default_corpus_dir() : o.corpus;
  if (o.jobs < 1) throw UsageError("-j: expected 1 or more jobs, found " + std::to_string(o.jobs));
  mo.jobs = static_cast<unsigned>(o.jobs);
  for (const std::string& name : o.mutants) {
    const MutantInfo* m = name == "none" ? &mutant_info(Mutant::None) : find_mutant(name);
    if (!m)
      throw UsageError("--mutant: unknown mutant '" + name +
                       "' (known: " + std::string(mutant_names()) + ", none)");
    mo.mutants.push_back(m->id);
  }
  for (const std::string& name : o.columns) {
    const std::optional<KillColumn> c = find_kill_column(name);
    if (!c)
      throw UsageError("--column: unknown column '" + name +
                       "' (known: property, replay, corpus, z3)");
    mo.columns.push_back(*c);
  }
  // One unit of progress per (column, row) cell, the baseline's row included.
  Progress progress("sbm mutants", matrix_columns(mo).size() * (matrix_mutants(mo).size() + 1),
                    o.quiet);
  const MatrixResult m =
      run_kill_matrix(mo, [&progress](size_t done, size_t) { progress.tick(done); });
  progress.finish();
  std::cout << (o.json ? json_text(matrix_json(m, o.budget_s)) : matrix_text(m));
  if (!o.quiet)
    std::cerr << "sbm mutants: " << seconds_text(m.seconds) << " s with " << o.jobs << " job"
              << (o.jobs == 1 ? "" : "s") << "\n";
  const bool any_survivor = std::any_of(m.mutants.begin(), m.mutants.end(), survived);
  if (m.baseline.killed() || any_survivor) return kViolation;
  const bool undecided =
      m.baseline.budget_cut() || std::any_of(m.mutants.begin(), m.mutants.end(),
                                             [](const MutantResult& r) { return !r.killed(); });
  return undecided ? kUnknown : kConforms;
}

}  // namespace

void add_mutants_command(CLI::App& app, int& status) {
  auto o = std::make_shared<MutantsOptions>();
  CLI::App* c = app.add_subcommand(
      "mutants",
      "Run the suite against every mutant of the model (buggy variants standing for real\n"
      "kernel bugs, spec/mutants.md) and print which checker caught each one and how soon:\n"
      "property tests (simulator + every check), replay of the mutated simulator's traces,\n"
      "the golden trace corpus with the mutant as oracle, Z3 queries. Each kill comes with the\n"
      "command that reruns that mutant with that one column. Exit 1 when a mutant survives or\n"
      "the unmutated model fails a check, 3 when the budget ran out first. Progress goes to\n"
      "stderr (a live line on a terminal, else a line every 10 s); stdout is the same for any -j.");
  cli::add_json_flag(*c, o->json);
  c->add_option("--mutant", o->mutants,
                "Only this mutant (repeatable); none: the unmutated model alone; default all: " +
                    std::string(mutant_names()));
  c->add_option("--column", o->columns,
                "Only this column (repeatable): property, replay, corpus, z3; default all");
  c->add_option("-j,--jobs", o->jobs,
                "Cells run in parallel, in worker threads (default: the CPUs, " +
                    std::to_string(o->jobs) + " here); the output is the one of -j 1");
  c->add_option("--budget", o->budget_s, "Wall-clock seconds for the whole run (default 540)")
      ->check(positive_number());
  c->add_option("--corpus", o->corpus,
                "The trace corpus directory, holding mainline/ and replay/ (default: installed,\n"
                "share/sbm/corpus beside bin/; in a build tree, the source tree's traces/corpus)");
  c->add_flag("-q,--quiet", o->quiet, "No progress and no timing on stderr");
  c->footer(
      "Examples:\n"
      "  sbm mutants -j 2                                   the whole matrix on 2 CPUs\n"
      "  sbm mutants --mutant plain-lt --column property    rerun one cell, as a kill prints it\n"
      "  sbm mutants --mutant none --json --quiet           the unmutated model alone, as JSON");
  c->callback([o, &status] { status = run_mutants(*o); });
}

}  // namespace sbm::cli
