// sbm mutants: the kill matrix of the mutant registry (tools/sbm/mutant_matrix.h,
// spec/mutants.md).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "model/mutants.h"
#include "tools/sbm/cli_common.h"
#include "tools/sbm/commands.h"
#include "tools/sbm/mutant_matrix.h"
#include "tools/sbm/report.h"

namespace sbm::cli {

namespace {

struct MutantsOptions {
  bool json = false;
  std::vector<std::string> mutants;
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

// One cell of the text matrix: "NB-1 (case 1/20, event 345)", "-" (tried every case),
// "cut" (the budget ran out first), "n/a" (nothing to try).
std::string cell(const ColumnResult& c) {
  if (c.killed) {
    std::string s =
        c.id + " (case " + std::to_string(c.cases) + "/" + std::to_string(c.total_cases);
    if (c.events) s += ", event " + std::to_string(c.events);
    return s + ")";
  }
  if (c.budget_cut)
    return "cut at " + std::to_string(c.cases) + "/" + std::to_string(c.total_cases);
  if (c.total_cases == 0) return "n/a";
  return "-";
}

nlohmann::json column_json(const ColumnResult& c) {
  return {{"killed", c.killed},
          {"cases", c.cases},
          {"total_cases", c.total_cases},
          {"seconds", c.seconds},
          {"budget_cut", c.budget_cut},
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

std::string matrix_text(const MatrixResult& m) {
  std::ostringstream o;
  const auto row = [&](const std::string& name, const MutantResult& r, const std::string& verdict) {
    o << std::left << std::setw(28) << name;
    for (KillColumn c : kKillColumns) o << std::setw(30) << cell(r.columns[static_cast<size_t>(c)]);
    o << verdict << "\n";
  };
  o << std::left << std::setw(28) << "mutant";
  for (KillColumn c : kKillColumns) o << std::setw(30) << kill_column_name(c);
  o << "verdict\n";
  row("(unmutated model)", m.baseline,
      m.baseline.killed()       ? "FAILS"
      : m.baseline.budget_cut() ? "unknown"
                                : "passes");
  int killed = 0, survivors = 0;
  for (const MutantResult& r : m.mutants) {
    killed += r.killed();
    survivors += survived(r);
    row(std::string(r.mutant->name), r,
        r.killed()    ? "killed"
        : survived(r) ? "SURVIVED"
                      : "unknown");
  }
  o << "\n";
  for (const MutantResult& r : m.mutants)
    for (KillColumn c : kKillColumns)
      if (const ColumnResult& col = r.columns[static_cast<size_t>(c)]; col.killed) {
        o << r.mutant->name << ": " << kill_column_name(c) << " in " << col.where << ": "
          << col.observed << "\n  reproduce: " << col.reproduce << "\n";
        break;
      }
  for (KillColumn c : kKillColumns)
    if (const ColumnResult& col = m.baseline.columns[static_cast<size_t>(c)]; col.killed)
      o << "unmutated model fails " << kill_column_name(c) << " in " << col.where << ": "
        << col.observed << "\n";
  o << m.mutants.size() << " mutants: " << killed << " killed, " << survivors << " survived";
  if (m.budget_cut) o << ", budget cut some columns short";
  o << "; the unmutated model " << (m.baseline.killed() ? "FAILS a check" : "passes every checker")
    << "; " << seconds_text(m.seconds) << " s\n";
  return o.str();
}

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
  for (const std::string& name : o.mutants) {
    const MutantInfo* m = find_mutant(name);
    if (!m)
      throw UsageError("--mutant: unknown mutant '" + name +
                       "' (known: " + std::string(mutant_names()) + ")");
    mo.mutants.push_back(m->id);
  }
  const bool tty = ::isatty(STDERR_FILENO);
  const MatrixResult m = run_kill_matrix(mo, [tty](const std::string& name) {
    if (tty) std::cerr << "sbm mutants: " << name << "...\n";
  });
  std::cout << (o.json ? json_text(matrix_json(m, o.budget_s)) : matrix_text(m));
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
      "the golden trace corpus with the mutant as oracle, Z3 queries. Exit 1 when a mutant\n"
      "survives or the unmutated model fails a check, 3 when the budget ran out first.");
  c->add_flag("--json", o->json, "Print one JSON document instead of text (spec/output.md)");
  c->add_option("--mutant", o->mutants,
                "Only this mutant (repeatable); default all: " + std::string(mutant_names()));
  c->add_option("--budget", o->budget_s, "Wall-clock seconds for the whole run (default 540)")
      ->check(CLI::PositiveNumber);
  c->add_option("--corpus", o->corpus,
                "The trace corpus directory, holding mainline/ and replay/ (default: installed,\n"
                "share/sbm/corpus beside bin/; in a build tree, the source tree's traces/corpus)");
  c->callback([o, &status] { status = run_mutants(*o); });
}

}  // namespace sbm::cli
