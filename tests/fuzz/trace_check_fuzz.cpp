// Fuzz target: any bytes as a trace given to `sbm trace check`, through what the command runs
// on every record (tools/sbm/cmd_trace_check.cpp, check_stream()): the stream reader, the
// mainline checker and the replay into the model, with the trace's own profile and, as a
// second lane, --profile v2.6.20 (the era whose softirq vec, trigger and walk differ most).
//
// Bad input is data (design.md): besides not crashing under ASan and UBSan, a run must give
// the same findings when repeated (no state leaks from uninitialised memory or from a
// previous input), and every finding must point at a line of the input. And the bytes read
// where they are mapped, as `sbm trace check FILE` reads a file, must give the records the
// stream reader gives, as it reads standard input (traces/mapped_file.h).
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

#include "model/profile.h"
#include "tests/fuzz/fuzz_fail.h"
#include "tests/support/trace_record_compare.h"
#include "traces/trace_check.h"
#include "traces/trace_reader.h"

namespace {

std::vector<sbm::Violation> check_once(const std::string& text, const std::string& profile) {
  sbm::TraceCheckLane lane;
  if (!profile.empty())
    lane.mainline.era = sbm::find_profile(profile).profile->version;  // as checker_options()
  lane.replay.profile = profile;
  sbm::TraceCheck check(lane);
  std::istringstream in(text);
  sbm::TraceReader reader(in);
  uint64_t lines = 0;
  while (const sbm::TraceRecord* r = reader.next()) {
    lines = r->line;
    check.feed(*r);
  }
  // finish() also builds the summaries the command prints, for the sanitizers to watch.
  check.finish();
  const std::vector<sbm::Violation>& out = check.result().violations;
  for (const sbm::Violation& v : out) {
    if (v.line < 0 || static_cast<uint64_t>(v.line) > lines)
      fuzz_fail("%s at line %d of an input of %llu lines", v.id.c_str(), v.line,
                static_cast<unsigned long long>(lines));
  }
  return out;
}

// The text read as a stream and, written to an in-memory file (memfd), read where it is mapped:
// record for record the same.
void mapped_reads_as_the_stream(const std::string& text) {
  if (text.empty()) return;  // nothing to map: the command reads such a file as a stream
  const int fd = memfd_create("sbm-fuzz-trace", 0);
  if (fd < 0 || write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    fuzz_fail("memfd: %s", std::strerror(errno));
  std::optional<sbm::MappedFile> file =
      sbm::MappedFile::open("/proc/self/fd/" + std::to_string(fd));
  close(fd);  // the mapping keeps the file
  if (!file) fuzz_fail("an in-memory file of %zu bytes could not be mapped", text.size());
  std::istringstream in(text);
  sbm::TraceReader stream(in);
  sbm::TraceReader mapped(*file);
  for (;;) {
    const sbm::TraceRecord* a = stream.next();
    const sbm::TraceRecord* b = mapped.next();
    if (a == nullptr && b == nullptr) return;
    if (a == nullptr || b == nullptr)
      fuzz_fail("the %s reader ends first", a == nullptr ? "stream" : "mapped");
    if (const std::string diff = sbm::testing::record_differences(*a, *b); !diff.empty())
      fuzz_fail("line %llu: the mapped file's record differs from the stream's in %s",
                static_cast<unsigned long long>(a->line), diff.c_str());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  for (const char* profile : {"", "v2.6.20"}) {
    if (check_once(text, profile) != check_once(text, profile))
      fuzz_fail("two runs on the same input gave different findings (profile '%s')", profile);
  }
  mapped_reads_as_the_stream(text);
  return 0;
}
