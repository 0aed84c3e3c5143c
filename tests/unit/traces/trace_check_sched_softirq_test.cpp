// NOHZ-4 and MIG-7 (traces/trace_check_sched_softirq.h) on small kernel-layout traces: each
// fires at the exact line on what v6.18 cannot print, and holds on its good twin.
#include "traces/trace_check_sched_softirq.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "traces/trace_check.h"

namespace sbm {
namespace {

// Two root domains (a cpuset partition): CPUs 0-1 share an MC domain, and so do 2-3.
const char* const kPartitioned =
    "# profile: v6.17\n"
    "# hz: 250\n"
    "# topology-dump: CPU0 attaching sched-domain(s):\n"
    "# topology-dump:  domain-0: span=0-1 level=MC\n"
    "# topology-dump:   groups: 0:{ span=0 }, 1:{ span=1 }\n"
    "# topology-dump: CPU1 attaching sched-domain(s):\n"
    "# topology-dump:  domain-0: span=0-1 level=MC\n"
    "# topology-dump:   groups: 1:{ span=1 }, 0:{ span=0 }\n"
    "# topology-dump: CPU2 attaching sched-domain(s):\n"
    "# topology-dump:  domain-0: span=2-3 level=MC\n"
    "# topology-dump:   groups: 2:{ span=2 }, 3:{ span=3 }\n"
    "# topology-dump: CPU3 attaching sched-domain(s):\n"
    "# topology-dump:  domain-0: span=2-3 level=MC\n"
    "# topology-dump:   groups: 3:{ span=3 }, 2:{ span=2 }\n";
constexpr int kHeaderLines = 14;

struct Found {
  std::vector<Violation> violations;  // of NOHZ-4 and MIG-7
  std::vector<CheckSummary> checks;   // NOHZ-4, MIG-7
};

Found check(const std::string& body) {
  std::istringstream in(kPartitioned + body);
  TraceReader reader(in);
  TraceCheck c(TraceCheckLane{}, /*stop_at_first=*/false);
  check_trace(reader, c);
  Found f;
  for (const Violation& v : c.result().violations)
    if (v.id == "NOHZ-4" || v.id == "MIG-7") f.violations.push_back(v);
  f.checks = c.result().sched_softirq;
  return f;
}

std::string softirq_pull(int cpu, int from) {
  const std::string c = "[00" + std::to_string(cpu) + "]";
  return "            loop-100     " + c +
         " .Ns..   100.000100: softirq_entry: vec=7 [action=SCHED]\n" +
         "            loop-100     " + c +
         " dNs1.   100.000110: sched_migrate_task: comm=hog pid=200 prio=120 orig_cpu=" +
         std::to_string(from) + " dest_cpu=" + std::to_string(cpu) + "\n" +
         "            loop-100     " + c +
         " .Ns..   100.000120: softirq_exit: vec=7 [action=SCHED]\n";
}

TEST(SchedSoftirq, Mig7HoldsInsideADomainAndFiresAcrossPartitions) {
  const Found ok = check(softirq_pull(1, 0));
  EXPECT_TRUE(ok.violations.empty());
  EXPECT_EQ(ok.checks[1].id, "MIG-7");
  EXPECT_EQ(ok.checks[1].outcome, CheckOutcome::Holds);
  EXPECT_EQ(ok.checks[1].instances, 1);

  const Found bad = check(softirq_pull(1, 2));
  ASSERT_EQ(bad.violations.size(), 1u);
  EXPECT_EQ(bad.violations[0].id, "MIG-7");
  EXPECT_EQ(bad.violations[0].line, kHeaderLines + 2);
  EXPECT_NE(bad.violations[0].observed.find("from CPU2 to CPU1"), std::string::npos)
      << bad.violations[0].observed;
}

TEST(SchedSoftirq, Mig7OnlyJudgesMovesInsideTheSchedSoftirq) {
  // A move outside the SCHED softirq (a wakeup's select_task_rq(), say) is no balance.
  const std::string wake_move =
      "            loop-100     [001] d..2.   100.000110: sched_migrate_task: comm=hog pid=200 "
      "prio=120 orig_cpu=2 "
      "dest_cpu=1\n";
  const Found f = check(wake_move);
  EXPECT_TRUE(f.violations.empty());
  EXPECT_EQ(f.checks[1].outcome, CheckOutcome::NotCheckable);
}

// NOHZ-4 follows tasks once the trace shows it carries csd events: a CSD queued elsewhere.
#define CSD_SEEN                                                             \
  "            work-300     [000] d..2.   100.000005: csd_queue_cpu: cpu=2 " \
  "callsite=generic_exec_single+0x36 "                                       \
  "func=do_nothing csd=0000000087654321\n"
const char* const kCpu1GoesIdle = CSD_SEEN
    "            loop-100     [001] d..2.   100.000010: sched_switch: prev_comm=loop prev_pid=100 "
    "prev_prio=120 "
    "prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120\n";
const char* const kKickCpu1 =
    "            work-300     [000] d..2.   100.000020: csd_queue_cpu: cpu=1 "
    "callsite=kick_ilb+0x75/0xa0 "
    "func=nohz_csd_func csd=0000000012345678\n";
const char* const kCsdEntry =
    "          <idle>-0       [001] d.h..   100.000030: csd_function_entry: func=nohz_csd_func "
    "csd=0000000012345678\n";
const char* const kRaise =
    "          <idle>-0       [001] d.h..   100.000031: softirq_raise: vec=7 [action=SCHED]\n";
const char* const kCsdExit =
    "          <idle>-0       [001] d.h..   100.000032: csd_function_exit: func=nohz_csd_func "
    "csd=0000000012345678\n";

TEST(SchedSoftirq, Nohz4AnIdleKickedCpuRaises) {
  const Found ok = check(std::string(kCpu1GoesIdle) + kKickCpu1 + kCsdEntry + kRaise + kCsdExit);
  EXPECT_TRUE(ok.violations.empty());
  EXPECT_EQ(ok.checks[0].id, "NOHZ-4");
  EXPECT_EQ(ok.checks[0].outcome, CheckOutcome::Holds);
  EXPECT_EQ(ok.checks[0].instances, 1);

  const Found silent = check(std::string(kCpu1GoesIdle) + kKickCpu1 + kCsdEntry + kCsdExit);
  ASSERT_EQ(silent.violations.size(), 1u);
  EXPECT_EQ(silent.violations[0].line, kHeaderLines + 5);
  EXPECT_EQ(silent.violations[0].cpu, 1);
}

TEST(SchedSoftirq, Nohz4AWakeupPendingExplainsNoRaise) {
  // A task woken onto CPU1 before the IPI: idle_cpu() is false (nr_running or ttwu_pending).
  const std::string woken =
      "            work-300     [000] d..2.   100.000025: sched_wakeup: comm=t pid=400 prio=120 "
      "target_cpu=001\n";
  EXPECT_TRUE(check(std::string(kCpu1GoesIdle) + kKickCpu1 + woken + kCsdEntry + kCsdExit)
                  .violations.empty());
}

TEST(SchedSoftirq, Nohz4NoRaiseOnABusyCpuAndNoSelfKick) {
  const std::string busy = CSD_SEEN
      "            loop-100     [001] d..2.   100.000010: sched_switch: prev_comm=a prev_pid=99 "
      "prev_prio=120 "
      "prev_state=S ==> next_comm=loop next_pid=100 next_prio=120\n";
  std::string entry = kCsdEntry, raise = kRaise, exit = kCsdExit;
  for (std::string* s : {&entry, &raise, &exit})
    s->replace(s->find("          <idle>-0      "), 24, "            loop-100    ");
  const Found raised = check(busy + kKickCpu1 + entry + raise + exit);
  ASSERT_EQ(raised.violations.size(), 1u);
  EXPECT_EQ(raised.violations[0].line, kHeaderLines + 5);
  EXPECT_TRUE(check(busy + kKickCpu1 + entry + exit).violations.empty());

  std::string self = kKickCpu1;
  self.replace(self.find("[000]"), 5, "[001]");
  const Found kicked_itself = check(self);
  ASSERT_EQ(kicked_itself.violations.size(), 1u);
  EXPECT_NE(kicked_itself.violations[0].observed.find("kicked itself"), std::string::npos);
}

TEST(SchedSoftirq, Nohz4NotCheckableWithoutCsdEvents) {
  const Found f = check(kCpu1GoesIdle);
  EXPECT_EQ(f.checks[0].outcome, CheckOutcome::NotCheckable);
  EXPECT_NE(f.checks[0].reason.find("csd"), std::string::npos) << f.checks[0].reason;
}

}  // namespace
}  // namespace sbm
