#include <gtest/gtest.h>

#include "model/profile.h"

namespace sbm {
namespace {

TEST(ProfileLookup, AllFiveProfilesByName) {
  EXPECT_EQ(profile_names(), (std::vector<std::string>{"v2.6.20", "v2.6.32", "v4.19", "v6.17", "v6.19"}));
  for (const std::string& n : profile_names()) {
    const ProfileLookup r = find_profile(n);
    ASSERT_TRUE(r.profile) << r.error;
    EXPECT_EQ(r.profile->name, n);
    EXPECT_EQ(r.profile->version.str(), n);
    EXPECT_FALSE(r.profile->description.empty());
  }
  EXPECT_TRUE(find_profile("6.17").profile);
  EXPECT_TRUE(find_profile("V2.6.32").profile);
}

TEST(ProfileLookup, UnknownNameListsTheKnownOnes) {
  const ProfileLookup r = find_profile("v5.4");
  EXPECT_FALSE(r.profile);
  EXPECT_EQ(r.error, "unknown profile 'v5.4' (known: v2.6.20, v2.6.32, v4.19, v6.17, v6.19)");
}

TEST(ProfileLookup, OptionsOverrideHzWidthAndNrCpus) {
  const ProfileLookup r = find_profile("v2.6.32", {.hz = 100, .jiffies_bits = 32, .nr_cpus = 4096});
  ASSERT_TRUE(r.profile) << r.error;
  EXPECT_EQ(r.profile->hz, 100u);
  EXPECT_EQ(r.profile->jiffies_bits, 32u);
  EXPECT_EQ(r.profile->nr_cpus, 4096u);
  const Profile d = *find_profile("v2.6.32").profile;
  EXPECT_EQ(d.hz, 250u);  // Kconfig.hz default
  EXPECT_EQ(d.jiffies_bits, 64u);
  EXPECT_EQ(d.nr_cpus, 8u);  // x86 "default 8 if SMP"
}

TEST(ProfileLookup, BadOptionsAreErrors) {
  EXPECT_EQ(find_profile("v6.17", {.jiffies_bits = 16}).error, "jiffies width must be 32 or 64, found 16");
  EXPECT_EQ(find_profile("v6.17", {.hz = 0}).error, "HZ must be between 1 and 10000, found 0");
  EXPECT_EQ(find_profile("v6.17", {.nr_cpus = 0}).error, "NR_CPUS must be at least 1");
}

TEST(ProfileLookup, NewestProfileNotNewerThanTheRunningKernel) {
  EXPECT_EQ(newest_profile_at({6, 18, 0}), (KernelVersion{6, 17, 0}));
  EXPECT_EQ(newest_profile_at({6, 19, 0}), (KernelVersion{6, 19, 0}));
  EXPECT_EQ(newest_profile_at({7, 1, 0}), (KernelVersion{6, 19, 0}));
  EXPECT_EQ(newest_profile_at({5, 4, 0}), (KernelVersion{4, 19, 0}));
  EXPECT_EQ(newest_profile_at({2, 6, 31}), (KernelVersion{2, 6, 20}));
  EXPECT_EQ(newest_profile_at({2, 6, 19}), std::nullopt);
}

}  // namespace
}  // namespace sbm
