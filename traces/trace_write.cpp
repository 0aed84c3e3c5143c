#include "traces/trace_write.h"

#include <cstdio>
#include <sstream>

#include "model/jiffies.h"
#include "traces/topology_dump/write.h"

namespace sbm {

namespace {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

std::string u(uint64_t v) { return std::to_string(v); }
std::string b(bool v) { return v ? "1" : "0"; }

// include/trace/events/irq.h: softirq_name[] shows the action after the vector number.
std::string vec_fields(int vec, const Profile& p) {
  return "vec=" + std::to_string(vec) + " [action=" + (vec == p.sched_softirq_vec ? "SCHED" : "?") + "]";
}

const char* skip_reason(DomainSkipReason r) {
  switch (r) {
    case DomainSkipReason::NoLoadBalanceFlag: return "no_load_balance";
    case DomainSkipReason::DecayOnly: return "decay_only";
    case DomainSkipReason::Break: return "break";
  }
  return "?";
}

const char* serialize_action(SerializeAction a) {
  switch (a) {
    case SerializeAction::Acquire: return "acquire";
    case SerializeAction::Busy: return "busy";
    case SerializeAction::Release: return "release";
  }
  return "?";
}

const char* lock_action(RqLockAction a) {
  switch (a) {
    case RqLockAction::Acquire: return "lock";
    case RqLockAction::TryAcquire: return "trylock";
    case RqLockAction::TryFail: return "trylock_fail";
    case RqLockAction::Release: return "unlock";
  }
  return "?";
}

// ftrace's irq-info columns: irqs-off, need-resched, hardirq/softirq, preempt depth,
// migrate-disable (5-character form, v5.14+).
constexpr const char* kHardirq = "d.h1.";
constexpr const char* kSoftirq = "..s1.";
constexpr const char* kTask = "d..2.";

}  // namespace

TraceWriter::TraceWriter(std::ostream& out, const Profile& profile, CurrentTask current_task)
    : out_(out), profile_(profile), current_task_(std::move(current_task)) {}

void TraceWriter::header(const TraceHeader& h) {
  out_ << "# tracer: nop\n"
       << "# sbm-trace: " << kTraceFormatVersion << "\n";
  if (!h.generator.empty()) out_ << "# generator: " << h.generator << "\n";
  if (h.profile != nullptr)
    out_ << "# profile: " << h.profile->name << "\n"
         << "# hz: " << h.profile->hz << "\n"
         << "# jiffies-bits: " << h.profile->jiffies_bits << "\n";
  if (h.topology != nullptr) {
    out_ << "# topology: " << h.topology_name << "\n";
    const KernelVersion era = h.topology->era.value_or(h.profile != nullptr ? h.profile->version : kNewestModelledKernel);
    std::istringstream dump(write_dmesg(*h.topology, era));
    for (std::string l; std::getline(dump, l);) out_ << "# topology-dump: " << l << "\n";
  }
  out_ << "#\n"
       << "#                                _-----=> irqs-off/BH-disabled\n"
       << "#                               / _----=> need-resched\n"
       << "#                              | / _---=> hardirq/softirq\n"
       << "#                              || / _--=> preempt-depth\n"
       << "#                              ||| / _-=> migrate-disable\n"
       << "#                              |||| /     delay\n"
       << "#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
       << "#              | |         |   |||||     |         |\n";
}

void TraceWriter::jiffy(uint64_t jiffies) {
  jiffies_ = jiffies;
  seq_in_jiffy_ = 0;
}

std::string TraceWriter::timestamp() {
  // Seconds since boot from jiffies (INITIAL_JIFFIES is boot), with one microsecond per
  // event inside a jiffy so that the order of the file is the order of the model.
  const WrapOps ops{profile_.jiffies_bits};
  const uint64_t since_boot = ops.sub(jiffies_, ops.lit(initial_jiffies(profile_.hz)));
  const uint64_t usec_per_jiffy = 1000000 / profile_.hz;
  uint64_t sub = seq_in_jiffy_++;
  if (sub >= usec_per_jiffy) sub = usec_per_jiffy - 1;
  const uint64_t usec = (since_boot % profile_.hz) * usec_per_jiffy + sub;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%llu.%06llu", static_cast<unsigned long long>(since_boot / profile_.hz),
                static_cast<unsigned long long>(usec));
  return buf;
}

void TraceWriter::line(int cpu, const char* flags, const std::string& name, const std::string& fields) {
  const auto [comm, pid] = cpu >= 0 ? current_task_(cpu) : std::pair<std::string, int>{"<idle>", 0};
  char head[64];
  std::snprintf(head, sizeof head, "%16s-%-7d [%03d] %s ", comm.c_str(), pid, cpu < 0 ? 0 : cpu, flags);
  out_ << head << timestamp() << ": " << name << ": " << fields << "\n";
}

void TraceWriter::event(const BalanceEvent& ev) {
  std::visit(
      Overloaded{
          [&](const TickEvent& e) {
            line(e.cpu, kHardirq, "sched_balance_tick",
                 "cpu=" + std::to_string(e.cpu) + " jiffies=" + u(e.jiffies) + " idle=" + b(e.idle) +
                     " next_balance=" + u(e.next_balance) + " attached=" + b(e.attached) +
                     " active=" + b(e.active) + " nohz_defers=" + b(e.nohz_defers));
          },
          [&](const SoftirqRaiseEvent& e) { line(e.cpu, kHardirq, "softirq_raise", vec_fields(e.vec, profile_)); },
          [&](const SoftirqEntryEvent& e) { line(e.cpu, kSoftirq, "softirq_entry", vec_fields(e.vec, profile_)); },
          [&](const SoftirqExitEvent& e) { line(e.cpu, kSoftirq, "softirq_exit", vec_fields(e.vec, profile_)); },
          [&](const PassStartEvent& e) {
            line(e.executing_cpu, kSoftirq, "sched_balance_pass",
                 "cpu=" + std::to_string(e.cpu) + " idle=" + cpu_idle_type_name(e.idle) + " busy=" + b(e.busy) +
                     " jiffies=" + u(e.jiffies) + " next_balance=" + u(e.rq_next_balance) +
                     " horizon=" + u(e.next_balance_start));
          },
          [&](const DomainVisitEvent& e) {
            line(e.cpu, kSoftirq, "sched_balance_domain",
                 "cpu=" + std::to_string(e.cpu) + " level=" + std::to_string(e.level) + " name=" + e.name +
                     " jiffies=" + u(e.jiffies) + " interval=" + u(e.interval) +
                     " last_balance=" + u(e.last_balance) + " due=" + b(e.due));
          },
          [&](const DomainSkipEvent& e) {
            line(e.cpu, kSoftirq, "sched_balance_domain_skip",
                 "cpu=" + std::to_string(e.cpu) + " level=" + std::to_string(e.level) + " reason=" + skip_reason(e.reason));
          },
          [&](const SerializeEvent& e) {
            line(e.cpu, kSoftirq, "sched_balance_serialize",
                 "cpu=" + std::to_string(e.for_cpu) + " level=" + std::to_string(e.level) +
                     " action=" + serialize_action(e.action) + " holder=" + std::to_string(e.holder));
          },
          [&](const BalanceResultEvent& e) {
            line(e.cpu, kSoftirq, "sched_balance_result",
                 "cpu=" + std::to_string(e.cpu) + " level=" + std::to_string(e.level) +
                     " idle=" + cpu_idle_type_name(e.idle) + " moved=" + std::to_string(e.moved) +
                     " serialize_busy=" + b(e.serialize_busy) + " continue=" + b(e.continue_balancing) +
                     " last_balance=" + u(e.last_balance) + " interval=" + u(e.interval) +
                     " balance_interval=" + std::to_string(e.balance_interval_before) + "->" +
                     std::to_string(e.balance_interval_after));
          },
          [&](const NextBalanceCandidateEvent& e) {
            line(e.cpu, kSoftirq, "sched_balance_candidate",
                 "cpu=" + std::to_string(e.cpu) + " level=" + std::to_string(e.level) + " candidate=" + u(e.candidate) +
                     " taken=" + b(e.taken) + " next_balance=" + u(e.next_balance));
          },
          [&](const NextBalanceWriteEvent& e) {
            line(e.cpu, kSoftirq, "sched_balance_next_balance",
                 "cpu=" + std::to_string(e.cpu) + " old=" + u(e.old_value) + " new=" + u(e.new_value) +
                     " written=" + b(e.written));
          },
          [&](const RqLockEvent& e) {
            line(e.cpu, kSoftirq, "sched_balance_rq_lock",
                 "rq=" + std::to_string(e.rq) + " action=" + lock_action(e.action) + " site=" + e.site);
          },
          [&](const TaskMigrateEvent& e) {
            // include/trace/events/sched.h: sched_migrate_task, plus what sbm knows of why.
            line(e.executing_cpu, e.active ? kTask : kSoftirq, "sched_migrate_task",
                 "comm=task" + std::to_string(e.pid) + " pid=" + std::to_string(e.pid) + " prio=120 orig_cpu=" +
                     std::to_string(e.from_cpu) + " dest_cpu=" + std::to_string(e.to_cpu) +
                     " balance_cpu=" + std::to_string(e.cpu) + " level=" + std::to_string(e.level) +
                     " active=" + b(e.active) + " allowed=" + e.cpus_allowed.to_cpulist() +
                     " hotplug=" + b(e.hotplug));
          },
          [&](const DetachPassEvent& e) {
            line(e.cpu, kSoftirq, "sched_balance_detach",
                 "cpu=" + std::to_string(e.cpu) + " level=" + std::to_string(e.level) + " src_cpu=" +
                     std::to_string(e.src_cpu) + " dst_cpu=" + std::to_string(e.dst_cpu) + " round=" +
                     std::to_string(e.round) + " src_nr_running=" + std::to_string(e.src_nr_running) +
                     " limit=" + std::to_string(e.limit) + " examined=" + std::to_string(e.examined) +
                     " detached=" + std::to_string(e.detached));
          },
          [&](const ActiveBalanceEvent& e) {
            line(e.action == ActiveBalanceAction::Kick ? e.push_cpu : e.busiest_cpu, kTask, "sched_balance_active",
                 std::string("action=") + (e.action == ActiveBalanceAction::Kick ? "kick" : "run") +
                     " busiest_cpu=" + std::to_string(e.busiest_cpu) + " push_cpu=" + std::to_string(e.push_cpu) +
                     " pid=" + std::to_string(e.pid));
          },
          [&](const NohzIdleEvent& e) {
            line(e.cpu, kTask, "sched_balance_nohz_idle",
                 std::string("enter=") + b(e.enter) + " jiffies=" + u(e.jiffies) + " next_balance=" +
                     u(e.rq_next_balance) + " nohz_next_balance=" + u(e.nohz_next_balance) +
                     " needs_update=" + b(e.needs_update) + " load_balancer=" + std::to_string(e.load_balancer));
          },
          [&](const NohzKickEvent& e) {
            line(e.cpu, kHardirq, "sched_balance_nohz_kick",
                 "target=" + std::to_string(e.target) + " flags=" + u(e.flags) + " jiffies=" + u(e.jiffies) +
                     " nohz_next_balance=" + u(e.next_balance_before) + "->" + u(e.next_balance_after) +
                     " ipi=" + b(e.ipi));
          },
          [&](const IlbBalanceEvent& e) {
            line(e.ilb_cpu, kSoftirq, "sched_balance_ilb",
                 "cpu=" + std::to_string(e.cpu) + " ilb_idle=" + b(e.ilb_idle) + " jiffies=" + u(e.jiffies));
          },
          [&](const IlbPassEndEvent& e) {
            line(e.ilb_cpu, kSoftirq, "sched_balance_ilb_end",
                 "flags=" + u(e.flags) + " complete=" + b(e.complete) + " jiffies=" + u(e.jiffies) +
                     " candidates=" + e.candidates.to_cpulist() + " skipped_busy=" + e.skipped_busy.to_cpulist());
          },
          [&](const HotplugEvent& e) {
            line(e.cpu, kTask, "sched_balance_hotplug", "cpu=" + std::to_string(e.cpu) + " online=" + b(e.online));
          },
      },
      ev);
}

void TraceWriter::task_event(const TaskEvent& e) {
  // The workload's own actions; sched_wakeup_new / sched_wakeup are the kernel's names.
  const std::string who = "comm=task" + std::to_string(e.pid) + " pid=" + std::to_string(e.pid) + " prio=120";
  switch (e.kind) {
    case TaskEventKind::Fork:
      line(e.cpu, kTask, "sched_wakeup_new", who + " target_cpu=" + std::to_string(e.cpu));
      break;
    case TaskEventKind::Wake:
      line(e.cpu, kTask, "sched_wakeup", who + " target_cpu=" + std::to_string(e.cpu));
      break;
    case TaskEventKind::Sleep:
      line(e.cpu, kTask, "sched_balance_task_sleep", who);
      break;
    case TaskEventKind::Exit:
      line(e.cpu, kTask, "sched_process_exit", who);
      break;
    case TaskEventKind::SetAffinity:
      line(e.cpu, kTask, "sched_balance_task_affinity", who + " allowed=" + e.cpus_allowed.to_cpulist());
      break;
  }
}

TraceWriter start_trace(std::ostream& out, const Simulator& sim, const std::string& generator,
                        const std::string& topology_name) {
  const MachineState& m = sim.machine();
  TraceWriter writer(out, m.profile, [&m](int cpu) -> std::pair<std::string, int> {
    const Task* t = m.rq(cpu).curr();
    if (t == nullptr) return {"<idle>", 0};
    return {"task" + std::to_string(t->pid), t->pid};
  });
  writer.header(TraceHeader{generator, &m.profile, &sim.topology(), topology_name});
  writer.jiffy(m.jiffies);
  return writer;
}

}  // namespace sbm
