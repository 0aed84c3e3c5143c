#include "traces/trace_view/chrome_trace.h"

#include <nlohmann/json.hpp>

#include "traces/sched_event_fields.h"
#include "traces/softirq_fields.h"
#include "traces/trace_names.h"

namespace sbm {

namespace {

const char* slice_category(ChromeTraceWriter::Slice kind) {
  switch (kind) {
    case ChromeTraceWriter::Slice::Run:
      return "run";
    case ChromeTraceWriter::Slice::Softirq:
      return "softirq";
    case ChromeTraceWriter::Slice::Pass:
      return "balance";
    case ChromeTraceWriter::Slice::Domain:
      return "domain";
    case ChromeTraceWriter::Slice::Token:
      return "serialize";
  }
  return "";
}

// The hover text of every event: its line in the input and its fields as printed.
nlohmann::json record_args(const TraceRecord& r) {
  return {{"line", r.line}, {"event", std::string(r.event)}, {"fields", std::string(r.fields)}};
}

bool is_sched_softirq(const TraceRecord& r, TraceFields& fields) {
  return read_softirq_fields(r.fields, fields).action == kSchedSoftirqAction;
}

}  // namespace

ChromeTraceWriter::ChromeTraceWriter(std::ostream& out, ViewWindow window,
                                     std::vector<Violation> markers, std::string file)
    : out_(out), window_(window), markers_(std::move(markers)), file_(std::move(file)) {
  out_ << "{\"traceEvents\":[\n";
}

ChromeTraceWriter::Track& ChromeTraceWriter::track(int cpu) {
  if (static_cast<std::size_t>(cpu) >= tracks_.size()) tracks_.resize(cpu + 1);
  return tracks_[cpu];
}

// Events on one track are written in time order: a trace merged from per-CPU buffers may step
// back a little across CPUs, and a flow's end lands on another CPU's track.
uint64_t ChromeTraceWriter::stamp(int cpu, uint64_t ts_us) {
  Track& t = track(cpu);
  if (ts_us > t.last_us) t.last_us = ts_us;
  return t.last_us;
}

void ChromeTraceWriter::emit(const std::string& json) {
  out_ << (first_event_ ? "" : ",\n") << json;
  first_event_ = false;
}

void ChromeTraceWriter::begin(int cpu, uint64_t ts, Slice kind, const std::string& name,
                              const TraceRecord& r) {
  close(cpu, ts, kind);
  emit(nlohmann::json{{"ph", "B"},
                      {"name", name},
                      {"cat", slice_category(kind)},
                      {"pid", 0},
                      {"tid", cpu},
                      {"ts", stamp(cpu, ts)},
                      {"args", record_args(r)}}
           .dump());
  track(cpu).stack.push_back({kind});
}

// Ends the innermost open slice of `kind` and everything opened inside it.
void ChromeTraceWriter::close(int cpu, uint64_t ts, Slice kind) {
  std::vector<Open>& stack = track(cpu).stack;
  std::size_t at = stack.size();
  while (at > 0 && stack[at - 1].kind != kind) --at;
  if (at == 0) return;
  while (stack.size() >= at) {
    emit(nlohmann::json{{"ph", "E"}, {"pid", 0}, {"tid", cpu}, {"ts", stamp(cpu, ts)}}.dump());
    stack.pop_back();
  }
}

void ChromeTraceWriter::end_open(int cpu) {
  for (std::size_t c = 0; c < tracks_.size(); ++c)
    if ((cpu < 0 || static_cast<std::size_t>(cpu) == c) && !tracks_[c].stack.empty())
      close(static_cast<int>(c), tracks_[c].last_us, tracks_[c].stack.front().kind);
}

void ChromeTraceWriter::instant(int cpu, uint64_t ts, const std::string& name, const char* cat,
                                const TraceRecord& r) {
  emit(nlohmann::json{{"ph", "i"},
                      {"s", "t"},
                      {"name", name},
                      {"cat", cat},
                      {"pid", 0},
                      {"tid", cpu},
                      {"ts", stamp(cpu, ts)},
                      {"args", record_args(r)}}
           .dump());
}

// sched_migrate_task (include/trace/events/sched.h, v6.17): an arrow from orig_cpu to dest_cpu.
void ChromeTraceWriter::migration(const TraceRecord& r, uint64_t ts) {
  fields_.reset(r.fields);
  const std::optional<int> from = field_int(fields_.find("orig_cpu"));
  const std::optional<int> to = field_int(fields_.find("dest_cpu"));
  const std::optional<std::string_view> comm = fields_.find("comm");
  const std::string name = "migrate " + std::string(comm.value_or("?")) + " " +
                           (from ? std::to_string(*from) : std::string("?")) + "->" +
                           (to ? std::to_string(*to) : std::string("?"));
  instant(r.cpu, ts, name, "migration", r);
  if (!from || !to || *from < 0 || *to < 0) return;
  const uint64_t id = ++flows_;
  emit(nlohmann::json{{"ph", "s"},
                      {"name", name},
                      {"cat", "migration"},
                      {"id", id},
                      {"pid", 0},
                      {"tid", *from},
                      {"ts", stamp(*from, ts)}}
           .dump());
  emit(nlohmann::json{{"ph", "f"},
                      {"bp", "e"},
                      {"name", name},
                      {"cat", "migration"},
                      {"id", id},
                      {"pid", 0},
                      {"tid", *to},
                      {"ts", stamp(*to, ts)}}
           .dump());
}

void ChromeTraceWriter::mark(const Violation& v, int cpu, uint64_t ts) {
  emit(nlohmann::json{{"ph", "i"},
                      {"s", "t"},
                      {"name", v.id},
                      {"cat", "violation"},
                      {"pid", 0},
                      {"tid", cpu},
                      {"ts", stamp(cpu, ts)},
                      {"args", finding_json(v)}}
           .dump());
}

void ChromeTraceWriter::convert(const TraceRecord& r) {
  const uint64_t ts = r.timestamp_us();
  const int cpu = r.cpu;
  fields_.reset(r.fields);
  switch (r.id) {
    case TraceEventId::Switch:
      if (const auto s = read_sched_switch(r, fields_)) {
        close(cpu, ts, Slice::Run);
        begin(cpu, ts, Slice::Run,
              std::string(s->next.comm) + "-" + std::to_string(s->next.pid.value_or(-1)), r);
        return;
      }
      break;
    case TraceEventId::SoftirqEntry:
      if (is_sched_softirq(r, fields_)) return begin(cpu, ts, Slice::Softirq, "SCHED softirq", r);
      break;
    case TraceEventId::SoftirqExit:
      if (is_sched_softirq(r, fields_)) return close(cpu, ts, Slice::Softirq);
      break;
    case TraceEventId::Pass:
      return begin(cpu, ts, Slice::Pass, "balance pass", r);
    case TraceEventId::NextBalance:
      // sched_balance_domains() writes rq->next_balance after its walk (kernel/sched/fair.c,
      // v6.17): the pass ends.
      instant(cpu, ts, "next_balance", "balance", r);
      return close(cpu, ts, Slice::Pass);
    case TraceEventId::Domain: {
      const std::string level(fields_.find("level").value_or("?"));
      const std::string name(fields_.find("name").value_or(""));
      return begin(cpu, ts, Slice::Domain, "domain-" + level + (name.empty() ? "" : " " + name), r);
    }
    case TraceEventId::Serialize: {
      const std::string_view action = fields_.find("action").value_or("");
      if (action == name_of(kSerializeActionNames, SerializeAction::Acquire))
        return begin(cpu, ts, Slice::Token, "SD_SERIALIZE token", r);
      if (action == name_of(kSerializeActionNames, SerializeAction::Release))
        return close(cpu, ts, Slice::Token);
      return instant(cpu, ts, "SD_SERIALIZE busy", "serialize", r);
    }
    case TraceEventId::NohzKick:
      return instant(cpu, ts,
                     "NOHZ kick -> CPU" + std::string(fields_.find("target").value_or("?")), "nohz",
                     r);
    case TraceEventId::Migrate:
      return migration(r, ts);
    default:
      break;
  }
  instant(cpu, ts, std::string(bare_trace_event_name(r.event)), "event", r);
}

bool ChromeTraceWriter::feed(const TraceRecord& r) {
  if (ended_) return false;
  if (r.kind == TraceRecordKind::Header) {
    add_trace_header(header_, r);
    return true;
  }
  // Events are missing before a gap (lost events, a restarted buffer): what was open on that
  // CPU (every CPU when the marker names none) is ended at its last time, not drawn across.
  if (started_ && is_trace_gap(r)) {
    end_open(r.cpu);
    return true;
  }
  if (r.kind != TraceRecordKind::Event || r.cpu < 0) return true;
  const uint64_t ts = r.timestamp_us();
  if (!started_) {
    const uint64_t span = window_.jiffies * 1000000 / hz();
    const uint64_t centre = window_.centre_us.value_or(ts + span / 2);
    begin_us_ = centre > span / 2 ? centre - span / 2 : 0;
    end_us_ = begin_us_ + span;
    started_ = true;
  }
  if (ts < begin_us_) return true;
  if (ts >= end_us_) {
    ended_ = true;
    return false;
  }
  convert(r);
  while (next_marker_ < markers_.size() &&
         static_cast<uint64_t>(markers_[next_marker_].line) <= r.line) {
    const Violation& v = markers_[next_marker_++];
    mark(v, v.cpu >= 0 ? v.cpu : r.cpu, ts);
  }
  return true;
}

void ChromeTraceWriter::finish() {
  end_open(-1);
  emit(nlohmann::json{{"ph", "M"},
                      {"name", "process_name"},
                      {"pid", 0},
                      {"tid", 0},
                      {"args", {{"name", "machine"}}}}
           .dump());
  for (std::size_t cpu = 0; cpu < tracks_.size(); ++cpu) {
    emit(nlohmann::json{{"ph", "M"},
                        {"name", "thread_name"},
                        {"pid", 0},
                        {"tid", cpu},
                        {"args", {{"name", "CPU" + std::to_string(cpu)}}}}
             .dump());
    emit(nlohmann::json{{"ph", "M"},
                        {"name", "thread_sort_index"},
                        {"pid", 0},
                        {"tid", cpu},
                        {"args", {{"sort_index", cpu}}}}
             .dump());
  }
  nlohmann::json markers = nlohmann::json::array();
  for (const Violation& v : markers_) markers.push_back(finding_json(v));
  const nlohmann::json meta{
      {"file", file_},
      {"generator", header_.generator},
      {"profile", header_.profile},
      {"hz", hz()},
      {"hz_from_header", header_.hz.has_value()},
      {"topology", header_.topology},
      {"topology_dump", header_.topology_dump},
      {"window", {{"begin_us", begin_us_}, {"end_us", end_us_}, {"jiffies", window_.jiffies}}},
      {"cpus", tracks_.size()},
      {"findings", markers}};
  out_ << "\n],\n\"displayTimeUnit\":\"ms\",\n\"otherData\":" << meta.dump() << "}\n";
}

nlohmann::json finding_json(const Violation& v) {
  return {{"id", v.id},
          {"line", v.line},
          {"cpu", v.cpu},
          {"level", v.level},
          {"expected", v.expected},
          {"observed", v.observed},
          {"explanation", v.explanation}};
}

std::vector<std::string> cpu_domain_lines(const std::vector<std::string>& dump, int cpu) {
  std::vector<std::string> out;
  const std::string start = "CPU" + std::to_string(cpu) + " attaching";
  bool inside = false;
  for (const std::string& line : dump) {
    if (line.starts_with("CPU"))
      inside = line.starts_with(start);
    else if (!line.starts_with(" "))
      inside = false;
    if (inside) out.push_back(line);
  }
  return out;
}

}  // namespace sbm
