#include "traces/trace_check_sched_softirq.h"

#include <algorithm>
#include <climits>

#include "traces/sched_event_fields.h"
#include "traces/softirq_fields.h"
#include "traces/trace_check_mainline.h"

namespace sbm {

namespace {

bool is_kick(std::optional<std::string_view> func) {
  return func && func->starts_with("nohz_csd_func");
}

}  // namespace

SchedSoftirqCheck::Cpu& SchedSoftirqCheck::cpu(int c) {
  const auto i = static_cast<std::size_t>(c);
  if (i >= cpus_.size()) cpus_.resize(i + 1);
  return cpus_[i];
}

void SchedSoftirqCheck::woken_onto(int c) {
  if (c >= 0 && c < kMaxCpus) cpu(c).idle_no_wakeup = false;
}

void SchedSoftirqCheck::feed(const TraceRecord& r, const MachineState* machine,
                             std::string_view why, std::vector<Violation>& out) {
  if (r.kind == TraceRecordKind::LostEvents) {
    cpus_.assign(cpus_.size(), Cpu{});
    return;
  }
  if (r.kind != TraceRecordKind::Event || r.cpu < 0 || r.cpu >= kMaxCpus) return;
  Cpu& c = cpu(r.cpu);
  // What runs and what is woken only matters to NOHZ-4, which starts once the trace shows it
  // carries the csd events (a CPU's idleness is unknown until its next switch after that).
  const bool follow_tasks = saw_csd_;
  // The comm-pid column is the task current on the CPU, which 6.18 sometimes changes with no
  // sched_switch; idle seen that way says nothing of wakeups, so it does not count as quiet.
  if (follow_tasks && r.pid >= 0 && r.pid != c.curr) {
    c.curr = r.pid;
    c.idle_no_wakeup = false;
  }
  const std::string_view name = bare_trace_event_name(r.event);
  switch (r.id) {
    case TraceEventId::Switch:
      if (!follow_tasks) return;
      if (const std::optional<SchedSwitchFields> sw = read_sched_switch(r, fields_)) {
        c.curr = *sw->next.pid;
        c.idle_no_wakeup = c.curr == 0;
      }
      return;
    case TraceEventId::Wake:
    case TraceEventId::Fork:
    case TraceEventId::Waking:
      if (!follow_tasks) return;
      if (const std::optional<SchedWakeupFields> w = read_sched_wakeup(r, fields_))
        woken_onto(w->target_cpu);
      return;
    case TraceEventId::Migrate:
      on_migrate(r, machine, why, out);
      return;
    case TraceEventId::SoftirqRaise:
    case TraceEventId::SoftirqEntry:
    case TraceEventId::SoftirqExit: {
      const SoftirqFields f = read_softirq_fields(r.fields, fields_);
      if (f.action != "SCHED") return;
      if (r.id == TraceEventId::SoftirqEntry) c.in_sched_softirq = true;
      if (r.id == TraceEventId::SoftirqExit) c.in_sched_softirq = false;
      if (r.id == TraceEventId::SoftirqRaise && c.in_kick) {
        c.kick_raised = true;
        if (c.kick_found == 0) {
          ++kick_violations_;
          out.push_back(make_violation(
              "NOHZ-4", r.cpu, -1, r.line,
              "no SCHED softirq raise from nohz_csd_func() on a CPU running a task",
              "raised while CPU" + std::to_string(r.cpu) + " runs pid " + std::to_string(c.curr),
              "nohz_csd_func() raises only when idle_cpu() holds (kernel/sched/core.c, v6.18)"));
        }
      }
      return;
    }
    default:
      break;
  }
  if (name == "csd_queue_cpu" || name == "csd_function_entry" || name == "csd_function_exit")
    on_csd(r, name, out);
}

void SchedSoftirqCheck::on_csd(const TraceRecord& r, std::string_view name,
                               std::vector<Violation>& out) {
  saw_csd_ = true;
  fields_.reset(r.fields);
  if (name == "csd_queue_cpu") {
    const std::optional<int> target = field_int(fields_.find("cpu"));
    fields_.find("callsite");
    const std::optional<std::string_view> func = fields_.find("func");
    if (!target) return;
    // A wakeup queued on the target's wake list (TTWU_QUEUE) sets rq->ttwu_pending there.
    if (func && func->starts_with("sched_ttwu_pending")) woken_onto(*target);
    if (is_kick(func) && *target == r.cpu) {
      ++kick_violations_;
      out.push_back(
          make_violation("NOHZ-4", r.cpu, -1, r.line, "a NOHZ kick sent to another CPU",
                         "CPU" + std::to_string(r.cpu) + " kicked itself",
                         "find_new_ilb() skips smp_processor_id() (kernel/sched/fair.c, v6.18)"));
    }
    return;
  }
  const std::optional<std::string_view> func = fields_.find("func");
  if (!is_kick(func)) return;
  Cpu& c = cpu(r.cpu);
  if (name == "csd_function_entry") {
    c.in_kick = true;
    c.kick_raised = false;
    c.kick_found = c.curr > 0 ? 0 : (c.curr == 0 && c.idle_no_wakeup) ? 1 : -1;
    return;
  }
  if (!c.in_kick) return;
  c.in_kick = false;
  ++kicks_;
  if (c.kick_found == 1 && !c.kick_raised) {
    ++kick_violations_;
    out.push_back(make_violation("NOHZ-4", r.cpu, -1, r.line,
                                 "nohz_csd_func() on an idle CPU raises SCHED_SOFTIRQ",
                                 "it returned without a raise while CPU" + std::to_string(r.cpu) +
                                     " was idle with no task woken onto it",
                                 "idle_cpu() held, so rq->nohz_idle_balance is set and "
                                 "SCHED_SOFTIRQ raised (kernel/sched/core.c, "
                                 "v6.18)"));
  }
}

void SchedSoftirqCheck::on_migrate(const TraceRecord& r, const MachineState* machine,
                                   std::string_view why, std::vector<Violation>& out) {
  // MIG-7 reads the moves inside the SCHED softirq; NOHZ-4 every move's destination.
  if (!cpu(r.cpu).in_sched_softirq && !saw_csd_) return;
  fields_.reset(r.fields);
  fields_.find("comm");
  const std::optional<int> pid = field_int(fields_.find("pid"));
  fields_.find("prio");
  const std::optional<int> orig = field_int(fields_.find("orig_cpu"));
  const std::optional<int> dest = field_int(fields_.find("dest_cpu"));
  if (!orig || !dest) return;
  woken_onto(*dest);
  if (!cpu(r.cpu).in_sched_softirq || *orig == *dest) return;
  if (!machine) {
    if (mig7_not_checkable_.empty())
      mig7_not_checkable_ = why.empty() ? "no machine to check against" : std::string(why);
    return;
  }
  if (*orig < 0 || *dest < 0 || *orig >= machine->nr_cpu_ids() || *dest >= machine->nr_cpu_ids())
    return;
  ++moves_;
  for (const RqDomain& d : machine->rq(*dest).sd)
    if (d.span().test(*orig)) return;
  ++move_violations_;
  out.push_back(make_violation(
      "MIG-7", r.cpu, -1, r.line,
      "a move inside the SCHED softirq between CPUs of one sched domain",
      "pid " + std::to_string(pid.value_or(-1)) + " moved from CPU" + std::to_string(*orig) +
          " to CPU" + std::to_string(*dest) + ", which share no domain of the machine",
      "sched_balance_rq() pulls from the busiest group of a domain of the CPU it balances for "
      "(kernel/sched/fair.c, v6.18)"));
}

std::vector<CheckSummary> SchedSoftirqCheck::summary() const {
  CheckSummary nohz4{"NOHZ-4", CheckOutcome::Holds,
                     static_cast<int>(std::min<uint64_t>(kicks_, INT_MAX)), ""};
  if (kick_violations_ > 0)
    nohz4.outcome = CheckOutcome::Violated;
  else if (kicks_ == 0) {
    nohz4.outcome = CheckOutcome::NotCheckable;
    nohz4.reason =
        saw_csd_
            ? "no nohz_csd_func() ran in the trace"
            : "no csd:csd_queue_cpu/csd_function_entry/csd_function_exit events (sbm trace record "
              "records them)";
  }
  CheckSummary mig7{"MIG-7", CheckOutcome::Holds,
                    static_cast<int>(std::min<uint64_t>(moves_, INT_MAX)), ""};
  if (move_violations_ > 0)
    mig7.outcome = CheckOutcome::Violated;
  else if (moves_ == 0) {
    mig7.outcome = CheckOutcome::NotCheckable;
    mig7.reason = !mig7_not_checkable_.empty()
                      ? mig7_not_checkable_
                      : "no sched_migrate_task inside a SCHED softirq between two CPUs";
  }
  return {nohz4, mig7};
}

}  // namespace sbm
