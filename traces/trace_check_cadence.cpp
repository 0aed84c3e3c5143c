#include "traces/trace_check_cadence.h"

#include <algorithm>
#include <functional>

#include "model/balance/balance_interval.h"
#include "model/profile.h"
#include "traces/sched_event_fields.h"
#include "traces/softirq_fields.h"
#include "traces/trace_check_mainline.h"

namespace sbm {

namespace {

// The tick's hrtimer callback: tick_sched_timer() until v6.9 named it tick_nohz_handler()
// (kernel/time/tick-sched.c).
bool is_tick_function(std::string_view f) {
  return f.starts_with("tick_nohz_handler") || f.starts_with("tick_sched_timer");
}

std::optional<int64_t> field_i64(std::optional<std::string_view> v) {
  if (!v || v->empty()) return std::nullopt;
  int64_t x = 0;
  for (const char ch : *v) {
    if (ch < '0' || ch > '9' || x > (INT64_MAX - 9) / 10) return std::nullopt;
    x = x * 10 + (ch - '0');
  }
  return x;
}

std::string jiffy_text(int64_t j) { return "jiffy +" + std::to_string(j); }

}  // namespace

TickCadenceCheck::Cpu& TickCadenceCheck::cpu(int c) {
  const auto i = static_cast<std::size_t>(c);
  if (i >= cpus_.size()) cpus_.resize(i + 1);
  return cpus_[i];
}

TickCadenceCheck::Cpu* TickCadenceCheck::cpu_at(std::optional<int> c) {
  return c && *c >= 0 && *c < machine_->nr_cpu_ids() ? &cpu(*c) : nullptr;
}

// The machine is the replay's, built at the trace's first event; the check judges only what
// the era's trigger is known for (the v4.19+ profiles) and needs the trace's HZ.
bool TickCadenceCheck::ready(const MachineState* machine, std::string_view why) {
  if (checked_machine_) return machine_ != nullptr;
  checked_machine_ = true;
  if (!machine) {
    not_checkable_ = why.empty() ? "no machine to check against" : std::string(why);
    return false;
  }
  // The v4.19+ trigger: the profiles whose NOHZ balancer is kicked (NohzModel).
  if (machine->profile.nohz_model != NohzModel::KickIdleLoadBalancer) {
    not_checkable_ =
        "the tick cadence is modelled for the v4.19 and later profiles (sched_balance_trigger(): "
        "raise when due, then the NOHZ kick); this trace's is " +
        machine->profile.version.str();
    return false;
  }
  machine_ = machine;
  const unsigned hz = machine->profile.hz;
  tick_nsec_ = (1'000'000'000ull + hz / 2) / hz;  // TICK_NSEC, include/linux/jiffies.h
  params_.resize(static_cast<std::size_t>(machine->nr_cpu_ids()));
  for (int c = 0; c < machine->nr_cpu_ids(); ++c) {
    for (const RqDomain& d : machine->rq(c).sd) {
      LevelParams p;
      p.min_interval = d.min_interval;
      p.max_interval = d.max_interval;
      p.busy_factor = d.busy_factor;
      p.serialize = d.flags().has(SdFlag::Serialize);
      p.may_stop = d.sd.groups && !d.sd.groups->empty() && d.sd.groups->front().span.weight() > 1;
      // What sched_balance_rq() can leave in balance_interval: min_interval (unbalanced), the
      // value as it was, or the back-off's doubling (with ALL_PINNED, which allows the most).
      std::vector<uint64_t> todo{d.initial_balance_interval, d.min_interval};
      while (!todo.empty()) {
        const uint64_t bi = todo.back();
        todo.pop_back();
        if (std::find(p.reachable_bi.begin(), p.reachable_bi.end(), bi) != p.reachable_bi.end())
          continue;
        p.reachable_bi.push_back(bi);
        const uint64_t grown = balance_interval_backoff(WrapOps{32}, bi, uint64_t{p.max_interval},
                                                        true, machine->profile.max_pinned_interval);
        if (grown != bi) todo.push_back(grown);
      }
      std::sort(p.reachable_bi.begin(), p.reachable_bi.end());
      params_[static_cast<std::size_t>(c)].push_back(std::move(p));
    }
  }
  return true;
}

uint64_t TickCadenceCheck::interval(int c, std::size_t level, uint64_t bi, bool busy) const {
  const MachineState& m = *machine_;
  const LevelParams& p = params_[static_cast<std::size_t>(c)][level];
  return get_sd_balance_interval(m.ops, m.ops.lit(bi), m.ops.lit(p.busy_factor), busy,
                                 interval_rule(m.profile), balance_interval_cap(m));
}

void TickCadenceCheck::feed(const TraceRecord& r, const MachineState* machine, std::string_view why,
                            std::vector<Violation>& out) {
  if (r.kind == TraceRecordKind::LostEvents) {
    // A gap: whatever happened in it is unknown.
    for (Cpu& c : cpus_) {
      start_over(c);
      c.in_tick = c.pass_pending = c.kick_pending = false;
      c.preempted_queued = 0;
    }
    preempted_on_.clear();
    return;
  }
  if (r.kind != TraceRecordKind::Event || r.cpu < 0) return;
  // Nothing is judged before the first tick event; the tick's events have no TraceEventId, so
  // a trace without them (sbm's own, or a recording without the timer events) costs one test.
  if (!have_first_tick_ && r.id != TraceEventId::Unknown) return;
  if (!ready(machine, why)) return;
  if (r.cpu >= machine_->nr_cpu_ids()) return;
  // The comm-pid column is the task current on the CPU. 6.18 also shows a CPU back in idle
  // with no sched_switch to say so: the task blocked unseen, so newidle may have run.
  if (r.pid >= 0 && r.id != TraceEventId::Switch) {
    Cpu& c = cpu(r.cpu);
    if (r.pid == 0 && c.curr > 0 && c.tracking && c.preempted_queued == 0) newidle(r.cpu);
    if (r.pid > 0 && r.pid != c.curr) dequeue_preempted(r.pid);  // running, so not queued
    c.curr = r.pid;
  }
  const std::string_view name = bare_trace_event_name(r.event);
  if (name == "hrtimer_expire_entry")
    on_tick_entry(r, out);
  else if (name == "hrtimer_expire_exit")
    on_tick_exit(r, out);
  else if (r.id == TraceEventId::SoftirqRaise || r.id == TraceEventId::SoftirqEntry) {
    const SoftirqFields f = read_softirq_fields(r.fields, fields_);
    const bool sched = f.vec ? *f.vec == machine_->profile.sched_softirq_vec : f.action == "SCHED";
    if (!sched) return;
    if (r.id == TraceEventId::SoftirqRaise)
      on_raise(r, out);
    else
      on_pass(r);
  } else if (r.id == TraceEventId::Switch)
    on_switch(r);
  else if (r.id == TraceEventId::Migrate)
    on_migrate(r);
  else if (r.id == TraceEventId::Wake || r.id == TraceEventId::Fork)
    on_wakeup(r);
  else if (name == "ipi_send_cpu" || name == "ipi_send_cpumask" || name == "csd_queue_cpu")
    on_ipi(r);
  else if (name == "csd_function_entry") {
    // sched_ttwu_pending() runs the CPU's wakelist: what it wakes is queued (and shown) now.
    fields_.reset(r.fields);
    if (const auto f = fields_.find("func"); f && f->starts_with("sched_ttwu_pending"))
      cpu(r.cpu).ttwu_pending = false;
  }
}

// idle_cpu() (kernel/sched/core.c, v6.18) is false while the idle task runs but a task is
// already queued (rq->nr_running) or a wakeup waits on the wakelist (rq->ttwu_pending):
// sched_tick() then samples rq->idle_balance as busy and the pass uses the busy interval (a
// 6.18 host shows it: a raise in the idle task with a wakeup just run, then the busy cadence).
// The idle task's raise is an idle pass for sure only when nothing says otherwise: no
// need-resched in the line's flags (set by the enqueue's resched_curr()), no arrival since the
// CPU went idle, no wakelist IPI pending, and a trace that shows wakelist IPIs at all.
bool TickCadenceCheck::idle_for_sure(const TraceRecord& raise, const Cpu& c) const {
  const bool no_resched = raise.flags.size() >= 2 && raise.flags[1] == '.';
  return no_resched && !c.arrival_since_idle && !c.ttwu_pending && wakelist_traced_;
}

void TickCadenceCheck::on_wakeup(const TraceRecord& r) {
  const std::optional<SchedWakeupFields> w = read_sched_wakeup(r, fields_);
  Cpu* const t = w ? cpu_at(w->target_cpu) : nullptr;
  if (!t) return;
  t->arrival_since_idle = true;                         // queued there until it runs
  if (r.cpu == w->target_cpu) t->ttwu_pending = false;  // the wakelist ran (or was not used)
}

void TickCadenceCheck::on_tick_entry(const TraceRecord& r, std::vector<Violation>&) {
  fields_.reset(r.fields);
  const std::optional<std::string_view> timer = fields_.find("hrtimer");
  const std::optional<std::string_view> function = fields_.find("function");
  const std::optional<int64_t> now = field_i64(fields_.find("now"));
  if (!timer || !function || !now || !is_tick_function(*function)) return;
  // Ticks sit on multiples of TICK_NSEC of CLOCK_MONOTONIC, and now= is read when the
  // interrupt is handled, a few microseconds after: now / TICK_NSEC is the tick's jiffy.
  const int64_t tick = *now / static_cast<int64_t>(tick_nsec_);
  if (!have_first_tick_) {
    have_first_tick_ = true;
    first_tick_ = tick;
  }
  Cpu& c = cpu(r.cpu);
  c.in_tick = true;
  c.tick_timer.assign(*timer);
  c.tick_jiffy = tick - first_tick_;
  c.tick_raised = false;
  latest_jiffy_ = std::max(latest_jiffy_, c.tick_jiffy);
  ++summary_.ticks;
}

void TickCadenceCheck::on_tick_exit(const TraceRecord& r, std::vector<Violation>& out) {
  Cpu& c = cpu(r.cpu);
  if (!c.in_tick) return;
  fields_.reset(r.fields);
  const std::optional<std::string_view> timer = fields_.find("hrtimer");
  if (!timer || *timer != c.tick_timer) return;
  c.in_tick = false;
  observe_tick(r.cpu, c.tick_jiffy, c.tick_raised, r, out);
}

void TickCadenceCheck::on_raise(const TraceRecord& r, std::vector<Violation>&) {
  Cpu& c = cpu(r.cpu);
  c.pass_pending = true;
  c.pass_from_tick = c.in_tick;
  if (!c.in_tick) return;
  // sched_tick() samples rq->idle_balance = idle_cpu() before the trigger: the raise's
  // comm-pid column is the task the tick interrupted, pid 0 the idle task.
  c.tick_raised = true;
  c.pass_busy = r.pid != 0;
  c.pass_maybe_busy = c.pass_busy || !idle_for_sure(r, c);
  ++summary_.tick_raises;
}

void TickCadenceCheck::on_pass(const TraceRecord& r) {
  Cpu& c = cpu(r.cpu);
  const bool kicked = c.kick_pending;
  const bool from_tick = c.pass_pending && c.pass_from_tick && !kicked;
  c.pass_pending = false;
  c.kick_pending = false;
  if (kicked) {
    // nohz_idle_balance(): the kicked CPU balances itself and the idle CPUs whose next_balance
    // is due, changing their last_balance and next_balance unseen: they start over.
    start_over(c);
    for (Cpu& other : cpus_)
      if (other.curr <= 0) start_over(other);
    return;
  }
  if (!from_tick) {
    start_over(c);
    return;
  }
  if (!c.tracking) {
    c.tracking = true;
    c.started_line = r.line;
    c.states = initial_states(r.cpu, latest_jiffy_);
    if (c.states.empty()) {
      start_over(c);
      return;
    }
  }
  // jiffies as the softirq reads it: the latest tick's, or one less when this CPU's tick ran
  // before the timekeeping CPU's at the same edge (tick_sched_do_timer(), v6.18).
  std::vector<State> next;
  for (const State& s : c.states)
    for (const int64_t j : {latest_jiffy_ - 1, latest_jiffy_})
      for (const bool b : {false, true}) {
        if (b ? !c.pass_maybe_busy : c.pass_busy) continue;  // pass_maybe_busy covers pass_busy
        std::vector<State> v = pass_states(r.cpu, s, j, b);
        next.insert(next.end(), std::make_move_iterator(v.begin()),
                    std::make_move_iterator(v.end()));
        if (next.size() > 4 * kMaxStates) break;
      }
  keep(r.cpu, std::move(next));
}

void TickCadenceCheck::on_switch(const TraceRecord& r) {
  const std::optional<SchedSwitchFields> sw = read_sched_switch(r, fields_);
  if (!sw) return;
  Cpu& c = cpu(r.cpu);
  const int prev = *sw->prev.pid, next = *sw->next.pid;
  c.curr = next;
  // pick_next_task() chose the idle task: nothing was queued.
  if (next == 0) c.arrival_since_idle = false;
  // sched_balance_newidle() runs from balance_fair() when the previous task blocked and the rq
  // has nothing runnable left (rq->nr_running == 0, v6.18); what it pulls, or what is woken
  // meanwhile, may be next. A task preempted on this CPU and not run or moved since is still
  // queued there and keeps nr_running above 0, which rules newidle out.
  const bool blocked = !sw->prev.state.starts_with("R");
  // prev runs, so it is not among the queued ones, whatever the trace said of it before: 6.18
  // shows tasks running again with no sched_switch to them, and switched out twice.
  dequeue_preempted(prev);
  const bool rq_had_tasks = c.preempted_queued > 0;
  dequeue_preempted(next);
  if (prev != 0 && !blocked) {
    preempted_on_[prev] = r.cpu;
    ++c.preempted_queued;
  }
  if (c.tracking && blocked && prev != 0 && !rq_had_tasks) newidle(r.cpu);
}

void TickCadenceCheck::dequeue_preempted(int pid) {
  const auto it = preempted_on_.find(pid);
  if (it == preempted_on_.end()) return;
  --cpu(it->second).preempted_queued;
  preempted_on_.erase(it);
}

void TickCadenceCheck::on_migrate(const TraceRecord& r) {
  fields_.reset(r.fields);
  if (const std::optional<int> pid = field_int(fields_.find("pid"))) dequeue_preempted(*pid);
  if (Cpu* const dest = cpu_at(field_int(fields_.find("dest_cpu"))))
    dest->arrival_since_idle = true;
}

void TickCadenceCheck::on_ipi(const TraceRecord& r) {
  wakelist_traced_ = true;
  const std::string_view name = bare_trace_event_name(r.event);
  fields_.reset(r.fields);
  Cpu* const target = cpu_at(field_int(fields_.find("cpu")));  // none for ipi_send_cpumask
  const std::optional<std::string_view> callsite = fields_.find("callsite");
  // The queued function: csd_queue_cpu names it as func= (v6.6+), ipi_send_cpu as callback= in
  // the kernels that traced the IPI with the function (v6.3-v6.5).
  const std::optional<std::string_view> callback =
      fields_.find(name == "csd_queue_cpu" ? "func" : "callback");
  // ttwu_queue_wakelist() (kernel/sched/core.c, v6.18) sets the target's rq->ttwu_pending
  // before the IPI; sched_ttwu_pending() clears it (csd_function_entry above).
  if (target && ((callback && callback->starts_with("sched_ttwu_pending")) ||
                 (callsite && callsite->starts_with("ttwu_queue_wakelist"))))
    target->ttwu_pending = true;
  // kick_ilb() queues nohz_csd_func through smp_call_function_single_async().
  if (!callback || !callback->starts_with("nohz_csd_func")) return;
  if (name == "ipi_send_cpumask") {
    for (Cpu& c : cpus_) c.kick_pending = true;
    return;
  }
  if (target) target->kick_pending = true;
}

// Before the first pass the check follows, nothing is known but the era's rules: any
// balance_interval the back-off can reach, any last_balance not after now.
std::vector<TickCadenceCheck::State> TickCadenceCheck::initial_states(int c, int64_t jiffy) const {
  const std::vector<LevelParams>& levels = params_[static_cast<std::size_t>(c)];
  if (levels.empty()) return {};
  std::size_t product = 1;
  for (const LevelParams& p : levels) product *= p.reachable_bi.size();
  if (product > kMaxStates) return {};
  const int64_t far = 60 * static_cast<int64_t>(machine_->profile.hz);
  std::vector<State> out{State{}};
  for (const LevelParams& p : levels) {
    std::vector<State> grown;
    for (const State& s : out)
      for (const uint64_t bi : p.reachable_bi) {
        State t = s;
        t.levels.push_back(Level{jiffy - far, jiffy, bi});
        grown.push_back(std::move(t));
      }
    out = std::move(grown);
  }
  return out;
}

// One sched_balance_domains() pass at `jiffy` (kernel/sched/fair.c, v6.18) over every outcome
// the trace does not show: per level, due or not (when last_balance is not known exactly); when
// due, balance_interval reset, kept or doubled, the CPU busy again after a pull (an idle pass),
// should_we_balance() ending the walk (when the local group has other CPUs), and an
// SD_SERIALIZE trylock that failed. rq->next_balance is the minimum of last_balance + interval
// over the levels visited.
std::vector<TickCadenceCheck::State> TickCadenceCheck::pass_states(int c, const State& s,
                                                                   int64_t jiffy, bool busy) const {
  const std::vector<LevelParams>& levels = params_[static_cast<std::size_t>(c)];
  std::vector<State> out;
  const int64_t start = jiffy + 60 * static_cast<int64_t>(machine_->profile.hz);
  std::function<void(std::size_t, State&, bool, int64_t, int64_t)> walk =
      [&](std::size_t l, State& cur, bool b, int64_t lo, int64_t hi) {
        if (l == levels.size()) {
          cur.next_lo = lo;
          cur.next_hi = hi;
          cur.lowered = false;
          out.push_back(cur);
          return;
        }
        const LevelParams& p = levels[l];
        const Level was = cur.levels[l];
        const auto iv = static_cast<int64_t>(interval(c, l, was.bi, b));
        if (jiffy < was.lb_hi + iv) {  // not due (in some state)
          Level& lv = cur.levels[l];
          lv.lb_lo = std::max(was.lb_lo, jiffy - iv + 1);
          lv.iv = iv;
          walk(l + 1, cur, b, std::min(lo, lv.lb_lo + iv), std::min(hi, lv.lb_hi + iv));
          cur.levels[l] = was;
        }
        if (jiffy < was.lb_lo + iv) return;  // due in no state
        if (p.serialize) {  // the token was taken: skipped to out:, last_balance as it was
          Level& lv = cur.levels[l];
          lv.lb_hi = std::min(was.lb_hi, jiffy - iv);
          lv.iv = iv;
          walk(l + 1, cur, b, std::min(lo, lv.lb_lo + iv), std::min(hi, lv.lb_hi + iv));
          cur.levels[l] = was;
        }
        std::vector<uint64_t> outcomes{
            p.min_interval, was.bi,
            balance_interval_backoff(WrapOps{32}, was.bi, uint64_t{p.max_interval}, true,
                                     machine_->profile.max_pinned_interval)};
        std::sort(outcomes.begin(), outcomes.end());
        outcomes.erase(std::unique(outcomes.begin(), outcomes.end()), outcomes.end());
        for (const uint64_t bi : outcomes)
          for (const bool b2 : b ? std::vector<bool>{true} : std::vector<bool>{false, true}) {
            const auto iv2 = static_cast<int64_t>(interval(c, l, bi, b2));
            cur.levels[l] = Level{jiffy, jiffy, bi, iv2};
            const int64_t lo2 = std::min(lo, jiffy + iv2), hi2 = std::min(hi, jiffy + iv2);
            walk(l + 1, cur, b2, lo2, hi2);
            if (p.may_stop) {  // continue_balancing = 0: the levels above are not visited
              State stopped = cur;
              for (std::size_t above = l + 1; above < levels.size(); ++above)
                stopped.levels[above].iv = 0;
              stopped.next_lo = lo2;
              stopped.next_hi = hi2;
              stopped.lowered = false;
              out.push_back(std::move(stopped));
            }
          }
        cur.levels[l] = was;
      };
  State cur = s;
  walk(0, cur, busy, start, start);
  return out;
}

// sched_balance_newidle() (v6.18): visits a prefix of the levels, folding last_balance + the
// idle interval of each into next_balance (update_next_balance(), before that level's own
// balance), and a balance attempt may reset balance_interval to min_interval. It only ever
// moves rq->next_balance earlier. Doing nothing is one of the outcomes.
void TickCadenceCheck::newidle(int c) {
  Cpu& cp = cpu(c);
  const std::vector<LevelParams>& levels = params_[static_cast<std::size_t>(c)];
  std::vector<State> next = cp.states;
  for (const State& s : cp.states) {
    std::vector<State> partial{s};
    for (std::size_t l = 0; l < levels.size(); ++l) {
      std::vector<State> grown;
      for (State t : partial) {
        const Level& lv = t.levels[l];
        const auto iv = static_cast<int64_t>(interval(c, l, lv.bi, false));
        if (lv.lb_lo + iv < t.next_hi) t.lowered = true;
        t.next_lo = std::min(t.next_lo, lv.lb_lo + iv);
        t.next_hi = std::min(t.next_hi, lv.lb_hi + iv);
        grown.push_back(t);
        if (lv.bi != levels[l].min_interval) {
          t.levels[l].bi = levels[l].min_interval;
          grown.push_back(t);
        }
      }
      next.insert(next.end(), grown.begin(), grown.end());
      partial = std::move(grown);
    }
  }
  keep(c, std::move(next));
}

// What a narrowed rq->next_balance says of last_balance, and back. next_balance <= last_balance
// + iv of every level the pass visited (the minimum, or lower after a newidle balance), so its
// lower bound bounds each such last_balance from below. While next_balance is that minimum
// exactly, it is also at least the smallest last_balance + iv, and when a single level can
// reach the upper bound, that level's last_balance is bounded from above. False when nothing
// is left.
bool TickCadenceCheck::narrow(State& s) {
  int64_t min_lo = INT64_MAX, min_hi = INT64_MAX;
  Level* only = nullptr;
  int candidates = 0;
  for (Level& lv : s.levels) {
    if (lv.iv == 0) continue;
    lv.lb_lo = std::max(lv.lb_lo, s.next_lo - lv.iv);
    if (lv.lb_lo > lv.lb_hi) return false;
    if (lv.lb_lo + lv.iv <= s.next_hi) {
      ++candidates;
      only = &lv;
    }
    min_lo = std::min(min_lo, lv.lb_lo + lv.iv);
    min_hi = std::min(min_hi, lv.lb_hi + lv.iv);
  }
  if (!s.lowered && min_lo != INT64_MAX) {
    if (candidates == 0) return false;
    if (candidates == 1) {
      only->lb_hi = std::min(only->lb_hi, s.next_hi - only->iv);
      min_hi = std::min(min_hi, only->lb_hi + only->iv);
    }
    s.next_lo = std::max(s.next_lo, min_lo);
    s.next_hi = std::min(s.next_hi, min_hi);
  }
  return s.next_lo <= s.next_hi;
}

void TickCadenceCheck::keep(int c, std::vector<State> states) {
  Cpu& cp = cpu(c);
  std::sort(states.begin(), states.end());
  states.erase(std::unique(states.begin(), states.end()), states.end());
  if (states.size() > kMaxStates) {
    ++overflows_;
    start_over(cp);
    return;
  }
  cp.states = std::move(states);
}

void TickCadenceCheck::observe_tick(int c, int64_t j, bool raised, const TraceRecord& r,
                                    std::vector<Violation>& out) {
  Cpu& cp = cpu(c);
  if (!cp.tracking) return;
  // The trigger compares jiffies, which is j or (before the timekeeper's tick) j - 1, with
  // next_balance: a raise needs next_balance <= j, no raise next_balance >= j.
  std::vector<State> kept;
  for (State s : cp.states) {
    if (raised)
      s.next_hi = std::min(s.next_hi, j);
    else
      s.next_lo = std::max(s.next_lo, j);
    if (narrow(s)) kept.push_back(std::move(s));
  }
  ++summary_.ticks_judged;
  if (raised) ++summary_.judged_raises;
  if (!kept.empty()) {
    keep(c, std::move(kept));
    return;
  }
  ++violations_;
  const std::string possible = describe(cp.states);
  Violation v = make_violation(
      "NB-4", c, -1, r.line,
      raised ? "no SCHED softirq raise at " + jiffy_text(j) +
                   ": rq->next_balance is later in every state still possible (" + possible + ")"
             : "a SCHED softirq raise at the tick of " + jiffy_text(j) +
                   ": rq->next_balance is due in every state still possible (" + possible + ")",
      raised ? "the tick raised SCHED_SOFTIRQ" : "the tick ended without raising SCHED_SOFTIRQ",
      "sched_balance_trigger() raises exactly when time_after_eq(jiffies, rq->next_balance); no "
      "outcome of the "
      "balances since line " +
          std::to_string(cp.started_line) + " explains this tick");
  out.push_back(std::move(v));
  start_over(cp);
}

std::string TickCadenceCheck::describe(const std::vector<State>& states) const {
  std::string s;
  const std::size_t shown = std::min<std::size_t>(states.size(), 3);
  for (std::size_t i = 0; i < shown; ++i) {
    const State& st = states[i];
    s += i ? "; " : "";
    s += "next_balance " + std::to_string(st.next_lo) +
         (st.next_hi != st.next_lo ? ".." + std::to_string(st.next_hi) : std::string());
    for (std::size_t l = 0; l < st.levels.size(); ++l) {
      const Level& lv = st.levels[l];
      s += ", domain-" + std::to_string(l) + " last_balance " + std::to_string(lv.lb_lo) +
           (lv.lb_hi != lv.lb_lo ? ".." + std::to_string(lv.lb_hi) : std::string()) +
           " balance_interval " + std::to_string(lv.bi) + " ms";
    }
  }
  if (states.size() > shown) s += "; " + std::to_string(states.size() - shown) + " more";
  return s;
}

CadenceSummary TickCadenceCheck::summary() const {
  CadenceSummary s = summary_;
  s.check.id = "NB-4";
  s.check.instances = static_cast<int>(std::min<uint64_t>(summary_.ticks_judged, INT32_MAX));
  if (violations_ > 0) {
    s.check.outcome = CheckOutcome::Violated;
  } else if (summary_.ticks_judged > 0) {
    s.check.outcome = CheckOutcome::Holds;
  } else {
    s.check.outcome = CheckOutcome::NotCheckable;
    s.check.reason =
        !not_checkable_.empty() ? not_checkable_
        : summary_.ticks == 0
            ? "the trace has no tick events (timer:hrtimer_expire_entry/exit of tick_nohz_handler; "
              "sbm trace record records them)"
            : "no tick came after a SCHED softirq pass of a CPU the check could follow";
  }
  if (summary_.tick_raises > 0)
    s.notes.push_back("NB-4 judged " + std::to_string(summary_.judged_raises) + " of " +
                      std::to_string(summary_.tick_raises) + " tick raises of SCHED_SOFTIRQ and " +
                      std::to_string(summary_.ticks_judged - summary_.judged_raises) +
                      " ticks without one");
  if (overflows_ > 0)
    s.notes.push_back("NB-4 started a CPU over " + std::to_string(overflows_) +
                      " times: more than " + std::to_string(kMaxStates) + " states were possible");
  return s;
}

}  // namespace sbm
