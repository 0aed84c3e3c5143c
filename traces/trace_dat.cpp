#include "traces/trace_dat.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <event-parse.h>

#include "traces/trace_event_id.h"

// libtracecmd's functions this reader calls, as trace-cmd.h (libtracecmd 1.3) declares them:
// that header includes tracefs.h, which does not compile as C++ (an int passed as an enum).
// tracecmd_get_uname() is exported but declared only in trace-cmd's private header
// (lib/trace-cmd/include/private/trace-cmd-private.h, trace-cmd v3.1.6): the uname string the
// recorder stored.
extern "C" {
enum {
  kTracecmdNoPlugins = 1 << 0,
  kTracecmdNoSystemPlugins = 1 << 1
};  // enum tracecmd_open_flags
struct tracecmd_input* tracecmd_open_fd(int fd, int flags);
void tracecmd_close(struct tracecmd_input* handle);
struct tep_record* tracecmd_read_data(struct tracecmd_input* handle, int cpu);
void tracecmd_free_record(struct tep_record* record);
struct tep_handle* tracecmd_get_tep(struct tracecmd_input* handle);
int tracecmd_buffer_instances(struct tracecmd_input* handle);
const char* tracecmd_buffer_instance_name(struct tracecmd_input* handle, int indx);
struct tracecmd_input* tracecmd_buffer_instance_handle(struct tracecmd_input* handle, int indx);
void tracecmd_set_loglevel(enum tep_loglevel level);
const char* tracecmd_get_uname(struct tracecmd_input* handle);
}

namespace sbm {

namespace {

// The bits of a record's common_flags (enum trace_flag_type, include/linux/trace_events.h,
// v6.18; NEED_RESCHED_LAZY took 0x02 from IRQS_NOSUPPORT in v6.13).
constexpr unsigned kIrqsOff = 0x01;
constexpr unsigned kNeedReschedLazy = 0x02;
constexpr unsigned kNeedResched = 0x04;
constexpr unsigned kHardirq = 0x08;
constexpr unsigned kSoftirq = 0x10;
constexpr unsigned kPreemptResched = 0x20;
constexpr unsigned kNmi = 0x40;
constexpr unsigned kBhOff = 0x80;

// The five irq-info characters trace_print_lat_fmt() (kernel/trace/trace_output.c, v6.18) prints
// for a record: irqs/bh off, need-resched, hard/soft irq, preempt count, migrate-disable count.
// ('X', irqs-off not supported, is a kernel config the record does not carry.)
std::string irq_info(unsigned flags, unsigned preempt_count) {
  std::string s(5, '.');
  const bool bh_off = flags & kBhOff;
  s[0] = (flags & kIrqsOff) && bh_off ? 'D' : (flags & kIrqsOff) ? 'd' : bh_off ? 'b' : '.';
  switch (flags & (kNeedResched | kNeedReschedLazy | kPreemptResched)) {
    case kNeedResched | kNeedReschedLazy | kPreemptResched:
      s[1] = 'B';
      break;
    case kNeedResched | kPreemptResched:
      s[1] = 'N';
      break;
    case kNeedReschedLazy | kPreemptResched:
      s[1] = 'L';
      break;
    case kNeedResched | kNeedReschedLazy:
      s[1] = 'b';
      break;
    case kNeedResched:
      s[1] = 'n';
      break;
    case kPreemptResched:
      s[1] = 'p';
      break;
    case kNeedReschedLazy:
      s[1] = 'l';
      break;
    default:
      break;
  }
  const bool nmi = flags & kNmi, hardirq = flags & kHardirq, softirq = flags & kSoftirq;
  s[2] = nmi && hardirq       ? 'Z'
         : nmi                ? 'z'
         : hardirq && softirq ? 'H'
         : hardirq            ? 'h'
         : softirq            ? 's'
                              : '.';
  static constexpr char kHex[] = "0123456789abcdef";
  if (preempt_count & 0xf) s[3] = kHex[preempt_count & 0xf];
  if (preempt_count & 0xf0) s[4] = kHex[(preempt_count >> 4) & 0xf];
  return s;
}

// sched_switch's prev_state as its TP_printk() prints it (include/trace/events/sched.h, v6.18):
// the TASK_REPORT state letters joined by '|' ("R" when none), then '+' for TASK_REPORT_MAX
// (preempted while not running).
std::string switch_state(uint64_t state) {
  static constexpr char kLetters[] =
      "SDTtXZPI";  // TASK_INTERRUPTIBLE 0x01 .. TASK_REPORT_IDLE 0x80
  constexpr uint64_t kReportMax = 0x100;
  std::string s;
  for (unsigned bit = 0; bit < 8; ++bit)
    if (state & (1u << bit)) {
      if (!s.empty()) s += '|';
      s += kLetters[bit];
    }
  if (s.empty()) s = "R";
  if (state & kReportMax) s += '+';
  return s;
}

// One conversion of a print format ("%d", "%03d", "%ps"), with the literal text before it.
struct Conversion {
  std::string_view before;
  std::string_view spec;  // after the '%'
};

// The conversions of a printf-style format in order; a '*' width or precision takes an
// argument of its own and is listed as a conversion "*".
std::vector<Conversion> conversions(std::string_view fmt) {
  std::vector<Conversion> out;
  std::size_t literal = 0;
  for (std::size_t i = 0; i < fmt.size(); ++i) {
    if (fmt[i] != '%') continue;
    if (i + 1 < fmt.size() && fmt[i + 1] == '%') {
      ++i;
      continue;
    }
    const std::string_view before = fmt.substr(literal, i - literal);
    std::size_t j = i + 1;
    while (j < fmt.size() && std::strchr("-+ #0123456789.*hlLqjzt", fmt[j])) {
      if (fmt[j] == '*') out.push_back({before, "*"});
      ++j;
    }
    if (j >= fmt.size()) break;
    if (fmt[j] == 'p' && j + 1 < fmt.size() && std::isalpha(static_cast<unsigned char>(fmt[j + 1])))
      ++j;
    out.push_back({before, fmt.substr(i + 1, j - i)});
    literal = j + 1;
    i = j;
  }
  return out;
}

// The field an argument prints, under any casts; null when it prints something else.
const char* printed_field(const tep_print_arg* a) {
  while (a && a->type == TEP_PRINT_TYPE) a = a->typecast.item;
  return a && a->type == TEP_PRINT_FIELD ? a->field.name : nullptr;
}

// The first field an argument reads, through casts, operators and __print_flags() /
// __print_symbolic() (sched_switch's prev_state sits in a `?:`); null when it reads none.
const char* first_field(const tep_print_arg* a) {
  if (!a) return nullptr;
  switch (a->type) {
    case TEP_PRINT_FIELD:
      return a->field.name;
    case TEP_PRINT_TYPE:
      return first_field(a->typecast.item);
    case TEP_PRINT_STRING:
      return a->string.field ? a->string.field->name : a->string.string;  // __get_str()
    case TEP_PRINT_FLAGS:
      return first_field(a->flags.field);
    case TEP_PRINT_SYMBOL:
      return first_field(a->symbol.field);
    case TEP_PRINT_OP: {
      const char* left = first_field(a->op.left);
      return left ? left : first_field(a->op.right);
    }
    default:
      return nullptr;
  }
}

// The symbol of `value` in a __print_symbolic() table (the values are numbers libtraceevent
// evaluated from the format), or null.
const char* symbol_of(const tep_print_flag_sym* table, uint64_t value) {
  for (const tep_print_flag_sym* s = table; s; s = s->next)
    if (s->value && std::strtoull(s->value, nullptr, 0) == value) return s->str;
  return nullptr;
}

void append_hex(std::string& out, uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  out += buf;
}

}  // namespace

bool is_trace_dat(std::string_view head) {
  if (head.empty()) return false;
  if (head.size() < kTraceDatMagic.size()) return head[0] == kTraceDatMagic[0];
  return head.starts_with(kTraceDatMagic);
}

// How one field is written (from the event's format and print format).
struct TraceDatReader::FieldStyle {
  tep_format_field* field = nullptr;
  int rank = 1 << 30;                           // where the print format first prints it
  char function = 0;                            // %ps: 's', %pS: 'S' (a kernel text address)
  const tep_print_flag_sym* symbols = nullptr;  // printed through __print_symbolic()
  bool printed_as_number = false;               // the format prints its number too
  std::string symbol_key;                       // "action" of softirq's `[action=%s]`
  bool symbol_bracketed = false;
};

struct TraceDatReader::EventStyle {
  int id = -1;
  std::string name;
  TraceEventId sbm_id = TraceEventId::Unknown;
  std::vector<FieldStyle> fields;
};

TraceDatReader::~TraceDatReader() {
  for (Cursor& c : cursors_)
    if (c.pending) tracecmd_free_record(c.pending);
  for (tracecmd_input* h : instances_) tracecmd_close(h);
  if (input_) tracecmd_close(input_);
}

std::unique_ptr<TraceDatReader> TraceDatReader::open_file(const std::string& path,
                                                          std::string& error) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    error = "cannot open the file";
    return nullptr;
  }
  std::unique_ptr<TraceDatReader> r(new TraceDatReader());
  if (!r->start(fd, error)) return nullptr;
  return r;
}

std::unique_ptr<TraceDatReader> TraceDatReader::open_stream(std::istream& in, std::string& error) {
  // libtracecmd seeks to the sections the file's header names: a pipe is read whole into an
  // anonymous memory file first.
  const int fd = memfd_create("sbm-trace-dat", MFD_CLOEXEC);
  if (fd < 0) {
    error = "cannot make a memory file for the trace.dat read from a stream";
    return nullptr;
  }
  char buf[1 << 16];
  while (in) {
    in.read(buf, sizeof buf);
    for (std::streamsize off = 0; off < in.gcount();) {
      const ssize_t n = ::write(fd, buf + off, static_cast<std::size_t>(in.gcount() - off));
      if (n <= 0) {
        ::close(fd);
        error = "cannot copy the trace.dat read from a stream into memory";
        return nullptr;
      }
      off += n;
    }
  }
  ::lseek(fd, 0, SEEK_SET);
  std::unique_ptr<TraceDatReader> r(new TraceDatReader());
  if (!r->start(fd, error)) return nullptr;
  return r;
}

bool TraceDatReader::start(int fd, std::string& error) {
  char head[kTraceDatMagic.size()];
  const ssize_t got = ::pread(fd, head, sizeof head, 0);
  if (got != static_cast<ssize_t>(sizeof head) ||
      !is_trace_dat(std::string_view(head, sizeof head))) {
    ::close(fd);
    error = "not a trace.dat: the file does not start with trace-cmd's magic";
    return false;
  }
  // libtracecmd and libtraceevent report to standard error; their failures are ours to say.
  tracecmd_set_loglevel(TEP_LOG_NONE);
  tep_set_loglevel(TEP_LOG_NONE);
  // No plugins: a field is written from the format, never by a plugin's printer.
  input_ = tracecmd_open_fd(fd, kTracecmdNoPlugins | kTracecmdNoSystemPlugins);
  if (!input_) {
    ::close(fd);
    error = "not a readable trace.dat: libtracecmd cannot read its headers (truncated or corrupt)";
    return false;
  }
  tep_ = tracecmd_get_tep(input_);
  if (const char* u = tracecmd_get_uname(input_)) uname_ = u;
  std::vector<tracecmd_input*> buffers{input_};
  for (int i = 0; i < tracecmd_buffer_instances(input_); ++i) {
    tracecmd_input* h = tracecmd_buffer_instance_handle(input_, i);
    if (!h) {
      error = "buffer instance " + std::to_string(i) +
              " of the trace.dat does not read (truncated or corrupt)";
      return false;
    }
    instances_.push_back(h);
    buffers.push_back(h);
  }
  // One buffer's events: two buffers of a file trace the same CPUs, maybe the same events.
  std::string with_events;
  int buffers_with_events = 0;
  for (std::size_t b = 0; b < buffers.size(); ++b) {
    tracecmd_input* h = buffers[b];
    const std::size_t before = cursors_.size();
    const int cpus = tep_get_cpus(tracecmd_get_tep(h));
    for (int cpu = 0; cpu < cpus; ++cpu)
      if (tep_record* r = tracecmd_read_data(h, cpu)) cursors_.push_back(Cursor{h, cpu, r});
    if (cursors_.size() == before) continue;
    ++buffers_with_events;
    const char* name =
        b == 0 ? "top" : tracecmd_buffer_instance_name(input_, static_cast<int>(b) - 1);
    with_events += std::string(with_events.empty() ? "" : ", ") + (name ? name : "?");
  }
  if (buffers_with_events > 1) {
    error = "the trace.dat holds events in " + std::to_string(buffers_with_events) + " buffers (" +
            with_events +
            "); sbm reads one buffer's: extract one (trace-cmd split -B or extract -B)";
    return false;
  }
  return true;
}

const TraceDatReader::EventStyle& TraceDatReader::style_of(tep_event* event) {
  for (const auto& s : styles_)
    if (s->id == event->id) return *s;
  auto style = std::make_unique<EventStyle>();
  style->id = event->id;
  style->name = event->name ? event->name : "";
  style->sbm_id = trace_event_id(style->name);
  if (tep_format_field** fields = tep_event_fields(event)) {
    for (tep_format_field** f = fields; *f; ++f) style->fields.push_back(FieldStyle{*f});
    std::free(fields);
  }
  auto find = [&](const char* name) -> FieldStyle* {
    for (FieldStyle& f : style->fields)
      if (name && std::strcmp(f.field->name, name) == 0) return &f;
    return nullptr;
  };
  // The print format: which fields it prints as kernel symbols (%ps, %pS) or through
  // __print_symbolic(), the n-th conversion taking the n-th argument.
  const tep_print_arg* arg = event->print_fmt.args;
  int rank = 0;
  for (const Conversion& c : conversions(event->print_fmt.format ? event->print_fmt.format : "")) {
    if (!arg) break;
    if (FieldStyle* f = find(first_field(arg)); f && f->rank > rank) f->rank = rank++;
    if (FieldStyle* f = find(printed_field(arg))) {
      if (c.spec == "ps" || c.spec == "pf")
        f->function = 's';
      else if (c.spec == "pS" || c.spec == "pF")
        f->function = 'S';
      else if (c.spec.back() != 'p')
        f->printed_as_number = true;
    } else if (arg->type == TEP_PRINT_SYMBOL) {
      if (FieldStyle* s = find(printed_field(arg->symbol.field))) {
        s->symbols = arg->symbol.symbols;
        // The key is the text before the conversion after its last blank: "[action=".
        std::string_view key = c.before.substr(c.before.rfind(' ') + 1);
        s->symbol_bracketed = key.starts_with('[');
        if (s->symbol_bracketed) key.remove_prefix(1);
        if (key.ends_with('=')) key.remove_suffix(1);
        s->symbol_key = key;
      }
    }
    arg = arg->next;
  }
  // Written in the order the kernel prints them (TP_printk()), the fields it does not print after.
  std::stable_sort(style->fields.begin(), style->fields.end(),
                   [](const FieldStyle& a, const FieldStyle& b) { return a.rank < b.rank; });
  styles_.push_back(std::move(style));
  return *styles_.back();
}

namespace {

// A field's bytes in the record, or false when the record is too short for them.
bool field_bytes(const tep_format_field* f, const tep_record* rec, const char*& p, std::size_t& n) {
  const auto size = static_cast<std::size_t>(rec->size);
  const auto off = static_cast<std::size_t>(f->offset);
  if (f->offset < 0 || f->size < 0 || off + static_cast<std::size_t>(f->size) > size) return false;
  p = static_cast<const char*>(rec->data) + off;
  n = static_cast<std::size_t>(f->size);
  if (!(f->flags & TEP_FIELD_IS_DYNAMIC)) return true;
  // __data_loc / __rel_loc: a 32-bit word, offset in the low half and length in the high half.
  unsigned long long loc = 0;
  if (tep_read_number_field(const_cast<tep_format_field*>(f), rec->data, &loc) != 0) return false;
  std::size_t at = loc & 0xffff;
  n = (loc >> 16) & 0xffff;
  if (f->flags & TEP_FIELD_IS_RELATIVE) at += off + static_cast<std::size_t>(f->size);
  if (at + n > size) return false;
  p = static_cast<const char*>(rec->data) + at;
  return true;
}

}  // namespace

bool TraceDatReader::build_event(tep_record* rec) {
  record_ = TraceRecord{};
  record_.line = ++line_;
  record_.cpu = rec->cpu;
  record_.timestamp_ns = rec->ts;
  tep_event* event = tep_find_event_by_record(tep_, rec);
  if (!event || rec->size < 8) {
    record_.kind = TraceRecordKind::Unparsed;
    error_ = "record " + std::to_string(line_) + " on CPU " + std::to_string(rec->cpu) +
             ": its event id is not in the file's event formats (corrupt data)";
    return false;
  }
  const EventStyle& style = style_of(event);
  record_.kind = TraceRecordKind::Event;
  record_.pid = tep_data_pid(tep_, rec);
  const char* comm = tep_data_comm_from_pid(tep_, record_.pid);
  comm_ = comm ? comm : "<...>";
  flags_ = irq_info(static_cast<unsigned>(tep_data_flags(tep_, rec)) & 0xff,
                    static_cast<unsigned>(tep_data_preempt_count(tep_, rec)) & 0xff);
  event_ = style.name;
  record_.id = style.sbm_id;
  fields_.clear();
  const bool sched_switch = style.sbm_id == TraceEventId::Switch;
  for (const FieldStyle& fs : style.fields) {
    const tep_format_field* f = fs.field;
    const char* p = nullptr;
    std::size_t n = 0;
    if (!field_bytes(f, rec, p, n)) continue;  // a short record: the field is not there
    const bool string = (f->flags & TEP_FIELD_IS_STRING) ||
                        ((f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_DYNAMIC)) && f->type &&
                         std::strstr(f->type, "char") && f->elementsize <= 1);
    if (!string && (f->flags & (TEP_FIELD_IS_ARRAY | TEP_FIELD_IS_DYNAMIC)))
      continue;  // no array items
    if (sched_switch && std::strcmp(f->name, "next_comm") == 0)
      fields_ += fields_.empty() ? "==>" : " ==>";
    if (!fields_.empty()) fields_ += ' ';
    fields_ += f->name;
    fields_ += '=';
    if (string) {
      fields_.append(p, strnlen(p, n));
      continue;
    }
    unsigned long long raw = 0;
    tep_read_number_field(const_cast<tep_format_field*>(f), rec->data, &raw);
    uint64_t v = raw;
    if (f->size < 8) v &= (uint64_t{1} << (8 * f->size)) - 1;
    const bool is_signed = f->flags & TEP_FIELD_IS_SIGNED;
    const int64_t sv = is_signed && f->size < 8 && (v >> (8 * f->size - 1))
                           ? static_cast<int64_t>(v | ~((uint64_t{1} << (8 * f->size)) - 1))
                           : static_cast<int64_t>(v);
    if (sched_switch && std::strcmp(f->name, "prev_state") == 0) {
      fields_ += switch_state(v);
    } else if (fs.function) {
      const char* name = nullptr;
      unsigned long long start = 0;
      unsigned long size = 0;
      if (tep_find_function_info(tep_, v, &name, &start, &size) && name) {
        fields_ += name;
        if (fs.function == 'S') {
          char buf[48];
          std::snprintf(buf, sizeof buf, "+0x%llx/0x%lx", v - start, size);
          fields_ += buf;
        }
      } else {
        append_hex(fields_, v);
      }
    } else if (fs.symbols && !fs.printed_as_number) {
      const char* sym = symbol_of(fs.symbols, v);
      if (sym)
        fields_ += sym;
      else
        append_hex(fields_, v);
    } else if (f->flags & TEP_FIELD_IS_POINTER) {
      append_hex(fields_, v);
    } else {
      fields_ += is_signed ? std::to_string(sv) : std::to_string(v);
    }
    if (fs.symbols && fs.printed_as_number && !fs.symbol_key.empty()) {
      if (const char* sym = symbol_of(fs.symbols, v)) {
        fields_ += fs.symbol_bracketed ? " [" : " ";
        fields_ += fs.symbol_key;
        fields_ += '=';
        fields_ += sym;
        if (fs.symbol_bracketed) fields_ += ']';
      }
    }
  }
  char ts[48];
  // Microseconds rounded to the nearest, as ftrace prints them (ns2usecs(), kernel/trace/trace.c,
  // v6.18); timestamp_ns keeps the exact nanoseconds.
  const unsigned long long us = (rec->ts + 500) / 1000;
  std::snprintf(ts, sizeof ts, "%llu.%06llu", us / 1'000'000, us % 1'000'000);
  timestamp_ = ts;
  build_text();
  return true;
}

void TraceDatReader::build_lost(const Cursor& c) {
  record_ = TraceRecord{};
  record_.line = ++line_;
  record_.kind = TraceRecordKind::LostEvents;
  record_.cpu = c.cpu;
  // missed_events: how many the page lost before it, or -1 when the kernel could not say.
  if (c.pending->missed_events > 0) record_.lost = static_cast<uint64_t>(c.pending->missed_events);
  text_ = "CPU:" + std::to_string(c.cpu) + " [LOST " +
          (record_.lost ? std::to_string(*record_.lost) + " EVENTS]" : std::string("EVENTS]"));
  record_.text = text_;
}

// The line ftrace would print for the record (print_trace_header() layout, with irq-info): the
// context lines of a finding show it.
void TraceDatReader::build_text() {
  char head[64];
  std::snprintf(head, sizeof head, "-%-7d [%03d] ", record_.pid, record_.cpu);
  text_.clear();
  if (comm_.size() < 16) text_.append(16 - comm_.size(), ' ');
  const std::size_t comm_at = text_.size();
  text_ += comm_;
  text_ += head;
  text_ += flags_;
  text_ += ' ';
  const std::size_t ts_at = text_.size();
  text_ += timestamp_;
  text_ += ": ";
  const std::size_t event_at = text_.size();
  text_ += event_;
  text_ += ": ";
  const std::size_t fields_at = text_.size();
  text_ += fields_;
  const std::string_view t = text_;
  record_.text = t;
  record_.comm = t.substr(comm_at, comm_.size());
  record_.flags = t.substr(ts_at - 1 - flags_.size(), flags_.size());
  record_.timestamp_text = t.substr(ts_at, timestamp_.size());
  record_.event = t.substr(event_at, event_.size());
  record_.fields = t.substr(fields_at);
}

const TraceRecord* TraceDatReader::next() {
  if (!error_.empty()) return nullptr;
  Cursor* first = nullptr;
  for (Cursor& c : cursors_)
    if (c.pending && (!first || c.pending->ts < first->pending->ts)) first = &c;
  if (!first) return nullptr;
  tep_record* rec = first->pending;
  if (rec->missed_events != 0 && lost_before_ != rec) {
    lost_before_ = rec;
    build_lost(*first);
    return &record_;
  }
  lost_before_ = nullptr;
  first->pending = tracecmd_read_data(first->handle, first->cpu);
  const bool ok = build_event(rec);
  tracecmd_free_record(rec);
  return ok ? &record_ : nullptr;
}

}  // namespace sbm
