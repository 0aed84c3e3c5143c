#include "traces/trace_header.h"

#include "traces/trace_text.h"
#include "traces/trace_write.h"

namespace sbm {

std::optional<std::string_view> add_trace_header(TraceHeaderText& h, const TraceRecord& r) {
  if (r.kind != TraceRecordKind::Header) return std::nullopt;
  const std::string_view k = r.key;
  const std::string_view v = r.value;
  auto set_text = [&](std::string& into) -> std::optional<std::string_view> {
    if (v.empty()) return "empty value";
    if (!into.empty()) return "key given twice";
    into = v;
    return std::nullopt;
  };
  if (k == "sbm-trace") {
    if (h.version) return "key given twice";
    const auto n = to_number<int>(v);
    if (!n) return "expected the format version number";
    if (*n != kTraceFormatVersion)
      return "unsupported sbm-trace version (this reader knows version 1)";
    h.version = n;
  } else if (k == "generator") {
    return set_text(h.generator);
  } else if (k == "profile") {
    return set_text(h.profile);
  } else if (k == "topology") {
    return set_text(h.topology);
  } else if (k == "hz") {
    if (h.hz) return "key given twice";
    const auto n = to_number<unsigned>(v);
    if (!n || *n == 0) return "expected a positive HZ";
    h.hz = n;
  } else if (k == "jiffies-bits") {
    if (h.jiffies_bits) return "key given twice";
    const auto n = to_number<unsigned>(v);
    if (!n || (*n != 32 && *n != 64)) return "expected 32 or 64";
    h.jiffies_bits = n;
  } else if (k == "topology-dump") {
    h.topology_dump.emplace_back(v);
  }
  return std::nullopt;
}

}  // namespace sbm
