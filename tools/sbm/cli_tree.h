// What every sbm command's command line shares, applied once to the whole command tree after
// the commands are registered (spec/design.md, "CLI conventions").
#pragma once

#include <string>

namespace CLI {
class App;
class ParseError;
class Validator;
}  // namespace CLI

namespace sbm::cli {

// Names every option's value the way --help shows it: N for a number (a negative one is refused,
// not wrapped around), and for text the option's own name in capitals (FILE for `file` and
// `files`, SPEC|FILE for --topology, FILE for -o, --junit and --cex), unless the command named
// it already.
void name_option_values(CLI::App& app);

// --json, as every command that prints a result has it (spec/output.md).
void add_json_flag(CLI::App& command, bool& json);
// --json and --junit FILE, as the checkers (topology check, trace check) have them.
void add_report_options(CLI::App& command, bool& json, std::string& junit);

// A number above 0, refused as "--budget: must be above 0, found -5" (CLI::PositiveNumber's
// message spells out a range up to DBL_MAX).
const CLI::Validator& positive_number();

// "did you mean 'check'?" for the first word of argv that the command tree does not know (a
// misspelled command or flag), or "" when none is near enough to a known one.
std::string did_you_mean(const CLI::App& app, int argc, const char* const* argv);

// Prints a command-line error as "sbm: error: ..." with did_you_mean() and a pointer to
// --help; returns the exit status for it (2).
int report_parse_error(const CLI::App& app, const CLI::ParseError& e, int argc,
                       const char* const* argv);

}  // namespace sbm::cli
