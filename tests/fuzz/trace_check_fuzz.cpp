// Fuzz target: any bytes as a trace given to `sbm trace check`, through what the command runs
// on every record (tools/sbm/cmd_trace_check.cpp, check_stream()): the stream reader, the
// mainline checker and the replay into the model, with the trace's own profile and, as a
// second lane, --profile v2.6.20 (the era whose softirq vec, trigger and walk differ most).
//
// Bad input is data (design.md): besides not crashing under ASan and UBSan, a run must give
// the same findings when repeated (no state leaks from uninitialised memory or from a
// previous input), and every finding must point at a line of the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "model/profile.h"
#include "traces/trace_check_mainline.h"
#include "traces/trace_read.h"
#include "traces/trace_replay.h"

namespace {

std::vector<sbm::Violation> check_once(const std::string& text, const std::string& profile) {
  sbm::MainlineCheckOptions mainline;
  if (!profile.empty()) mainline.era = sbm::find_profile(profile).profile->version;  // as checker_options()
  sbm::ReplayOptions replay_options;
  replay_options.profile = profile;
  sbm::MainlineTraceChecker checker(mainline);
  sbm::TraceReplay replay(replay_options);
  std::istringstream in(text);
  sbm::TraceReader reader(in);
  std::vector<sbm::Violation> out;
  uint64_t lines = 0;
  while (const sbm::TraceRecord* r = reader.next()) {
    lines = r->line;
    checker.feed(*r, out);
    replay.feed(*r, out);
  }
  checker.finish(out);
  replay.finish(out);
  (void)checker.summary();
  (void)replay.summary();
  for (const sbm::Violation& v : out) {
    if (v.line < 0 || static_cast<uint64_t>(v.line) > lines) {
      std::fprintf(stderr, "%s at line %d of an input of %llu lines\n", v.id.c_str(), v.line,
                   static_cast<unsigned long long>(lines));
      std::abort();
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const char* profile : {"", "v2.6.20"}) {
    if (check_once(text, profile) != check_once(text, profile)) {
      std::fprintf(stderr, "two runs on the same input gave different findings (profile '%s')\n", profile);
      std::abort();
    }
  }
  return 0;
}
