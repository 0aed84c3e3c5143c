#include "traces/softirq_fields.h"

namespace sbm {

SoftirqFields read_softirq_fields(std::string_view text, TraceFields& fields) {
  // The kernel's own layout: the vec, then the bracketed action, then nothing or a blank.
  InOrderFields in_order(text);
  int vec = 0;
  std::string_view action;
  if (in_order.number("vec", vec) && in_order.bracketed("action", action)) return {vec, action};
  fields.reset(text);
  // Read in the line's order (TraceFields): vec, then action.
  std::optional<int> v = field_int(fields.find("vec"));
  if (!v) v = field_int(fields.find("softirq"));
  return {v, fields.find("action")};
}

}  // namespace sbm
