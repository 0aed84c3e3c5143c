#include "traces/topology_dump/mask_notation.h"

#include "traces/topology_dump/dump_style.h"
#include "traces/topology_dump/lines.h"

namespace sbm {

const char* mask_notation_name(MaskNotation n) {
  return n == MaskNotation::Cpulist ? "cpulist" : "hex";
}

std::optional<MaskNotation> notation_evidence(std::string_view token) {
  if (token.find_first_of("-:/") != std::string_view::npos) return MaskNotation::Cpulist;
  for (char c : token)
    if (is_hex_digit(c) && !(c >= '0' && c <= '9')) return MaskNotation::Hex;
  const size_t comma = token.find(',');
  if (comma != std::string_view::npos) {
    // Hex words after the first are always 8 digits wide (bitmap_scnprintf).
    size_t pos = comma + 1;
    while (true) {
      const size_t next = token.find(',', pos);
      const size_t len = (next == std::string_view::npos ? token.size() : next) - pos;
      if (len != 8) return MaskNotation::Cpulist;
      if (next == std::string_view::npos) return MaskNotation::Hex;
      pos = next + 1;
    }
  }
  if (token.size() > 1 && token.front() == '0') return MaskNotation::Hex;
  return std::nullopt;
}

void MaskNotationVote::add_token(std::string_view token, int line) {
  const auto evidence = notation_evidence(token);
  if (!evidence) return;
  auto& slot = *evidence == MaskNotation::Cpulist ? first_cpulist_ : first_hex_;
  if (!slot) slot = Proof{line, std::string(token)};
}

void MaskNotationVote::add_level_name(int line) {
  if (!first_cpulist_) first_cpulist_ = Proof{line, "level"};
}

MaskNotationVote::Decision MaskNotationVote::decide(std::optional<KernelVersion> era) const {
  Decision d;
  if (first_cpulist_ && first_hex_) {
    const bool cpulist_first = first_cpulist_->line <= first_hex_->line;
    const Proof& first = cpulist_first ? *first_cpulist_ : *first_hex_;
    const Proof& later = cpulist_first ? *first_hex_ : *first_cpulist_;
    d.notation = cpulist_first ? MaskNotation::Cpulist : MaskNotation::Hex;
    d.reason = std::string("masks read as ") + mask_notation_name(d.notation) + " (line " +
               std::to_string(first.line) + ")";
    d.conflict_line = later.line;
    d.conflict = std::string("expected ") + mask_notation_name(d.notation) + " masks like line " +
                 std::to_string(first.line) + ", found '" + later.token + "' which can only be " +
                 mask_notation_name(cpulist_first ? MaskNotation::Hex : MaskNotation::Cpulist);
    return d;
  }
  if (first_cpulist_ || first_hex_) {
    d.notation = first_cpulist_ ? MaskNotation::Cpulist : MaskNotation::Hex;
    const Proof& p = first_cpulist_ ? *first_cpulist_ : *first_hex_;
    d.reason = std::string("masks read as ") + mask_notation_name(d.notation) + " ('" + p.token +
               "' at line " + std::to_string(p.line) + ")";
    return d;
  }
  if (era) {
    d.notation = dump_style(*era).dmesg_cpulist ? MaskNotation::Cpulist : MaskNotation::Hex;
    d.reason = std::string("masks read as ") + mask_notation_name(d.notation) +
               " because of the era hint " + era->str() + " (cpulists from v2.6.26)";
    return d;
  }
  d.notation = MaskNotation::Hex;
  d.reason =
      "masks read as hex: no span shows '-' or ',' as a cpulist span of two or more CPUs "
      "would (pass an era to read them otherwise)";
  return d;
}

MaskParse parse_mask(std::string_view token, MaskNotation notation) {
  return notation == MaskNotation::Cpulist ? parse_cpulist(token) : parse_cpumask_hex(token);
}

}  // namespace sbm
