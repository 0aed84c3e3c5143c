#include "properties/violation.h"

namespace sbm {

const char* outcome_name(CheckOutcome o) {
  switch (o) {
    case CheckOutcome::Holds: return "holds";
    case CheckOutcome::Violated: return "violated";
    case CheckOutcome::NotCheckable: return "not checkable";
  }
  return "?";
}

}  // namespace sbm
