#include "traces/trace_write.h"

#include <array>
#include <cstdio>
#include <sstream>

#include "model/jiffies.h"
#include "traces/topology_dump/write.h"
#include "traces/trace_event_fields.h"

namespace sbm {

namespace {

// Appends one item of a field table (traces/trace_event_fields.h) as `name=value`.
class ItemWriter {
 public:
  ItemWriter(std::string& out, const Profile& profile) : out_(out), profile_(profile) {}

  template <class E, class M>
  void operator()(const E& e, const trace_fields::Number<E, M>& item) {
    if constexpr (requires { (e.*item.member).value(); })
      put(item.name, std::to_string(*(e.*item.member)));
    else
      put(item.name, std::to_string(e.*item.member));
  }
  template <class E>
  void operator()(const E& e, const trace_fields::Flag<E>& item) {
    put(item.name, e.*item.member ? "1" : "0");
  }
  template <class E>
  void operator()(const E& e, const trace_fields::Text<E>& item) {
    put(item.name, e.*item.member);
  }
  template <class E>
  void operator()(const E& e, const trace_fields::Cpulist<E>& item) {
    put(item.name, (e.*item.member).to_cpulist());
  }
  template <class E, class V, std::size_t N>
  void operator()(const E& e, const trace_fields::Named<E, V, N>& item) {
    put(item.name, name_of(*item.table, e.*item.member));
  }
  template <class E, class V, std::size_t N>
  void operator()(const E& e, const trace_fields::NamedOrLegacyFlag<E, V, N>& item) {
    (*this)(e, item.named);
  }
  template <class E, class M>
  void operator()(const E& e, const trace_fields::Transition<E, M>& item) {
    put(item.name, std::to_string(e.*item.before) + "->" + std::to_string(e.*item.after));
  }
  // (cpu, rq->next_balance) pairs as "cpu:next_balance,...".
  template <class E>
  void operator()(const E& e, const trace_fields::CpuValuePairs<E>& item) {
    std::string s;
    for (const auto& [cpu, value] : e.*item.member)
      s += (s.empty() ? "" : ",") + std::to_string(cpu) + ":" + std::to_string(value);
    put(item.name, s);
  }
  template <class E>
  void operator()(const E& e, const trace_fields::Comm<E>& item) {
    put(item.name, "task" + std::to_string(e.*item.pid));
  }
  template <class E>
  void operator()(const E&, const trace_fields::Prio& item) {
    put(item.name, "120");
  }
  // include/trace/events/irq.h: softirq_name[] shows the action after the vector number.
  template <class E>
  void operator()(const E& e, const trace_fields::SoftirqAction<E>& item) {
    const std::string_view action =
        e.*item.vec == profile_.sched_softirq_vec ? kSchedSoftirqAction : "?";
    put("[" + std::string(item.name),
        std::string(action) + "]");  // the bracketed item [action=NAME]
  }
  template <class E, class... Items>
  void operator()(const E& e, const trace_fields::When<E, Items...>& group) {
    if (group.applies(e)) all(e, group.items);
  }
  template <class E, class... Items>
  void operator()(const E& e, const trace_fields::IfPresent<Items...>& group) {
    const auto& first = std::get<0>(group.items);
    if constexpr (requires { (e.*first.member).has_value(); })
      if (!(e.*first.member).has_value()) return;
    all(e, group.items);
  }

  template <class E, class Tuple>
  void all(const E& e, const Tuple& items) {
    trace_fields::for_each_item(items, [&](const auto& item) { (*this)(e, item); });
  }

 private:
  void put(std::string_view name, std::string_view value) {
    if (!out_.empty()) out_ += ' ';
    out_ += name;
    out_ += '=';
    out_ += value;
  }

  std::string& out_;
  const Profile& profile_;
};

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
    const KernelVersion era =
        h.topology->era.value_or(h.profile != nullptr ? h.profile->version : kNewestModelledKernel);
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
  std::snprintf(buf, sizeof buf, "%llu.%06llu",
                static_cast<unsigned long long>(since_boot / profile_.hz),
                static_cast<unsigned long long>(usec));
  return buf;
}

void TraceWriter::line(int cpu, const char* flags, std::string_view event,
                       const std::string& fields) {
  const auto [comm, pid] = cpu >= 0 ? current_task_(cpu) : std::pair<std::string, int>{"<idle>", 0};
  char head[64];
  std::snprintf(head, sizeof head, "%16s-%-7d [%03d] %s ", comm.c_str(), pid, cpu < 0 ? 0 : cpu,
                flags);
  out_ << head << timestamp() << ": " << event << ": " << fields << "\n";
}

template <class E>
void TraceWriter::write(const E& e) {
  std::string fields;
  ItemWriter(fields, profile_).all(e, trace_fields::Schema<E>::items);
  constexpr std::array<const char*, 3> kIrqInfo{kHardirq, kSoftirq, kTask};  // by IrqContext
  line(trace_fields::cpu_column(e),
       kIrqInfo[static_cast<std::size_t>(trace_fields::irq_context(e))],
       trace_event_name(trace_fields::event_id(e)), fields);
}

void TraceWriter::event(const BalanceEvent& ev) {
  std::visit([this](const auto& e) { write(e); }, ev);
}

void TraceWriter::task_event(const TaskEvent& e) { write(e); }

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
