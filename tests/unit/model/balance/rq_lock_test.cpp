// rq lock order and the double-lock primitives (model/balance/rq_lock.h).
#include <gtest/gtest.h>

#include "model/balance/rq_lock.h"

namespace sbm {
namespace {

RqLockLayout layout(std::vector<uint64_t> address, std::vector<int> core_cpu = {}) {
  RqLockLayout l;
  l.address = std::move(address);
  if (core_cpu.empty())
    for (size_t i = 0; i < l.address.size(); ++i) core_cpu.push_back(static_cast<int>(i));
  l.core_cpu = std::move(core_cpu);
  return l;
}

std::vector<RqLockEvent> locks_of(const RecordingEventSink& s) { return s.of_type<RqLockEvent>(); }

TEST(RqLockOrder, AddressOrderFollowsAddressesNotCpuIds) {
  // ppc64 under kexec (spec/bugs.md #22): per-CPU rq addresses not increasing with the CPU id.
  const RqLockLayout l = layout({0x3000, 0x1000, 0x2000});
  EXPECT_TRUE(rq_lock_before(LockOrder::RqAddress, l, 1, 0));
  EXPECT_FALSE(rq_lock_before(LockOrder::RqAddress, l, 0, 1));
  EXPECT_TRUE(rq_lock_before(LockOrder::RqAddress, l, 2, 0));
  EXPECT_FALSE(rq_lock_before(LockOrder::RqAddress, l, 1, 1));
  // rq_order_less() ignores the addresses: CPU id order.
  EXPECT_TRUE(rq_lock_before(LockOrder::RqOrderLess, l, 0, 1));
}

TEST(RqLockOrder, RqOrderLessOrdersByCoreFirst) {
  // Cores {0,8} and {2,7}... as in the 5.14 comment: (1,8) vs (7,2) must not AB-BA.
  std::vector<uint64_t> addr(9, 0);
  for (size_t i = 0; i < addr.size(); ++i) addr[i] = 0x1000 * (i + 1);
  std::vector<int> core = {0, 1, 2, 3, 4, 5, 6, 2, 1};  // CPU 8 is CPU 1's sibling, 7 is 2's
  const RqLockLayout l = layout(addr, core);
  EXPECT_TRUE(rq_lock_before(LockOrder::RqOrderLess, l, 8, 7));  // core 1 before core 2
  EXPECT_TRUE(rq_lock_before(LockOrder::RqOrderLess, l, 1, 2));
  EXPECT_TRUE(rq_lock_before(LockOrder::RqOrderLess, l, 1, 8));  // same core: CPU id
  EXPECT_FALSE(rq_lock_before(LockOrder::RqOrderLess, l, 7, 8));
}

TEST(DoubleRqLock, TakesTheEarlierLockFirst) {
  RqLocks locks(layout({0x3000, 0x1000}));
  RecordingEventSink sink;
  double_rq_lock(LockOrder::RqAddress, locks, 0, 0, 1, sink);
  const auto ev = locks_of(sink);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].rq, 1);  // lower address
  EXPECT_EQ(ev[1].rq, 0);
  EXPECT_EQ(locks.holder(0), 0);
  EXPECT_EQ(locks.holder(1), 0);
  EXPECT_EQ(locks.held_by(0), (std::vector<int>{1, 0}));
  double_rq_unlock(locks, 0, 0, 1, sink);
  EXPECT_EQ(locks.holder(0), -1);
  EXPECT_EQ(locks.holder(1), -1);
}

TEST(DoubleRqLock, SharedCoreLockIsTakenOnce) {
  RqLockLayout l = layout({0x1000, 0x2000}, {0, 0});
  l.core_sched_enabled = true;
  RqLocks locks(l);
  RecordingEventSink sink;
  double_rq_lock(LockOrder::RqOrderLess, locks, 0, 1, 0, sink);
  EXPECT_EQ(locks_of(sink).size(), 1u);
  EXPECT_EQ(locks.holder(1), 0);  // the core lock serves both
}

TEST(DoubleLockBalance, TrylockSucceedsWithoutDropping) {
  RqLocks locks(layout({0x1000, 0x2000}));
  RecordingEventSink sink;
  locks.lock(0, 1, "caller", sink);
  EXPECT_FALSE(double_lock_balance(LockOrder::RqAddress, false, locks, 0, 1, 0, sink));
  const auto ev = locks_of(sink);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].action, RqLockAction::TryAcquire);
  EXPECT_EQ(locks.holder(0), 0);
}

TEST(DoubleLockBalance, ContendedBusiestAfterThisRqWaitsNested) {
  RqLocks locks(layout({0x1000, 0x2000}));
  RecordingEventSink sink;
  locks.lock(0, 0, "caller", sink);
  locks.set_holder(1, 5);  // CPU 5 is inside rq1's critical section
  EXPECT_FALSE(double_lock_balance(LockOrder::RqAddress, false, locks, 0, 0, 1, sink));
  const auto ev = locks_of(sink);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[1].action, RqLockAction::TryFail);
  EXPECT_EQ(ev[2].action, RqLockAction::Acquire);
  EXPECT_EQ(ev[2].rq, 1);
}

TEST(DoubleLockBalance, ContendedBusiestBeforeThisRqDropsThisRq) {
  RqLocks locks(layout({0x2000, 0x1000}));
  RecordingEventSink sink;
  locks.lock(0, 0, "caller", sink);
  locks.set_holder(1, 5);
  EXPECT_TRUE(double_lock_balance(LockOrder::RqAddress, false, locks, 0, 0, 1, sink));
  const auto ev = locks_of(sink);
  ASSERT_EQ(ev.size(), 5u);
  EXPECT_EQ(ev[2].action, RqLockAction::Release);  // this_rq dropped ...
  EXPECT_EQ(ev[2].rq, 0);
  EXPECT_EQ(ev[3].rq, 1);  // ... then both in order, busiest (lower address) first
  EXPECT_EQ(ev[4].rq, 0);
  EXPECT_EQ(locks.holder(0), 0);
  EXPECT_EQ(locks.holder(1), 0);
}

TEST(DoubleLockBalance, PreemptAlwaysDrops) {
  RqLocks locks(layout({0x1000, 0x2000}));
  RecordingEventSink sink;
  locks.lock(0, 0, "caller", sink);
  EXPECT_TRUE(double_lock_balance(LockOrder::RqAddress, true, locks, 0, 0, 1, sink));
  double_unlock_balance(locks, 0, 0, 1, sink);
  EXPECT_EQ(locks.holder(1), -1);
  EXPECT_EQ(locks.holder(0), 0);
}

}  // namespace
}  // namespace sbm
