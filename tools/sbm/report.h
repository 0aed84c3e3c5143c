// Rendering of check results for people (text), programs (JSON) and CI (JUnit XML).
// Shared by every command that reports violations (topology check, trace check).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "properties/violation.h"

namespace sbm::cli {

// The JSON output of every command (spec/output.md): schema_version counts changes to the shape
// of the documents; each one's schema is spec/schemas/COMMAND.schema.json.
constexpr int kJsonSchemaVersion = 1;
// {"sbm_version": "0.3.0", "schema_version": 1, "command": "trace check"}: the keys every
// command's document starts from, sbm_version as `sbm --version` prints it.
nlohmann::json json_envelope(const std::string& command);
// The document as printed: indented, invalid UTF-8 (a comm read from a trace) replaced by U+FFFD.
std::string json_text(const nlohmann::json& doc);
// `value`, or null when the document has none to give (one shape whatever the input).
template <typename T>
nlohmann::json json_or_null(bool present, const T& value) {
  return present ? nlohmann::json(value) : nlohmann::json(nullptr);
}

// "file:line: TOPO-GROUPS-SPAN: CPU0 domain-1 (NUMA): expected 0-2, observed 0-3: why".
std::string format_violation(const Violation& v);
// Every key always present: cpu, level, level_name, file and line are null where the violation
// has none.
nlohmann::json violation_json(const Violation& v);
nlohmann::json check_summary_json(const CheckSummary& c);

// "checks: H hold, V violated, N not checkable" and one line per not-checkable ID with its
// reason, as every check command prints them.
std::string checks_summary_text(const std::vector<CheckSummary>& checks);

// --require ID[,ID...] or --require all: checks whose "not checkable" fails the verdict.
class RequiredChecks {
 public:
  RequiredChecks() = default;
  // Parses the option's value against the IDs the command checks; throws UsageError for an
  // ID it does not know (with the list of those it does).
  RequiredChecks(const std::string& arg, const std::vector<std::string>& known);
  bool required(const std::string& id) const;
  const std::vector<std::string>& ids() const { return ids_; }
  bool all() const { return all_; }

 private:
  bool all_ = false;
  std::vector<std::string> ids_;
};

// What a verdict rests on: how many of the checks judged the input, which could not, and the
// required ones among those (a failure).
struct Judged {
  int judged = 0, total = 0;
  std::vector<std::string> not_checkable;
  std::vector<std::string> required_unjudged;
};
Judged judged_of(const std::vector<CheckSummary>& checks, const RequiredChecks& required);
// "4 of 18 checks judged (14 not checkable: MIG-5, NB-3, ...)".
std::string judged_text(const Judged& j);
// {"judged": 4, "total": 18, "not_checkable": [...], "required_not_judged": [...]}.
nlohmann::json judged_json(const Judged& j);

// The verdict on one input, and its exit status (kConforms, kViolation, kUnknown).
enum class Verdict {
  Good,               // no violation, every required check judged, some check judged
  Violated,           // a violation
  RequiredNotJudged,  // no violation, but a check named by --require could not judge
  NotCheckable,       // no violation, and no check could judge anything
};
Verdict verdict_of(const std::vector<Violation>& violations, const Judged& j);
int verdict_exit(Verdict v);
// The JSON "result": `good` ("conforms", "sound"), "violated", "required not judged", "not
// checkable".
std::string verdict_word(Verdict v, const std::string& good);
// The verdict in words, with what it rests on: "conforms: 7 of 7 checks judged", "sound as far as
// the input shows: 2 of 18 checks judged (16 not checkable: ...)", "VIOLATED: 2 violations of MIG-6
// NB-3; 6 of 7 checks judged", "REQUIRED CHECK NOT JUDGED: NB-4; 4 of 7 checks judged (...)",
// "NOT CHECKABLE: 0 of 18 checks judged (...)".
std::string verdict_text(const std::vector<Violation>& violations, const Judged& j,
                         const std::string& good);

// One JUnit test suite per input; one test case per invariant ID (spec/output.md, "JUnit").
struct JUnitCase {
  std::string name;                   // the invariant ID
  std::vector<std::string> failures;  // one message per violation; empty when it holds
  std::string skipped;                // non-empty: not checkable, with the reason
  std::string error;                  // non-empty: the input could not be read
};
struct JUnitSuite {
  std::string name;  // the input as given (its classname: the same, or its base name if absolute)
  std::vector<JUnitCase> cases;
  std::chrono::system_clock::time_point started;  // its timestamp
  double seconds = 0;                             // its time
};
// The suite of an input that could not be read: one case, "read", an <error> with the message.
JUnitSuite junit_error_suite(const std::string& name, const std::string& message);
// Stamps a suite with `started` and the seconds since.
void junit_timed(JUnitSuite& suite, std::chrono::system_clock::time_point started);
std::string junit_xml(const std::string& tool, const std::vector<JUnitSuite>& suites);
// The cases for one input: every summary, with its violations as failures; a required check
// that could not judge is a failure too, not a skipped case.
JUnitSuite junit_suite(const std::string& name, const std::vector<CheckSummary>& checks,
                       const std::vector<Violation>& violations,
                       const RequiredChecks& required = {});

// An input that could not be read (cli_common.h's InputError), in a command over many inputs:
// its JSON object in `trace check`'s "files" ({"file", "result": "error", "errors"}); its JUnit
// suite is junit_error_suite().
struct InputError;
nlohmann::json input_error_json(const std::string& name, const InputError& e);

// The word of a command's exit status over many inputs ("error" for bad input).
std::string status_word(int status, const std::string& good);

// Writes text to FILE ("-" for stdout); throws WriteError when the file cannot be written
// (tools/sbm/checked_output.h).
void write_output(const std::string& path, const std::string& text);

}  // namespace sbm::cli
