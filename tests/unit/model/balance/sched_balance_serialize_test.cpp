#include "model/balance/sched_balance_serialize.h"

#include <gtest/gtest.h>

#include "model/mutants.h"
#include "tests/support/sched_balance_testing.h"

namespace sbm {
namespace {

TEST(SchedBalanceSerialize, TrylockNeverWaits) {
  SchedBalanceRunning token;
  RecordingEventSink sink;
  EXPECT_TRUE(serialize_try_acquire(token, 4, 4, 2, sink));
  EXPECT_EQ(token.holder, 4);
  EXPECT_FALSE(serialize_try_acquire(token, 9, 9, 2, sink));
  EXPECT_EQ(token.holder, 4);
  serialize_release(token, 4, 4, 2, sink);
  EXPECT_FALSE(token.held());
  const auto ev = sink.of_type<SerializeEvent>();
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].action, SerializeAction::Acquire);
  EXPECT_EQ(ev[1].action, SerializeAction::Busy);
  EXPECT_EQ(ev[1].holder, 4);
  EXPECT_EQ(ev[2].action, SerializeAction::Release);
  EXPECT_EQ(ev[2].holder, 4);
}

TEST(SchedBalanceSerialize, ReleaseByAnotherCpuIsRecordedWithThePreviousHolder) {
  SchedBalanceRunning token{1, 1, 3};
  RecordingEventSink sink;
  serialize_release(token, 5, 5, 3, sink);  // atomic_set_release does not check
  EXPECT_FALSE(token.held());
  EXPECT_EQ(sink.of_type<SerializeEvent>().at(0).holder, 1);
}

TEST(SchedBalanceSerialize, V619HelperTakesItOncePerCallAndReleasesAtOut) {
  const Profile p = testing::profile("v6.19");
  const SdFlags numa{SdFlag::Numa, SdFlag::Serialize};
  const SdFlags mc{SdFlag::ShareLlc};
  SchedBalanceRunning token;
  RecordingEventSink sink;
  bool need_unlock = false;
  EXPECT_EQ(sched_balance_rq_serialize(p, token, mc, CpuIdleType::Idle, 0, 0, 0, need_unlock, sink),
            SerializeTry::NotNeeded);
  EXPECT_EQ(
      sched_balance_rq_serialize(p, token, numa, CpuIdleType::Idle, 0, 0, 1, need_unlock, sink),
      SerializeTry::Acquired);
  // "goto redo" keeps it.
  EXPECT_EQ(
      sched_balance_rq_serialize(p, token, numa, CpuIdleType::Idle, 0, 0, 1, need_unlock, sink),
      SerializeTry::AlreadyHeld);
  bool other_unlock = false;
  EXPECT_EQ(
      sched_balance_rq_serialize(p, token, numa, CpuIdleType::Idle, 2, 2, 1, other_unlock, sink),
      SerializeTry::Busy);
  EXPECT_FALSE(other_unlock);
  sched_balance_rq_unserialize(token, 2, 2, 1, other_unlock, sink);  // nothing to release
  EXPECT_EQ(token.holder, 0);
  sched_balance_rq_unserialize(token, 0, 0, 1, need_unlock, sink);
  EXPECT_FALSE(token.held());
  EXPECT_FALSE(need_unlock);
  EXPECT_EQ(sink.of_type<SerializeEvent>().size(), 3u);  // acquire, busy, release
}

TEST(SchedBalanceSerialize, V617PutsTheTokenInThePassNotInSchedBalanceRq) {
  const SdFlags numa{SdFlag::Numa, SdFlag::Serialize};
  SchedBalanceRunning token;
  NullEventSink none;
  bool need_unlock = false;
  EXPECT_EQ(sched_balance_rq_serialize(testing::profile("v6.17"), token, numa, CpuIdleType::Idle, 0,
                                       0, 1, need_unlock, none),
            SerializeTry::NotNeeded);
  EXPECT_FALSE(token.held());
}

// serialize_step() for a newly idle caller: through the token under v6.19 (522fb20fbdbe),
// beside the holder without touching it before (and under newidle-unserialized).
TEST(SchedBalanceSerialize, StepTakesTheTokenForNewlyIdleOnlyWhereTheEraSerializesIt) {
  Profile mutated = testing::profile("v6.19");
  apply_mutant(Mutant::NewidleUnserialized, mutated, nullptr);
  for (const auto& [p, serialized] :
       std::vector<std::pair<Profile, bool>>{{testing::profile("v6.17"), false},
                                             {mutated, false},
                                             {testing::profile("v6.19"), true}}) {
    SchedBalanceRunning token{0, 0, 1};  // CPU0 holds it
    RecordingEventSink sink;
    const SerializePc in =
        serialize_step(p, token, SerializePc::Outside, CpuIdleType::NewlyIdle, 2, 2, 1, sink);
    EXPECT_EQ(in, serialized ? SerializePc::Outside : SerializePc::Unserialized)
        << p.name;  // busy, or beside it
    EXPECT_EQ(sink.events.size(), serialized ? 1u : 0u) << p.name;
    if (in == SerializePc::Unserialized) {
      EXPECT_EQ(serialize_step(p, token, in, CpuIdleType::NewlyIdle, 2, 2, 1, sink),
                SerializePc::Outside);
    }
    EXPECT_EQ(token.holder, 0) << p.name;  // never released by the newly idle CPU
    EXPECT_EQ(serialize_step(p, token, SerializePc::Outside, CpuIdleType::Idle, 3, 3, 1, sink),
              SerializePc::Outside)
        << p.name << ": a periodic caller always tries it";
  }
}

}  // namespace
}  // namespace sbm
