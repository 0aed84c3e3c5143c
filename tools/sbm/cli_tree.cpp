#include "tools/sbm/cli_tree.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>
#include <map>
#include <vector>

#include <CLI/CLI.hpp>

#include "tools/sbm/cli_common.h"

namespace sbm::cli {

namespace {

// Value names that are not the option's name in capitals.
const std::map<std::string, std::string>& named_values() {
  static const std::map<std::string, std::string> kNames = {
      {"file", "FILE"},       {"files", "FILE"},
      {"input", "FILE|SPEC"}, {"--topology", "SPEC|FILE"},
      {"--output", "FILE"},   {"--junit", "FILE"},
      {"--cex", "FILE"},      {"--corpus", "DIR"},
      {"--era", "VERSION"},   {"--bound", "K=V"},
      {"query", "QUERY"},     {"command", "COMMAND"}};
  return kNames;
}

// "--workload" -> "WORKLOAD".
std::string capitals(std::string name) {
  name.erase(0, name.find_first_not_of('-'));
  for (char& c : name) c = c == '-' ? '_' : static_cast<char>(std::toupper(c));
  return name;
}

// The option's longest name: "--output" of "-o,--output", "file" of a positional.
std::string long_name(const CLI::Option& o) {
  if (!o.get_lnames().empty()) return "--" + o.get_lnames().front();
  if (!o.get_snames().empty()) return "-" + o.get_snames().front();
  return o.get_name();
}

const CLI::Validator& non_negative() {
  static const CLI::Validator kCheck(
      [](std::string& value) -> std::string {
        const auto first = value.find_first_not_of(" \t");
        if (first != std::string::npos && value[first] == '-')
          return "a negative number is refused, found " + value;
        return "";
      },
      "");
  return kCheck;
}

}  // namespace

void add_json_flag(CLI::App& command, bool& json) {
  command.add_flag("--json", json, "Print one JSON document instead of text (spec/output.md)");
}

void add_report_options(CLI::App& command, bool& json, std::string& junit) {
  add_json_flag(command, json);
  command.add_option(
      "--junit", junit,
      "Also write a JUnit XML report to FILE (one test case per invariant; spec/output.md)");
}

const CLI::Validator& positive_number() {
  static const CLI::Validator kCheck(
      [](std::string& value) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(value.c_str(), &end);
        if (end == value.c_str() || *end != '\0') return "expected a number, found '" + value + "'";
        if (!(v > 0)) return "must be above 0, found " + value;
        return "";
      },
      "");
  return kCheck;
}

namespace {

std::vector<const CLI::App*> all_subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App*) { return true; });
}

// Edit distance (insert, delete, substitute, swap of neighbours), for did_you_mean().
size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i)
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min(
          {d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

// The nearest of `known` to `word`, when it is near enough to be a misspelling.
std::string nearest(const std::string& word, const std::vector<std::string>& known) {
  std::string best;
  size_t best_d = std::max<size_t>(1, std::min<size_t>(2, word.size() / 3)) + 1;
  for (const std::string& k : known)
    if (const size_t d = distance(word, k); d < best_d) {
      best_d = d;
      best = k;
    }
  return best;
}

// Every spelling of the options of `app` ("--json", "-q").
std::vector<std::string> option_spellings(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::Option* o : app.get_options()) {
    for (const std::string& n : o->get_lnames()) names.push_back("--" + n);
    for (const std::string& n : o->get_snames()) names.push_back("-" + n);
  }
  return names;
}

}  // namespace

void name_option_values(CLI::App& app) {
  for (CLI::Option* o : app.get_options()) {
    // The type as CLI11 names it, before any validator's description ("UINT:POSITIVE").
    const std::string full = o->get_type_name();
    const std::string type = full.substr(0, full.find(':'));
    if (type == "UINT" || type == "INT" || type == "FLOAT") {
      if (type == "UINT") o->check(non_negative());
      o->type_name("N");
    } else if (type == "TEXT") {
      const auto named = named_values().find(long_name(*o));
      o->type_name(named != named_values().end() ? named->second : capitals(long_name(*o)));
    }
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; }))
    name_option_values(*sub);
}

std::string did_you_mean(const CLI::App& app, int argc, const char* const* argv) {
  const CLI::App* at = &app;
  std::string command = at->get_name();
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word == "--") break;
    if (word.size() > 1 && word[0] == '-') {
      const std::string name = word.substr(0, word.find('='));
      if (const CLI::Option* o = at->get_option_no_throw(name)) {
        if (o->get_type_size_min() > 0 && name.size() == word.size()) ++i;  // its value
        continue;
      }
      const std::string near = nearest(name, option_spellings(*at));
      return near.empty() ? "" : "did you mean '" + command + " " + near + "'?";
    }
    std::vector<std::string> names;
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : all_subcommands(*at)) {
      names.push_back(sub->get_name());
      if (sub->check_name(word)) next = sub;
    }
    if (next != nullptr) {
      at = next;
      command += " " + next->get_name();
    } else if (!names.empty() && at->get_require_subcommand_min() > 0) {
      const std::string near = nearest(word, names);
      return near.empty() ? "" : "did you mean '" + command + " " + near + "'?";
    }
  }
  return "";
}

int report_parse_error(const CLI::App& app, const CLI::ParseError& e, int argc,
                       const char* const* argv) {
  std::cerr << "sbm: error: " << e.what() << "\n";
  if (const std::string hint = did_you_mean(app, argc, argv); !hint.empty())
    std::cerr << "sbm: " << hint << "\n";
  std::cerr << "Run with --help for more information.\n";
  return kBadInput;
}

}  // namespace sbm::cli
