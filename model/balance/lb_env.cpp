#include "model/balance/lb_env.h"

namespace sbm {

const char* migration_type_name(MigrationType t) {
  switch (t) {
    case MigrationType::Load:
      return "migrate_load";
    case MigrationType::Util:
      return "migrate_util";
    case MigrationType::Task:
      return "migrate_task";
    case MigrationType::Misfit:
      return "migrate_misfit";
  }
  return "?";
}

LbState make_lb_state(const MachineState& m) {
  LbState s;
  s.locks = RqLocks(default_rq_lock_layout(m));
  return s;
}

bool sgc_imbalanced(const LbState& s, int level, const CpuMask& span) {
  const auto it = s.sgc_imbalance.find({level, span});
  return it != s.sgc_imbalance.end() && it->second;
}

}  // namespace sbm
