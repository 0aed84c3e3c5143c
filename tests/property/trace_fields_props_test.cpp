// Property: TraceFields::find(), which reads an event's fields forward in one pass, answers
// exactly what find_trace_field() answers on the whole split text (traces/trace_read.h), for
// any line that names no key twice and any order of lookups: in order, out of order, repeated,
// missing. The fast path must never change what a check sees.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

#include "traces/trace_read.h"

namespace sbm {
namespace {

// Keys as trace lines print them, comm-like ones (whose values may hold blanks) included.
const std::vector<std::string> kKeys = {"cpu",  "pid",       "comm",     "prev_comm", "vec",    "action",
                                        "jiffies", "next_balance", "allowed", "level", "due", "x"};
const std::vector<std::string> kValues = {"0", "7", "4294892296", "SCHED", "0-3,8", "8->16", "Web Content", "a:b", ""};
// Items without a value: a compact sched_switch's pieces, a bare flag.
const std::vector<std::string> kBare = {"==>", "[120]", "R", "*LLC:", "=x"};

RC_GTEST_PROP(TraceFieldsProps, ForwardReadingAgreesWithTheSplitText, ()) {
  const auto picked_keys = *rc::gen::unique<std::vector<std::string>>(rc::gen::elementOf(kKeys));
  std::string line;
  for (const std::string& k : picked_keys) {
    if (*rc::gen::inRange(0, 4) == 0) line += *rc::gen::elementOf(kBare) + " ";
    std::string v = *rc::gen::elementOf(kValues);
    if (v.empty() && *rc::gen::arbitrary<bool>()) line += "[" + k + "=SCHED] ";
    else line += k + "=" + v + " ";
  }
  if (*rc::gen::arbitrary<bool>()) line += "  \t";
  std::vector<TraceField> split;
  parse_trace_fields(line, split);

  TraceFields fields;
  fields.reset(line);
  const auto lookups = *rc::gen::container<std::vector<std::string>>(
      rc::gen::oneOf(rc::gen::elementOf(kKeys), rc::gen::just(std::string("missing"))));
  for (const std::string& key : lookups) {
    RC_LOG() << "line '" << line << "' key " << key << "\n";
    RC_ASSERT(fields.find(key) == find_trace_field(split, key));
  }
  // Reading every key in line order finds each one (the reader's common case).
  fields.reset(line);
  for (const TraceField& f : split)
    if (f.has_value) RC_ASSERT(fields.find(f.key) == find_trace_field(split, f.key));
}

}  // namespace
}  // namespace sbm
