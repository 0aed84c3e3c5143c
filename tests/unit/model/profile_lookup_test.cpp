#include <gtest/gtest.h>

#include "model/profile.h"

namespace sbm {
namespace {

TEST(ProfileLookup, AllFiveProfilesByName) {
  EXPECT_EQ(profile_names(),
            (std::vector<std::string>{"v2.6.20", "v2.6.32", "v4.19", "v6.17", "v6.19"}));
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

TEST(ProfileLookup, ReleaseMapsToTheNewestProfileNotAfterIt) {
  auto of = [](const char* release) { return profile_for_release(*parse_kernel_version(release)); };
  EXPECT_EQ(of("6.18.44-fc-v1272"), "v6.17");  // uname -r of a 6.18 kernel
  EXPECT_EQ(of("6.17"), "v6.17");
  EXPECT_EQ(of("6.19.0-rc1"), "v6.19");
  EXPECT_EQ(of("7.0"), "v6.19");
  EXPECT_EQ(of("6.16.9"), "v4.19");
  EXPECT_EQ(of("4.19.325"), "v4.19");
  EXPECT_EQ(of("3.10"), "v2.6.32");
  EXPECT_EQ(of("2.6.31"), "v2.6.20");
  EXPECT_EQ(of("2.6.20"), "v2.6.20");
  EXPECT_EQ(of("2.6.19"), std::nullopt) << "older than every profile";
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
  EXPECT_EQ(find_profile("v6.17", {.jiffies_bits = 16}).error,
            "jiffies width must be 32 or 64, found 16");
  EXPECT_EQ(find_profile("v6.17", {.hz = 0}).error, "HZ must be between 1 and 10000, found 0");
  EXPECT_EQ(find_profile("v6.17", {.nr_cpus = 0}).error, "NR_CPUS must be at least 1");
}

}  // namespace
}  // namespace sbm
