// Old boot logs print spans and groups either as hex words (cpumask_scnprintf, up to
// v2.6.25) or as cpulists (cpulist_scnprintf, v2.6.26+) with nothing saying which, and a
// token such as "3" reads as CPU 3 in one and CPUs 0-1 in the other. The notation is
// decided once per file from all its tokens (spec/topology-formats.md, "Mask notation"):
//  1. a token proves cpulist if it has '-', ':' or '/', or a comma followed by an item
//     that is not an 8-digit hex word; it proves hex if it has a digit a-f, a leading
//     zero ("03"), or comma-separated 8-digit words after the first;
//  2. a "level NAME" on a domain line proves cpulist (names came in v2.6.27);
//  3. if the proofs disagree, that is an error; if there are none, the era hint decides;
//  4. without a hint, hex: a cpulist span of an attached domain covers at least two CPUs
//     and so always shows '-' or ',', hence a file without any is a hex-era file.
// Internal to traces/topology_dump.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/cpumask.h"
#include "model/kernel_version.h"

namespace sbm {

enum class MaskNotation { Cpulist, Hex };

const char* mask_notation_name(MaskNotation n);  // "cpulist", "hex"

// What one token proves, if anything (rule 1).
std::optional<MaskNotation> notation_evidence(std::string_view token);

class MaskNotationVote {
 public:
  void add_token(std::string_view token, int line);
  void add_level_name(int line);  // rule 2

  struct Decision {
    MaskNotation notation = MaskNotation::Hex;
    std::string reason;     // for the reader's notes
    int conflict_line = 0;  // non-zero: tokens disagree; the line of the first dissenter
    std::string conflict;   // "expected X, found Y" for that line
  };
  Decision decide(std::optional<KernelVersion> era) const;

 private:
  struct Proof {
    int line = 0;
    std::string token;
  };
  std::optional<Proof> first_cpulist_;
  std::optional<Proof> first_hex_;
};

MaskParse parse_mask(std::string_view token, MaskNotation notation);

}  // namespace sbm
