#include "properties/lock_invariants.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>

namespace sbm {

namespace {

std::string rq_name(int rq) { return "rq" + std::to_string(rq); }

bool valid_rq(const RqLockLayout& l, int rq) { return rq >= 0 && rq < l.nr_cpus(); }

// "held -> waited for" over lock ids, each edge with the event that first added it.
using WaitGraph = std::map<int, std::map<int, size_t>>;

// A cycle in the graph as a path a, b, ..., a; empty when there is none.
std::vector<int> find_cycle(const WaitGraph& edges) {
  std::map<int, int> state;  // 0 unvisited, 1 on the stack, 2 done
  std::vector<int> stack;
  std::vector<int> found;
  auto dfs = [&](auto&& self, int u) -> bool {
    state[u] = 1;
    stack.push_back(u);
    const auto it = edges.find(u);
    if (it != edges.end())
      for (const auto& [v, first_event] : it->second) {
        if (state[v] == 1) {
          found.assign(std::find(stack.begin(), stack.end(), v), stack.end());
          found.push_back(v);
          return true;
        }
        if (state[v] == 0 && self(self, v)) return true;
      }
    stack.pop_back();
    state[u] = 2;
    return false;
  };
  for (const auto& [u, vs] : edges)
    if (state[u] == 0 && dfs(dfs, u)) return found;
  return {};
}

}  // namespace

std::vector<Violation> check_lock1_order(LockOrder order, const RqLockLayout& layout,
                                         const std::vector<BalanceEvent>& events) {
  std::vector<Violation> out;
  std::map<int, std::vector<int>> held;  // cpu -> rqs held, in acquisition order
  WaitGraph edges;
  for (size_t i = 0; i < events.size(); ++i) {
    const auto* l = std::get_if<RqLockEvent>(&events[i]);
    if (!l || !valid_rq(layout, l->rq)) continue;
    const size_t first = out.size();
    std::vector<int>& mine = held[l->cpu];
    switch (l->action) {
      case RqLockAction::Acquire:
        for (int h : mine) {
          if (rq_lock_id(layout, h) == rq_lock_id(layout, l->rq)) continue;
          edges[rq_lock_id(layout, h)].try_emplace(rq_lock_id(layout, l->rq), i);
          if (!rq_lock_before(order, layout, h, l->rq))
            out.push_back(make_violation(
                "LOCK-1", l->cpu, -1, 0, rq_name(h) + "'s lock after " + rq_name(l->rq) + "'s",
                "waits for " + rq_name(l->rq) + " holding " + rq_name(h) + " in " + l->site,
                "two rq locks taken against the lock order can deadlock (AB-BA)"));
        }
        mine.push_back(l->rq);
        break;
      case RqLockAction::TryAcquire:
        mine.push_back(l->rq);  // a trylock never waits, so it adds no edge
        break;
      case RqLockAction::TryFail:
        break;
      case RqLockAction::Release: {
        const auto it = std::find(mine.begin(), mine.end(), l->rq);
        if (it != mine.end()) mine.erase(it);
        break;
      }
    }
    stamp_event_line(out, first, i);
  }
  // The cycle is reported at the event that closed it: the latest of its edges.
  const std::vector<int> cycle = find_cycle(edges);
  if (!cycle.empty()) {
    std::string path = rq_name(cycle.front());
    size_t closed = 0;
    for (size_t k = 1; k < cycle.size(); ++k) {
      path += " -> " + rq_name(cycle[k]);
      closed = std::max(closed, edges.at(cycle[k - 1]).at(cycle[k]));
    }
    out.push_back(make_violation("LOCK-1", -1, -1, 0, "no cycle among rq locks", path,
                                 "CPUs wait for rq locks in a cycle: a deadlock is possible"));
    stamp_event_line(out, out.size() - 1, closed);
  }
  return out;
}

Lock2Discipline::Lock2Discipline(RqLockLayout layout, bool start_unknown)
    : layout_(std::move(layout)), start_unknown_(start_unknown) {}

void Lock2Discipline::forget() {
  holder_.clear();
  known_.clear();
  executor_.clear();
}

// The end of a balance or a stopper run executed by `cpu`: every lock it still holds, that no
// earlier end reported, was taken there and not released (sched_balance_rq() and
// active_load_balance_cpu_stop() drop every rq lock they take before they return,
// kernel/sched/fair.c, v6.17).
void Lock2Discipline::balance_end(int cpu, std::size_t i, std::vector<Violation>& out) {
  const std::size_t first = out.size();
  for (auto& [id, h] : holder_) {
    if (h.cpu != cpu || h.reported) continue;
    h.reported = true;
    out.push_back(make_violation("LOCK-2", cpu, -1, 0, rq_name(id) + " released",
                                 "still held when the balance ended",
                                 "a balance must release every rq lock it took"));
  }
  stamp_event_line(out, first, i);
}

void Lock2Discipline::feed(const std::vector<BalanceEvent>& events, std::vector<Violation>& out) {
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (const auto* p = std::get_if<PassStartEvent>(&events[i])) {
      executor_[p->cpu] = p->executing_cpu;
      continue;
    }
    if (const auto* r = std::get_if<BalanceResultEvent>(&events[i])) {
      // Who executed it: the pass's CPU, or the idle load balancer acting for it.
      if (const auto e = executor_.find(r->cpu); e != executor_.end())
        balance_end(e->second, i, out);
      continue;
    }
    if (const auto* a = std::get_if<ActiveBalanceEvent>(&events[i])) {
      if (a->action == ActiveBalanceAction::Run) balance_end(a->busiest_cpu, i, out);
      continue;
    }
    const auto* l = std::get_if<RqLockEvent>(&events[i]);
    if (!l) continue;
    const std::size_t first = out.size();
    if (!valid_rq(layout_, l->rq)) {
      out.push_back(make_violation("LOCK-2", l->cpu, -1, 0, "an rq of the machine",
                                   rq_name(l->rq) + " in " + l->site,
                                   "a lock event names an rq the machine does not have"));
      stamp_event_line(out, first, i);
      continue;
    }
    const int id = rq_lock_id(layout_, l->rq);
    const auto it = holder_.find(id);
    // A release of a lock whose state is unknown may end a section that began before what was
    // read: not judged, and from it on the state is known.
    const bool known = !start_unknown_ || known_.contains(id);
    if (l->action != RqLockAction::TryFail && start_unknown_) known_.insert(id);
    switch (l->action) {
      case RqLockAction::Acquire:
      case RqLockAction::TryAcquire:
        if (it != holder_.end())
          out.push_back(make_violation(
              "LOCK-2", l->cpu, -1, 0, rq_name(l->rq) + " free",
              "held by CPU" + std::to_string(it->second.cpu) + " when taken in " + l->site,
              it->second.cpu == l->cpu ? "a CPU took an rq lock it already holds"
                                       : "an rq lock had two holders"));
        holder_[id] = Held{l->cpu, i, false};
        break;
      case RqLockAction::TryFail:
        break;
      case RqLockAction::Release:
        if (known && (it == holder_.end() || it->second.cpu != l->cpu))
          out.push_back(make_violation(
              "LOCK-2", l->cpu, -1, 0, rq_name(l->rq) + " held by CPU" + std::to_string(l->cpu),
              it == holder_.end() ? "not held, released in " + l->site
                                  : "held by CPU" + std::to_string(it->second.cpu),
              "a CPU released an rq lock it did not hold"));
        if (it != holder_.end()) holder_.erase(it);
        break;
    }
    stamp_event_line(out, first, i);
  }
}

void Lock2Discipline::finish(std::vector<Violation>& out) {
  for (const auto& [id, h] : holder_) {
    if (h.reported) continue;
    out.push_back(make_violation("LOCK-2", h.cpu, -1, 0, rq_name(id) + " released",
                                 "still held at the end",
                                 "an rq lock taken by the balance was never released"));
    stamp_event_line(out, out.size() - 1, h.taken);  // reported where it was taken
  }
}

std::vector<Violation> check_lock2_discipline(const RqLockLayout& layout,
                                              const std::vector<BalanceEvent>& events) {
  std::vector<Violation> out;
  Lock2Discipline d(layout, false);
  d.feed(events, out);
  d.finish(out);
  return out;
}

}  // namespace sbm
