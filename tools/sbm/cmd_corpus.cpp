// sbm corpus check: every litmus file (traces/litmus.h) judged against its own "# expect:"
// line, one herd7-style line per file (Ok / No, expected, observed) and a summary.
#include <algorithm>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "tools/sbm/cli_common.h"
#include "tools/sbm/commands.h"
#include "traces/litmus.h"

namespace sbm::cli {

namespace {

namespace fs = std::filesystem;

// A trace litmus is a .trace file, a topology litmus a .txt file (the corpora's naming).
bool is_trace(const fs::path& p) { return p.extension() == ".trace"; }
bool is_litmus(const fs::path& p) { return is_trace(p) || p.extension() == ".txt"; }

// The files an argument names: itself, or a directory's litmus files, every level down, sorted.
std::vector<std::string> litmus_files(const std::string& arg) {
  std::error_code ec;
  if (!fs::exists(arg, ec)) throw InputError(arg, 0, "No such file or directory");
  if (!fs::is_directory(arg, ec)) {
    if (!is_litmus(arg))
      throw InputError(arg, 0, "not a litmus file: expected a .trace trace or a .txt dump");
    return {arg};
  }
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(arg, ec))
    if (e.is_regular_file() && is_litmus(e.path())) files.push_back(e.path().string());
  if (ec) throw InputError(arg, 0, "cannot list the directory: " + ec.message());
  std::sort(files.begin(), files.end());
  if (files.empty()) throw InputError(arg, 0, "no .trace or .txt file in the directory");
  return files;
}

struct CorpusOptions {
  std::vector<std::string> paths;
  bool quiet = false;
};

int run_corpus_check(const CorpusOptions& o) {
  std::vector<std::string> files;
  for (const std::string& arg : o.paths)
    for (std::string& f : litmus_files(arg)) files.push_back(std::move(f));
  int status = kConforms;
  size_t ok = 0, no = 0, errors = 0;
  for (const std::string& file : files) {
    std::optional<LitmusError> error;
    LitmusVerdict verdict;
    if (is_trace(file)) {
      TraceLitmus t = check_trace_litmus(file);
      error = std::move(t.error);
      verdict = std::move(t.verdict);
    } else {
      TopologyLitmus t = check_topology_litmus(file);
      error = std::move(t.error);
      verdict = std::move(t.verdict);
    }
    if (error) {
      report_error(InputError(file, error->line, error->message));
      ++errors;
      status = worse(status, kBadInput);
      continue;
    }
    (verdict.ok ? ok : no) += 1;
    status = worse(status, verdict.ok ? kConforms : kViolation);
    if (!verdict.ok || !o.quiet)
      std::cout << (verdict.ok ? "Ok " : "No ") << file << " expected: " << verdict.expected
                << "; observed: " << verdict.observed << "\n";
  }
  std::cout << "corpus: " << files.size() << " files, " << ok << " Ok, " << no << " No, " << errors
            << " not judged\n";
  return status;
}

}  // namespace

void add_corpus_command(CLI::App& app, int& status) {
  CLI::App* corpus =
      app.add_subcommand("corpus", "Judge litmus files against the result they state");
  corpus->require_subcommand(1);
  corpus->footer(
      "Examples:\n"
      "  sbm corpus check traces/corpus\n"
      "  sbm corpus check traces/corpus/topology/bad-root-span.txt");
  auto o = std::make_shared<CorpusOptions>();
  CLI::App* c = corpus->add_subcommand(
      "check",
      "Check each litmus file and compare the verdict with its own '# expect:' line\n"
      "(spec/trace-format.md, \"Corpus\"). A .trace file is checked as 'sbm trace check\n"
      "--keep-going' does, with its header's # profile: and # idle-threshold-ms:; it states\n"
      "'# expect: conforms' or '# expect: violated ID[,ID...]', the exact set of IDs that fire.\n"
      "A .txt file is a topology dump checked as 'sbm topology check' does (era from '# era:');\n"
      "it states '# expect: sound' or '# expect: violated ID ...' (or a real sample's 'verdict:\n"
      "ok' / 'verdict: broken'). A directory stands for its .trace and .txt files, every level\n"
      "down. One line per file, as herd7 prints: Ok (the stated result) or No, what was\n"
      "expected and what was observed; then a summary.\n"
      "Exit: 0 every file Ok, 1 some file No, 2 a file could not be judged (unreadable, no\n"
      "'# expect:' line, bad input).");
  c->add_option("paths", o->paths, "Litmus files and directories of them")
      ->required()
      ->type_name("FILE|DIR");
  c->add_flag("-q,--quiet", o->quiet, "Print the No lines and the summary only");
  c->footer(
      "Examples:\n"
      "  sbm corpus check traces/corpus\n"
      "  sbm corpus check -q traces/corpus/replay traces/corpus/mainline\n"
      "  sbm corpus check traces/corpus/topology/bad-root-span.txt");
  c->callback([o, &status] { status = run_corpus_check(*o); });
}

}  // namespace sbm::cli
