// Every `sbm prove` query at its default bound on the model (proved), and with the mutant it
// exists to catch (a counterexample whose file the matching checker rejects with the same ID).
#include <sstream>

#include <gtest/gtest.h>

#include "model/build_options.h"
#include "properties/prove.h"
#include "properties/topo_invariants.h"
#include "traces/topology_dump/read.h"
#include "traces/trace_read.h"
#include "traces/trace_replay.h"

namespace sbm {
namespace {

ProveOptions options(const std::string& profile, Mutant mutant = Mutant::None) {
  ProveOptions o;
  o.profile = *find_profile(profile).profile;
  o.build = build_options_for(o.profile.version);
  apply_mutant(mutant, o.profile, &o.build);
  o.timeout_ms = 60000;
  return o;
}

QueryResult run(const std::string& query, const ProveOptions& o) {
  const QueryInfo* q = find_query(query);
  EXPECT_NE(q, nullptr) << query;
  return q ? q->run(o) : QueryResult{};
}

// The IDs `sbm trace check` / `sbm topology check` report for a counterexample file.
std::vector<std::string> rejected_ids(const Counterexample& cex) {
  std::vector<Violation> found;
  if (cex.kind == "topology") {
    const DumpReadResult read = read_topology_dump(cex.text, "cex");
    EXPECT_TRUE(read.errors.empty());
    if (read.topology) found = check_topology(*read.topology).violations;
  } else {
    std::istringstream in(cex.text);
    TraceReader reader(in);
    TraceReplay replay;
    while (const TraceRecord* r = reader.next()) replay.feed(*r, found);
    replay.finish(found);
    EXPECT_TRUE(replay.summary().not_checkable.empty()) << replay.summary().not_checkable;
    EXPECT_EQ(replay.summary().malformed, 0u);
  }
  std::vector<std::string> ids;
  for (const Violation& v : found) ids.push_back(v.id);
  return ids;
}

TEST(ProveQueries, EveryQueryProvedAtItsDefaultBoundOnV617) {
  for (const QueryInfo& q : query_catalogue()) {
    const QueryResult r = q.run(options("v6.17"));
    EXPECT_EQ(r.verdict, ProofVerdict::Proved) << q.name << ": " << r.reason;
    EXPECT_FALSE(r.cex.has_value()) << q.name;
    EXPECT_EQ(r.bounds.size(), q.default_bounds.size()) << q.name;
  }
}

TEST(ProveQueries, ArithmeticQueriesProvedOnEveryEra) {
  for (const std::string& profile : profile_names())
    for (const char* query : {"interval-bounds", "balance-interval", "next-balance"}) {
      ProveOptions o = options(profile);
      o.bounds["jiffies-bits"] = 32;
      if (std::string(query) == "balance-interval") o.bounds.erase("jiffies-bits");
      const QueryResult r = run(query, o);
      EXPECT_EQ(r.verdict, ProofVerdict::Proved) << query << " on " << profile << ": " << r.reason;
    }
}

struct MutantCase {
  const char* query;
  Mutant mutant;
  const char* id;  // the ID the checker must reject the counterexample with
};

class ProveMutant : public ::testing::TestWithParam<MutantCase> {};

TEST_P(ProveMutant, FindsACounterexampleTheCheckerRejectsWithTheSameId) {
  const MutantCase& c = GetParam();
  const QueryResult r = run(c.query, options("v6.17", c.mutant));
  ASSERT_EQ(r.verdict, ProofVerdict::Counterexample) << c.query << ": " << r.reason;
  ASSERT_TRUE(r.cex.has_value());
  EXPECT_EQ(r.property_id, c.id);
  EXPECT_FALSE(r.cex->summary.empty());
  const std::vector<std::string> ids = rejected_ids(*r.cex);
  ASSERT_FALSE(ids.empty()) << r.cex->text;
  for (const std::string& id : ids) EXPECT_EQ(id, c.id) << r.cex->text;
  // Deterministic: the same query gives the same file.
  EXPECT_EQ(run(c.query, options("v6.17", c.mutant)).cex->text, r.cex->text);
}

INSTANTIATE_TEST_SUITE_P(
    Registry, ProveMutant,
    ::testing::Values(MutantCase{"next-balance", Mutant::PlainLt, "NB-1"},
                      MutantCase{"next-balance", Mutant::NextBalanceWriteUnfed, "NB-1"},
                      MutantCase{"interval-bounds", Mutant::UnclampedInterval, "INT-1"},
                      MutantCase{"balance-interval", Mutant::UnboundedBackoff, "BI-1"},
                      MutantCase{"serialize", Mutant::CheckThenSet, "SER-1"},
                      MutantCase{"serialize", Mutant::TrylockFailBalances, "SER-1"},
                      MutantCase{"lock-order", Mutant::InconsistentLockOrder, "LOCK-1"},
                      MutantCase{"nohz-next-balance", Mutant::NohzNextBalanceOverwrite, "NOHZ-2"},
                      MutantCase{"topo-builder", Mutant::NumaDiameterGroups, "TOPO-GROUPS-SPAN"}),
    [](const ::testing::TestParamInfo<MutantCase>& i) {
      std::string n = std::string(mutant_info(i.param.mutant).name);
      for (char& ch : n)
        if (ch == '-') ch = '_';
      return n;
    });

TEST(ProveQueries, NextBalanceCounterexampleAtBothWidths) {
  for (unsigned bits : {32u, 64u}) {
    ProveOptions o = options("v6.17", Mutant::PlainLt);
    o.bounds["jiffies-bits"] = bits;
    const QueryResult r = run("next-balance", o);
    ASSERT_EQ(r.verdict, ProofVerdict::Counterexample) << bits;
    EXPECT_NE(r.cex->text.find("# jiffies-bits: 32"), std::string::npos);  // 32 bits are tried first
  }
}

TEST(ProveQueries, SerializeProvedWithSixCpus) {
  ProveOptions o = options("v6.17");
  o.bounds = {{"cpus", 6}, {"steps", 8}};
  EXPECT_EQ(run("serialize", o).verdict, ProofVerdict::Proved);
}

TEST(ProveQueries, LockOrderMutantNeedsAnOrderTheLayoutBreaks) {
  // v4.19 orders by rq address, and default_rq_lock_layout() gives addresses that grow with
  // the CPU id, so the CPU-id path agrees with it: no deadlock on such machines.
  EXPECT_EQ(run("lock-order", options("v4.19", Mutant::InconsistentLockOrder)).verdict, ProofVerdict::Proved);
}

TEST(ProveQueries, NohzNextBalanceCounterexampleOnV419ItsOwnBug) {
  EXPECT_EQ(run("nohz-next-balance", options("v4.19")).verdict, ProofVerdict::Counterexample);
}

TEST(ProveQueries, ATimeoutIsUnknownNeverProved) {
  ProveOptions o = options("v6.17");
  o.timeout_ms = 1;
  o.bounds["domains"] = 8;
  const QueryResult r = run("next-balance", o);
  EXPECT_EQ(r.verdict, ProofVerdict::Unknown);
  EXPECT_FALSE(r.reason.empty());
}

TEST(ProveQueries, BoundsAreChecked) {
  const QueryInfo* q = find_query("next-balance");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(check_bounds(*q, {{"domains", 8}}), "");
  EXPECT_NE(check_bounds(*q, {{"steps", 8}}).find("unknown bound 'steps'"), std::string::npos);
  EXPECT_NE(check_bounds(*q, {{"domains", 0}}).find("out of range"), std::string::npos);
  EXPECT_NE(check_bounds(*q, {{"jiffies-bits", 48}}).find("32 or 64"), std::string::npos);
  EXPECT_EQ(find_query("no-such-query"), nullptr);
}

}  // namespace
}  // namespace sbm
