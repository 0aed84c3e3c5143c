// Rendering of check results for people (text), programs (JSON) and CI (JUnit XML).
// Shared by every command that reports violations (topology check, trace check).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "properties/violation.h"

namespace sbm::cli {

// "file:line: TOPO-GROUPS-SPAN: CPU0 domain-1 (NUMA): expected 0-2, observed 0-3: why".
std::string format_violation(const Violation& v);
nlohmann::json violation_json(const Violation& v);
nlohmann::json check_summary_json(const CheckSummary& c);

// "checks: H hold, V violated, N not checkable" and one line per not-checkable ID with its
// reason, as every check command prints them.
std::string checks_summary_text(const std::vector<CheckSummary>& checks);

// One JUnit test suite per input; one test case per invariant ID.
struct JUnitCase {
  std::string name;                   // the invariant ID
  std::vector<std::string> failures;  // one message per violation; empty when it holds
  std::string skipped;                // non-empty: not checkable, with the reason
};
struct JUnitSuite {
  std::string name;                   // the input file
  std::vector<JUnitCase> cases;
};
std::string junit_xml(const std::string& tool, const std::vector<JUnitSuite>& suites);
// The cases for one input: every summary, with its violations as failures.
JUnitSuite junit_suite(const std::string& name, const std::vector<CheckSummary>& checks,
                       const std::vector<Violation>& violations);

// Writes text to FILE ("-" for stdout); throws UsageError when the file cannot be written.
void write_output(const std::string& path, const std::string& text);

}  // namespace sbm::cli
