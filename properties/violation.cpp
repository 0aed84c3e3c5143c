#include "properties/violation.h"

#include <algorithm>
#include <limits>

namespace sbm {

Violation make_violation(std::string id, int cpu, int level, uint64_t line, std::string expected,
                         std::string observed, std::string explanation) {
  Violation v;
  v.id = std::move(id);
  v.cpu = cpu;
  v.level = level;
  v.line = static_cast<int>(std::min<uint64_t>(line, std::numeric_limits<int>::max()));
  v.expected = std::move(expected);
  v.observed = std::move(observed);
  v.explanation = std::move(explanation);
  return v;
}

const char* outcome_name(CheckOutcome o) {
  switch (o) {
    case CheckOutcome::Holds:
      return "holds";
    case CheckOutcome::Violated:
      return "violated";
    case CheckOutcome::NotCheckable:
      return "not checkable";
  }
  return "?";
}

}  // namespace sbm
