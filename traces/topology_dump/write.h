// Printing a Topology the way a given kernel printed it, one writer per dump format, so a
// built or edited hierarchy can be fed to tools that read kernel output and so every
// reader has a test oracle: reading what a writer printed gives back every field the
// format carries (spec/topology-formats.md lists them per format).
//
// The text is the kernel's own, without log prefixes, one line per printk record, CPUs in
// ascending order. Fields a format needs but the topology lacks are printed as the kernel
// prints an empty value (an empty span, an empty "groups:" line); fields the era cannot
// express (a flag the era did not have) are left out.
#pragma once

#include <string>

#include "model/kernel_version.h"
#include "model/topology.h"

namespace sbm {

// sched_domain_debug() output as sched_verbose prints it at boot: the new layout
// ("domain-0: span=0-3 level=MC", "groups: 0:{ span=0-1 cap=2048 }, ...") from v4.13, the
// old one before, with the era's header, mask notation (hex words before v2.6.26), level
// names (v2.6.27+) and group capacity annotations (v2.6.31+). The "root domain span:"
// line (v4.19+) is printed when root_span is set, with max cpu_capacity 1024 (the model
// keeps no per-CPU capacity). Group ids are the first CPU of the balance mask, as the
// kernel's sched_group_capacity ids are.
std::string write_dmesg(const Topology& topo, KernelVersion era);

// `grep -r . /sys/kernel/debug/sched/domains` output (register_sd(), v5.13+): per domain
// min_interval, max_interval, busy_factor, imbalance_pct, cache_nice_tries, name, flags
// (era names, each followed by a blank as sd_flags_show() prints) and, from v6.10, level
// (topology_level). Empty files give no grep line, so empty flags and names are absent.
std::string write_debugfs(const Topology& topo, KernelVersion era);

// `sysctl -a` output of kernel.sched_domain (sd_alloc_ctl_domain_table(), up to v5.12):
// min_interval, max_interval, busy_factor, imbalance_pct, cache_nice_tries, flags (the
// era's number up to v5.9, names from v5.10) and name (v2.6.28+). Eras after v5.12, which
// no longer had the interface, are printed like v5.12.
std::string write_sysctl(const Topology& topo, KernelVersion era);

// /proc/schedstat: version 15 (before v6.10), 16 (v6.10 - v6.13) or 17 (v6.14+, with the
// domain name), spans as hex words sized to nr_cpu_ids, timestamp and counters all 0.
std::string write_schedstat(const Topology& topo, KernelVersion era);

}  // namespace sbm
