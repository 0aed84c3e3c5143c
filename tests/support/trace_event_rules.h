// The rules of the Chrome Trace Event format that sbm's views must keep (spec/views.md), checked
// on a parsed document: what ui.perfetto.dev and chrome://tracing need to open it as drawn.
//   - the JSON Object Format: an object with a `traceEvents` array;
//   - each event has a known phase `ph` (B E X i s f M) and the fields that phase requires:
//     `name` (all but E), integer `pid` and `tid`, a numeric `ts` >= 0 (all but M), `dur` >= 0
//     for X, a scope `s` of g, p or t for i, an `id` for s and f, `args.name` for the process and
//     thread names of M;
//   - per track (pid, tid) the timestamps never go back in the order written;
//   - per track every E ends an open B, and none is left open at the end;
//   - flow ids are paired: each id has exactly one start `s` and one end `f`, the end not before
//     the start.
// Returns one message per broken rule instance, empty when every rule holds.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace sbm::testing {

inline std::vector<std::string> trace_event_rule_errors(const nlohmann::json& doc) {
  std::vector<std::string> errors;
  if (!doc.is_object() || !doc.contains("traceEvents") || !doc["traceEvents"].is_array())
    return {"not an object with a traceEvents array"};
  using Track = std::pair<int64_t, int64_t>;
  std::map<Track, double> last_ts;
  std::map<Track, int> open;
  struct Flow {
    int starts = 0, ends = 0;
    double start_ts = 0, end_ts = 0;
  };
  std::map<std::string, Flow> flows;
  const std::set<std::string> phases{"B", "E", "X", "i", "s", "f", "M"};
  std::size_t index = 0;
  for (const nlohmann::json& e : doc["traceEvents"]) {
    const std::string at = "event " + std::to_string(index++) + ": ";
    if (!e.is_object() || !e.contains("ph") || !e["ph"].is_string() ||
        !phases.count(e["ph"].get<std::string>())) {
      errors.push_back(at + "no known phase ph");
      continue;
    }
    const std::string ph = e["ph"];
    if (ph != "E" && !(e.contains("name") && e["name"].is_string()))
      errors.push_back(at + ph + " without a name");
    if (!e.contains("pid") || !e["pid"].is_number_integer() || !e.contains("tid") ||
        !e["tid"].is_number_integer()) {
      errors.push_back(at + ph + " without integer pid and tid");
      continue;
    }
    const Track track{e["pid"].get<int64_t>(), e["tid"].get<int64_t>()};
    if (ph == "M") {
      const std::string name = e.value("name", "");
      if ((name == "process_name" || name == "thread_name") &&
          !(e.contains("args") && e["args"].contains("name") && e["args"]["name"].is_string()))
        errors.push_back(at + "M " + name + " without args.name");
      continue;
    }
    if (!e.contains("ts") || !e["ts"].is_number() || e["ts"].get<double>() < 0) {
      errors.push_back(at + ph + " without a timestamp ts >= 0");
      continue;
    }
    const double ts = e["ts"];
    if (last_ts.count(track) && ts < last_ts[track])
      errors.push_back(at + "ts " + std::to_string(ts) + " goes back on track pid " +
                       std::to_string(track.first) + " tid " + std::to_string(track.second));
    last_ts[track] = std::max(ts, last_ts.count(track) ? last_ts[track] : ts);
    if (ph == "X" && !(e.contains("dur") && e["dur"].is_number() && e["dur"].get<double>() >= 0))
      errors.push_back(at + "X without a duration dur >= 0");
    if (ph == "i" && e.contains("s") &&
        !(e["s"].is_string() && std::set<std::string>{"g", "p", "t"}.count(e["s"])))
      errors.push_back(at + "i with a scope s other than g, p, t");
    if (ph == "B") ++open[track];
    if (ph == "E" && open[track]-- == 0) {
      errors.push_back(at + "E without an open B on its track");
      open[track] = 0;
    }
    if (ph == "s" || ph == "f") {
      if (!e.contains("id")) {
        errors.push_back(at + ph + " without an id");
        continue;
      }
      Flow& f = flows[e["id"].dump()];
      (ph == "s" ? f.starts : f.ends) += 1;
      (ph == "s" ? f.start_ts : f.end_ts) = ts;
    }
  }
  for (const auto& [track, n] : open)
    if (n > 0)
      errors.push_back(std::to_string(n) + " B left open on track pid " +
                       std::to_string(track.first) + " tid " + std::to_string(track.second));
  for (const auto& [id, f] : flows) {
    if (f.starts != 1 || f.ends != 1)
      errors.push_back("flow id " + id + ": " + std::to_string(f.starts) + " starts and " +
                       std::to_string(f.ends) + " ends, expected one of each");
    else if (f.end_ts < f.start_ts)
      errors.push_back("flow id " + id + " ends before it starts");
  }
  return errors;
}

}  // namespace sbm::testing
