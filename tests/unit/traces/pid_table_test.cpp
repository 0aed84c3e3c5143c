// traces/pid_table.h: tasks by pid, flat below pid_max's default and hashed above it (and for
// negative pids), read and forgotten the same way on both sides of the bound.
#include "traces/pid_table.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace sbm {
namespace {

TEST(PidTable, EitherSideOfTheFlatBoundAddsFindsAndForgets) {
  PidTable<int> t;
  for (const int pid :
       {0, 1, 4242, PidTable<int>::kFlatPids - 1, PidTable<int>::kFlatPids, 4194303, -7}) {
    SCOPED_TRACE(pid);
    EXPECT_EQ(t.find(pid), nullptr);
    EXPECT_THROW(t.at(pid), std::out_of_range);
    t[pid] = pid + 1;
    ASSERT_NE(t.find(pid), nullptr);
    EXPECT_EQ(*t.find(pid), pid + 1);
    EXPECT_EQ(t.at(pid), pid + 1);
    t.erase(pid);
    EXPECT_EQ(t.find(pid), nullptr);
    EXPECT_EQ(t[pid], 0) << "a pid added again starts from a default state, not the one forgotten";
  }
  EXPECT_EQ(t.find(4243), nullptr) << "growing the flat table for 4242 added no other pid";
  t.clear();
  EXPECT_EQ(t.find(1), nullptr);
  EXPECT_EQ(t.find(4194303), nullptr);
  t.erase(99999999);  // forgetting a pid never seen is nothing
}

}  // namespace
}  // namespace sbm
