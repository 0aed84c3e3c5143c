// The model against the kernel it claims (ctest label `live`): `sbm trace record` records this
// machine's kernel for three seconds under three workloads, and `sbm trace check` must find
// nothing under the host's profile and domains (the recording's header), with NB-4 judging at
// least 90% of the tick raises of SCHED_SOFTIRQ. Without root or tracefs each test is skipped
// with the reason, never passed. Each recording is kept under build/live-traces/ for a look.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/cli/sbm_run.h"

namespace {

namespace fs = std::filesystem;
using sbm::testing::SbmRun;
using sbm::testing::sbm;
using sbm::testing::slurp;

std::string live_skip_reason() {
  if (::geteuid() != 0) return "recording needs root";
  if (slurp("/proc/filesystems").find("\ttracefs\n") == std::string::npos) return "this kernel has no tracefs";
  return "";
}

unsigned cpus() { return std::max(1u, std::thread::hardware_concurrency()); }

// A shell loop that spins for `seconds`, pinned to `cpu` when it is not negative.
std::string spinner(int cpu, int seconds) {
  const std::string spin = "timeout " + std::to_string(seconds) + " sh -c 'while :; do :; done' &";
  return cpu < 0 ? spin : "taskset -c " + std::to_string(cpu) + " " + spin;
}

struct Judged {
  nlohmann::json report;
  std::string trace;
};

// Records `workload` for 3 s, checks the recording, and asserts a clean verdict with NB-4
// judging.
Judged record_and_check(const std::string& name, const std::string& workload) {
  const fs::path dir = fs::path(SBM_BUILD_DIR) / "live-traces";
  fs::create_directories(dir);
  const std::string trace = (dir / (name + ".trace")).string();
  const SbmRun rec = sbm("trace record --seconds 3 -o " + trace + " -- sh -c \"" + workload + " wait\"");
  EXPECT_EQ(rec.status, 0) << rec.err;
  const SbmRun check = sbm("trace check --keep-going --json " + trace);
  Judged j{nlohmann::json::parse(check.out, nullptr, false), trace};
  EXPECT_EQ(check.status, 0) << name << ": " << check.out.substr(0, 4000) << check.err;
  if (j.report.is_discarded()) {
    ADD_FAILURE() << "no JSON from sbm trace check: " << check.err;
    return j;
  }
  EXPECT_EQ(j.report["result"], "conforms") << name << " (" << trace << ")";
  for (const auto& v : j.report["violations"]) ADD_FAILURE() << name << ": " << v.dump();
  EXPECT_EQ(j.report["unparsed"], 0);
  const auto& c = j.report["cadence"];
  const double raises = c["tick_raises"].get<double>(), judged = c["tick_raises_judged"].get<double>();
  std::cout << name << ": NB-4 judged " << judged << " of " << raises << " tick raises, " << c["ticks_judged"]
            << " of " << c["ticks"] << " ticks\n";
  EXPECT_GE(judged, 0.9 * raises) << name << ": " << c.dump();
  EXPECT_GT(raises, 0) << name;
  bool nb4 = false;
  for (const auto& k : j.report["checks"])
    if (k["id"] == "NB-4") {
      nb4 = true;
      EXPECT_EQ(k["outcome"], "holds") << k.dump();
    }
  EXPECT_TRUE(nb4);
  return j;
}

class KernelConformance : public ::testing::Test {
 protected:
  void SetUp() override {
    if (const std::string why = live_skip_reason(); !why.empty()) GTEST_SKIP() << why;
  }
};

TEST_F(KernelConformance, EveryCpuBusy) {
  std::string w;
  for (unsigned c = 0; c < cpus(); ++c) w += spinner(-1, 4) + " ";
  record_and_check("every-cpu-busy", w);
}

// One CPU-bound task pinned to CPU1, two to CPU0: CPU1 cannot pull either, so ALL_PINNED
// grows its balance_interval until the clamp, max_load_balance_interval (25 jiffies at HZ=250
// on 2 CPUs).
TEST_F(KernelConformance, PinnedImbalance) {
  if (cpus() < 2) GTEST_SKIP() << "needs two CPUs";
  record_and_check("pinned-imbalance", spinner(0, 4) + " " + spinner(0, 4) + " " + spinner(1, 4) + " ");
}

TEST_F(KernelConformance, IdleWithAPeriodicSleeper) {
  record_and_check("idle-periodic-sleeper", "seq 300 | while read i; do sleep 0.01; done;");
}

}  // namespace
