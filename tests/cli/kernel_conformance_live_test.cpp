// The model against the kernel it claims (ctest label `live`): `sbm trace record` records this
// machine's kernel for three seconds under three workloads, and `sbm trace check` must find
// nothing under the host's profile and domains (the recording's header), with NB-4 judging at
// least 90% of the tick raises of SCHED_SOFTIRQ. Without root or tracefs each test is skipped
// with the reason, never passed. Each recording is kept under build/live-traces/ for a look.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/cli/sbm_run.h"

namespace {

namespace fs = std::filesystem;
using sbm::testing::live_skip_reason;
using sbm::testing::sbm;
using sbm::testing::SbmRun;
using sbm::testing::slurp;

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
  const SbmRun rec =
      sbm("trace record --seconds 3 -o " + trace + " -- sh -c \"" + workload + " wait\"");
  EXPECT_EQ(rec.status, 0) << rec.err;
  const SbmRun check = sbm("trace check --keep-going --json " + trace);
  Judged j{nlohmann::json::parse(check.out, nullptr, false), trace};
  EXPECT_EQ(check.status, 0) << name << ": " << check.out.substr(0, 4000) << check.err;
  if (j.report.is_discarded()) {
    ADD_FAILURE() << "no JSON from sbm trace check: " << check.err;
    return j;
  }
  EXPECT_EQ(j.report["result"], "conforms") << name << " (" << trace << ")";
  const auto& lane = j.report["profiles"][0];
  for (const auto& v : lane["violations"]) ADD_FAILURE() << name << ": " << v.dump();
  EXPECT_EQ(lane["unparsed"], 0);
  const auto& c = lane["cadence"];
  const double raises = c["tick_raises"].get<double>(),
               judged = c["tick_raises_judged"].get<double>();
  std::cout << name << ": NB-4 judged " << judged << " of " << raises << " tick raises, "
            << c["ticks_judged"] << " of " << c["ticks"] << " ticks\n";
  EXPECT_GE(judged, 0.9 * raises) << name << ": " << c.dump();
  EXPECT_GT(raises, 0) << name;
  bool nb4 = false;
  for (const auto& k : lane["checks"])
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
// What a kernel clamping at HZ*N/10 would show: every tick raise of SCHED_SOFTIRQ that ends a
// gap of `clamp` jiffies on its CPU is removed with the pass it starts (the jiffy is the tick's
// now= over TICK_NSEC). Returns the edited trace and how many raises went.
std::pair<std::string, int> without_raises_ending(const std::string& trace, int64_t clamp,
                                                  uint64_t tick_nsec) {
  std::istringstream in(trace);
  std::ostringstream out;
  std::map<std::string, int64_t> tick, last;
  std::map<std::string, int> drop_pass;  // softirq_entry/exit lines still to drop, by CPU
  int dropped = 0;
  for (std::string line; std::getline(in, line);) {
    const std::size_t open = line.find("] ");
    const std::string cpu = line.rfind('#', 0) == 0 || open == std::string::npos || open < 4
                                ? ""
                                : line.substr(open - 4, 5);
    if (cpu.empty()) {
      out << line << "\n";
      continue;
    }
    if (const std::size_t now = line.find("function=tick_nohz_handler now=");
        now != std::string::npos) {
      tick[cpu] = static_cast<int64_t>(std::stoull(line.substr(now + 31)) / tick_nsec);
    } else if (line.find("softirq_raise: vec=7") != std::string::npos && tick.count(cpu) &&
               line.find(" d.h") != std::string::npos) {
      const bool drop = last.count(cpu) && tick[cpu] - last[cpu] == clamp;
      last[cpu] = tick[cpu];
      if (drop) {
        ++dropped;
        drop_pass[cpu] = 2;
        continue;
      }
    } else if (drop_pass[cpu] > 0 &&
               line.find(drop_pass[cpu] == 2 ? "softirq_entry: vec=7" : "softirq_exit: vec=7") !=
                   std::string::npos) {
      --drop_pass[cpu];
      continue;
    }
    out << line << "\n";
  }
  return {out.str(), dropped};
}

// One CPU-bound task pinned to CPU1, two to CPU0 (the pinned imbalance): conforms; and with
// every raise that ends a 25-jiffy gap removed, NB-4 rejects it.
TEST_F(KernelConformance, PinnedImbalance) {
  if (cpus() < 2) GTEST_SKIP() << "needs two CPUs";
  const Judged j = record_and_check(
      "pinned-imbalance", spinner(0, 4) + " " + spinner(0, 4) + " " + spinner(1, 4) + " ");
  const std::string text = slurp(j.trace);
  const std::size_t hz_at = text.find("\n# hz: ");
  ASSERT_NE(hz_at, std::string::npos) << "the recording says no HZ";
  const unsigned hz = static_cast<unsigned>(std::stoul(text.substr(hz_at + 7)));
  const int64_t clamp = hz * static_cast<int64_t>(cpus() - 1) / 10;  // max_load_balance_interval
  const auto [edited, dropped] =
      without_raises_ending(text, clamp, (1'000'000'000ull + hz / 2) / hz);
  ASSERT_GT(dropped, 0)
      << "no tick raise ended a " << clamp
      << "-jiffy gap: CPU1's balance_interval did not reach the clamp in this recording";
  const std::string path =
      j.trace.substr(0, j.trace.size() - 6) + "-clamp-" + std::to_string(2 * clamp) + ".trace";
  std::ofstream(path) << edited;
  const SbmRun check = sbm("trace check --json " + path);
  EXPECT_EQ(check.status, 1) << check.out.substr(0, 2000);
  const nlohmann::json r = nlohmann::json::parse(check.out, nullptr, false);
  ASSERT_FALSE(r.is_discarded());
  const nlohmann::json& violations = r["profiles"][0]["violations"];
  ASSERT_FALSE(violations.empty());
  EXPECT_EQ(violations[0]["id"], "NB-4") << violations[0].dump();
  std::cout << "pinned-imbalance: " << dropped << " raises ending a " << clamp
            << "-jiffy gap removed: " << violations[0]["expected"].get<std::string>().substr(0, 120)
            << "\n";
}

TEST_F(KernelConformance, IdleWithAPeriodicSleeper) {
  record_and_check("idle-periodic-sleeper", "seq 300 | while read i; do sleep 0.01; done;");
}

}  // namespace
