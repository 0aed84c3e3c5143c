// sched_domain_debug() output in boot logs (sched_debug / sched_verbose):
//
//   new layout (v4.13+, kernel/sched/topology.c):
//     CPU0 attaching sched-domain(s):
//      domain-0: span=0,4 level=SMT
//       groups: 0:{ span=0 }, 4:{ span=4 }
//     root domain span: 0-7 (max cpu_capacity = 1024)          (v4.19+)
//   old layout (v2.6.7 - v4.12, kernel/sched.c, later kernel/sched/core.c):
//     CPU0 attaching sched-domain:                (v2.6.11+; "CPU0:" / "CPU0:  online" before)
//      domain 0: span 0-3 level MC                (hex words up to v2.6.25, level from v2.6.27)
//       groups: 0-3 (cpu_power = 4096) 4-7 (cpu_power = 4096)
//   both: "CPUn attaching NULL sched-domain.", "domain N: does not load-balance" (< v5.8).
//
// The structure is read first with masks as text; the masks are converted once the
// file's notation is known (mask_notation.h).

#include "traces/topology_dump/detect.h"
#include "traces/topology_dump/dmesg_groups.h"
#include "traces/topology_dump/dump_style.h"
#include "traces/topology_dump/eras.h"
#include "traces/topology_dump/mask_notation.h"
#include "traces/topology_dump/readers.h"

namespace sbm {

namespace {

enum class Layout { Unknown, New, Old };

struct RawDomain {
  int line = 0;
  std::string name;
  bool no_load_balance = false;  // "does not load-balance"
  std::optional<std::string> span;
  std::optional<std::vector<RawGroup>> groups;
  int groups_line = 0;
};

struct RawBlock {
  int cpu = 0;
  int line = 0;
  bool null_domain = false;  // "attaching NULL sched-domain."
  bool broken = false;       // a bad domain line: the CPU is left out (the error says why)
  std::vector<RawDomain> domains;
};

struct PendingGroups {
  size_t block = 0;
  int line = 0;
  std::string text;          // after "groups:", with any continuation appended
  bool interrupted = false;  // an "ERROR:" line followed it
};

class DmesgReader {
 public:
  explicit DmesgReader(ReaderContext& ctx) : ctx_(ctx) {}
  void read(const std::vector<DumpLine>& lines);

 private:
  bool use_layout(Layout l, int line);
  bool continues_pending(std::string_view text) const;
  void header(const DumpLine& l);
  void domain(const DumpLine& l, Layout layout, std::string_view after_prefix);
  void groups(const DumpLine& l);
  void root_span(const DumpLine& l);
  void flush_groups();
  void build();
  void date_layout(MaskNotation notation);
  std::optional<CpuMask> mask(const std::string& text, MaskNotation n, int line,
                              std::string_view what);

  ReaderContext& ctx_;
  Layout layout_ = Layout::Unknown;
  int layout_line_ = 0;
  std::vector<RawBlock> blocks_;
  std::optional<size_t> current_;  // block receiving domain lines
  bool skipping_ = false;          // after a bad header or domain line, until the next one
  std::optional<PendingGroups> pending_;
  std::optional<CpuMask> root_span_;
  int root_span_lines_ = 0;
  MaskNotationVote vote_;
  bool power_printed_ = false;  // some group carried "(cpu_power = N)"-style capacity
  bool named_levels_ = false;   // some old-layout domain line printed " level NAME"
  bool early_header_ = false;   // a "CPUn:" header (sched_domain_debug() before v2.6.11)
  int extra_items_ = 0;         // group items of debug patches, skipped
};

const char* layout_name(Layout l) { return l == Layout::New ? "new" : "old"; }

std::string domain_word(Layout l, int index) {
  return (l == Layout::New ? "domain-" : "domain ") + std::to_string(index);
}

bool DmesgReader::use_layout(Layout l, int line) {
  if (layout_ == Layout::Unknown) {
    layout_ = l;
    layout_line_ = line;
    return true;
  }
  if (layout_ == l) return true;
  ctx_.error(line, std::string("expected lines in the ") + layout_name(layout_) +
                       " layout of line " + std::to_string(layout_line_) + ", found one in the " +
                       layout_name(l) + " layout (a file holds one kernel's output)");
  return false;
}

bool DmesgReader::continues_pending(std::string_view text) const {
  if (layout_ == Layout::New) return continues_new_layout_groups(text);
  return continues_old_layout_groups(text);
}

void DmesgReader::read(const std::vector<DumpLine>& lines) {
  for (const DumpLine& l : lines) {
    const std::string_view text = l.text;
    if (text.empty()) continue;
    const bool kernel_error = text.substr(0, 6) == "ERROR:";
    if (pending_ && pending_->interrupted && !kernel_error && continues_pending(text)) {
      pending_->text += ' ';
      pending_->text += text;
      pending_->interrupted = false;
      continue;
    }
    if (kernel_error) {  // the kernel's own verdict: not evidence (spec: verdicts from structure)
      if (pending_) pending_->interrupted = true;
      ctx_.ignore_line();
      continue;
    }
    if (!is_dmesg_line(text)) {
      ctx_.ignore_line();
      continue;
    }
    flush_groups();
    std::string_view s = text;
    if (consume(s, "domain-") || consume(s, "domain ")) {
      domain(l, text[6] == '-' ? Layout::New : Layout::Old, s);
    } else if (text.substr(0, 7) == "groups:") {
      groups(l);
    } else if (text.substr(0, 17) == "root domain span:") {
      root_span(l);
    } else {
      header(l);
    }
  }
  flush_groups();
  build();
}

void DmesgReader::header(const DumpLine& l) {
  std::string_view s = l.text;
  consume(s, "CPU");
  const std::string_view digits = take_digits(s);
  current_.reset();
  skipping_ = true;
  const auto cpu = ctx_.cpu_id(digits, l.number);
  if (!cpu) return;
  Layout layout = Layout::Old;
  bool null_domain = false;
  if (consume(s, " attaching")) {
    const std::string_view rest = trim(s);
    if (rest == "sched-domain(s):") {
      layout = Layout::New;
    } else if (rest == "NULL sched-domain.") {
      null_domain = true;
    } else if (rest != "sched-domain:") {
      ctx_.error(l.number,
                 "expected 'attaching sched-domain(s):', 'attaching sched-domain:' "
                 "or 'attaching NULL sched-domain.', found " +
                     quoted(trim(l.text)));
      return;
    }
  }
  if (!null_domain && !use_layout(layout, l.number)) return;
  early_header_ = early_header_ || (layout == Layout::Old && s.substr(0, 1) == ":");
  blocks_.push_back(RawBlock{*cpu, l.number, null_domain, false, {}});
  skipping_ = false;
  if (!null_domain) current_ = blocks_.size() - 1;
}

void DmesgReader::domain(const DumpLine& l, Layout layout, std::string_view after_prefix) {
  const int line = l.number;
  if (!use_layout(layout, line)) {
    skipping_ = true;
    return;
  }
  if (!current_) {
    if (!skipping_)
      ctx_.error(line,
                 "expected a 'CPUn attaching sched-domain' line before this domain "
                 "line, found " +
                     quoted(l.text) + " outside a CPU block");
    return;
  }
  // A bad domain line ends this CPU's block: the CPU is dropped and the rest of its block
  // is skipped, so one mistake gives one error.
  RawBlock& block = blocks_[*current_];
  block.broken = true;
  current_.reset();
  skipping_ = true;
  std::string_view s = after_prefix;
  const auto index = ctx_.domain_index(take_digits(s), line);
  if (!index) return;
  const int expected = static_cast<int>(block.domains.size());
  if (*index != expected) {
    ctx_.error(line, "expected " + domain_word(layout, expected) + " of CPU" +
                         std::to_string(block.cpu) + ", found " + domain_word(layout, *index));
    return;
  }
  consume(s, ":");
  s = trim(s);
  RawDomain d;
  d.line = line;
  const std::string_view span_key = layout == Layout::New ? "span=" : "span ";
  const std::string_view level_key = layout == Layout::New ? "level=" : "level ";
  if (s == "does not load-balance") {
    d.no_load_balance = true;
  } else if (consume(s, span_key)) {
    d.span = std::string(take_word(s));
    s = trim(s);
    const bool level = consume(s, level_key);
    if (level) d.name = std::string(take_word(s));
    if (!trim(s).empty() || (layout == Layout::New && !level)) {
      ctx_.error(line, "expected '" + std::string(span_key) + "<cpus> " + std::string(level_key) +
                           "<name>' after " + domain_word(layout, *index) + ":, found " +
                           quoted(l.text));
      return;
    }
    if (layout == Layout::Old) {
      if (level) vote_.add_level_name(line);
      named_levels_ = named_levels_ || level;
      vote_.add_token(*d.span, line);
    }
  } else {
    ctx_.error(line, "expected '" + std::string(span_key) +
                         "<cpus>' or 'does not load-balance' "
                         "after " +
                         domain_word(layout, *index) + ":, found " + quoted(s));
    return;
  }
  block.domains.push_back(std::move(d));
  block.broken = false;
  current_ = static_cast<size_t>(&block - blocks_.data());
  skipping_ = false;
}

void DmesgReader::groups(const DumpLine& l) {
  if (!current_ || blocks_[*current_].domains.empty()) {
    if (!skipping_)
      ctx_.error(l.number,
                 "expected a domain line before this groups line, found it outside "
                 "a CPU block");
    return;
  }
  if (skipping_) return;  // its domain line was bad and already reported
  const int count = static_cast<int>(blocks_[*current_].domains.size());
  RawDomain& d = blocks_[*current_].domains.back();
  if (d.groups_line != 0 || d.no_load_balance) {
    ctx_.error(l.number, "expected " + domain_word(layout_, count) +
                             " before another groups "
                             "line, found a groups line for " +
                             domain_word(layout_, count - 1) +
                             (d.no_load_balance ? ", which does not load-balance" : " again"));
    return;
  }
  d.groups_line = l.number;
  std::string_view rest = l.text;
  consume(rest, "groups:");
  pending_ = PendingGroups{*current_, l.number, std::string(rest), false};
}

void DmesgReader::flush_groups() {
  if (!pending_) return;
  const PendingGroups p = std::move(*pending_);
  pending_.reset();
  RawDomain& d = blocks_[p.block].domains.back();
  GroupsParse parse =
      layout_ == Layout::New ? parse_new_layout_groups(p.text) : parse_old_layout_groups(p.text);
  if (!parse.error.empty()) {
    ctx_.error(p.line, parse.error);
    return;
  }
  extra_items_ += parse.extra_items;
  for (const RawGroup& g : parse.groups) {
    power_printed_ = power_printed_ || g.power_annotation;
    if (layout_ == Layout::Old) {
      vote_.add_token(g.span, p.line);
      if (g.balance_mask) vote_.add_token(*g.balance_mask, p.line);
    }
  }
  d.groups = std::move(parse.groups);
}

void DmesgReader::root_span(const DumpLine& l) {
  std::string_view s = l.text;
  consume(s, "root domain span:");
  const std::string_view list = take_word(s);
  s = trim(s);
  const MaskParse span = parse_cpulist(list);
  if (!span.mask || (!s.empty() && s.front() != '(')) {
    ctx_.error(l.number, "expected 'root domain span: <cpulist> (max cpu_capacity = N)', found " +
                             quoted(l.text) + (span.mask ? "" : " (" + span.error + ")"));
    return;
  }
  root_span_ = span.mask;
  ++root_span_lines_;
}

std::optional<CpuMask> DmesgReader::mask(const std::string& text, MaskNotation n, int line,
                                         std::string_view what) {
  MaskParse m = parse_mask(text, n);
  if (!m.mask)
    ctx_.error(line, "expected a " + std::string(mask_notation_name(n)) + " " + std::string(what) +
                         ", found " + quoted(text) + " (" + m.error + ")");
  return m.mask;
}

void DmesgReader::build() {
  Topology& topo = ctx_.topology();
  const std::optional<KernelVersion>& era = ctx_.options().era;
  bool any_mask = false;
  for (const RawBlock& b : blocks_) any_mask = any_mask || !b.domains.empty();

  MaskNotation notation = MaskNotation::Cpulist;
  if (layout_ == Layout::Old && any_mask) {
    const MaskNotationVote::Decision decision = vote_.decide(era);
    notation = decision.notation;
    ctx_.note(decision.reason);
    if (decision.conflict_line != 0) ctx_.error(decision.conflict_line, decision.conflict);
  }
  // Capacities the kernel left out are SCHED_CAPACITY_SCALE, if this kernel printed them.
  const bool capacity_printed =
      layout_ == Layout::New || power_printed_ ||
      (notation == MaskNotation::Cpulist && era && dump_style(*era).dmesg_group_power);
  if (layout_ == Layout::Old && any_mask && !capacity_printed)
    ctx_.note(
        "group capacities not in the input: this layout printed none "
        "(cpu_power appears from v2.6.31)");

  int replaced = 0, id_mismatches = 0, first_mismatch = 0, groupless = 0, empty_blocks = 0;
  for (const RawBlock& b : blocks_) {
    if (b.broken) continue;
    CpuDomains chain;
    chain.line = b.line;
    for (const RawDomain& rd : b.domains) {
      SchedDomain sd;
      sd.name = rd.name;
      sd.line = rd.line;
      if (rd.span) sd.span = mask(*rd.span, notation, rd.line, "span");
      if (!rd.groups && !rd.no_load_balance) ++groupless;
      if (rd.groups) {
        std::vector<SchedGroup> groups;
        for (const RawGroup& rg : *rd.groups) {
          SchedGroup sg;
          sg.line = rd.groups_line;
          sg.span = mask(rg.span, notation, rd.groups_line, "group span").value_or(CpuMask{});
          if (rg.balance_mask)
            sg.balance_mask = mask(*rg.balance_mask, notation, rd.groups_line, "group mask");
          sg.capacity = rg.capacity;
          if (!sg.capacity && capacity_printed) sg.capacity = kSchedCapacityScale;
          if (rg.id >= 0 && rg.id != sg.effective_balance_mask().first() && id_mismatches++ == 0)
            first_mismatch = rd.groups_line;
          groups.push_back(std::move(sg));
        }
        sd.groups = std::move(groups);
      }
      chain.domains.push_back(std::move(sd));
    }
    if (b.domains.empty() && !b.null_domain) ++empty_blocks;
    if (topo.cpus.count(b.cpu) != 0) ++replaced;
    topo.cpus[b.cpu] = std::move(chain);
  }
  if (replaced > 0)
    ctx_.note(std::to_string(replaced) +
              " CPU blocks replace earlier ones for the same CPU (domains rebuilt); the last "
              "block of each CPU is used");
  if (id_mismatches > 0)
    ctx_.note(std::to_string(id_mismatches) +
              " groups print an id other than the first CPU of their balance mask (first at "
              "line " +
              std::to_string(first_mismatch) + ")");
  if (extra_items_ > 0)
    ctx_.note(std::to_string(extra_items_) +
              " items inside group braces other than span=, mask= and cap= (printed by debug "
              "patches, not by sched_domain_debug_one()) were skipped");
  if (groupless > 0)
    ctx_.note(std::to_string(groupless) + " domains have no groups line in the input");
  if (empty_blocks > 0)
    ctx_.note(std::to_string(empty_blocks) +
              " CPU blocks list no domain lines (read as CPUs without domains)");
  if (root_span_) {
    topo.root_span = root_span_;
    if (root_span_lines_ > 1)
      ctx_.note(std::to_string(root_span_lines_) +
                " 'root domain span' lines; the last one is used");
  }
  const bool new_layout = layout_ == Layout::New || (layout_ == Layout::Unknown &&
                                                     !(era && !dump_style(*era).dmesg_new_layout));
  topo.source.format = new_layout ? "dmesg-new" : "dmesg-old";
  date_layout(notation);
}

// What the text alone says of the kernel that printed it (eras.h). A cpulist here was
// proved by the tokens or given by the era hint (rule 4 of mask_notation.h defaults to
// hex), and with a hint the hint dates the dump anyway.
void DmesgReader::date_layout(MaskNotation notation) {
  TopologySource& source = ctx_.topology().source;
  if (layout_ == Layout::New) source.layout_from = kDmesgNewLayout;
  if (layout_ != Layout::Old) return;
  if (early_header_) source.layout_before = kDmesgAttachHeader;
  if (notation == MaskNotation::Cpulist) source.layout_from = kDmesgCpulist;
  if (named_levels_) source.layout_from = kDmesgLevelName;
}

}  // namespace

void read_dmesg(const std::vector<DumpLine>& lines, ReaderContext& ctx) {
  DmesgReader(ctx).read(lines);
}

}  // namespace sbm
