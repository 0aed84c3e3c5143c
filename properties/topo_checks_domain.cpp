// The per-domain TOPO checks: one CPU's chain at a time, each next to the structure it
// checks, like sched_domain_debug_one() (kernel/sched/topology.c, v6.17; v4.19;
// kernel/sched.c, v2.6.32).
#include <optional>
#include <string>

#include "properties/topo_check_context.h"

namespace sbm::topo {

namespace {

using C = TopoCheck;

int group_line(const SchedGroup& sg, const DomainRef& d) {
  return sg.line != 0 ? sg.line : d.sd.line;
}

// The union of a domain's group spans (sched_domain_debug_one()'s groupmask).
CpuMask groups_union(const std::vector<SchedGroup>& groups) {
  CpuMask all;
  for (const SchedGroup& sg : groups) all |= sg.span;
  return all;
}

void check_span_cpu(TopoCheckContext& ctx, const DomainRef& d) {
  if (!d.sd.span) return ctx.skipped(C::SpanCpu, ctx.lacks("domain spans"));
  ctx.looked(C::SpanCpu, d.cpu, d.level);
  if (d.sd.span->test(d.cpu)) return;
  Violation v = ctx.violation(C::SpanCpu, d, d.sd.line);
  v.expected = "contains " + std::to_string(d.cpu);
  v.observed = show(*d.sd.span);
  v.explanation = domain_phrase(d) + " spans " + show(*d.sd.span) + ", which does not contain CPU" +
                  std::to_string(d.cpu) + " itself";
  ctx.report(C::SpanCpu, std::move(v), -1);
}

void check_group_cpu(TopoCheckContext& ctx, const DomainRef& d) {
  if (!d.sd.groups) return ctx.skipped(C::GroupCpu, ctx.lacks("group lists"));
  if (d.sd.groups->empty()) return;  // TOPO-GROUP-EMPTY reports a domain without groups
  ctx.looked(C::GroupCpu, d.cpu, d.level);
  const SchedGroup& first = d.sd.groups->front();
  if (first.span.test(d.cpu)) return;
  Violation v = ctx.violation(C::GroupCpu, d, group_line(first, d));
  v.expected = "contains " + std::to_string(d.cpu);
  v.observed = show(first.span);
  v.explanation = "the first group " + group_phrase(first) + " of " + domain_phrase(d) +
                  " does not contain CPU" + std::to_string(d.cpu) +
                  ", so the CPU's own group (sd->groups) is not the local group";
  ctx.report(C::GroupCpu, std::move(v), 0);
}

void check_group_empty(TopoCheckContext& ctx, const DomainRef& d) {
  if (!d.sd.groups) return ctx.skipped(C::GroupEmpty, ctx.lacks("group lists"));
  const auto& groups = *d.sd.groups;
  if (groups.empty()) {
    ctx.looked(C::GroupEmpty, d.cpu, d.level);
    Violation v = ctx.violation(C::GroupEmpty, d, d.sd.line);
    v.expected = "at least one group";
    v.observed = "no group";
    v.explanation = domain_phrase(d) + " has no groups (sd->groups is NULL)";
    ctx.report(C::GroupEmpty, std::move(v), -1);
    return;
  }
  for (size_t g = 0; g < groups.size(); ++g) {
    ctx.looked(C::GroupEmpty, d.cpu, d.level);
    if (!groups[g].span.empty()) continue;
    Violation v = ctx.violation(C::GroupEmpty, d, group_line(groups[g], d));
    v.expected = "a non-empty span";
    v.observed = show(groups[g].span);
    v.explanation = "group " + std::to_string(g) + " of " + domain_phrase(d) + " spans no CPU";
    ctx.report(C::GroupEmpty, std::move(v), static_cast<int>(g));
  }
}

void check_group_repeat(TopoCheckContext& ctx, const DomainRef& d) {
  if (!d.sd.groups) return ctx.skipped(C::GroupRepeat, ctx.lacks("group lists"));
  ctx.looked(C::GroupRepeat, d.cpu, d.level);
  if (domain_has_overlapping_groups(d.sd)) return;  // NUMA groups may overlap by design
  const auto& groups = *d.sd.groups;
  CpuMask seen;
  for (size_t g = 0; g < groups.size(); ++g) {
    const CpuMask repeated = groups[g].span & seen;
    seen |= groups[g].span;
    if (repeated.empty()) continue;
    size_t earlier = 0;
    while (!groups[earlier].span.intersects(repeated)) ++earlier;
    Violation v = ctx.violation(C::GroupRepeat, d, group_line(groups[g], d));
    v.expected = "disjoint from the earlier groups";
    v.observed = show(repeated);
    v.explanation = cpus_phrase(repeated) + " of group " + group_phrase(groups[g]) +
                    " already appear in group " + group_phrase(groups[earlier]) + " of " +
                    domain_phrase(d) + ", whose groups must not overlap";
    ctx.report(C::GroupRepeat, std::move(v), static_cast<int>(g));
  }
}

void check_groups_span(TopoCheckContext& ctx, const DomainRef& d) {
  if (!d.sd.span) return ctx.skipped(C::GroupsSpan, ctx.lacks("domain spans"));
  if (!d.sd.groups) return ctx.skipped(C::GroupsSpan, ctx.lacks("group lists"));
  ctx.looked(C::GroupsSpan, d.cpu, d.level);
  const auto& groups = *d.sd.groups;
  const CpuMask& span = *d.sd.span;
  const CpuMask all = groups_union(groups);
  if (all == span) return;
  const CpuMask outside = all.andnot(span);
  const CpuMask uncovered = span.andnot(all);
  int line = d.sd.line;
  int group = -1;
  std::string why;
  for (size_t g = 0; g < groups.size() && !outside.empty(); ++g) {
    const CpuMask out = groups[g].span.andnot(span);
    if (out.empty()) continue;
    if (group < 0) {
      group = static_cast<int>(g);
      line = group_line(groups[g], d);
    }
    why += (why.empty() ? "" : ", ") + ("group " + group_phrase(groups[g]) + " reaches " +
                                        cpus_phrase(out) + " outside the domain");
  }
  if (!uncovered.empty())
    why += (why.empty() ? "" : ", and ") + cpus_phrase(uncovered) + " of the span in no group";
  Violation v = ctx.violation(C::GroupsSpan, d, line);
  v.expected = show(span);
  v.observed = show(all);
  v.explanation = "the union of " + domain_phrase(d) + "'s groups is " + show(all) +
                  " but its span is " + show(span) + ": " + why;
  ctx.report(C::GroupsSpan, std::move(v), group);
}

void check_parent_span(TopoCheckContext& ctx, const DomainRef& d) {
  if (!d.sd.span) return ctx.skipped(C::ParentSpan, ctx.lacks("domain spans"));
  if (d.parent == nullptr) return ctx.looked(C::ParentSpan, d.cpu, d.level);
  if (!d.parent->span) return ctx.skipped(C::ParentSpan, ctx.lacks("domain spans"));
  ctx.looked(C::ParentSpan, d.cpu, d.level);
  const CpuMask& pspan = *d.parent->span;
  // The kernel tests the union of the groups against the parent (it is what it has at
  // hand); sched-domains.rst states it for the span. Either escaping is reported.
  CpuMask reach = *d.sd.span;
  if (d.sd.groups) reach |= groups_union(*d.sd.groups);
  const CpuMask outside = reach.andnot(pspan);
  if (outside.empty()) return;
  const bool span_escapes = !d.sd.span->subset_of(pspan);
  Violation v = ctx.violation(C::ParentSpan, d, d.sd.line);
  v.expected = "within " + show(pspan);
  v.observed = show(span_escapes ? *d.sd.span : reach);
  v.explanation = domain_phrase(d) + (span_escapes ? " spans " : "'s groups cover ") +
                  show(span_escapes ? *d.sd.span : reach) + " but its parent " +
                  level_phrase(d.level + 1, *d.parent) + " spans " + show(pspan) + ": " +
                  cpus_phrase(outside) + " outside the parent";
  ctx.report(C::ParentSpan, std::move(v), -1);
}

void check_group_capacity(TopoCheckContext& ctx, const DomainRef& d) {
  if (!d.sd.groups) return ctx.skipped(C::GroupCapacity, ctx.lacks("group lists"));
  const auto& groups = *d.sd.groups;
  for (size_t g = 0; g < groups.size(); ++g) {
    if (!groups[g].capacity) {
      ctx.skipped(C::GroupCapacity, ctx.lacks("group capacities"));
      continue;
    }
    ctx.looked(C::GroupCapacity, d.cpu, d.level);
    if (*groups[g].capacity != 0) continue;
    Violation v = ctx.violation(C::GroupCapacity, d, group_line(groups[g], d));
    v.expected = "> 0";
    v.observed = "0";
    v.explanation = "group " + group_phrase(groups[g]) + " of " + domain_phrase(d) +
                    " has capacity 0, so its load per capacity is undefined";
    ctx.report(C::GroupCapacity, std::move(v), static_cast<int>(g));
  }
}

void check_group_child(TopoCheckContext& ctx, const DomainRef& d) {
  if (!d.sd.groups) return ctx.skipped(C::GroupChild, ctx.lacks("group lists"));
  if (d.sd.groups->empty()) return;  // TOPO-GROUP-EMPTY
  if (d.child != nullptr && !d.child->span)
    return ctx.skipped(C::GroupChild, ctx.lacks("domain spans"));
  ctx.looked(C::GroupChild, d.cpu, d.level);
  const SchedGroup& first = d.sd.groups->front();
  const CpuMask want = d.child != nullptr ? *d.child->span : CpuMask::single(d.cpu);
  if (first.span == want) return;
  Violation v = ctx.violation(C::GroupChild, d, group_line(first, d));
  v.expected = show(want);
  v.observed = show(first.span);
  v.explanation = "the first group " + group_phrase(first) + " of " + domain_phrase(d) +
                  (d.child != nullptr
                       ? " differs from the span " + show(want) + " of its child " +
                             level_phrase(d.level - 1, *d.child)
                       : " is not CPU" + std::to_string(d.cpu) + " alone, as a base domain's is");
  ctx.report(C::GroupChild, std::move(v), 0);
}

// TOPO-FLAGS-CHILD and TOPO-FLAGS-PARENT: the SDF_SHARED_CHILD / SDF_SHARED_PARENT
// metaflags of include/linux/sched/sd_flags.h, as sched_domain_debug_one() tests them.
void check_shared_flags(TopoCheckContext& ctx, const DomainRef& d, C check, unsigned meta,
                        const SchedDomain* other, int other_level, const char* relation) {
  if (!d.sd.flags) return ctx.skipped(check, ctx.lacks("domain flags"));
  if (other != nullptr && !other->flags) return ctx.skipped(check, ctx.lacks("domain flags"));
  ctx.looked(check, d.cpu, d.level);
  if (other == nullptr) return;
  for (SdFlag f : d.sd.flags->list()) {
    if ((sd_flag_meta(f) & meta) == 0 || other->flags->has(f)) continue;
    const std::string name = show_flags(SdFlags{f}, ctx.topo());
    const std::string where = relation + std::string(" ") + level_phrase(other_level, *other);
    Violation v = ctx.violation(check, d, d.sd.line);
    v.expected = name + " set in " + where;
    v.observed = show_flags(*other->flags, ctx.topo());
    v.explanation = "flag " + name + " is set in " + domain_phrase(d) + " but not in its " + where;
    ctx.report(check, std::move(v), -1);
  }
}

// Before v2.6.13 cpu_attach_domain() attached the chain as built (v2.6.12), so a
// single-CPU level (an SMT level without siblings, a CPU level of a one-CPU node) was
// what the kernel did.
void check_degenerate(TopoCheckContext& ctx, const DomainRef& d) {
  if (!d.sd.span) return ctx.skipped(C::Degenerate, ctx.lacks("domain spans"));
  ctx.looked(C::Degenerate, d.cpu, d.level);
  if (d.sd.span->weight() != 1) return;
  const std::optional<bool> removes = removes_degenerate_domains(ctx.topo());
  if (removes == false) return;
  if (!removes)
    ctx.note("TOPO-DEGENERATE: the input does not say its kernel, so it was assumed to be " +
             kDegenerateDomainsRemoved.str() +
             " or later, where cpu_attach_domain() removes single-CPU domains (sd_degenerate()); "
             "older kernels attached them: pass --era if the dump is older");
  Violation v = ctx.violation(C::Degenerate, d, d.sd.line);
  v.expected = "2 or more CPUs";
  v.observed = show(*d.sd.span);
  v.explanation = domain_phrase(d) +
                  " spans a single CPU; sd_degenerate() holds for it and "
                  "cpu_attach_domain() would have removed it" +
                  (removes ? "" : " (assuming " + kDegenerateDomainsRemoved.str() + " or later)");
  ctx.report(C::Degenerate, std::move(v), -1);
}

void check_mask(TopoCheckContext& ctx, const DomainRef& d) {
  if (!d.sd.groups) return ctx.skipped(C::Mask, ctx.lacks("group lists"));
  const auto& groups = *d.sd.groups;
  for (size_t g = 0; g < groups.size(); ++g) {
    const SchedGroup& sg = groups[g];
    if (!sg.balance_mask) {
      ctx.skipped(C::Mask, ctx.lacks("group balance masks"));
      continue;
    }
    ctx.looked(C::Mask, d.cpu, d.level);
    const CpuMask& mask = *sg.balance_mask;
    if (!mask.empty() && mask.subset_of(sg.span)) continue;
    Violation v = ctx.violation(C::Mask, d, group_line(sg, d));
    v.expected = "non-empty, within " + show(sg.span);
    v.observed = show(mask);
    v.explanation = "group " + group_phrase(sg) + " of " + domain_phrase(d) +
                    (mask.empty() ? " has an empty balance mask, so no CPU balances for it"
                                  : "'s balance mask " + show(mask) + " has " +
                                        cpus_phrase(mask.andnot(sg.span)) + " outside the group");
    ctx.report(C::Mask, std::move(v), static_cast<int>(g));
  }
}

}  // namespace

void check_each_domain(TopoCheckContext& ctx) {
  for_each_domain(ctx.topo(), [&](const DomainRef& d) {
    check_span_cpu(ctx, d);
    check_group_cpu(ctx, d);
    check_group_empty(ctx, d);
    check_group_repeat(ctx, d);
    check_groups_span(ctx, d);
    check_parent_span(ctx, d);
    check_group_capacity(ctx, d);
    check_group_child(ctx, d);
    check_shared_flags(ctx, d, C::FlagsChild, kSdfSharedChild, d.child, d.level - 1, "child");
    check_shared_flags(ctx, d, C::FlagsParent, kSdfSharedParent, d.parent, d.level + 1, "parent");
    check_degenerate(ctx, d);
    check_mask(ctx, d);
  });
}

}  // namespace sbm::topo
