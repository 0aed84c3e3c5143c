#include "traces/litmus.h"

#include <charconv>
#include <fstream>
#include <sstream>

#include "model/profile.h"
#include "traces/topology_dump/read.h"
#include "traces/trace_expect.h"
#include "traces/trace_reader.h"

namespace sbm {

namespace {

std::string joined_ids(const std::set<std::string>& ids) {
  std::string s;
  for (const std::string& id : ids) s += (s.empty() ? "" : ",") + id;
  return s;
}

std::string stated(const LitmusExpect& e, const std::string& good) {
  if (e.good) return good;
  if (!e.ids) return "violated";
  return "violated " + joined_ids(*e.ids);
}

// The text of a file; nullopt when it cannot be opened.
std::optional<std::string> file_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The "# key: value" lines a trace litmus is checked with.
struct TraceLitmusHeader {
  MainlineCheckOptions options;
  std::optional<LitmusError> error;
};

TraceLitmusHeader read_trace_litmus_header(std::istream& in, TraceLitmus& out) {
  TraceLitmusHeader h;
  TraceReader reader(in);
  const auto fail = [&](const TraceRecord& r, std::string message) {
    if (!h.error) h.error = LitmusError{static_cast<int>(r.line), std::move(message)};
  };
  while (const TraceRecord* r = reader.next()) {
    if (r->kind != TraceRecordKind::Header) continue;
    if (r->key == "expect") {
      const std::optional<TraceExpect> e = parse_trace_expect(r->value);
      if (!e)
        fail(*r, "# expect: wants 'conforms' or 'violated ID[,ID...]', found '" +
                     std::string(r->value) + "'");
      else
        out.expect = LitmusExpect{e->conforms, e->ids};
    } else if (r->key == "why") {
      out.why = r->value;
    } else if (r->key == "profile") {
      out.profile = r->value;
      const ProfileLookup p = find_profile(out.profile);
      if (!p.profile)
        fail(*r, "# profile: " + p.error);
      else
        h.options.era = p.profile->version;
    } else if (r->key == "hz") {
      out.hz = r->value;
    } else if (r->key == "jiffies-bits") {
      out.jiffies_bits = r->value;
    } else if (r->key == "idle-threshold-ms") {
      uint64_t ms = 0;
      const std::string_view v = r->value;
      const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), ms);
      if (ec != std::errc{} || end != v.data() + v.size() || ms == 0)
        fail(*r,
             "# idle-threshold-ms: expected a positive integer, found '" + std::string(v) + "'");
      else
        h.options.idle_threshold_ns = ms * 1'000'000;
    }
  }
  if (!out.expect && !h.error) h.error = LitmusError{0, "no '# expect:' header line"};
  return h;
}

}  // namespace

LitmusVerdict judge_litmus(const LitmusExpect& expect, const std::vector<Violation>& found,
                           const std::string& good) {
  LitmusVerdict v;
  for (const Violation& f : found) v.fired.insert(f.id);
  v.expected = stated(expect, good);
  v.observed = v.fired.empty() ? good : "violated " + joined_ids(v.fired);
  if (expect.good)
    v.ok = v.fired.empty();
  else
    v.ok = !v.fired.empty() && (!expect.ids || v.fired == *expect.ids);
  return v;
}

TraceLitmus check_trace_litmus(const std::string& path, Mutant mutant,
                               const std::function<void(const TraceRecord&)>& observe) {
  TraceLitmus out;
  std::ifstream head(path, std::ios::binary);
  if (!head) {
    out.error = LitmusError{0, "cannot open the file"};
    return out;
  }
  const TraceLitmusHeader h = read_trace_litmus_header(head, out);
  if (h.error) {
    out.error = h.error;
    return out;
  }
  std::ifstream f(path, std::ios::binary);
  TraceReader reader(f);
  TraceCheckLane lane;
  lane.mainline = h.options;
  lane.replay.mutant = mutant;
  TraceCheck check(lane, /*stop_at_first=*/false, path);
  while (const TraceRecord* r = reader.next()) {
    check.feed(*r);
    if (observe) observe(*r);
  }
  check.finish();
  out.result = check.result();
  if (out.result.summary.events == 0) {
    out.error = LitmusError{0, "no trace event read"};
    return out;
  }
  out.verdict = judge_litmus(*out.expect, out.result.violations, "conforms");
  return out;
}

std::optional<LitmusExpect> topology_litmus_expect(const std::string& text) {
  std::istringstream in(text);
  for (std::string line; std::getline(in, line) && line.rfind('#', 0) == 0;) {
    if (line.rfind("# expect: ", 0) == 0) {
      std::istringstream words(line.substr(10));
      std::string verdict;
      words >> verdict;
      if (verdict == "sound") return LitmusExpect{};
      if (verdict != "violated") return std::nullopt;
      LitmusExpect e{false, std::set<std::string>{}};
      for (std::string id; words >> id;) e.ids->insert(id);
      if (e.ids->empty()) return std::nullopt;
      return e;
    }
    if (line.find("verdict: ok") != std::string::npos) return LitmusExpect{};
    if (line.find("verdict: broken") != std::string::npos) return LitmusExpect{false, std::nullopt};
  }
  return std::nullopt;
}

TopologyLitmus check_topology_litmus(const std::string& path) {
  TopologyLitmus out;
  const std::optional<std::string> text = file_text(path);
  if (!text) {
    out.error = LitmusError{0, "cannot open the file"};
    return out;
  }
  const std::optional<LitmusExpect> expect = topology_litmus_expect(*text);
  if (!expect) {
    out.error = LitmusError{
        0, "no '# expect: sound' or '# expect: violated ID ...' line among the leading # lines"};
    return out;
  }
  DumpReadOptions options;
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line) && line.rfind('#', 0) == 0;)
    if (line.rfind("# era: ", 0) == 0) options.era = parse_kernel_version(line.substr(7));
  const DumpReadResult read = read_topology_dump(*text, path, options);
  if (!read.errors.empty()) {
    out.error = LitmusError{read.errors.front().line, read.errors.front().message};
    return out;
  }
  if (!read.topology) {
    out.error = LitmusError{0, "no sched-domain content found"};
    return out;
  }
  out.report = check_topology(*read.topology);
  out.verdict = judge_litmus(*expect, out.report.violations, "sound");
  return out;
}

}  // namespace sbm
