// What a kernel trace's mainline events show of the SCHED softirq's two other duties
// (spec/invariants.md, section 8):
//  NOHZ-4: a NOHZ kick is acted on as nohz_csd_func() does (kernel/sched/core.c, v6.18): it
//          raises SCHED_SOFTIRQ exactly when its CPU is idle, and kick_ilb() never picks the
//          kicking CPU (find_new_ilb() skips smp_processor_id(), kernel/sched/fair.c);
//  MIG-7:  a task moved inside the SCHED softirq (sched_balance_rq() pulling, for itself or, in
//          nohz_idle_balance(), for an idle CPU) moves between CPUs that share a sched domain.
// The kick is read from csd:csd_queue_cpu / csd_function_entry / csd_function_exit with
// func=nohz_csd_func (v6.6+; ipi_send_cpu names generic_smp_call_function_single_interrupt
// instead), idleness from sched_switch, pending wakeups from sched_wakeup(_new),
// sched_migrate_task and the sched_ttwu_pending CSD. MIG-7 reads the replay's machine.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/rq.h"
#include "properties/violation.h"
#include "traces/trace_fields.h"
#include "traces/trace_line_read.h"

namespace sbm {

class SchedSoftirqCheck {
 public:
  // `machine`: the replay's (null while it has none; MIG-7 then says `why`).
  void feed(const TraceRecord& r, const MachineState* machine, std::string_view why,
            std::vector<Violation>& out);
  std::vector<CheckSummary> summary() const;  // NOHZ-4, MIG-7

 private:
  struct Cpu {
    int curr = -1;                // pid running, -1 unknown, 0 idle
    bool idle_no_wakeup = false;  // idle since a switch to idle, and nothing woken onto it since
    bool in_kick = false;         // inside nohz_csd_func()
    bool kick_raised = false;
    int kick_found = -1;  // at its entry: 1 idle with nothing woken, 0 running a task, -1 unknown
    bool in_sched_softirq = false;
  };
  Cpu& cpu(int c);
  void woken_onto(int c);
  void on_csd(const TraceRecord& r, std::string_view name, std::vector<Violation>& out);
  void on_migrate(const TraceRecord& r, const MachineState* machine, std::string_view why,
                  std::vector<Violation>& out);

  std::vector<Cpu> cpus_;
  TraceFields fields_;
  uint64_t kicks_ = 0, kick_violations_ = 0;
  uint64_t moves_ = 0, move_violations_ = 0;
  bool saw_csd_ = false;
  std::string mig7_not_checkable_;
};

}  // namespace sbm
