#include "traces/trace_check_mainline.h"

#include <algorithm>
#include <limits>

#include "model/profile.h"
#include "traces/sched_event_fields.h"
#include "traces/softirq_fields.h"

namespace sbm {

namespace {

// CONFIG_NR_CPUS is at most 8192 (arch/x86/Kconfig, v6.x); a larger [cpu] is a broken line.
constexpr int kMaxCpus = 8192;

// The record's event name without perf script's "sched:" prefix: the table's name for a
// known event (no search), else the bare name.
std::string_view event_name(const TraceRecord& r) {
  return r.id != TraceEventId::Unknown ? trace_event_name(r.id) : bare_trace_event_name(r.event);
}

// Whether r is one of sbm's sched_balance_* events: by table for a known one, no compare.
bool is_sbm_event(const TraceRecord& r) {
  return r.id != TraceEventId::Unknown ? is_sbm_trace_event(r.id)
                                       : is_sbm_trace_event(event_name(r));
}

// A per-CPU kernel thread ("migration/3", "ksoftirqd/3", "kworker/3:1", "cpuhp/3") is bound to
// its CPU (kthread_create_on_cpu(), kernel/kthread.c): no other CPU may run it, so WC-2 does
// not count it as work an idle CPU could take. "kworker/u16:2" (unbound) has a letter there.
bool is_per_cpu_kthread(std::string_view comm) {
  const std::size_t slash = comm.find('/');
  return slash != std::string_view::npos && slash + 1 < comm.size() && comm[slash + 1] >= '0' &&
         comm[slash + 1] <= '9';
}

// `ns` in milliseconds to the microsecond, or to the nanosecond when `ns_digits`.
std::string ms(uint64_t ns, bool ns_digits = false) {
  const uint64_t unit = ns_digits ? 1 : 1000, per_ms = 1'000'000 / unit;
  const uint64_t n = ns / unit;
  std::string frac = std::to_string(n % per_ms);
  return std::to_string(n / per_ms) + "." + std::string((ns_digits ? 6 : 3) - frac.size(), '0') +
         frac + " ms";
}

// Whether `a` and `b` need nanoseconds to print apart: they differ below the microsecond.
bool differ_below_us(uint64_t a, uint64_t b) { return a != b && a / 1000 == b / 1000; }

std::string at_line(uint64_t line) { return " (line " + std::to_string(line) + ")"; }

}  // namespace

int sched_softirq_vec(const KernelVersion& era) {
  const std::optional<std::string> name = profile_for_release(era);
  return find_profile(name ? *name : profile_names().front()).profile->sched_softirq_vec;
}

const std::vector<InvariantInfo>& mainline_trace_invariants() {
  static const std::vector<InvariantInfo> kInfo = {
      {"MIG-5", "a task runs on one CPU at a time",
       "__schedule() switches a task in only after it left its previous CPU; set_task_cpu() moves "
       "only tasks that are not running (kernel/sched/core.c, v6.17)"},
      {"MIG-6", "sched_migrate_task's orig_cpu is the CPU the task was last on",
       "set_task_cpu() traces task_cpu(p) as orig_cpu on every call, before __set_task_cpu() "
       "(kernel/sched/core.c, v6.17); wake_up_new_task() sets the CPU without it"},
      {"NB-3", "SCHED softirq raise / entry / exit pair up per CPU, with the era's vec",
       "__raise_softirq_irqoff() and handle_softirqs() (kernel/softirq.c, v6.17); SCHED_SOFTIRQ in "
       "include/linux/interrupt.h (6 before v2.6.32, 7 from it)"},
      {"WC-2", "no CPU stays idle while another CPU has a waiting task, longer than the threshold",
       "the idle pull paths: sched_balance_newidle(), nohz_balancer_kick() (kernel/sched/fair.c, "
       "v6.17); Lozi et al., The Linux Scheduler: a Decade of Wasted Cores, EuroSys 2016"},
  };
  return kInfo;
}

MainlineTraceChecker::MainlineTraceChecker(MainlineCheckOptions options) : options_(options) {
  if (options_.idle_threshold_ns == 0) options_.idle_threshold_ns = 1;
  if (options_.era) sched_vec_ = sched_softirq_vec(*options_.era);
}

MainlineTraceChecker::Cpu& MainlineTraceChecker::add_cpu(std::size_t c) {
  cpus_.resize(c + 1);
  return cpus_[c];
}

MainlineTraceChecker::Task& MainlineTraceChecker::task(int pid) { return tasks_[pid]; }

void MainlineTraceChecker::forget_all() {
  for (Cpu& k : cpus_) k = Cpu{};
  tasks_.clear();
  ++summary_.gaps;
}

void MainlineTraceChecker::count_unknown_event(std::string_view name) {
  auto it = summary_.events_by_name.find(name);
  if (it == summary_.events_by_name.end())
    it = summary_.events_by_name.emplace(std::string(name), 0).first;
  ++it->second;
  if (!is_sbm_trace_event(name)) {
    auto u = summary_.unknown_events.find(name);
    if (u == summary_.unknown_events.end())
      u = summary_.unknown_events.emplace(std::string(name), 0).first;
    ++u->second;
  }
}

void MainlineTraceChecker::unparsed(uint64_t line, std::string reason) {
  ++summary_.unparsed;
  if (summary_.first_unparsed.size() < 10)
    summary_.first_unparsed.emplace_back(line, std::move(reason));
}

void MainlineTraceChecker::feed(const TraceRecord& r, std::vector<Violation>& out) {
  summary_.lines = r.line;
  if (is_trace_gap(r)) {
    forget_all();
    return;
  }
  switch (r.kind) {
    case TraceRecordKind::Event:
      on_event(r, out);
      return;
    case TraceRecordKind::Unparsed:
      unparsed(r.line, std::string(r.error));
      return;
    default:
      return;
  }
}

void MainlineTraceChecker::on_event(const TraceRecord& r, std::vector<Violation>& out) {
  if (r.cpu < 0 || r.cpu >= kMaxCpus || r.pid < 0) {
    unparsed(r.line, "CPU or pid out of range");
    return;
  }
  ++summary_.events;
  last_ns_ = r.timestamp_ns;
  last_line_ = r.line;
  if (r.id != TraceEventId::Unknown)
    ++known_events_[static_cast<std::size_t>(r.id)];
  else
    count_unknown_event(event_name(r));
  // The comm-pid column names the task current on the CPU (tracing_generic_entry_update(),
  // kernel/trace/trace.c), in irq context too.
  run_on(r, r.cpu, r.pid, out);
  switch (r.id) {
    case TraceEventId::Switch:
      on_sched_switch(r, out);
      break;
    case TraceEventId::Fork:
    case TraceEventId::Wake:
      on_wakeup(r, false);
      break;
    case TraceEventId::Waking:
      on_wakeup(r, true);
      break;
    case TraceEventId::Migrate:
      on_migrate(r, out);
      break;
    case TraceEventId::SoftirqRaise:
    case TraceEventId::SoftirqEntry:
    case TraceEventId::SoftirqExit:
      on_softirq(r, out);
      break;
    case TraceEventId::Exit:
      on_exit(r);
      break;
    default:
      if (is_sbm_event(r)) ++summary_.sbm_events;
      break;
  }
  if (r.timestamp_ns >= next_sweep_ns_) {
    sweep_wasted_cores(&r, r.timestamp_ns, out);
    next_sweep_ns_ = r.timestamp_ns + std::max<uint64_t>(options_.idle_threshold_ns / 4, 1);
  }
}

void MainlineTraceChecker::stop_running(int c) {
  const int curr = cpu(c).curr;
  if (curr <= 0) return;
  Task* const t = tasks_.find(curr);
  if (t != nullptr && t->running_on == c) t->running_on = kUnknown;
}

void MainlineTraceChecker::run_on(const TraceRecord& r, int c, int pid,
                                  std::vector<Violation>& out) {
  if (cpu(c).curr == pid) return;
  stop_running(c);
  if (pid > 0) {  // pid 0 is every CPU's idle task (swapper/N)
    Task& t = task(pid);
    if (seen_switch_) {
      ++mig5_.instances;
      if (t.running_on != kUnknown && t.running_on != c) {
        ++mig5_.violations;
        out.push_back(make_violation(
            "MIG-5", c, -1, r.line, "pid " + std::to_string(pid) + " on one CPU at a time",
            "pid " + std::to_string(pid) + " runs on CPU" + std::to_string(c) +
                " while running on CPU" + std::to_string(t.running_on) + " since line " +
                std::to_string(t.running_line),
            "no sched_switch took the task off CPU" + std::to_string(t.running_on) +
                " and no sched_migrate_task moved it"));
        cpu(t.running_on).curr = kUnknown;
      }
    }
    if (t.waiting_on != kUnknown) stop_waiting(t, pid);
    t.running_on = c;
    t.running_line = r.line;
    t.cpu = c;
  }
  Cpu& k = cpu(c);
  if (k.curr == kUnknown || (k.curr == 0) != (pid == 0)) {
    k.curr_since = r.timestamp_ns;
    k.curr_line = r.line;
    k.wc_reported = false;
  }
  k.curr = pid;
}

void MainlineTraceChecker::set_location(int pid, int c) {
  if (pid > 0) task(pid).cpu = c;
}

void MainlineTraceChecker::start_waiting(int pid, int c, const TraceRecord& r,
                                         std::string_view comm) {
  Task& t = task(pid);
  if (t.waiting_on != kUnknown) stop_waiting(t, pid);
  t.waiting_on = c;
  t.wait_since = r.timestamp_ns;
  t.wait_line = r.line;
  t.pinned = is_per_cpu_kthread(comm);
  cpu(c).waiting.push_back(pid);
}

void MainlineTraceChecker::stop_waiting(Task& t, int pid) {
  std::vector<int>& w = cpu(t.waiting_on).waiting;
  const auto it = std::find(w.begin(), w.end(), pid);
  if (it != w.end()) {
    *it = w.back();
    w.pop_back();
  }
  t.waiting_on = kUnknown;
}

// sched_switch, raw ("prev_comm=a prev_pid=1 prev_prio=120 prev_state=R ==> next_comm=b
// next_pid=2 next_prio=120", TP_printk in include/trace/events/sched.h) or compact
// (trace-cmd report / perf script: "a:1 [120] R ==> b:2 [120]").
void MainlineTraceChecker::on_sched_switch(const TraceRecord& r, std::vector<Violation>& out) {
  const std::optional<SchedSwitchFields> sw = read_sched_switch(r, fields_);
  if (!sw) {
    unparsed(r.line, "sched_switch without a readable prev and next pid");
    return;
  }
  const SwitchSide& prev = sw->prev;
  const SwitchSide& next = sw->next;
  seen_switch_ = true;
  run_on(r, r.cpu, *next.pid, out);
  // A preempted task (prev_state R, "R+") stays queued on this CPU (__schedule(), v6.17:
  // no block_task() unless it set a sleeping state).
  if (*prev.pid > 0 && *prev.pid != *next.pid && prev.state.starts_with("R"))
    start_waiting(*prev.pid, r.cpu, r, prev.comm);
}

void MainlineTraceChecker::on_wakeup(const TraceRecord& r, bool waking) {
  const std::optional<SchedWakeupFields> w = read_sched_wakeup(r, fields_);
  if (!w || w->target_cpu >= kMaxCpus) {
    unparsed(r.line, std::string(event_name(r)) + " without a readable pid and target_cpu");
    return;
  }
  // All three print task_cpu(p) (sched_wakeup_template, include/trace/events/sched.h, v6.17):
  // for sched_waking the CPU before select_task_rq(), for the others the one it was queued on.
  set_location(w->pid, w->target_cpu);
  if (waking || w->pid <= 0) return;
  // A wakeup of a task still on its CPU (ttwu_runnable(), v6.17) queues nothing.
  Task& t = task(w->pid);
  if (t.running_on == kUnknown) start_waiting(w->pid, w->target_cpu, r, w->comm);
}

void MainlineTraceChecker::on_migrate(const TraceRecord& r, std::vector<Violation>& out) {
  fields_.reset(r.fields);
  const std::optional<int> pid = field_int(fields_.find("pid"));
  const std::optional<int> orig = field_int(fields_.find("orig_cpu"));
  const std::optional<int> dest = field_int(fields_.find("dest_cpu"));
  if (!pid || !orig || !dest || *pid <= 0 || *dest < 0 || *dest >= kMaxCpus) {
    unparsed(r.line, "sched_migrate_task without a readable pid, orig_cpu and dest_cpu");
    return;
  }
  Task& t = task(*pid);
  if (t.cpu != kUnknown) {
    ++mig6_.instances;
    if (t.cpu != *orig) {
      ++mig6_.violations;
      out.push_back(make_violation("MIG-6", r.cpu, -1, r.line, "orig_cpu=" + std::to_string(t.cpu),
                                   "orig_cpu=" + std::to_string(*orig),
                                   "pid " + std::to_string(*pid) + " was last seen on CPU" +
                                       std::to_string(t.cpu) + " and no event moved it since"));
    }
  }
  // set_task_cpu() moves a task that is not running; a running fact left on the old CPU is stale.
  if (t.running_on != kUnknown) {
    Cpu& old = cpu(t.running_on);
    if (old.curr == *pid) old.curr = kUnknown;
    t.running_on = kUnknown;
  }
  t.cpu = *dest;
  // A queued task moves queue (move_queued_task(), detach_task()/attach_task()); it waits anew
  // there.
  if (t.waiting_on != kUnknown) {
    const bool pinned = t.pinned;
    start_waiting(*pid, *dest, r, "");
    task(*pid).pinned = pinned;
  }
}

void MainlineTraceChecker::on_softirq(const TraceRecord& r, std::vector<Violation>& out) {
  if (r.id == TraceEventId::SoftirqRaise) seen_raise_ = true;
  const auto [vec, action] = read_softirq_fields(r.fields, fields_);
  bool sched = false;
  if (action) {
    sched = *action == "SCHED";
    if (sched_vec_ && vec && (*vec == *sched_vec_) != sched) {
      ++nb3_.violations;
      out.push_back(make_violation(
          "NB-3", r.cpu, -1, r.line,
          "SCHED is vec=" + std::to_string(*sched_vec_) + " in " + options_.era->str(),
          "vec=" + std::to_string(*vec) + " action=" + std::string(*action),
          "the vec number and the action name disagree for this profile's softirq numbering"));
    }
  } else if (sched_vec_ && vec) {
    sched = *vec == *sched_vec_;
  }
  if (!sched) return;
  Cpu& k = cpu(r.cpu);
  if (r.id == TraceEventId::SoftirqRaise) {
    // handle_softirqs() (kernel/softirq.c, v6.18) takes the pending bits and clears them with
    // interrupts off, then enables them and runs the handlers. A raise from an interrupt in
    // that window (irq-info 'H': a hardirq inside softirq processing) is traced before this
    // round's SCHED entry, but sets the bit for the next round (the restart loop).
    if (r.flags.size() > 2 && r.flags[2] == 'H' && k.softirq != Softirq::Running)
      k.pending_next = true;
    else
      k.pending = Pending::Yes;
    return;
  }
  ++nb3_.instances;
  if (r.id == TraceEventId::SoftirqEntry) {
    if (k.softirq == Softirq::Running) {
      ++nb3_.violations;
      out.push_back(make_violation(
          "NB-3", r.cpu, -1, r.line, "softirq_exit before the next SCHED softirq_entry",
          "a second softirq_entry",
          "a softirq does not nest in itself on one CPU (handle_softirqs() runs in "
          "softirq context, which it does not re-enter)"));
    }
    if (k.pending == Pending::No && !k.pending_next) {
      ++nb3_.violations;
      out.push_back(make_violation(
          "NB-3", r.cpu, -1, r.line, "a SCHED softirq_raise on this CPU since its last entry",
          "softirq_entry without a raise",
          "only a raise on this CPU sets its pending bit (__raise_softirq_irqoff()); "
          "handle_softirqs() clears the bits before the handlers run"));
    }
    k.softirq = Softirq::Running;
    // Pending cleared by handle_softirqs(); known only when the trace carries raises at all. A
    // next-round raise carries over when this entry had a raise of its own.
    const bool carried = k.pending_next && k.pending == Pending::Yes;
    k.pending = carried ? Pending::Yes : seen_raise_ ? Pending::No : Pending::Unknown;
    k.pending_next = false;
  } else {
    if (k.softirq == Softirq::Idle) {
      ++nb3_.violations;
      out.push_back(make_violation(
          "NB-3", r.cpu, -1, r.line, "a SCHED softirq_entry before its exit",
          "softirq_exit without an entry", "the exit of a softirq the CPU was not running"));
    }
    k.softirq = Softirq::Idle;
  }
}

void MainlineTraceChecker::on_exit(const TraceRecord& r) {
  fields_.reset(r.fields);
  const std::optional<int> pid = field_int(fields_.find("pid"));
  if (!pid) {
    unparsed(r.line, "sched_process_exit without a readable pid");
    return;
  }
  // The pid may be reused by a new task: forget the old one (its final switch-out, if any,
  // finds the CPU's curr and nothing else).
  Task* const t = tasks_.find(*pid);
  if (t == nullptr) return;
  if (t->waiting_on != kUnknown) stop_waiting(*t, *pid);
  tasks_.erase(*pid);
}

// WC-2, checked at sweeps a quarter threshold apart (as the Wasted Cores sanity checker samples
// periodically): the longest-idle CPU against the longest-waiting movable task on a busy CPU.
void MainlineTraceChecker::sweep_wasted_cores(const TraceRecord* r, uint64_t now,
                                              std::vector<Violation>& out) {
  if (!seen_switch_) return;
  ++wc2_.instances;
  uint64_t best = std::numeric_limits<uint64_t>::max();
  int best_pid = kUnknown, best_cpu = kUnknown;
  uint64_t best_line = 0;
  for (std::size_t c = 0; c < cpus_.size(); ++c) {
    const Cpu& k = cpus_[c];
    if (k.curr <= 0) continue;  // an idle CPU runs its own waiting tasks next
    for (const int pid : k.waiting) {
      const Task& t = tasks_.at(pid);
      if (t.pinned) continue;
      const uint64_t start = std::max(t.wait_since, k.curr_since);
      if (start < best) {
        best = start;
        best_pid = pid;
        best_cpu = static_cast<int>(c);
        best_line = t.wait_line;
      }
    }
  }
  if (best_pid == kUnknown) return;
  for (std::size_t c = 0; c < cpus_.size(); ++c) {
    Cpu& k = cpus_[c];
    if (k.curr != 0 || k.wc_reported) continue;
    const uint64_t start = std::max(k.curr_since, best);
    if (now < start || now - start < options_.idle_threshold_ns) continue;
    k.wc_reported = true;
    ++wc2_.violations;
    const bool ns_digits = differ_below_us(options_.idle_threshold_ns, now - start);
    out.push_back(make_violation(
        "WC-2", static_cast<int>(c), -1, r != nullptr ? r->line : last_line_,
        "idle at most " + ms(options_.idle_threshold_ns, ns_digits) + " while a task waits",
        "idle since line " + std::to_string(k.curr_line) + ", " + ms(now - start, ns_digits) +
            " overlapping pid " + std::to_string(best_pid) + " waiting on busy CPU" +
            std::to_string(best_cpu) + at_line(best_line),
        "an idle CPU pulls waiting work (newidle or NOHZ idle balance) long before this"));
  }
}

void MainlineTraceChecker::finish(std::vector<Violation>& out) {
  sweep_wasted_cores(nullptr, last_ns_, out);
}

MainlineCheckSummary MainlineTraceChecker::summary() const {
  MainlineCheckSummary s = summary_;
  for (std::size_t id = 0; id < kTraceEventIds; ++id)
    if (known_events_[id] > 0)
      s.events_by_name[std::string(trace_event_name(static_cast<TraceEventId>(id)))] +=
          known_events_[id];
  auto add = [&s](const char* id, const Tally& t, bool checkable, const char* reason) {
    CheckSummary c{
        id,
        CheckOutcome::Holds,
        static_cast<int>(std::min<uint64_t>(t.instances, std::numeric_limits<int>::max())),
        {}};
    if (t.violations > 0) {
      c.outcome = CheckOutcome::Violated;
    } else if (!checkable || t.instances == 0) {
      c.outcome = CheckOutcome::NotCheckable;
      c.reason = reason;
    }
    s.checks.push_back(std::move(c));
  };
  add("MIG-5", mig5_, seen_switch_,
      "no sched_switch events: which task runs where between two events is not known");
  add("MIG-6", mig6_, true, "no sched_migrate_task of a task whose CPU the trace had shown");
  add("NB-3", nb3_, true,
      "no SCHED softirq_entry or softirq_exit (or, without --profile, none named action=SCHED)");
  add("WC-2", wc2_, seen_switch_,
      "no sched_switch events: when CPUs go idle and tasks run is not known");
  if (nb3_.instances > 0 && !seen_raise_)
    s.notes.push_back("NB-3: no softirq_raise events, so entries without a raise are not checked");
  return s;
}

}  // namespace sbm
