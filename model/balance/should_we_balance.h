// should_we_balance(): is env->dst_cpu the CPU that balances this domain? Only one CPU per
// local group does; the others clear *continue_balancing and stop walking up
// (spec/kernel-facts.md §0.7). Per Profile::should_we_balance:
//
//   FirstIdleOfLocalGroup  v2.6.20 / v2.6.32, inside find_busiest_group() /
//                          update_sg_lb_stats(): the first idle CPU of the local group's
//                          span among env->cpus, else first_cpu(group span); NEWLY_IDLE
//                          always balances.
//   FirstIdleOfBalanceMask v4.19: dst must be in env->cpus; NEWLY_IDLE always balances; the
//                          first idle CPU of group_balance_mask(sg) & env->cpus, else
//                          group_balance_cpu(sg).
//   IdleCoreFirst          v6.17: dst must be in env->cpus; NEWLY_IDLE balances unless the
//                          dst rq has tasks or a wakeup pending; the first idle CPU on an
//                          idle core (any idle CPU on an SD_SHARE_CPUCAPACITY domain), else
//                          the first idle SMT CPU seen, else group_balance_cpu(sg).
#pragma once

#include "model/balance/lb_env.h"
#include "model/rq.h"

namespace sbm {

// `local` is sd->groups, the group holding dst_cpu; `sd_flags` the flags of env's domain.
bool should_we_balance(const MachineState& m, const LbEnv& env, const SchedGroup& local,
                       const SdFlags& sd_flags);

// The CPU the rule designates among the local group (for tests and explanations), or -1
// when the rule does not designate one (NEWLY_IDLE, or dst not in env->cpus).
int designated_balance_cpu(const MachineState& m, const LbEnv& env, const SchedGroup& local,
                           const SdFlags& sd_flags);

}  // namespace sbm
