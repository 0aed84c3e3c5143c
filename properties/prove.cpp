#include "properties/prove.h"

#include "properties/prove_queries.h"

namespace sbm {

namespace {

struct BoundRange {
  std::string_view name;
  unsigned min, max;
};

// The values each bound may take, whatever the query (spec/queries.md, "Bounds").
constexpr BoundRange kRanges[] = {
    {"domains", 1, 64}, {"jiffies-bits", 32, 64}, {"cpus", 1, 64},     {"steps", 1, 64},
    {"kicks", 1, 64},   {"nodes", 1, 8},          {"distances", 1, 4},
};

}  // namespace

const std::vector<QueryInfo>& query_catalogue() {
  static const std::vector<QueryInfo> all = {
      topo_builder_query(),      next_balance_query(),     serialize_query(),
      interval_bounds_query(),   balance_interval_query(), lock_order_query(),
      nohz_next_balance_query(),
  };
  return all;
}

const QueryInfo* find_query(std::string_view name) {
  for (const QueryInfo& q : query_catalogue())
    if (q.name == name) return &q;
  return nullptr;
}

std::string_view verdict_name(ProofVerdict v) {
  switch (v) {
    case ProofVerdict::Proved:
      return "proved";
    case ProofVerdict::Counterexample:
      return "counterexample";
    case ProofVerdict::Unknown:
      return "unknown";
  }
  return "unknown";
}

std::string check_bounds(const QueryInfo& q, const std::map<std::string, unsigned>& bounds) {
  for (const auto& [name, value] : bounds) {
    bool known = false;
    std::string names;
    for (const QueryBound& b : q.default_bounds) {
      known = known || b.name == name;
      names += (names.empty() ? "" : ", ") + b.name;
    }
    if (!known) return "unknown bound '" + name + "' for " + q.name + " (known: " + names + ")";
    for (const BoundRange& r : kRanges)
      if (r.name == name && (value < r.min || value > r.max))
        return "bound " + name + "=" + std::to_string(value) + " out of range [" +
               std::to_string(r.min) + ", " + std::to_string(r.max) + "]";
    if (name == "jiffies-bits" && value != 32 && value != 64)
      return "bound jiffies-bits must be 32 or 64";
  }
  return "";
}

}  // namespace sbm
