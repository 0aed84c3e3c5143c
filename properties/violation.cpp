#include "properties/violation.h"

namespace sbm {

Violation make_violation(std::string id, int cpu, int level, int line, std::string expected,
                         std::string observed, std::string explanation) {
  Violation v;
  v.id = std::move(id);
  v.cpu = cpu;
  v.level = level;
  v.line = line;
  v.expected = std::move(expected);
  v.observed = std::move(observed);
  v.explanation = std::move(explanation);
  return v;
}

const char* outcome_name(CheckOutcome o) {
  switch (o) {
    case CheckOutcome::Holds: return "holds";
    case CheckOutcome::Violated: return "violated";
    case CheckOutcome::NotCheckable: return "not checkable";
  }
  return "?";
}

}  // namespace sbm
