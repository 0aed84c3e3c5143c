// NB-4, the tick cadence (traces/trace_check_cadence.h), on small kernel-layout traces of a
// 2-CPU machine (one MC domain of both CPUs: min_interval 2 ms, busy_factor 16; HZ=250, so a
// busy CPU's interval is 7, 15 or 25 jiffies for balance_interval 2, 4 or 8 ms and more, clamped
// at max_load_balance_interval = HZ*(2-1)/10 = 25): it holds on a cadence the kernel can show,
// fires at the exact tick on one it cannot, and says what it could not judge.
#include "traces/trace_check_cadence.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "traces/trace_check.h"

namespace sbm {
namespace {

// A trace of CPU1 running one busy task (pid 100) for `ticks` jiffies, its tick raising
// SCHED_SOFTIRQ at the jiffies in `raises` (each followed by its pass). `extra(j)` adds lines
// after the tick of jiffy j.
struct TraceBuilder {
  std::string header = "# profile: v6.17\n# hz: 250\n# topology: cores=2\n";
  std::ostringstream body;
  int pid = 100;
  std::string comm = "loop";

  std::string stamp(int64_t jiffy, int us) const {
    char b[64];
    const int64_t t_us = 100'000'000 + jiffy * 4000 + us;
    std::snprintf(b, sizeof b, "%lld.%06lld", static_cast<long long>(t_us / 1'000'000),
                  static_cast<long long>(t_us % 1'000'000));
    return b;
  }
  std::string prefix(int cpu, const char* flags, int64_t jiffy, int us) const {
    char b[96];
    std::snprintf(b, sizeof b, "%16s-%-7d [%03d] %s %s: ", pid == 0 ? "<idle>" : comm.c_str(), pid,
                  cpu, flags, stamp(jiffy, us).c_str());
    return b;
  }
  // The need-resched column of the raise line: 'N' as a busy tick's, '.' when nothing waits.
  char raise_resched = 'N';
  void tick(int64_t jiffy, bool raise, int cpu = 1) {
    const int64_t now = (100'000 + jiffy) * 4'000'000 + 25'000;
    body << prefix(cpu, "d.h..", jiffy, 20)
         << "hrtimer_expire_entry: hrtimer=00000000d8f19e58 function=tick_nohz_handler now=" << now
         << "\n";
    const std::string raise_flags = std::string("d") + raise_resched + "h..";
    if (raise)
      body << prefix(cpu, raise_flags.c_str(), jiffy, 30)
           << "softirq_raise: vec=7 [action=SCHED]\n";
    body << prefix(cpu, "dNh..", jiffy, 32) << "hrtimer_expire_exit: hrtimer=00000000d8f19e58\n";
    if (raise) {
      body << prefix(cpu, ".Ns..", jiffy, 40) << "softirq_entry: vec=7 [action=SCHED]\n";
      body << prefix(cpu, ".Ns..", jiffy, 50) << "softirq_exit: vec=7 [action=SCHED]\n";
    }
  }
  // The line number of the next line written.
  int next_line() const {
    const std::string all = header + body.str();
    return static_cast<int>(std::count(all.begin(), all.end(), '\n')) + 1;
  }
  std::string text() const { return header + body.str(); }
};

// Ticks 0..last with raises at `raises`; the line of each raise's tick exit and of each quiet
// tick's exit, by jiffy.
std::string cadence_trace(const std::vector<int64_t>& raises, int64_t last,
                          std::vector<int>* exit_lines = nullptr) {
  TraceBuilder t;
  for (int64_t j = 0; j <= last; ++j) {
    const bool raise = std::find(raises.begin(), raises.end(), j) != raises.end();
    const int line = t.next_line();
    t.tick(j, raise);
    if (exit_lines) exit_lines->push_back(line + (raise ? 2 : 1));
  }
  return t.text();
}

struct Checked {
  std::vector<Violation> violations;
  TraceCheckResult result;
};

Checked check(const std::string& text) {
  std::istringstream in(text);
  TraceReader reader(in);
  TraceCheck c(TraceCheckLane{}, /*stop_at_first=*/false);
  check_trace(reader, c);
  Checked out;
  out.result = c.result();
  for (const Violation& v : out.result.violations)
    if (v.id == "NB-4") out.violations.push_back(v);
  return out;
}

std::vector<int64_t> every(int64_t step, int64_t first, int64_t last) {
  std::vector<int64_t> v;
  for (int64_t j = first; j <= last; j += step) v.push_back(j);
  return v;
}

TEST(TickCadence, HoldsOnTheBusyIntervalsOfTheKernel) {
  for (const int64_t step : {7, 15, 25}) {
    const Checked c = check(cadence_trace(every(step, 0, 200), 200));
    EXPECT_TRUE(c.violations.empty())
        << "cadence " << step << ": " << c.violations.front().observed;
    EXPECT_EQ(c.result.cadence.check.outcome, CheckOutcome::Holds) << step;
    EXPECT_EQ(c.result.cadence.ticks, 201u);
    // Every tick after the first pass is judged; the first raise starts the check.
    EXPECT_EQ(c.result.cadence.ticks_judged, 200u) << step;
    EXPECT_EQ(c.result.cadence.judged_raises, c.result.cadence.tick_raises - 1) << step;
  }
}

TEST(TickCadence, HoldsOnMixedOutcomes) {
  // balance_interval reset (7), kept or doubled (15, then 25 once ALL_PINNED grows it).
  const Checked c = check(cadence_trace({0, 7, 22, 47, 72, 79, 94, 109}, 120));
  EXPECT_TRUE(c.violations.empty()) << c.violations.front().expected;
}

TEST(TickCadence, FiresOnARaiseBeforeAnyIntervalEnds) {
  std::vector<int> exits;
  const std::string text = cadence_trace({0, 15, 18, 33}, 40, &exits);
  const Checked c = check(text);
  ASSERT_EQ(c.violations.size(), 1u);
  EXPECT_EQ(c.violations[0].line, exits[18]);
  EXPECT_EQ(c.violations[0].cpu, 1);
  EXPECT_NE(c.violations[0].expected.find("no SCHED softirq raise at jiffy +18"), std::string::npos)
      << c.violations[0].expected;
  EXPECT_EQ(c.result.cadence.check.outcome, CheckOutcome::Violated);
}

TEST(TickCadence, FiresOnADueRaiseThatNeverComes) {
  // After a pass at 15, next_balance is at most 15 + 25 (the clamp) + 1 (jiffies read one
  // behind): the tick of jiffy 41 must raise.
  std::vector<int> exits;
  const Checked c = check(cadence_trace({0, 15}, 60, &exits));
  ASSERT_EQ(c.violations.size(), 1u);
  EXPECT_EQ(c.violations[0].line, exits[41]);
  EXPECT_NE(c.violations[0].expected.find("a SCHED softirq raise at the tick of jiffy +41"),
            std::string::npos)
      << c.violations[0].expected;
}

// A kernel clamping at HZ*N/10 = 50 (the old model of update_max_interval()) lets a pinned
// CPU's balance_interval of 16 ms and more give 50-jiffy gaps; v6.18 on 2 CPUs clamps at 25.
TEST(TickCadence, ClampIsHzTimesOnlineMinusOneOverTen) {
  EXPECT_TRUE(check(cadence_trace(every(25, 0, 200), 200)).violations.empty());
  const Checked fifty = check(cadence_trace(every(50, 0, 200), 200));
  ASSERT_FALSE(fifty.violations.empty());
  EXPECT_NE(fifty.violations[0].expected.find("jiffy +26"), std::string::npos)
      << fifty.violations[0].expected;
}

// The first pass leaves last_balance unknown (the domain may not have been due); after the
// raises at 0 and 15 the pass at 15 balanced (last_balance 15, or 14 as jiffies may be read one
// behind), so the earliest next_balance of a busy CPU is 14 + 7: a raise at the tick of 18
// needs something else. `between` comes after the tick of 17.
std::string early_raise_after(const std::string& between) {
  TraceBuilder t;
  for (int64_t j = 0; j <= 17; ++j) t.tick(j, j == 0 || j == 15);
  t.body << between;
  t.tick(18, true);
  return t.text();
}

TEST(TickCadence, NewidleMayBringTheNextRaiseForward) {
  // The busy task blocks and CPU1 goes idle at jiffy 17: sched_balance_newidle() may set
  // rq->next_balance to last_balance + the idle interval (1 jiffy), so the tick of 18 may raise.
  const std::string blocks =
      "            loop-100     [001] d..2.   100.068900: sched_switch: prev_comm=loop "
      "prev_pid=100 prev_prio=120 "
      "prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120\n";
  EXPECT_TRUE(check(early_raise_after(blocks)).violations.empty());
  // Preempted instead (prev_state R): the rq still has the task, newidle does not run.
  const std::string preempted =
      "            loop-100     [001] d..2.   100.068900: sched_switch: prev_comm=loop "
      "prev_pid=100 prev_prio=120 "
      "prev_state=R ==> next_comm=other next_pid=101 next_prio=120\n";
  EXPECT_EQ(check(early_raise_after(preempted)).violations.size(), 1u);
  // Blocked while the preempted task is still queued: nr_running > 0, no newidle.
  const std::string blocks_with_queued =
      preempted +
      "           other-101     [001] d..2.   100.068950: sched_switch: prev_comm=other "
      "prev_pid=101 prev_prio=120 "
      "prev_state=S ==> next_comm=loop next_pid=100 next_prio=120\n";
  EXPECT_EQ(check(early_raise_after(blocks_with_queued)).violations.size(), 1u);
  // 6.18 shows a preempted task running again with no sched_switch to it: when it blocks,
  // nothing is left queued, and newidle may run.
  const std::string resumed_unseen =
      preempted +
      "            loop-100     [001] d..2.   100.068950: sched_switch: prev_comm=loop "
      "prev_pid=100 prev_prio=120 "
      "prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120\n";
  EXPECT_TRUE(check(early_raise_after(resumed_unseen)).violations.empty());
}

// An idle CPU0 with its tick running, passes at 0 and 15: its next_balance is at most 15 + 25
// (+1), so ticks up to 45 without a raise are a violation at 41, unless a NOHZ kick's pass on
// CPU1 (nohz_idle_balance(), which balances idle CPUs for them) came between.
std::string idle_cpu0_with(const std::string& at_20) {
  TraceBuilder t;
  t.pid = 0;
  for (int64_t j = 0; j <= 45; ++j) {
    t.tick(j, j == 0 || j == 15, 0);
    if (j == 20) t.body << at_20;
  }
  return t.text();
}

TEST(TickCadence, AKickedPassStartsTheIdleCpusOver) {
  const std::string ipi_raise =
      "          <idle>-0       [001] d.h..   100.080700: softirq_raise: vec=7 [action=SCHED]\n"
      "          <idle>-0       [001] .Ns..   100.080710: softirq_entry: vec=7 [action=SCHED]\n"
      "          <idle>-0       [001] .Ns..   100.080720: softirq_exit: vec=7 [action=SCHED]\n";
  const std::string kick =
      "          <idle>-0       [000] d..2.   100.080600: ipi_send_cpu: cpu=1 "
      "callsite=kick_ilb+0x75/0xa0 "
      "callback=nohz_csd_func+0x0/0x50\n";
  EXPECT_TRUE(check(idle_cpu0_with(kick + ipi_raise)).violations.empty());
  // The same raise on CPU1 without a kick starts CPU1 over, not CPU0.
  const Checked unkicked = check(idle_cpu0_with(ipi_raise));
  ASSERT_EQ(unkicked.violations.size(), 1u);
  EXPECT_EQ(unkicked.violations[0].cpu, 0);
  EXPECT_NE(unkicked.violations[0].expected.find("jiffy +41"), std::string::npos)
      << unkicked.violations[0].expected;
  // Another callback is no kick.
  std::string resched = kick;
  resched.replace(resched.find("nohz_csd_func"), 13, "0x0");
  EXPECT_EQ(check(idle_cpu0_with(resched + ipi_raise)).violations.size(), 1u);
}

// CPU1 busy with raises at 0 and 15 (balance_interval 4 ms: 15 jiffies), then its task blocks
// at 16: newidle brings next_balance to 15 + 1, and the idle task's tick raises at 17. As an
// idle pass, the domain was due and balanced at 17, and no outcome raises next at 30; as a busy
// pass it was not due (15 + 15), and next_balance stays 30. `resched` is the need-resched column
// of the raise at 17, `between` comes before that tick, and an IPI at the start (unless
// `ipis_traced` is false) shows that wakelist IPIs are traced.
std::string idle_raise_then_busy_cadence(char resched, const std::string& between = "",
                                         bool ipis_traced = true) {
  TraceBuilder t;
  if (ipis_traced)
    t.body << "          <idle>-0       [000] d..2.    99.999999: ipi_send_cpu: cpu=0 "
              "callsite=send_call_function_single_ipi+0x5e/0x60 callback=0x0\n";
  for (int64_t j = 0; j <= 16; ++j) t.tick(j, j == 0 || j == 15);
  t.body << "            loop-100     [001] d..2.   100.064900: sched_switch: prev_comm=loop "
            "prev_pid=100 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 "
            "next_prio=120\n"
         << between;
  t.pid = 0;
  for (int64_t j = 17; j <= 30; ++j) {
    t.raise_resched = j == 17 ? resched : '.';
    t.tick(j, j == 17 || j == 30);
  }
  return t.text();
}

// idle_cpu() is false while the idle task runs with a task queued or a wakeup on its wakelist
// (kernel/sched/core.c, v6.18): that tick's pass uses the busy interval. A raise in the idle
// task is an idle pass for sure only when nothing says a task waits.
TEST(TickCadence, AnIdleTaskRaiseIsBusyWhileATaskWaits) {
  const Checked idle = check(idle_raise_then_busy_cadence('.'));
  ASSERT_EQ(idle.violations.size(), 1u);
  EXPECT_NE(idle.violations[0].expected.find("no SCHED softirq raise at jiffy +30"),
            std::string::npos)
      << idle.violations[0].expected;
  // Need-resched set on the raise: resched_curr() of an enqueue.
  EXPECT_TRUE(check(idle_raise_then_busy_cadence('N')).violations.empty());
  // A wakeup queued on CPU1 since it went idle (the raise line's flags say nothing).
  const std::string woken =
      "          <idle>-0       [001] d.h2.   100.066000: sched_wakeup: comm=w pid=7 prio=120 "
      "target_cpu=001\n";
  EXPECT_TRUE(check(idle_raise_then_busy_cadence('.', woken)).violations.empty());
  // A wakelist IPI to CPU1 not run yet: rq->ttwu_pending.
  const std::string pending =
      "          <idle>-0       [000] d..3.   100.066000: csd_queue_cpu: cpu=1 "
      "callsite=ttwu_queue_wakelist+0x11d/0x150 func=sched_ttwu_pending csd=00000000aa\n";
  EXPECT_TRUE(check(idle_raise_then_busy_cadence('.', pending)).violations.empty());
  // ... which the wakelist ran, and CPU1 back in the idle task: nothing waits.
  const std::string ran_then_idle =
      pending +
      "          <idle>-0       [001] d.h2.   100.066100: csd_function_entry: "
      "func=sched_ttwu_pending, csd=00000000aa\n"
      "          <idle>-0       [001] dNh2.   100.066110: sched_wakeup: comm=w pid=7 prio=120 "
      "target_cpu=001\n"
      "          <idle>-0       [001] d..2.   100.066200: sched_switch: prev_comm=swapper/1 "
      "prev_pid=0 prev_prio=120 prev_state=R ==> next_comm=w next_pid=7 next_prio=120\n"
      "               w-7       [001] d..2.   100.066300: sched_switch: prev_comm=w prev_pid=7 "
      "prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 next_prio=120\n";
  EXPECT_EQ(check(idle_raise_then_busy_cadence('.', ran_then_idle)).violations.size(), 1u);
  // A trace that does not show wakelist IPIs cannot say none was pending.
  EXPECT_TRUE(check(idle_raise_then_busy_cadence('.', "", false)).violations.empty());
}

TEST(TickCadence, ALostEventsMarkerStartsEveryCpuOver) {
  TraceBuilder t;
  t.tick(0, true);
  for (int64_t j = 1; j <= 3; ++j) t.tick(j, false);
  t.body << "CPU:1 [LOST 12 EVENTS]\n";
  t.tick(4, true);
  EXPECT_TRUE(check(t.text()).violations.empty());
}

TEST(TickCadence, NotCheckableSaysWhy) {
  std::string text = cadence_trace(every(15, 0, 60), 60);
  {
    std::string no_hz = text;
    no_hz.erase(no_hz.find("# hz: 250\n"), 10);
    const CheckSummary s = check(no_hz).result.cadence.check;
    EXPECT_EQ(s.outcome, CheckOutcome::NotCheckable);
    EXPECT_NE(s.reason.find("HZ"), std::string::npos) << s.reason;
  }
  {
    std::string old = text;
    old.replace(old.find("v6.17"), 5, "v2.6.32");
    const CheckSummary s = check(old).result.cadence.check;
    EXPECT_EQ(s.outcome, CheckOutcome::NotCheckable);
    EXPECT_NE(s.reason.find("v4.19"), std::string::npos) << s.reason;
  }
  {
    // No tick events: the raises alone say nothing of the ticks that did not raise.
    const std::string no_ticks =
        "# profile: v6.17\n# hz: 250\n# topology: cores=2\n"
        "            loop-100     [001] dNh..   100.000030: softirq_raise: vec=7 [action=SCHED]\n"
        "            loop-100     [001] .Ns..   100.000040: softirq_entry: vec=7 [action=SCHED]\n"
        "            loop-100     [001] .Ns..   100.000050: softirq_exit: vec=7 [action=SCHED]\n";
    const CheckSummary s = check(no_ticks).result.cadence.check;
    EXPECT_EQ(s.outcome, CheckOutcome::NotCheckable);
    EXPECT_NE(s.reason.find("hrtimer_expire_entry"), std::string::npos) << s.reason;
  }
}

}  // namespace
}  // namespace sbm
