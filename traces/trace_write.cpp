#include "traces/trace_write.h"

#include <cstdio>
#include <sstream>

#include "model/jiffies.h"
#include "traces/topology_dump/write.h"
#include "traces/trace_names.h"

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
  return "vec=" + std::to_string(vec) + " [action=" + std::string(vec == p.sched_softirq_vec ? kSchedSoftirqAction : "?") +
         "]";
}

template <class E, std::size_t N>
std::string name(const NameTable<E, N>& table, E value) {
  return std::string(name_of(table, value));
}

// (cpu, rq->next_balance) pairs as "cpu:next_balance,...".
std::string folded_list(const std::vector<std::pair<int, uint64_t>>& folded) {
  std::string s;
  for (const auto& [cpu, next_balance] : folded)
    s += (s.empty() ? "" : ",") + std::to_string(cpu) + ":" + u(next_balance);
  return s;
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

void TraceWriter::line(int cpu, const char* flags, std::string_view event, const std::string& fields) {
  const auto [comm, pid] = cpu >= 0 ? current_task_(cpu) : std::pair<std::string, int>{"<idle>", 0};
  char head[64];
  std::snprintf(head, sizeof head, "%16s-%-7d [%03d] %s ", comm.c_str(), pid, cpu < 0 ? 0 : cpu, flags);
  out_ << head << timestamp() << ": " << event << ": " << fields << "\n";
}

void TraceWriter::event(const BalanceEvent& ev) {
  namespace ev_name = trace_event;
  const auto i = [](auto v) { return std::to_string(v); };
  std::visit(
      Overloaded{
          [&](const TickEvent& e) {
            line(e.cpu, kHardirq, ev_name::kTick,
                 "cpu=" + i(e.cpu) + " jiffies=" + u(e.jiffies) + " idle=" + b(e.idle) +
                     " next_balance=" + u(e.next_balance) + " attached=" + b(e.attached) +
                     " active=" + b(e.active) + " nohz_defers=" + b(e.nohz_defers));
          },
          [&](const SoftirqRaiseEvent& e) {
            // `source` is sbm's: the kernel's softirq_raise does not say who raised it.
            line(e.cpu, kHardirq, ev_name::kSoftirqRaise,
                 vec_fields(e.vec, profile_) + " source=" + name(kRaiseSourceNames, e.source));
          },
          [&](const SoftirqEntryEvent& e) { line(e.cpu, kSoftirq, ev_name::kSoftirqEntry, vec_fields(e.vec, profile_)); },
          [&](const SoftirqExitEvent& e) { line(e.cpu, kSoftirq, ev_name::kSoftirqExit, vec_fields(e.vec, profile_)); },
          [&](const PassStartEvent& e) {
            line(e.executing_cpu, kSoftirq, ev_name::kPass,
                 "cpu=" + i(e.cpu) + " idle=" + name(kCpuIdleTypeNames, e.idle) + " busy=" + b(e.busy) +
                     " jiffies=" + u(e.jiffies) + " next_balance=" + u(e.rq_next_balance) +
                     " horizon=" + u(e.next_balance_start));
          },
          [&](const DomainVisitEvent& e) {
            line(e.cpu, kSoftirq, ev_name::kDomain,
                 "cpu=" + i(e.cpu) + " level=" + i(e.level) + " name=" + e.name + " jiffies=" + u(e.jiffies) +
                     " interval=" + u(e.interval) + " last_balance=" + u(e.last_balance) + " due=" + b(e.due) +
                     (e.balance_interval ? " balance_interval=" + u(*e.balance_interval) + " busy=" + b(e.busy) : ""));
          },
          [&](const DomainSkipEvent& e) {
            line(e.cpu, kSoftirq, ev_name::kDomainSkip,
                 "cpu=" + i(e.cpu) + " level=" + i(e.level) + " reason=" + name(kDomainSkipReasonNames, e.reason));
          },
          [&](const SerializeEvent& e) {
            line(e.cpu, kSoftirq, ev_name::kSerialize,
                 "cpu=" + i(e.for_cpu) + " level=" + i(e.level) + " action=" + name(kSerializeActionNames, e.action) +
                     " holder=" + i(e.holder));
          },
          [&](const BalanceResultEvent& e) {
            line(e.cpu, kSoftirq, ev_name::kResult,
                 "cpu=" + i(e.cpu) + " level=" + i(e.level) + " idle=" + name(kCpuIdleTypeNames, e.idle) +
                     " moved=" + i(e.moved) + " serialize_busy=" + b(e.serialize_busy) +
                     " continue=" + b(e.continue_balancing) + " last_balance=" + u(e.last_balance) +
                     " interval=" + u(e.interval) + " balance_interval=" + i(e.balance_interval_before) + "->" +
                     i(e.balance_interval_after));
          },
          [&](const NextBalanceCandidateEvent& e) {
            line(e.cpu, kSoftirq, ev_name::kCandidate,
                 "cpu=" + i(e.cpu) + " level=" + i(e.level) + " candidate=" + u(e.candidate) + " taken=" + b(e.taken) +
                     " next_balance=" + u(e.next_balance));
          },
          [&](const NextBalanceWriteEvent& e) {
            line(e.cpu, kSoftirq, ev_name::kNextBalance,
                 "cpu=" + i(e.cpu) + " old=" + u(e.old_value) + " new=" + u(e.new_value) + " written=" + b(e.written));
          },
          [&](const RqLockEvent& e) {
            line(e.cpu, kSoftirq, ev_name::kRqLock,
                 "rq=" + i(e.rq) + " action=" + name(kRqLockActionNames, e.action) + " site=" + e.site);
          },
          [&](const TaskMigrateEvent& e) {
            // include/trace/events/sched.h: sched_migrate_task, plus what sbm knows of why.
            line(e.executing_cpu, e.active ? kTask : kSoftirq, ev_name::kMigrate,
                 "comm=task" + i(e.pid) + " pid=" + i(e.pid) + " prio=120 orig_cpu=" + i(e.from_cpu) +
                     " dest_cpu=" + i(e.to_cpu) + " balance_cpu=" + i(e.cpu) + " level=" + i(e.level) +
                     " active=" + b(e.active) + " allowed=" + e.cpus_allowed.to_cpulist() +
                     " reason=" + name(kMigrateReasonNames, e.reason) + " balance_seq=" + u(e.balance_seq));
          },
          [&](const DetachPassEvent& e) {
            line(e.cpu, kSoftirq, ev_name::kDetach,
                 "cpu=" + i(e.cpu) + " level=" + i(e.level) + " src_cpu=" + i(e.src_cpu) + " dst_cpu=" + i(e.dst_cpu) +
                     " round=" + i(e.round) + " src_nr_running=" + i(e.src_nr_running) + " limit=" + i(e.limit) +
                     " examined=" + i(e.examined) + " detached=" + i(e.detached) +
                     " balance_seq=" + u(e.balance_seq));
          },
          [&](const ActiveBalanceEvent& e) {
            line(e.action == ActiveBalanceAction::Kick ? e.push_cpu : e.busiest_cpu, kTask, ev_name::kActive,
                 "action=" + name(kActiveBalanceActionNames, e.action) + " busiest_cpu=" + i(e.busiest_cpu) +
                     " push_cpu=" + i(e.push_cpu) + " pid=" + i(e.pid));
          },
          [&](const NohzIdleEvent& e) {
            line(e.cpu, kTask, ev_name::kNohzIdle,
                 "enter=" + b(e.enter) + " jiffies=" + u(e.jiffies) + " next_balance=" + u(e.rq_next_balance) +
                     " nohz_next_balance=" + u(e.nohz_next_balance) + " needs_update=" + b(e.needs_update) +
                     " load_balancer=" + i(e.load_balancer));
          },
          [&](const NohzKickEvent& e) {
            line(e.cpu, kHardirq, ev_name::kNohzKick,
                 "target=" + i(e.target) + " flags=" + u(e.flags) + " jiffies=" + u(e.jiffies) +
                     " nohz_next_balance=" + u(e.next_balance_before) + "->" + u(e.next_balance_after) +
                     " ipi=" + b(e.ipi) + " needs_update=" + b(e.needs_update));
          },
          [&](const IlbBalanceEvent& e) {
            line(e.ilb_cpu, kSoftirq, ev_name::kIlb,
                 "cpu=" + i(e.cpu) + " ilb_idle=" + b(e.ilb_idle) + " jiffies=" + u(e.jiffies));
          },
          [&](const IlbPassEndEvent& e) {
            // next_balance: nohz.next_balance (3.3+) or the owner's rq->next_balance (2.6.21-3.2).
            line(e.ilb_cpu, kSoftirq, ev_name::kIlbEnd,
                 "flags=" + u(e.flags) + " complete=" + b(e.complete) + " jiffies=" + u(e.jiffies) +
                     " candidates=" + e.candidates.to_cpulist() + " skipped_busy=" + e.skipped_busy.to_cpulist() +
                     " folded=" + folded_list(e.folded) + " next_balance=" + u(e.before) + "->" + u(e.after));
          },
          [&](const HotplugEvent& e) {
            line(e.cpu, kTask, ev_name::kHotplug, "cpu=" + i(e.cpu) + " online=" + b(e.online));
          },
      },
      ev);
}

void TraceWriter::task_event(const TaskEvent& e) {
  // The workload's own actions; sched_wakeup_new / sched_wakeup are the kernel's names.
  const std::string who = "comm=task" + std::to_string(e.pid) + " pid=" + std::to_string(e.pid) + " prio=120";
  switch (e.kind) {
    case TaskEventKind::Fork:
      line(e.cpu, kTask, trace_event::kFork,
           who + " target_cpu=" + std::to_string(e.cpu) + " allowed=" + e.cpus_allowed.to_cpulist() +
               " load_weight=" + std::to_string(e.load_weight) + " util=" + std::to_string(e.util));
      break;
    case TaskEventKind::Wake:
      line(e.cpu, kTask, trace_event::kWake, who + " target_cpu=" + std::to_string(e.cpu));
      break;
    case TaskEventKind::Sleep:
      line(e.cpu, kTask, trace_event::kSleep, who);
      break;
    case TaskEventKind::Exit:
      line(e.cpu, kTask, trace_event::kExit, who);
      break;
    case TaskEventKind::SetAffinity:
      line(e.cpu, kTask, trace_event::kAffinity, who + " allowed=" + e.cpus_allowed.to_cpulist());
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
