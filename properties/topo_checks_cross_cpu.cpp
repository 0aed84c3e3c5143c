// The cross-CPU TOPO checks: properties no single chain shows, which the kernel relies
// on when it shares groups between CPUs (get_group(), build_sched_groups()), tests in
// topology_span_sane(), and builds balance masks from (build_balance_mask()); all in
// kernel/sched/topology.c, v6.17.
//
// Levels are matched by span, never by domain index: degenerate trimming removes
// different levels on different CPUs (sample 011: CPUs 0-1 have no SMT domain; sample
// 004: CPU0 has three NUMA domains, CPU1 two).
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "properties/topo_check_context.h"

namespace sbm::topo {

namespace {

using C = TopoCheck;

struct DomainAt {
  int cpu;
  int level;
  const SchedDomain* sd;
  const SchedDomain* child;
  const SchedDomain* parent;

  DomainRef ref() const { return DomainRef{cpu, level, *sd, child, parent}; }
};

// Every domain with a known span, by span, so that "which CPUs have a domain with this
// span" is one lookup rather than a scan of every chain (the checker runs on machines
// of thousands of CPUs).
struct SpanHolders {
  CpuMask cpus;                   // CPUs with a domain of this span
  std::vector<DomainAt> domains;  // those domains, in CPU then level order
};
using SpanIndex = std::map<CpuMask, SpanHolders>;

SpanIndex index_spans(const Topology& topo) {
  SpanIndex index;
  for_each_domain(topo, [&](const DomainRef& d) {
    if (!d.sd.span) return;
    SpanHolders& h = index[*d.sd.span];
    h.cpus.set(d.cpu);
    h.domains.push_back(DomainAt{d.cpu, d.level, &d.sd, d.child, d.parent});
  });
  return index;
}

// The highest domain of `cpu` with this span: the one a group of that span stands for
// when the CPU also has a lower domain with the same span (a parent that was not
// trimmed, like 2.6.x's NODE over CPU in sample 003).
const DomainAt* top_domain_of(const SpanHolders& h, int cpu) {
  const auto hi = std::upper_bound(h.domains.begin(), h.domains.end(), cpu,
                                   [](int c, const DomainAt& d) { return c < d.cpu; });
  if (hi == h.domains.begin() || std::prev(hi)->cpu != cpu) return nullptr;
  return &*std::prev(hi);
}

void skip_spanless(TopoCheckContext& ctx, C check) {
  for_each_domain(ctx.topo(), [&](const DomainRef& d) {
    if (!d.sd.span) ctx.skipped(check, ctx.lacks("domain spans"));
  });
}

// Why the other CPUs of `span` cannot be consulted about CPU cpu's domain: none of them
// is in the input. Empty when some is, or when the span has no other CPU.
std::string others_not_described(const TopoCheckContext& ctx, const CpuMask& span, int cpu) {
  CpuMask others = span;
  others.clear(cpu);
  if (others.empty() || others.intersects(ctx.described())) return {};
  return ctx.not_described(others);
}

// The topology level a domain was built at: the builder's index, else the level name.
std::optional<std::string> level_key(const SchedDomain& sd) {
  if (sd.topology_level >= 0) return "#" + std::to_string(sd.topology_level);
  if (!sd.name.empty()) return sd.name;
  return std::nullopt;
}

void check_span_sane(TopoCheckContext& ctx, const SpanIndex& index) {
  skip_spanless(ctx, C::SpanSane);
  struct LevelSpan {
    const CpuMask* span;
    std::vector<DomainAt> domains;
  };
  std::map<std::string, std::vector<LevelSpan>> levels;
  for (const auto& [span, h] : index) {
    for (const DomainAt& d : h.domains) {
      if (ctx.described().weight() < 2) {
        ctx.skipped(C::SpanSane, ctx.not_described(span.andnot(ctx.described())));
        continue;
      }
      if (spans_may_partially_overlap(ctx.topo(), *d.sd)) {
        ctx.looked(C::SpanSane, d.cpu, d.level);
        continue;
      }
      const auto key = level_key(*d.sd);
      if (!key) {
        ctx.skipped(C::SpanSane, ctx.lacks("level names"));
        continue;
      }
      ctx.looked(C::SpanSane, d.cpu, d.level);
      auto& spans = levels[*key];
      if (spans.empty() || spans.back().span != &span) spans.push_back({&span, {}});
      spans.back().domains.push_back(d);
    }
  }
  // Per level, give each CPU to the first span that covers it; a second span covering
  // it is a partial overlap (equal spans share one entry). Linear in the spans' weights.
  std::vector<int> owner(static_cast<size_t>(ctx.topo().all_cpus().last() + 1));
  for (const auto& [key, spans] : levels) {
    std::fill(owner.begin(), owner.end(), -1);
    std::vector<int> conflict(spans.size(), -1);
    for (size_t i = 0; i < spans.size(); ++i) {
      for (int c = spans[i].span->first(); c >= 0; c = spans[i].span->next(c)) {
        int& o = owner[static_cast<size_t>(c)];
        if (o < 0) {
          o = static_cast<int>(i);
        } else {
          if (conflict[i] < 0) conflict[i] = o;
          if (conflict[static_cast<size_t>(o)] < 0)
            conflict[static_cast<size_t>(o)] = static_cast<int>(i);
        }
      }
    }
    for (size_t i = 0; i < spans.size(); ++i) {
      if (conflict[i] < 0) continue;
      const LevelSpan& other = spans[static_cast<size_t>(conflict[i])];
      const DomainAt& o = other.domains.front();
      for (const DomainAt& d : spans[i].domains) {
        Violation v = ctx.violation(C::SpanSane, d.ref(), d.sd->line);
        v.expected = "equal to or disjoint from " + show(*other.span);
        v.observed = show(*spans[i].span);
        v.explanation = domain_phrase(d.ref()) + " spans " + show(*spans[i].span) +
                        ", which overlaps CPU" + std::to_string(o.cpu) + "'s " +
                        level_phrase(o.level, *o.sd) + " span " + show(*other.span) +
                        " without being equal to it; spans of one non-NUMA level must be equal "
                        "or disjoint (topology_span_sane())";
        ctx.report(C::SpanSane, std::move(v), -1);
      }
    }
  }
}

void check_span_agree(TopoCheckContext& ctx, const SpanIndex& index) {
  skip_spanless(ctx, C::SpanAgree);
  for (const auto& [span, h] : index) {
    std::map<std::string, CpuMask> by_name;  // CPUs with a domain of this span, per name
    for (const DomainAt& d : h.domains) by_name[d.sd->name].set(d.cpu);
    const CpuMask want = span & ctx.described();
    for (const DomainAt& d : h.domains) {
      if (const std::string why = others_not_described(ctx, span, d.cpu); !why.empty()) {
        ctx.skipped(C::SpanAgree, why);
        continue;
      }
      ctx.looked(C::SpanAgree, d.cpu, d.level);
      if (spans_may_partially_overlap(ctx.topo(), *d.sd)) continue;
      const CpuMask have = d.sd->name.empty() ? h.cpus : (by_name[d.sd->name] | by_name[""]);
      const CpuMask missing = want.andnot(have);
      if (missing.empty()) continue;
      const CpuMask misnamed = missing & h.cpus;
      const CpuMask absent = missing.andnot(h.cpus);
      std::string why;
      if (!absent.empty())
        why = cpus_phrase(absent) + (absent.weight() == 1 ? " has" : " have") +
              " no domain spanning " + show(span);
      if (!misnamed.empty())
        why += (why.empty() ? "" : ", and ") + cpus_phrase(misnamed) +
               (misnamed.weight() == 1 ? " has one" : " have one") + ", but not at level " +
               d.sd->name;
      Violation v = ctx.violation(C::SpanAgree, d.ref(), d.sd->line);
      v.expected = show(want);
      v.observed = show(want & have);
      v.explanation = domain_phrase(d.ref()) + " spans " + show(span) + ", but " + why +
                      " (CPUs of a non-NUMA span share its domain and groups)";
      ctx.report(C::SpanAgree, std::move(v), -1);
    }
  }
}

using GroupSet = std::vector<const CpuMask*>;  // group spans, sorted by content

GroupSet sorted_groups(const std::vector<SchedGroup>& groups) {
  GroupSet set;
  set.reserve(groups.size());
  for (const SchedGroup& sg : groups) set.push_back(&sg.span);
  std::sort(set.begin(), set.end(), [](const CpuMask* a, const CpuMask* b) { return *a < *b; });
  return set;
}

bool same_groups(const GroupSet& a, const GroupSet& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](const CpuMask* x, const CpuMask* y) { return *x == *y; });
}

std::string show_groups(const GroupSet& set) {
  std::string out;
  for (const CpuMask* m : set) out += (out.empty() ? "{" : ",{") + show(*m) + "}";
  return out.empty() ? "(none)" : out;
}

// One level of one span: its name, and which of a CPU's domains with that span and name
// it is, counted from the base. Two levels may share a span (2.6.x NODE over a single
// node above CPU, sample 003; before v2.6.13 nothing trimmed them) and, in the layouts
// without level names, also the empty name; their groups differ by design
// (init_sched_build_groups() per level, v2.6.12; get_group() per level, v6.17). The
// kernel shares groups only within one level, and builds the same levels on every CPU
// of a non-NUMA span, so the k-th such domain of one CPU is the k-th of the others.
using LevelKey = std::pair<std::string, int>;

// The domains of one span grouped by level. Domains whose level cannot be told (CPUs
// of the span show different numbers of unnamed levels with it) are skipped with a
// reason instead.
std::map<LevelKey, std::vector<const DomainAt*>> domains_by_level(
    TopoCheckContext& ctx, const std::vector<const DomainAt*>& domains) {
  std::map<LevelKey, int> count;  // (name, cpu) -> domains
  for (const DomainAt* d : domains) ++count[{d->sd->name, d->cpu}];
  std::map<std::string, std::pair<int, int>> range;  // name -> (min, max) count per CPU
  for (const auto& [key, n] : count) {
    const auto it = range.try_emplace(key.first, n, n).first;
    it->second = {std::min(it->second.first, n), std::max(it->second.second, n)};
  }
  std::map<LevelKey, std::vector<const DomainAt*>> by_level;
  std::map<LevelKey, int> seen;
  for (const DomainAt* d : domains) {
    const auto [lo, hi] = range.at(d->sd->name);
    if (lo != hi) {
      ctx.skipped(C::GroupsAgree,
                  "CPUs of one span show " + std::to_string(lo) + " to " + std::to_string(hi) +
                      " levels with that span and the same name, so their levels cannot be paired");
      continue;
    }
    by_level[{d->sd->name, seen[{d->sd->name, d->cpu}]++}].push_back(d);
  }
  return by_level;
}

void check_groups_agree(TopoCheckContext& ctx, const SpanIndex& index) {
  skip_spanless(ctx, C::GroupsAgree);
  for (const auto& [span, h] : index) {
    std::vector<const DomainAt*> candidates;
    for (const DomainAt& d : h.domains) {
      if (!d.sd->groups) {
        ctx.skipped(C::GroupsAgree, ctx.lacks("group lists"));
      } else if (const std::string why = others_not_described(ctx, span, d.cpu); !why.empty()) {
        ctx.skipped(C::GroupsAgree, why);
      } else if (spans_may_partially_overlap(ctx.topo(), *d.sd)) {
        ctx.looked(C::GroupsAgree, d.cpu, d.level);
      } else {
        candidates.push_back(&d);
      }
    }
    for (const auto& [level, domains] : domains_by_level(ctx, candidates)) {
      if (domains.size() == 1) {  // the others lack the domain: TOPO-SPAN-AGREE's finding
        ctx.looked(C::GroupsAgree, domains.front()->cpu, domains.front()->level);
        continue;
      }
      // Classes of equal group sets; the one most CPUs see is taken as right.
      struct Class {
        GroupSet groups;
        int count;
      };
      std::vector<Class> classes;
      std::vector<size_t> class_of;
      for (const DomainAt* d : domains) {
        ctx.looked(C::GroupsAgree, d->cpu, d->level);
        GroupSet set = sorted_groups(*d->sd->groups);
        size_t k = 0;
        while (k < classes.size() && !same_groups(classes[k].groups, set)) ++k;
        if (k == classes.size()) classes.push_back({std::move(set), 0});
        ++classes[k].count;
        class_of.push_back(k);
      }
      size_t major = 0;
      for (size_t k = 1; k < classes.size(); ++k)
        if (classes[k].count > classes[major].count) major = k;
      for (size_t i = 0; i < domains.size(); ++i) {
        if (class_of[i] == major) continue;
        const DomainAt& d = *domains[i];
        Violation v = ctx.violation(C::GroupsAgree, d.ref(), d.sd->line);
        v.expected = show_groups(classes[major].groups);
        v.observed = show_groups(classes[class_of[i]].groups);
        v.explanation = domain_phrase(d.ref()) + " spans " + show(span) + " and sees groups " +
                        v.observed + ", but " + std::to_string(classes[major].count) +
                        " CPU(s) with that domain see " + v.expected +
                        " (the groups of a non-NUMA span are shared by its CPUs)";
        ctx.report(C::GroupsAgree, std::move(v), -1);
      }
    }
  }
}

void check_mask_reach(TopoCheckContext& ctx, const SpanIndex& index) {
  for_each_domain(ctx.topo(), [&](const DomainRef& d) {
    if (!d.sd.groups) return ctx.skipped(C::MaskReach, ctx.lacks("group lists"));
    const auto& groups = *d.sd.groups;
    for (size_t g = 0; g < groups.size(); ++g) {
      const SchedGroup& sg = groups[g];
      if (!balance_mask_known(ctx.topo(), d.sd, sg)) {
        ctx.skipped(C::MaskReach, ctx.lacks("group balance masks"));
        continue;
      }
      const CpuMask& mask = sg.effective_balance_mask();
      const CpuMask want = mask & ctx.described();
      if (sg.span.weight() > 1 && want.empty() && !mask.empty()) {
        ctx.skipped(C::MaskReach, ctx.not_described(mask));
        continue;
      }
      ctx.looked(C::MaskReach, d.cpu, d.level);
      if (sg.span.weight() <= 1) continue;  // a single CPU reaches its own group
      const auto it = index.find(sg.span);
      const CpuMask reach = it != index.end() ? (want & it->second.cpus) : CpuMask();
      const CpuMask missing = want.andnot(reach);
      if (missing.empty()) continue;
      Violation v = ctx.violation(C::MaskReach, d, sg.line != 0 ? sg.line : d.sd.line);
      v.expected = show(want);
      v.observed = show(reach);
      v.explanation = cpus_phrase(missing) + " in the balance mask of group " + group_phrase(sg) +
                      " of " + domain_phrase(d) + (missing.weight() == 1 ? " has" : " have") +
                      " no domain spanning " + show(sg.span) +
                      ", so should_we_balance() may designate a CPU that never balances for "
                      "this group";
      ctx.report(C::MaskReach, std::move(v), static_cast<int>(g));
    }
  });
}

void check_root_span(TopoCheckContext& ctx) {
  const Topology& topo = ctx.topo();
  if (!topo.root_span) return ctx.skipped(C::RootSpan, ctx.lacks("root domain span"));
  const CpuMask& root = *topo.root_span;
  for (int c = root.first(); c >= 0; c = root.next(c)) {
    const CpuDomains* chain = topo.find(c);
    if (chain == nullptr) {
      ctx.skipped(C::RootSpan, ctx.not_described(CpuMask::single(c)));
      continue;
    }
    if (chain->domains.empty()) {
      ctx.looked(C::RootSpan, c, -1);
      if (root.weight() == 1) continue;  // a lone CPU's domains are all degenerate
      Violation v = ctx.violation_at_cpu(C::RootSpan, c, chain->line);
      v.expected = show(root);
      v.observed = "no sched domain";
      v.explanation = "CPU" + std::to_string(c) + " is in the root domain span " + show(root) +
                      " but attached no sched domain, so it is never balanced with the others";
      ctx.report(C::RootSpan, std::move(v), -1);
      continue;
    }
    const int level = static_cast<int>(chain->domains.size()) - 1;
    const SchedDomain& top = chain->domains.back();
    if (!top.span) {
      ctx.skipped(C::RootSpan, ctx.lacks("domain spans"));
      continue;
    }
    ctx.looked(C::RootSpan, c, level);
    if (*top.span == root) continue;
    const DomainRef d{c, level, top,
                      level > 0 ? &chain->domains[static_cast<size_t>(level - 1)] : nullptr,
                      nullptr};
    Violation v = ctx.violation(C::RootSpan, d, top.line);
    v.expected = show(root);
    v.observed = show(*top.span);
    v.explanation = "CPU" + std::to_string(c) + "'s top domain, " + level_phrase(level, top) +
                    ", spans " + show(*top.span) + " but the root domain spans " + show(root) +
                    (root.andnot(*top.span).empty() ? ""
                                                    : ": " + cpus_phrase(root.andnot(*top.span)) +
                                                          " are never balanced with it");
    ctx.report(C::RootSpan, std::move(v), -1);
  }
}

// The flags a group of d must carry, or nullopt when the input cannot say; `source`
// says where they come from, to end the message. The local group stands for the child domain
// (get_group() copies child->flags; cpu_attach_domain() re-copies them when it splices out a
// degenerate parent, bf2dc42d6beb, and clears them when it drops a degenerate base). A
// non-local group of a non-overlapping domain is the same object as the local group of
// the CPUs it contains, so it carries the flags of their domain with the group's span,
// even where this CPU's own lower levels were trimmed and d is now its base domain. A
// non-local overlapping group copies another CPU's untrimmed child, which no input
// shows: not checked.
std::optional<SdFlags> expected_group_flags(TopoCheckContext& ctx, const SpanIndex& index,
                                            const DomainRef& d, size_t g, std::string& source) {
  const SchedGroup& sg = (*d.sd.groups)[g];
  const SchedDomain* from = nullptr;
  source =
      "as it stands for no domain (a base domain's group, or a single CPU whose base "
      "domain was trimmed)";
  if (g == 0) {
    from = d.child;
    if (from != nullptr) source = "the flags of its child " + level_phrase(d.level - 1, *from);
  } else {
    const int balance_cpu = sg.effective_balance_mask().first();
    const auto it = index.find(sg.span);
    const DomainAt* rep = it != index.end() ? top_domain_of(it->second, balance_cpu) : nullptr;
    if (rep != nullptr) {
      from = rep->sd;
      source = "the flags of CPU" + std::to_string(rep->cpu) + "'s " +
               level_phrase(rep->level, *rep->sd) + ", which it stands for";
    } else if (sg.span.weight() != 1) {
      ctx.skipped(C::GroupFlags, balance_cpu >= 0 && !ctx.described().test(balance_cpu)
                                     ? ctx.not_described(CpuMask::single(balance_cpu))
                                     : "no domain in the input has the group's span");
      return std::nullopt;
    }
  }
  if (from == nullptr) return SdFlags{};
  if (!from->flags) {
    ctx.skipped(C::GroupFlags, ctx.lacks("domain flags"));
    return std::nullopt;
  }
  return *from->flags;
}

void check_group_flags(TopoCheckContext& ctx, const SpanIndex& index) {
  for_each_domain(ctx.topo(), [&](const DomainRef& d) {
    if (!d.sd.groups) return ctx.skipped(C::GroupFlags, ctx.lacks("group lists"));
    const auto& groups = *d.sd.groups;
    const bool overlap = domain_has_overlapping_groups(d.sd);
    for (size_t g = 0; g < groups.size(); ++g) {
      const SchedGroup& sg = groups[g];
      if (g > 0 && overlap) continue;
      if (!sg.flags) {
        ctx.skipped(C::GroupFlags, ctx.lacks("group flags"));
        continue;
      }
      std::string source;
      std::optional<SdFlags> want = expected_group_flags(ctx, index, d, g, source);
      if (!want) continue;
      ctx.looked(C::GroupFlags, d.cpu, d.level);
      // cpu_attach_domain() ORs SD_PREFER_SIBLING into the child after copying the
      // flags to the group (v6.17), so that flag may legitimately differ.
      SdFlags have = *sg.flags;
      have.clear(SdFlag::PreferSibling);
      want->clear(SdFlag::PreferSibling);
      if (have == *want) continue;
      Violation v = ctx.violation(C::GroupFlags, d, sg.line != 0 ? sg.line : d.sd.line);
      v.expected = show_flags(*want, ctx.topo());
      v.observed = show_flags(have, ctx.topo());
      v.explanation = "group " + group_phrase(sg) + " of " + domain_phrase(d) + " carries flags " +
                      v.observed + " but should carry " + v.expected + ", " + source;
      ctx.report(C::GroupFlags, std::move(v), static_cast<int>(g));
    }
  });
}

}  // namespace

void check_across_cpus(TopoCheckContext& ctx) {
  const SpanIndex index = index_spans(ctx.topo());
  check_span_sane(ctx, index);
  check_span_agree(ctx, index);
  check_groups_agree(ctx, index);
  check_mask_reach(ctx, index);
  check_root_span(ctx);
  check_group_flags(ctx, index);
}

}  // namespace sbm::topo
