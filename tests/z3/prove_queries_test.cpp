// Every `sbm prove` query at its default bound on the model (proved), and with the mutant it
// exists to catch (a counterexample whose file the matching checker rejects with the same ID).
#include <sstream>

#include <gtest/gtest.h>

#include "model/topology/build_options.h"
#include "properties/prove.h"
#include "properties/topo_invariants.h"
#include "traces/cex_write.h"
#include "traces/topology_dump/read.h"
#include "traces/trace_check.h"
#include "traces/trace_reader.h"

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
  if (cex.kind == Counterexample::Kind::Topology) {
    const DumpReadResult read = read_topology_dump(write_counterexample(cex), "cex");
    EXPECT_TRUE(read.errors.empty());
    if (read.topology) found = check_topology(*read.topology).violations;
  } else {
    std::istringstream in(write_counterexample(cex));
    TraceReader reader(in);
    TraceCheck check(TraceCheckLane{});
    check_trace(reader, check);
    const TraceCheckResult& result = check.result();
    EXPECT_TRUE(result.replay.not_checkable.empty()) << result.replay.not_checkable;
    EXPECT_EQ(result.replay.malformed, 0u);
    found = result.violations;
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
  ASSERT_FALSE(ids.empty()) << write_counterexample(*r.cex);
  for (const std::string& id : ids) EXPECT_EQ(id, c.id) << write_counterexample(*r.cex);
  // Deterministic: the same query gives the same file.
  EXPECT_EQ(write_counterexample(*run(c.query, options("v6.17", c.mutant)).cex),
            write_counterexample(*r.cex));
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
                      MutantCase{"nohz-next-balance", Mutant::NohzIlbOwnNotFolded, "NOHZ-2"},
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
    EXPECT_NE(write_counterexample(*r.cex).find("# jiffies-bits: 32"),
              std::string::npos);  // 32 bits are tried first
  }
}

TEST(ProveQueries, SerializeProvedWithSixCpus) {
  ProveOptions o = options("v6.17");
  o.bounds = {{"cpus", 6}, {"steps", 8}};
  EXPECT_EQ(run("serialize", o).verdict, ProofVerdict::Proved);
}

// spec/bugs.md #15: under v6.19 a newly idle balance of an SD_SERIALIZE domain takes the token
// (522fb20fbdbe); the mutant that undoes it lets one run beside the holder.
TEST(ProveQueries, SerializeNewidleUnserializedGivesACounterexampleUnderV619) {
  const QueryResult r = run("serialize", options("v6.19", Mutant::NewidleUnserialized));
  ASSERT_EQ(r.verdict, ProofVerdict::Counterexample) << r.reason;
  ASSERT_TRUE(r.cex.has_value());
  EXPECT_EQ(r.property_id, "SER-1");
  const std::vector<std::string> ids = rejected_ids(*r.cex);
  ASSERT_FALSE(ids.empty()) << write_counterexample(*r.cex);
  for (const std::string& id : ids) EXPECT_EQ(id, "SER-1") << write_counterexample(*r.cex);
  // The file shows the newly idle balance returning while another CPU holds the token.
  EXPECT_NE(write_counterexample(*r.cex).find("idle=CPU_NEWLY_IDLE"), std::string::npos)
      << write_counterexample(*r.cex);
  EXPECT_NE(write_counterexample(*r.cex).find("action=acquire"), std::string::npos)
      << write_counterexample(*r.cex);
  EXPECT_EQ(
      write_counterexample(*run("serialize", options("v6.19", Mutant::NewidleUnserialized)).cex),
      write_counterexample(*r.cex));
}

TEST(ProveQueries, SerializeProvedOnEveryEraUnmutated) {
  // Before v6.19 newly idle balances overlap a holder by design; that is not a breach.
  for (const std::string& profile : profile_names())
    EXPECT_EQ(run("serialize", options(profile)).verdict, ProofVerdict::Proved) << profile;
  // The mutant changes nothing where newidle never took the token.
  EXPECT_EQ(run("serialize", options("v6.17", Mutant::NewidleUnserialized)).verdict,
            ProofVerdict::Proved);
}

TEST(ProveQueries, LockOrderMutantNeedsAnOrderTheLayoutBreaks) {
  // v4.19 orders by rq address, and default_rq_lock_layout() gives addresses that grow with
  // the CPU id, so the CPU-id path agrees with it: no deadlock on such machines.
  EXPECT_EQ(run("lock-order", options("v4.19", Mutant::InconsistentLockOrder)).verdict,
            ProofVerdict::Proved);
}

TEST(ProveQueries, NohzNextBalanceCounterexampleOnV419ItsOwnBug) {
  EXPECT_EQ(run("nohz-next-balance", options("v4.19")).verdict, ProofVerdict::Counterexample);
}

std::string bound_text(const QueryResult& r) {
  std::string s;
  for (const QueryBound& b : r.bounds) s += b.name + "=" + std::to_string(b.value) + " ";
  return s;
}

TEST(ProveQueries, NohzNextBalanceProvesTheWalkAndTheKickOnV617AndV619) {
  for (const char* profile : {"v6.17", "v6.19"}) {
    const QueryResult r = run("nohz-next-balance", options(profile));
    EXPECT_EQ(r.verdict, ProofVerdict::Proved) << profile << ": " << r.reason;
    EXPECT_EQ(bound_text(r), "cpus=4 jiffies-bits=64 ") << profile;
    // 4 ILB CPUs x 16 busy patterns x (idle CPUs + 1) abort points = 192 walks per width.
    EXPECT_NE(r.reason.find("(a) 384 ILB walks over 4 idle CPUs"), std::string::npos) << r.reason;
    EXPECT_NE(r.reason.find("(b)"), std::string::npos) << r.reason;
  }
}

TEST(ProveQueries, NohzNextBalanceWalkCounterexamplesOfBothNohzMutants) {
  // The ILB's own next_balance left out: a complete walk whose minimum misses it.
  const QueryResult own = run("nohz-next-balance", options("v6.17", Mutant::NohzIlbOwnNotFolded));
  ASSERT_EQ(own.verdict, ProofVerdict::Counterexample);
  EXPECT_NE(own.cex->summary.front().find("the walk completes"), std::string::npos)
      << own.cex->summary.front();
  EXPECT_NE(write_counterexample(*own.cex).find("sched_balance_ilb_end"), std::string::npos)
      << write_counterexample(*own.cex);
  // v4.19's write after an abort: the walk is checked before the kick, so its counterexample
  // is a walk the ILB left part-way.
  const QueryResult overwrite =
      run("nohz-next-balance", options("v6.17", Mutant::NohzNextBalanceOverwrite));
  ASSERT_EQ(overwrite.verdict, ProofVerdict::Counterexample);
  EXPECT_NE(overwrite.cex->summary.front().find("the ILB gets work after visiting"),
            std::string::npos)
      << overwrite.cex->summary.front();
  EXPECT_EQ(rejected_ids(*overwrite.cex), std::vector<std::string>{"NOHZ-2"})
      << write_counterexample(*overwrite.cex);
}

TEST(ProveQueries, NohzNextBalanceStatesWhatEachEraClaims) {
  ProveOptions o = options("v2.6.32");
  const QueryResult owner = run("nohz-next-balance", o);
  EXPECT_EQ(owner.verdict, ProofVerdict::Proved) << owner.reason;
  EXPECT_NE(owner.reason.find("(a) not covered"), std::string::npos) << owner.reason;
  const QueryResult none = run("nohz-next-balance", options("v2.6.20"));
  EXPECT_EQ(none.verdict, ProofVerdict::Proved) << none.reason;
  EXPECT_NE(none.reason.find("(a) not checked"), std::string::npos) << none.reason;
}

TEST(ProveQueries, NohzNextBalanceWalkBoundsAreHonoured) {
  ProveOptions o = options("v6.17");
  o.bounds = {{"cpus", 2}, {"jiffies-bits", 32}};
  const QueryResult two = run("nohz-next-balance", o);
  EXPECT_EQ(two.verdict, ProofVerdict::Proved) << two.reason;
  EXPECT_EQ(bound_text(two), "cpus=2 jiffies-bits=32 ");
  // 2 ILB CPUs x (3 + 2 + 2 + 1) walks at one width.
  EXPECT_NE(two.reason.find("(a) 16 ILB walks over 2 idle CPUs"), std::string::npos) << two.reason;
  o.bounds = {{"cpus", 11}};
  const QueryResult big = run("nohz-next-balance", o);
  EXPECT_EQ(big.verdict, ProofVerdict::Unknown);
  EXPECT_NE(big.reason.find("up to cpus=10"), std::string::npos) << big.reason;
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
