// What a kernel trace's mainline events allow sbm to check without the sched_balance_* events
// (spec/invariants.md, section 8): MIG-5 (a task runs on one CPU at a time), MIG-6
// (sched_migrate_task's orig_cpu is where the task was), NB-3 (SCHED softirq raise / entry /
// exit pair up per CPU with the era's vec), WC-2 (no CPU stays idle while another CPU has a
// waiting task, longer than a threshold; the Wasted Cores sanity check).
//
// Streaming: fed one TraceRecord at a time; memory is bounded by the CPUs and the live tasks
// the trace names, not by its length. Excerpts start mid-stream, so every fact starts unknown
// and a check runs only once the trace has said what it needs; a gap (lost events, a CPU
// buffer that starts late) forgets every fact, which suspends the checks instead of failing
// them.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/kernel_version.h"
#include "properties/violation.h"
#include "traces/pid_table.h"
#include "traces/trace_fields.h"
#include "traces/trace_line_read.h"

namespace sbm {

struct MainlineCheckOptions {
  // The kernel the trace came from (an explicit --profile): picks the SCHED softirq number
  // (6 before v2.6.32, 7 from it) and makes a vec/action mismatch an NB-3 violation. Without
  // it, any softirq event with action=SCHED is the SCHED softirq, whatever its number.
  std::optional<KernelVersion> era;
  // WC-2 reports an idle CPU only when its idle time overlaps a waiting task elsewhere for at
  // least this long (spec/invariants.md section 8, WC-2, for the default).
  uint64_t idle_threshold_ns = 100'000'000;
};

// The SCHED_SOFTIRQ number of `era`: Profile::sched_softirq_vec of the profile that stands for
// it (profile_for_release(); the oldest profile for an older release): 6 before v2.6.32 (HI,
// TIMER, NET_TX, NET_RX, BLOCK, TASKLET, SCHED), 7 from it (BLOCK_IOPOLL, later IRQ_POLL, took
// 5; include/linux/interrupt.h).
int sched_softirq_vec(const KernelVersion& era);

// The invariants this checker knows, for --help and the report.
const std::vector<InvariantInfo>& mainline_trace_invariants();

struct MainlineCheckSummary {
  uint64_t lines = 0;
  uint64_t events = 0;
  std::map<std::string, uint64_t, std::less<>> events_by_name;  // every event read, by name
  std::map<std::string, uint64_t, std::less<>>
      unknown_events;       // neither a checked mainline event nor an sbm one
  uint64_t sbm_events = 0;  // sched_balance_*: need replay, not checked here
  uint64_t unparsed = 0;
  std::vector<std::pair<uint64_t, std::string>> first_unparsed;  // (line, reason), at most 10
  uint64_t gaps = 0;
  std::vector<CheckSummary> checks;  // one per ID of mainline_trace_invariants()
  std::vector<std::string> notes;    // parts of a check the trace did not allow
};

class MainlineTraceChecker {
 public:
  explicit MainlineTraceChecker(MainlineCheckOptions options = {});

  // Checks one record; violations are appended to `out` (file left empty for the caller).
  void feed(const TraceRecord& r, std::vector<Violation>& out);
  // End of input: closes the WC-2 windows still open at the last timestamp.
  void finish(std::vector<Violation>& out);

  MainlineCheckSummary summary() const;

 private:
  static constexpr int kUnknown = -1;  // curr of a CPU, location of a task: not known yet

  enum class Softirq : uint8_t { Unknown, Idle, Running };
  enum class Pending : uint8_t { Unknown, No, Yes };

  struct Cpu {
    int curr = kUnknown;      // pid running (0: idle), kUnknown until the trace says
    uint64_t curr_since = 0;  // when curr became idle, or busy after idle/unknown
    uint64_t curr_line = 0;
    bool wc_reported = false;  // this idle stretch already gave its WC-2
    Softirq softirq = Softirq::Unknown;
    Pending pending = Pending::Unknown;
    bool pending_next = false;  // raised from an interrupt inside softirq processing: next round
    std::vector<int> waiting;   // pids woken or preempted onto this CPU, not run since
  };

  struct Task {
    int cpu = kUnknown;         // where the task last was (task_cpu())
    int running_on = kUnknown;  // CPU it runs on, when a sched_switch said so
    int waiting_on = kUnknown;  // CPU whose queue it waits on
    uint64_t wait_since = 0;
    uint64_t wait_line = 0;
    uint64_t running_line = 0;  // line that put it on running_on
    bool pinned = false;        // a per-CPU kthread (comm "name/N..."): WC-2 does not count it
  };

  // Per-ID tallies behind summary().
  struct Tally {
    uint64_t instances = 0;
    uint64_t violations = 0;
  };

  // CPU c's state, grown on first sight of c. Inline: it is asked a few times per event.
  Cpu& cpu(int c) {
    const auto i = static_cast<std::size_t>(c);
    return i < cpus_.size() ? cpus_[i] : add_cpu(i);
  }
  Cpu& add_cpu(std::size_t c);
  Task& task(int pid);
  void forget_all();
  // Known events by id (the map only at summary()), others by name.
  void count_unknown_event(std::string_view name);  // a name not in TraceEventId, for the summary
  void unparsed(uint64_t line, std::string reason);

  void on_event(const TraceRecord& r, std::vector<Violation>& out);
  void on_sched_switch(const TraceRecord& r, std::vector<Violation>& out);
  void on_wakeup(const TraceRecord& r, bool waking);
  void on_migrate(const TraceRecord& r, std::vector<Violation>& out);
  void on_softirq(const TraceRecord& r, std::vector<Violation>& out);
  void on_exit(const TraceRecord& r);

  // The task `pid` runs on CPU c from now (the comm column of a record, a switch's next).
  void run_on(const TraceRecord& r, int c, int pid, std::vector<Violation>& out);
  void stop_running(int c);
  void set_location(int pid, int c);
  void start_waiting(int pid, int c, const TraceRecord& r, std::string_view comm);
  void stop_waiting(Task& t, int pid);
  void sweep_wasted_cores(const TraceRecord* r, uint64_t now, std::vector<Violation>& out);

  MainlineCheckOptions options_;
  std::optional<int> sched_vec_;  // sched_softirq_vec(*options_.era), when the era is known
  std::vector<Cpu> cpus_;
  PidTable<Task> tasks_;
  TraceFields fields_;
  std::array<uint64_t, kTraceEventIds> known_events_{};
  bool seen_switch_ = false;  // the trace carries sched_switch
  bool seen_raise_ = false;   // the trace carries softirq_raise
  uint64_t next_sweep_ns_ = 0;
  uint64_t last_ns_ = 0;
  uint64_t last_line_ = 0;
  Tally mig5_, mig6_, nb3_, wc2_;
  MainlineCheckSummary summary_;
};

}  // namespace sbm
