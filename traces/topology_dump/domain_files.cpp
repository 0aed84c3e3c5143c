#include "traces/topology_dump/domain_files.h"

#include <cstdio>
#include <limits>

#include "traces/topology_dump/eras.h"
#include "traces/topology_dump/lines.h"
#include "traces/topology_dump/tunable_files.h"

namespace sbm {

namespace {

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

// Files both interfaces print that the model has no field for; their values are still
// checked to be numbers so a garbled line is reported.
bool is_load_idx(std::string_view file) {
  return file == "busy_idx" || file == "idle_idx" || file == "newidle_idx" || file == "wake_idx" ||
         file == "forkexec_idx";
}

bool is_numeric_unmodelled(std::string_view file) {
  return is_load_idx(file) || file == "max_newidle_lb_cost" || file == "group_asym_prefer_cpu";
}

}  // namespace

void DomainFileAssembler::add(const DomainFileEntry& e) {
  const auto cpu = ctx_.cpu_id(e.cpu, e.line);
  if (!cpu) return;
  const auto index = ctx_.domain_index(e.domain, e.line);
  if (!index) return;
  Chain& chain = chains_[*cpu];
  if (chain.line == 0) chain.line = e.line;
  Slot& slot = chain.domains[*index];
  if (slot.sd.line == 0) slot.sd.line = e.line;
  const auto seen = slot.values.find(e.file);
  if (seen != slot.values.end()) {
    if (seen->second == e.value) return;
    ++repeated_;
    seen->second = std::string(e.value);
  } else {
    slot.values.emplace(std::string(e.file), std::string(e.value));
  }
  apply(slot, e);
}

void DomainFileAssembler::apply(Slot& slot, const DomainFileEntry& e) {
  for (const TunableFile& t : kTunableFiles) {
    if (e.file == t.name) {
      apply_unsigned(slot.sd.tunables.*t.field, e);
      return;
    }
  }
  if (e.file == "name") {
    slot.sd.name = std::string(e.value);
  } else if (e.file == "flags") {
    apply_flags(slot, e, false);
  } else if (e.file == "level") {
    const auto level = parse_decimal(e.value, kMaxDomainLevels - 1);
    if (!level) {
      ctx_.error(e.line, "expected a level below " + std::to_string(kMaxDomainLevels) +
                             " in 'level', found " + quoted(e.value));
      return;
    }
    slot.sd.topology_level = static_cast<int>(*level);
  } else {
    ++unmodelled_[std::string(e.file)];
    load_idx_seen_ = load_idx_seen_ || is_load_idx(e.file);
    if (e.file == "groups_flags") {
      apply_flags(slot, e, true);
    } else if (is_numeric_unmodelled(e.file) &&
               !parse_decimal(e.value, std::numeric_limits<uint64_t>::max())) {
      ctx_.error(e.line,
                 "expected a number in '" + std::string(e.file) + "', found " + quoted(e.value));
    }
  }
}

void DomainFileAssembler::apply_unsigned(std::optional<unsigned>& field, const DomainFileEntry& e) {
  const auto v = parse_decimal(e.value, std::numeric_limits<unsigned>::max());
  if (!v) {
    ctx_.error(e.line, "expected a number below 2^32 in '" + std::string(e.file) + "', found " +
                           quoted(e.value));
    return;
  }
  field = static_cast<unsigned>(*v);
}

void DomainFileAssembler::apply_flags(Slot& slot, const DomainFileEntry& e, bool group_flags) {
  std::string_view v = e.value;
  SdFlags flags;
  if (!v.empty() && v.find_first_not_of("0123456789") == std::string_view::npos) {
    const auto value = parse_decimal(v, std::numeric_limits<int32_t>::max());
    if (!value) {
      ctx_.error(e.line, "expected a flags value below 2^31, found " + quoted(v));
      return;
    }
    if (group_flags) return;
    std::erase_if(numeric_flags_, [&](const NumericFlags& n) { return n.sd == &slot.sd; });
    numeric_flags_.push_back(NumericFlags{&slot.sd, *value, e.line});
    return;
  }
  while (true) {
    const std::string_view word = take_word(v);
    if (word.empty()) break;
    const auto f = parse_sd_flag_name(word);
    if (!f) {
      ctx_.error(e.line, "expected SD_* flag names in '" + std::string(e.file) + "', found " +
                             quoted(word));
      return;
    }
    flags.set(*f);
  }
  if (group_flags) return;
  std::erase_if(numeric_flags_, [&](const NumericFlags& n) { return n.sd == &slot.sd; });
  slot.sd.flags = flags;
}

void DomainFileAssembler::decode_numeric_flags() {
  if (numeric_flags_.empty()) return;
  const std::optional<KernelVersion>& hint = ctx_.options().era;
  const KernelVersion era = hint             ? *hint
                            : load_idx_seen_ ? kSysctlLoadIdxEra
                                             : kSysctlLastNumericFlags;
  for (const NumericFlags& n : numeric_flags_) {
    uint64_t unknown = 0;
    n.sd->flags = decode_sd_flags(n.value, era, &unknown);
    if (unknown == 0) continue;
    const std::string msg = "expected flag bits defined in " + era.str() + ", found " +
                            hex(unknown) + " in " + std::to_string(n.value);
    if (hint)
      ctx_.error(n.line, msg);
    else
      ctx_.note("line " + std::to_string(n.line) + ": " + msg + " (pass the dump's era)");
  }
  if (hint)
    ctx_.note("numeric flags decoded with the " + era.str() + " layout (era hint)");
  else if (load_idx_seen_)
    ctx_.note("numeric flags decoded with the " + era.str() +
              " layout: the listing has load-index entries (busy_idx ...), which kernels "
              "before v5.8 printed; an era hint picks another");
  else
    ctx_.note("numeric flags decoded with the " + era.str() +
              " layout, the newest whose sysctl printed numbers; an era hint picks another");
}

void DomainFileAssembler::finish() {
  decode_numeric_flags();
  Topology& topo = ctx_.topology();
  int gaps = 0;
  std::string first_gap;
  for (auto& [cpu, chain] : chains_) {
    CpuDomains out;
    out.line = chain.line;
    const int count = chain.domains.rbegin()->first + 1;
    for (int i = 0; i < count; ++i) {
      const auto it = chain.domains.find(i);
      if (it == chain.domains.end()) {
        if (gaps++ == 0) first_gap = "CPU" + std::to_string(cpu) + " domain" + std::to_string(i);
        out.domains.emplace_back();
      } else {
        out.domains.push_back(std::move(it->second.sd));
      }
    }
    topo.cpus[cpu] = std::move(out);
  }
  if (gaps > 0)
    ctx_.note(std::to_string(gaps) + " domains are missing below listed ones (first: " + first_gap +
              "); they are kept empty");
  if (repeated_ > 0)
    ctx_.note(std::to_string(repeated_) +
              " files are listed again with another value; the last value is used");
  if (!unmodelled_.empty()) {
    std::string list;
    for (const auto& [file, n] : unmodelled_)
      list += (list.empty() ? "" : ", ") + file + " (" + std::to_string(n) + ")";
    ctx_.note("read but not modelled: " + list);
  }
}

}  // namespace sbm
