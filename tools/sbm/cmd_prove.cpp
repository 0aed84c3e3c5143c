// sbm prove QUERY...|all [--bound K=V ...] [--profile P] [--timeout S] [--mutant NAME]
//                       [--cex FILE] [--json]
// Runs the Z3 queries of properties/prove.h (catalogue: spec/queries.md) and times each one;
// the wall clock lives here, never below tools/.
#include <chrono>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "model/mutants.h"
#include "model/topology/build_options.h"
#include "properties/prove.h"
#include "tools/sbm/cli_common.h"
#include "tools/sbm/cli_tree.h"
#include "tools/sbm/commands.h"
#include "tools/sbm/progress.h"
#include "tools/sbm/report.h"
#include "tools/sbm/trace_view_out.h"
#include "traces/cex_write.h"

namespace sbm::cli {

namespace {

struct ProveCliOptions {
  std::vector<std::string> queries;
  std::vector<std::string> bounds;
  std::string profile = "v6.17";
  double timeout_s = 60;
  std::string mutant;
  std::string cex;
  bool json = false;
  bool quiet = false;
};

struct Timed {
  QueryResult result;
  double seconds = 0;
  std::string cex_file;  // where its counterexample went, if written
};

std::map<std::string, unsigned> parse_bounds(const std::vector<std::string>& items) {
  std::map<std::string, unsigned> out;
  for (const std::string& item : items) {
    const auto eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError("--bound: expected K=V, found '" + item + "'");
    const std::string value = item.substr(eq + 1);
    if (value.empty() || value.size() > 6 ||
        value.find_first_not_of("0123456789") != std::string::npos)
      throw UsageError("--bound: expected a number after '" + item.substr(0, eq + 1) +
                       "', found '" + value + "'");
    out[item.substr(0, eq)] = static_cast<unsigned>(std::stoul(value));
  }
  return out;
}

std::string bounds_text(const std::vector<QueryBound>& bounds) {
  std::string s;
  for (const QueryBound& b : bounds)
    s += (s.empty() ? "" : " ") + b.name + "=" + std::to_string(b.value);
  return s;
}

std::string seconds_text(double s) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(2) << s << " s";
  return o.str();
}

void print_text(const Timed& t) {
  const QueryResult& r = t.result;
  std::cout << r.query << " (" << r.property_id << "): ";
  switch (r.verdict) {
    case ProofVerdict::Proved:
      std::cout << "proved within bound";
      break;
    case ProofVerdict::Counterexample:
      std::cout << "COUNTEREXAMPLE";
      break;
    case ProofVerdict::Unknown:
      std::cout << "unknown (" << r.reason << "), not a proof";
      break;
  }
  std::cout << " [" << bounds_text(r.bounds) << "] in " << seconds_text(t.seconds) << "\n";
  if (r.verdict == ProofVerdict::Proved && !r.reason.empty()) std::cout << "  " << r.reason << "\n";
  if (!r.cex) return;
  for (const std::string& line : r.cex->summary) std::cout << "  " << line << "\n";
  if (names_a_view(t.cex_file))
    std::cout << "  counterexample drawn to " << t.cex_file << " (spec/views.md)\n";
  else if (!t.cex_file.empty())
    std::cout << "  counterexample " << counterexample_kind_name(r.cex->kind) << " written to "
              << t.cex_file << "; check it with: sbm " << counterexample_kind_name(r.cex->kind)
              << " check " << t.cex_file << "\n";
}

nlohmann::json result_json(const Timed& t) {
  const QueryResult& r = t.result;
  nlohmann::json bounds = nlohmann::json::object();
  for (const QueryBound& b : r.bounds) bounds[b.name] = b.value;
  nlohmann::json j = {{"query", r.query},
                      {"property_id", r.property_id},
                      {"verdict", std::string(verdict_name(r.verdict))},
                      {"bounds", bounds},
                      {"seconds", t.seconds},
                      {"reason", r.reason},
                      {"counterexample", nullptr}};
  if (r.cex)
    j["counterexample"] = {{"kind", counterexample_kind_name(r.cex->kind)},
                           {"summary", r.cex->summary},
                           {"text", write_counterexample(*r.cex)},
                           {"file", json_or_null(!t.cex_file.empty(), t.cex_file)}};
  return j;
}

// --cex FILE: the counterexample as text (a dump or a trace), or for FILE.html / FILE.json a
// trace counterexample's picture (spec/views.md); FILE.QUERY (FILE.QUERY.html) when several
// queries run.
void write_cex(const std::string& cex, bool several, const QueryInfo& q, Timed& t) {
  const bool picture = names_a_view(cex);
  const std::size_t dot = picture ? cex.rfind('.') : cex.size();
  t.cex_file = several ? cex.substr(0, dot) + "." + q.name + cex.substr(dot) : cex;
  const std::string text = write_counterexample(*t.result.cex);
  if (!picture) return write_output(t.cex_file, text);
  if (t.result.cex->kind != Counterexample::Kind::Trace)
    throw UsageError("--cex: " + q.name +
                     "'s counterexample is a topology dump, not a trace: name a .txt file");
  write_counterexample_view(t.cex_file, text, "counterexample of " + q.name);
}

int run_prove(const ProveCliOptions& o) {
  const ProfileLookup lookup = find_profile(o.profile);
  if (!lookup.profile) throw UsageError("--profile: " + lookup.error);
  ProveOptions po;
  po.profile = *lookup.profile;
  po.build = build_options_for(po.profile.version);
  if (!o.mutant.empty()) {
    const MutantInfo* m = find_mutant(o.mutant);
    if (!m)
      throw UsageError("--mutant: unknown mutant '" + o.mutant +
                       "' (known: " + std::string(mutant_names()) + ")");
    apply_mutant(m->id, po.profile, &po.build);
  }
  if (!(o.timeout_s > 0) || o.timeout_s > 86400)
    throw UsageError("--timeout: expected seconds in (0, 86400]");
  po.timeout_ms = static_cast<unsigned>(o.timeout_s * 1000);
  po.bounds = parse_bounds(o.bounds);

  std::vector<const QueryInfo*> selected;
  for (const std::string& name : o.queries) {
    if (name == "all") {
      for (const QueryInfo& q : query_catalogue()) selected.push_back(&q);
      continue;
    }
    const QueryInfo* q = find_query(name);
    if (!q) {
      std::string known;
      for (const QueryInfo& k : query_catalogue()) known += (known.empty() ? "" : ", ") + k.name;
      throw UsageError("unknown query '" + name + "' (known: " + known + ", all)");
    }
    selected.push_back(q);
  }
  // A bound applies to every selected query that has it; one no query has is a mistake.
  for (const auto& [name, value] : po.bounds) {
    bool used = false;
    for (const QueryInfo* q : selected) {
      bool has = false;
      for (const QueryBound& b : q->default_bounds) has = has || b.name == name;
      if (!has) continue;
      used = true;
      if (const std::string e = check_bounds(*q, {{name, value}}); !e.empty())
        throw UsageError("--bound: " + e);
    }
    if (!used) throw UsageError("--bound: no selected query has a bound '" + name + "'");
  }

  std::vector<Timed> runs;
  int status = kConforms;
  Progress progress("sbm prove", selected.size(), o.quiet);
  for (const QueryInfo* q : selected) {
    ProveOptions qo = po;
    qo.bounds.clear();
    for (const QueryBound& b : q->default_bounds)
      if (const auto it = po.bounds.find(b.name); it != po.bounds.end())
        qo.bounds[b.name] = it->second;
    const auto start = std::chrono::steady_clock::now();
    Timed t{q->run(qo), 0, ""};
    t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (t.result.cex && !o.cex.empty()) write_cex(o.cex, selected.size() > 1, *q, t);
    if (t.result.verdict == ProofVerdict::Counterexample)
      status = kViolation;
    else if (t.result.verdict == ProofVerdict::Unknown && status != kViolation)
      status = kUnknown;
    if (!o.json) print_text(t);
    runs.push_back(std::move(t));
    progress.tick(runs.size());
  }
  progress.finish();
  if (o.json) {
    nlohmann::json results = nlohmann::json::array();
    for (const Timed& t : runs) results.push_back(result_json(t));
    nlohmann::json doc = json_envelope("prove");
    doc["profile"] = po.profile.name;
    doc["mutant"] = json_or_null(po.profile.mutant != Mutant::None,
                                 po.profile.mutant == Mutant::None
                                     ? std::string()
                                     : std::string(mutant_info(po.profile.mutant).name));
    doc["results"] = std::move(results);
    std::cout << json_text(doc);
  }
  return status;
}

std::string prove_help() {
  std::string s =
      "Bounded Z3 queries over the model (spec/queries.md). Each result gives its bounds, time "
      "and\n"
      "proved / counterexample / unknown; a timeout is never a proof. Queries:\n";
  for (const QueryInfo& q : query_catalogue()) {
    s += "  " + q.name + " (" + q.property_id + "): " + q.statement + "\n    bounds:";
    for (const QueryBound& b : q.default_bounds) s += " " + b.name + "=" + std::to_string(b.value);
    s += "\n";
  }
  s += "Exit: 0 proved within bound, 1 counterexample, 2 bad input or usage, 3 unknown.";
  return s;
}

}  // namespace

void add_prove_command(CLI::App& app, int& status) {
  auto o = std::make_shared<ProveCliOptions>();
  CLI::App* c = app.add_subcommand("prove", prove_help());
  c->add_option("query", o->queries, "Query names, or all")->required();
  c->add_option("--bound", o->bounds, "Override a bound, K=V (repeatable)");
  c->add_option("--profile", o->profile, "Kernel-era profile (default v6.17)");
  c->add_option("--timeout", o->timeout_s,
                "Seconds per solver call (default 60); a timeout is unknown, exit 3");
  c->add_option("--mutant", o->mutant, "Query a buggy variant of the model (model/mutants.h)");
  c->add_option("--cex", o->cex,
                "Write a counterexample to FILE (FILE.QUERY when several queries run): FILE.html "
                "draws a trace counterexample as a page, FILE.json as Chrome Trace Event JSON "
                "(spec/views.md); any other name gets the trace or dump text");
  cli::add_json_flag(*c, o->json);
  c->add_flag("-q,--quiet", o->quiet,
              "No progress on stderr (otherwise queries done, elapsed and left: a live line on a "
              "terminal, else a line every 10 s)");
  c->footer(
      "Examples:\n"
      "  sbm prove all\n"
      "  sbm prove next-balance --bound cpus=4 --profile v4.19 --json\n"
      "  sbm prove next-balance --mutant plain-lt --cex wrap.trace; sbm trace check wrap.trace");
  c->callback([o, &status] { status = run_prove(*o); });
}

}  // namespace sbm::cli
