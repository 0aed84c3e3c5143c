#include "model/sim/simulator.h"

#include <algorithm>
#include <deque>
#include <iterator>

#include "model/balance/active_balance.h"
#include "model/balance/lb_load.h"
#include "model/balance/sched_balance_rq.h"
#include "model/balance/sched_balance_trigger.h"
#include "model/nohz/nohz.h"
#include "model/profile.h"
#include "model/topology/build_sched_domains.h"
#include "model/topology/sched_hotplug.h"
#include "model/topology/sd_defaults.h"

namespace sbm {

const char* task_event_result_name(TaskEventResult r) {
  switch (r) {
    case TaskEventResult::Done:
      return "done";
    case TaskEventResult::NoSuchTask:
      return "no such task";
    case TaskEventResult::WrongState:
      return "wrong state";
    case TaskEventResult::NoAllowedCpu:
      return "no allowed online CPU";
    case TaskEventResult::BadCpu:
      return "CPU not online";
  }
  return "?";
}

const char* hotplug_result_name(HotplugResult r) {
  switch (r) {
    case HotplugResult::Done:
      return "done";
    case HotplugResult::BadCpu:
      return "no such CPU";
    case HotplugResult::LastCpu:
      return "last online CPU";
    case HotplugResult::WrongState:
      return "already in that state";
    case HotplugResult::Busy:
      return "softirq in flight or stopper work queued";
    case HotplugResult::NoMachine:
      return "topology from a dump: no machine to rebuild from";
  }
  return "?";
}

namespace {

// Per-CPU progress through the current jiffy.
struct CpuSim {
  bool ticked = false;                         // its tick for this jiffy ran
  bool nohz_idle = false;                      // between nohz_stop_tick() and nohz_restart_tick()
  std::optional<SchedBalanceSoftirq> softirq;  // the SCHED softirq in flight
};

}  // namespace

struct Simulator::Impl {
  SimConfig config;
  Topology topology;  // what the run started from
  MachineState m;
  std::unique_ptr<Workload> workload;
  SimRng sched_rng;
  SimRng workload_rng;
  std::optional<LoadBalancer> own_balancer;  // the model's, unless the config injects one
  SchedBalanceRq* balancer = nullptr;
  NohzHooks no_nohz;  // the hooks of a kernel without CONFIG_NO_HZ
  NohzIdleBalancer model_nohz;
  NohzHooks* nohz = nullptr;
  bool nohz_on = false;  // idle CPUs stop their tick (CONFIG_NO_HZ and an era with NOHZ)

  std::vector<SimTask> tasks{SimTask{}};  // by pid; pid 0 unused
  std::vector<Task> parked{Task{}};       // a sleeping task's struct, by pid
  std::vector<CpuSim> cpus;
  std::deque<TaskEvent> pending;  // this jiffy's workload events, in order
  // CPUs with an enabled action (and workload_actor() while events are pending), with each
  // one's index in `actors` so that adding and removing are O(1).
  std::vector<int> actors;
  std::vector<int> actor_pos;
  std::vector<int> dirty;  // CPUs an event touched during the current step
  SimSummary summary;
  uint64_t tick_index = 0;

  Impl(const SimConfig& c, MachineState machine)
      : config(c),
        m(std::move(machine)),
        sched_rng(c.seed),
        workload_rng(sched_rng.fork()),
        nohz_on(m.profile.config_no_hz && m.profile.nohz_model != NohzModel::None),
        cpus(static_cast<size_t>(m.nr_cpu_ids())),
        actor_pos(static_cast<size_t>(m.nr_cpu_ids()) + 1, -1) {
    if (!c.balancer) own_balancer.emplace(m);
    balancer = c.balancer ? c.balancer : &*own_balancer;
    nohz = c.nohz ? c.nohz : nohz_on ? &model_nohz : &no_nohz;
  }

  int workload_actor() const { return m.nr_cpu_ids(); }

  // No tick while it is stopped (model/nohz/nohz.h): in the owner model (2.6.21-3.2) that is
  // rq->nohz_tick_stopped, as the owner keeps ticking; in the kick model (3.3+) every CPU
  // between nohz_stop_tick() and nohz_restart_tick().
  bool tick_stopped(int cpu) const {
    if (m.profile.nohz_model == NohzModel::OwnerLoadBalancer) return m.rq(cpu).nohz_tick_stopped;
    return cpus[static_cast<size_t>(cpu)].nohz_idle;
  }
  bool tick_enabled(int cpu) const {
    return m.online.test(cpu) && !cpus[static_cast<size_t>(cpu)].ticked && !tick_stopped(cpu);
  }
  bool softirq_enabled(int cpu) const {
    return cpus[static_cast<size_t>(cpu)].softirq.has_value() ||
           (m.online.test(cpu) && m.rq(cpu).sched_softirq_pending);
  }

  // The model queues active-balance work oldest first (LbState::stopper_work) and runs
  // the oldest: it is a step of the CPU it was queued on.
  bool stopper_enabled(int cpu) const {
    return own_balancer && !own_balancer->state.stopper_work.empty() &&
           own_balancer->state.stopper_work.front() == cpu;
  }

  // The idle loop stops the tick once nothing is left to run (tick_nohz_idle_stop_tick()),
  // and restarts it when the CPU has work again (tick_nohz_idle_exit()).
  bool tick_stop_enabled(int cpu) const {
    return nohz_on && m.online.test(cpu) && !cpus[static_cast<size_t>(cpu)].nohz_idle &&
           idle_cpu(m.rq(cpu)) && !softirq_enabled(cpu) && !stopper_enabled(cpu);
  }
  bool tick_restart_enabled(int cpu) const {
    return cpus[static_cast<size_t>(cpu)].nohz_idle && !idle_cpu(m.rq(cpu));
  }
  bool ipi_enabled(int cpu) const { return m.nohz.ipi_pending.test(cpu); }

  bool enabled(int actor) const {
    if (actor == workload_actor()) return !pending.empty();
    return tick_enabled(actor) || softirq_enabled(actor) || stopper_enabled(actor) ||
           tick_stop_enabled(actor) || tick_restart_enabled(actor) || ipi_enabled(actor);
  }

  void update_actor(int actor) {
    int& pos = actor_pos[static_cast<size_t>(actor)];
    const bool want = enabled(actor);
    if (want && pos < 0) {
      pos = static_cast<int>(actors.size());
      actors.push_back(actor);
    } else if (!want && pos >= 0) {
      const int moved = actors.back();
      actors[static_cast<size_t>(pos)] = moved;
      actor_pos[static_cast<size_t>(moved)] = pos;
      actors.pop_back();
      pos = -1;
    }
  }

  // schedule() is not modelled beyond this: an rq with tasks and no running one runs its
  // list head; the running task keeps running until it leaves or its tick hands the CPU on.
  void pick_next(int cpu) {
    Rq& rq = m.rq(cpu);
    if (rq.tasks.empty() || rq.curr()) return;
    rq.tasks.front().running = true;
    rq.tasks.front().exec_start_ns = rq_clock_task_ns(m);
  }

  void settle_dirty() {
    if (own_balancer && !own_balancer->state.stopper_work.empty())
      dirty.push_back(own_balancer->state.stopper_work.front());
    for (int cpu : dirty) {
      if (cpu < 0 || cpu >= m.nr_cpu_ids()) continue;
      pick_next(cpu);
      update_actor(cpu);
    }
    dirty.clear();
  }

  // sched_tick(): update_curr() stamps the running task, then (standing in for CFS time
  // slices) the CPU passes to the next task in list order, which starts now; then the
  // balancing part, idle sampling and the trigger (sched_balance_trigger.h).
  void tick(int cpu, BalanceEventSink& sink) {
    Rq& rq = m.rq(cpu);
    const uint64_t now = rq_clock_task_ns(m);
    auto curr =
        std::find_if(rq.tasks.begin(), rq.tasks.end(), [](const Task& t) { return t.running; });
    if (curr != rq.tasks.end()) {
      curr->exec_start_ns = now;
      if (rq.tasks.size() > 1) {
        curr->running = false;
        auto next = std::next(curr) == rq.tasks.end() ? rq.tasks.begin() : std::next(curr);
        next->running = true;
        next->exec_start_ns = now;
      }
    }
    sched_tick_balance(m, cpu, *nohz, sink);
    cpus[static_cast<size_t>(cpu)].ticked = true;
    ++summary.cpu_ticks;
  }

  void softirq_step(int cpu, BalanceEventSink& sink) {
    CpuSim& c = cpus[static_cast<size_t>(cpu)];
    if (!c.softirq) c.softirq.emplace(cpu);
    c.softirq->step(m, *balancer, *nohz, sink);
    if (c.softirq->done()) {
      c.softirq.reset();
      ++summary.softirqs;
    }
  }

  // Where a runnable task is: the recorded CPU when its rq has it (always, unless a part of
  // the model moved it without a TaskMigrateEvent), else a search of every rq.
  std::optional<std::pair<int, size_t>> locate(int pid) {
    auto find_on = [&](int cpu) -> std::optional<size_t> {
      const std::vector<Task>& ts = m.rq(cpu).tasks;
      for (size_t i = 0; i < ts.size(); ++i)
        if (ts[i].pid == pid) return i;
      return std::nullopt;
    };
    const int hint = tasks[static_cast<size_t>(pid)].cpu;
    if (hint >= 0 && hint < m.nr_cpu_ids())
      if (auto i = find_on(hint)) return std::pair{hint, *i};
    for (int cpu = 0; cpu < m.nr_cpu_ids(); ++cpu)
      if (auto i = find_on(cpu)) return std::pair{cpu, *i};
    return std::nullopt;
  }

  // enqueue_task(): at the list head (v2.6.32+) or tail (v2.6.20), Profile::enqueue_position.
  void enqueue(int cpu, Task t) {
    t.running = false;
    std::vector<Task>& ts = m.rq(cpu).tasks;
    if (m.profile.enqueue_position == EnqueuePosition::Tail)
      ts.push_back(std::move(t));
    else
      ts.insert(ts.begin(), std::move(t));
    dirty.push_back(cpu);
  }

  Task dequeue(int cpu, size_t index) {
    std::vector<Task>& ts = m.rq(cpu).tasks;
    Task t = ts[index];
    ts.erase(ts.begin() + static_cast<std::ptrdiff_t>(index));
    t.running = false;
    dirty.push_back(cpu);
    return t;
  }

  // The first online CPU of `allowed`, preferring `prev` (the wakeup placement of
  // workload.h), or -1.
  int place(const CpuMask& allowed, int prev) const {
    if (prev >= 0 && allowed.test(prev) && m.online.test(prev)) return prev;
    return (allowed & m.online).first();
  }

  // Applies a workload event; the observer sees it, then the migration it caused (a task
  // whose new affinity excludes its CPU moves, as migration_cpu_stop() does after the
  // sched_setaffinity() call, so the trace prints the call before the sched_migrate_task).
  TaskEventResult apply(TaskEvent& e, SimObserver& observer, BalanceEventSink& sink) {
    std::optional<TaskMigrateEvent> moved;
    const TaskEventResult r = apply(e, moved);
    if (r != TaskEventResult::Done) return r;
    observer.on_task_event(e);
    if (moved) sink.emit(*moved);
    return r;
  }

  TaskEventResult apply(TaskEvent& e, std::optional<TaskMigrateEvent>& moved) {
    const auto valid_pid = [&] {
      return e.pid > 0 && static_cast<size_t>(e.pid) < tasks.size() &&
             tasks[static_cast<size_t>(e.pid)].state != TaskState::Exited;
    };
    switch (e.kind) {
      case TaskEventKind::Fork: {
        if (e.cpu < 0 || e.cpu >= m.nr_cpu_ids() || !m.online.test(e.cpu))
          return TaskEventResult::BadCpu;
        if (e.cpus_allowed.empty()) e.cpus_allowed = CpuMask::range(0, m.nr_cpu_ids() - 1);
        const int cpu = place(e.cpus_allowed, e.cpu);
        if (cpu < 0) return TaskEventResult::NoAllowedCpu;
        e.pid = static_cast<int>(tasks.size());
        e.cpu = cpu;
        Task t;
        t.pid = e.pid;
        t.load_weight = e.load_weight;
        t.util = e.util;
        t.cpus_allowed = e.cpus_allowed;
        t.exec_start_ns = rq_clock_task_ns(m);
        tasks.push_back(SimTask{e.pid, TaskState::Runnable, cpu});
        parked.push_back(Task{});
        enqueue(cpu, std::move(t));
        return TaskEventResult::Done;
      }
      case TaskEventKind::Exit:
      case TaskEventKind::Sleep: {
        if (!valid_pid()) return TaskEventResult::NoSuchTask;
        SimTask& st = tasks[static_cast<size_t>(e.pid)];
        if (st.state == TaskState::Sleeping) {
          if (e.kind == TaskEventKind::Sleep) return TaskEventResult::WrongState;
          st.state = TaskState::Exited;  // a sleeping task is killed
          e.cpu = st.cpu;
          return TaskEventResult::Done;
        }
        const auto where = locate(e.pid);
        if (!where) return TaskEventResult::NoSuchTask;
        Task t = dequeue(where->first, where->second);
        st.cpu = e.cpu = where->first;
        if (e.kind == TaskEventKind::Sleep) {
          st.state = TaskState::Sleeping;
          parked[static_cast<size_t>(e.pid)] = std::move(t);
        } else {
          st.state = TaskState::Exited;
        }
        return TaskEventResult::Done;
      }
      case TaskEventKind::Wake: {
        if (!valid_pid()) return TaskEventResult::NoSuchTask;
        SimTask& st = tasks[static_cast<size_t>(e.pid)];
        if (st.state != TaskState::Sleeping) return TaskEventResult::WrongState;
        Task& t = parked[static_cast<size_t>(e.pid)];
        int cpu = place(t.cpus_allowed, st.cpu);
        // try_to_wake_up() -> select_task_rq(): a task whose allowed CPUs all went offline
        // while it slept wakes through select_fallback_rq(), which widens its affinity.
        if (cpu < 0) cpu = select_fallback_rq(m, st.cpu, t).cpu;
        if (cpu < 0) return TaskEventResult::NoAllowedCpu;
        st.state = TaskState::Runnable;
        st.cpu = e.cpu = cpu;
        enqueue(cpu, std::move(t));
        return TaskEventResult::Done;
      }
      case TaskEventKind::SetAffinity: {
        if (!valid_pid()) return TaskEventResult::NoSuchTask;
        // __set_cpus_allowed_ptr(): -EINVAL when the new mask has no active CPU.
        if (!e.cpus_allowed.intersects(m.online)) return TaskEventResult::NoAllowedCpu;
        SimTask& st = tasks[static_cast<size_t>(e.pid)];
        if (st.state == TaskState::Sleeping) {
          parked[static_cast<size_t>(e.pid)].cpus_allowed = e.cpus_allowed;
          e.cpu = st.cpu;
          return TaskEventResult::Done;
        }
        const auto where = locate(e.pid);
        if (!where) return TaskEventResult::NoSuchTask;
        Task& t = m.rq(where->first).tasks[where->second];
        t.cpus_allowed = e.cpus_allowed;
        st.cpu = e.cpu = where->first;
        // A task on a CPU it may no longer use is moved off at once (the kernel does it
        // through the stopper, migration_cpu_stop(); its own step is not modelled).
        if (!e.cpus_allowed.test(where->first)) {
          Task t_moved = dequeue(where->first, where->second);
          st.cpu = e.cpu = place(e.cpus_allowed, -1);
          moved = TaskMigrateEvent{e.pid, where->first,           e.cpu,          where->first,
                                   -1,    where->first,           e.cpus_allowed, 0,
                                   false, MigrateReason::Affinity};
          enqueue(e.cpu, std::move(t_moved));
        }
        return TaskEventResult::Done;
      }
    }
    return TaskEventResult::WrongState;
  }

  // The rebuild replaces the domains a pass in flight or queued stopper work still uses:
  // hotplug waits for quiescence, the stand-in for stop_machine() / RCU (spec/simulator.md).
  bool hotplug_busy() const {
    if (own_balancer && !own_balancer->state.stopper_work.empty()) return true;
    return std::any_of(cpus.begin(), cpus.end(),
                       [](const CpuSim& c) { return c.softirq.has_value(); });
  }

  HotplugResult hotplug_allowed(int cpu, bool up) const {
    if (config.topology) return HotplugResult::NoMachine;
    if (cpu < 0 || cpu >= m.nr_cpu_ids()) return HotplugResult::BadCpu;
    if (m.online.test(cpu) == up) return HotplugResult::WrongState;
    if (!up && m.online.weight() == 1) return HotplugResult::LastCpu;
    if (hotplug_busy()) return HotplugResult::Busy;
    return HotplugResult::Done;
  }

  // After the masks changed: the domains for the new set, fresh sched_group_capacity (the
  // build allocates new sgc, so no group is marked imbalanced), every CPU's actions looked
  // at again.
  void rebuild() {
    rebuild_sched_domains(m, config.machine);
    if (own_balancer) own_balancer->state.sgc_imbalance.clear();
    for (int cpu = 0; cpu < m.nr_cpu_ids(); ++cpu) dirty.push_back(cpu);
  }

  // sched_cpu_deactivate() .. sched_cpu_dying() as one step (model/topology/sched_hotplug.h).
  void cpu_down(int cpu, BalanceEventSink& sink) {
    sink.emit(HotplugEvent{cpu, false});
    nohz_cpu_offline(m, cpu);
    cpus[static_cast<size_t>(cpu)].nohz_idle = false;
    m.active.clear(cpu);
    rebuild();
    // migrate_tasks() / migrate_live_tasks(): every task leaves, to select_fallback_rq().
    while (!m.rq(cpu).tasks.empty()) {
      Task t = dequeue(cpu, 0);
      const FallbackRq to = select_fallback_rq(m, cpu, t);
      TaskMigrateEvent moved{
          t.pid, cpu, to.cpu, cpu, -1, cpu, t.cpus_allowed, 0, false, MigrateReason::Hotplug};
      enqueue(to.cpu, std::move(t));
      sink.emit(moved);
    }
    m.online.clear(cpu);
    update_max_interval(m);  // sched_cpu_dying(), after the CPU left cpu_online_mask
  }

  // sched_cpu_activate(): online and active, then the rebuild attaches the CPU.
  void cpu_up(int cpu, BalanceEventSink& sink) {
    sink.emit(HotplugEvent{cpu, true});
    update_max_interval(m);  // sched_rq_cpu_starting(), before set_cpu_online()
    m.online.set(cpu);
    m.active.set(cpu);
    rebuild();
  }

  void queue_workload_events() {
    const WorkloadView view{m, tasks, tick_index};
    for (TaskEvent& e : workload->events(view, workload_rng)) pending.push_back(std::move(e));
    update_actor(workload_actor());
  }

  void end_jiffy(SimObserver& observer) {
    advance_jiffies(m);
    ++tick_index;
    ++summary.ticks;
    observer.on_jiffy(m.jiffies);
    for (CpuSim& c : cpus) c.ticked = false;
    for (int cpu = 0; cpu < m.nr_cpu_ids(); ++cpu) update_actor(cpu);
    queue_workload_events();
  }
};

namespace {

// Forwards the model's events to the observer, counts them for the summary and notes the
// CPUs whose enabled actions or running task they may have changed.
class StepSink final : public BalanceEventSink {
 public:
  StepSink(SimSummary& s, std::vector<SimTask>& tasks, std::vector<int>& dirty, SimObserver& o)
      : summary_(s), tasks_(tasks), dirty_(dirty), observer_(o) {}

  void emit(const BalanceEvent& e) override {
    if (std::holds_alternative<PassStartEvent>(e)) {
      ++summary_.passes;
    } else if (const auto* b = std::get_if<BalanceResultEvent>(&e)) {
      ++summary_.balances;
      dirty_.push_back(b->cpu);
    } else if (const auto* s = std::get_if<SerializeEvent>(&e)) {
      summary_.serialize_busy += s->action == SerializeAction::Busy;
    } else if (const auto* t = std::get_if<TaskMigrateEvent>(&e)) {
      summary_.migrations += t->reason == MigrateReason::Balance;
      if (t->pid > 0 && static_cast<size_t>(t->pid) < tasks_.size())
        tasks_[static_cast<size_t>(t->pid)].cpu = t->to_cpu;
      dirty_.push_back(t->from_cpu);
      dirty_.push_back(t->to_cpu);
    } else if (const auto* r = std::get_if<SoftirqRaiseEvent>(&e)) {
      dirty_.push_back(r->cpu);
    } else if (const auto* k = std::get_if<NohzKickEvent>(&e)) {
      dirty_.push_back(k->target);
    } else if (const auto* a = std::get_if<ActiveBalanceEvent>(&e)) {
      summary_.active_balances += a->action == ActiveBalanceAction::Run;
      dirty_.push_back(a->busiest_cpu);
      dirty_.push_back(a->push_cpu);
    }
    observer_.emit(e);
  }

 private:
  SimSummary& summary_;
  std::vector<SimTask>& tasks_;
  std::vector<int>& dirty_;
  SimObserver& observer_;
};

}  // namespace

namespace {

// The topology a run starts from and the CPUs online in it: the era's build of the machine
// description, or a dump completed with sd_init() defaults whose described CPUs are online.
// Empty, with `error` set, when the dump cannot be simulated.
std::optional<std::pair<Topology, CpuMask>> initial_topology(const SimConfig& c, uint64_t jiffies,
                                                             std::string& error, int& error_line) {
  if (!c.topology) {
    if (const std::string bad = validate_machine_spec(c.machine); !bad.empty()) {
      error = "machine: " + bad;
      return std::nullopt;
    }
    return std::pair{build_sched_domains(c.machine, c.profile.version, jiffies),
                     online_cpus(c.machine)};
  }
  Topology t = *c.topology;
  fill_sd_init_defaults(t, c.profile.version);
  CpuMask described, spanned;
  for (const auto& [cpu, chain] : t.cpus) {
    described.set(cpu);
    for (const SchedDomain& sd : chain.domains) {
      if (!sd.span) {
        error = "CPU" + std::to_string(cpu) + "'s domain " + sd.name + " has no span: a " +
                t.source.format +
                " dump prints none; simulate a sched_verbose boot log or "
                "/proc/schedstat";
        error_line = sd.line;
        return std::nullopt;
      }
      spanned |= *sd.span;
    }
  }
  if (described.empty()) {
    error = "the topology describes no CPU";
    return std::nullopt;
  }
  if (!spanned.andnot(described).empty()) {
    error = "the domains span CPUs " + spanned.andnot(described).to_cpulist() +
            " whose own domains the topology does not describe (an excerpt of some CPUs "
            "cannot be simulated; dump every CPU)";
    return std::nullopt;
  }
  return std::pair{std::move(t), described};
}

}  // namespace

Simulator::Build Simulator::create(const SimConfig& config) {
  Build b;
  WorkloadLookup w = make_workload(config.workload);
  if (!w.workload) {
    b.error = w.error;
    return b;
  }
  const uint64_t jiffies = initial_jiffies(config.profile.hz);
  auto start = initial_topology(config, jiffies, b.error, b.error_line);
  if (!start) return b;
  MachineBuild mb =
      make_machine(start->first, config.profile, MachineOptions{jiffies, start->second, {}});
  if (!mb.machine) {
    b.error = mb.error;
    return b;
  }
  auto impl = std::make_unique<Impl>(config, std::move(*mb.machine));
  impl->topology = std::move(start->first);
  impl->workload = std::move(w.workload);
  for (int cpu = 0; cpu < impl->m.nr_cpu_ids(); ++cpu) impl->update_actor(cpu);
  impl->queue_workload_events();
  b.sim.emplace(Simulator(std::move(impl)));
  return b;
}

Simulator::Simulator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Simulator::Simulator(Simulator&&) noexcept = default;
Simulator& Simulator::operator=(Simulator&&) noexcept = default;
Simulator::~Simulator() = default;

StepInfo Simulator::step(SimObserver& observer) {
  Impl& s = *impl_;
  ++s.summary.steps;
  if (s.actors.empty()) {
    s.end_jiffy(observer);
    return {StepKind::JiffyEnd, -1};
  }
  StepSink sink(s.summary, s.tasks, s.dirty, observer);
  const int actor = s.actors[s.sched_rng.below(s.actors.size())];
  StepInfo info;
  if (actor == s.workload_actor()) {
    TaskEvent e = std::move(s.pending.front());
    s.pending.pop_front();
    s.update_actor(actor);
    ++s.summary.task_events;
    s.apply(e, observer, sink);
    info = {StepKind::Task, -1};
  } else {
    // A CPU with several actions enabled: the tick may interrupt the softirq, and the
    // stopper may run before or after either, so any of them may come first.
    StepKind kinds[6];
    size_t n = 0;
    if (s.tick_enabled(actor)) kinds[n++] = StepKind::Tick;
    if (s.softirq_enabled(actor)) kinds[n++] = StepKind::Softirq;
    if (s.stopper_enabled(actor)) kinds[n++] = StepKind::Stopper;
    if (s.tick_stop_enabled(actor)) kinds[n++] = StepKind::TickStop;
    if (s.tick_restart_enabled(actor)) kinds[n++] = StepKind::TickRestart;
    if (s.ipi_enabled(actor)) kinds[n++] = StepKind::Ipi;
    info = {kinds[n == 1 ? 0 : s.sched_rng.below(n)], actor};
    CpuSim& c = s.cpus[static_cast<size_t>(actor)];
    switch (info.kind) {
      case StepKind::Tick:
        s.tick(actor, sink);
        break;
      case StepKind::Softirq:
        s.softirq_step(actor, sink);
        break;
      case StepKind::Stopper:
        run_stopper_work(s.m, s.own_balancer->state, s.m.profile, sink);
        break;
      case StepKind::TickStop:
        nohz_stop_tick(s.m, actor, sink);
        c.nohz_idle = true;
        break;
      case StepKind::TickRestart:
        nohz_restart_tick(s.m, actor, sink);
        c.nohz_idle = false;
        break;
      case StepKind::Ipi:
        nohz_ipi(s.m, actor, sink);
        break;
      case StepKind::Task:
      case StepKind::JiffyEnd:
        break;
    }
    s.dirty.push_back(actor);
  }
  s.settle_dirty();
  return info;
}

void Simulator::run_jiffy(SimObserver& observer) {
  while (step(observer).kind != StepKind::JiffyEnd) {
  }
}

void Simulator::run_ticks(uint64_t ticks, SimObserver& observer) {
  for (uint64_t i = 0; i < ticks; ++i) run_jiffy(observer);
}

TaskEventResult Simulator::apply(TaskEvent& e, SimObserver& observer) {
  Impl& s = *impl_;
  ++s.summary.task_events;
  StepSink sink(s.summary, s.tasks, s.dirty, observer);
  const TaskEventResult r = s.apply(e, observer, sink);
  s.settle_dirty();
  return r;
}

HotplugResult Simulator::cpu_down(int cpu, SimObserver& observer) {
  return set_cpu_online(cpu, false, observer);
}

HotplugResult Simulator::cpu_up(int cpu, SimObserver& observer) {
  return set_cpu_online(cpu, true, observer);
}

HotplugResult Simulator::set_cpu_online(int cpu, bool online, SimObserver& observer) {
  Impl& s = *impl_;
  const HotplugResult r = s.hotplug_allowed(cpu, online);
  if (r != HotplugResult::Done) return r;
  StepSink sink(s.summary, s.tasks, s.dirty, observer);
  if (online)
    s.cpu_up(cpu, sink);
  else
    s.cpu_down(cpu, sink);
  s.settle_dirty();
  return r;
}

HotplugResult Simulator::hotplug_allowed(int cpu, bool online) const {
  return impl_->hotplug_allowed(cpu, online);
}

const MachineState& Simulator::machine() const { return impl_->m; }
const MachineSpec& Simulator::machine_spec() const { return impl_->config.machine; }
const Topology& Simulator::topology() const { return impl_->topology; }
const std::vector<SimTask>& Simulator::tasks() const { return impl_->tasks; }
const SimSummary& Simulator::summary() const { return impl_->summary; }
uint64_t Simulator::seed() const { return impl_->config.seed; }
bool Simulator::at_jiffy_boundary() const { return impl_->actors.empty(); }

std::vector<const SchedBalanceDomains*> Simulator::passes_in_flight() const {
  std::vector<const SchedBalanceDomains*> out;
  for (const CpuSim& c : impl_->cpus)
    if (c.softirq && c.softirq->pass() && !c.softirq->pass()->done())
      out.push_back(&*c.softirq->pass());
  return out;
}

}  // namespace sbm
