#include "traces/trace_event_id.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace sbm {

namespace {

// Indexed by TraceEventId.
constexpr std::array<std::string_view, kTraceEventIds> kNames = {
    "",
    trace_event::kTick,
    trace_event::kSoftirqRaise,
    trace_event::kSoftirqEntry,
    trace_event::kSoftirqExit,
    trace_event::kPass,
    trace_event::kDomain,
    trace_event::kDomainSkip,
    trace_event::kSerialize,
    trace_event::kResult,
    trace_event::kCandidate,
    trace_event::kNextBalance,
    trace_event::kRqLock,
    trace_event::kMigrate,
    trace_event::kDetach,
    trace_event::kActive,
    trace_event::kNohzIdle,
    trace_event::kNohzKick,
    trace_event::kIlb,
    trace_event::kIlbEnd,
    trace_event::kHotplug,
    trace_event::kFork,
    trace_event::kWake,
    trace_event::kSleep,
    trace_event::kExit,
    trace_event::kAffinity,
    trace_event::kSwitch,
    trace_event::kWaking,
};

// A hash of the length and three bytes: a few operations whatever the name's length (this
// runs once per line), and for these 27 names three collisions in 128 slots, each settled by
// the next slot.
constexpr std::size_t name_hash(std::string_view s) {
  const std::size_t n = s.size();
  if (n < 2) return n;
  return n * 31 + static_cast<uint8_t>(s[n - 1]) * 7u + static_cast<uint8_t>(s[n - 2]) * 3u +
         static_cast<uint8_t>(s[n / 2]);
}

// Open addressing, four slots per name so probes stay short.
constexpr std::size_t kSlots = 128;
static_assert(kSlots >= 4 * kTraceEventIds);

struct Table {
  std::array<TraceEventId, kSlots> slot{};
  constexpr Table() {
    for (std::size_t id = 1; id < kTraceEventIds; ++id) {
      std::size_t i = name_hash(kNames[id]) % kSlots;
      while (slot[i] != TraceEventId::Unknown) i = (i + 1) % kSlots;
      slot[i] = static_cast<TraceEventId>(id);
    }
  }
};
constexpr Table kTable;

// a == b, eight bytes at a time (the last word overlapping): the names are 11 to 26 bytes,
// and this runs once per line, where a call to memcmp() costs more than the compare.
bool same_name(std::string_view a, std::string_view b) {
  const std::size_t n = a.size();
  if (n != b.size()) return false;
  if (n < 8) return a == b;
  uint64_t x, y;
  for (std::size_t i = 0; i + 8 < n; i += 8) {
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (x != y) return false;
  }
  std::memcpy(&x, a.data() + n - 8, 8);
  std::memcpy(&y, b.data() + n - 8, 8);
  return x == y;
}

}  // namespace

std::string_view bare_trace_event_name(std::string_view event) {
  // Most names hold no ':' at all: one memchr() says so (find() of a char is memchr).
  if (event.find(':') == std::string_view::npos) return event;
  const std::size_t colon = event.rfind(':');
  return colon == std::string_view::npos ? event : event.substr(colon + 1);
}

TraceEventId trace_event_id(std::string_view bare_name) {
  for (std::size_t i = name_hash(bare_name) % kSlots;; i = (i + 1) % kSlots) {
    const TraceEventId id = kTable.slot[i];
    if (id == TraceEventId::Unknown || same_name(kNames[static_cast<std::size_t>(id)], bare_name))
      return id;
  }
}

std::string_view trace_event_name(TraceEventId id) { return kNames[static_cast<std::size_t>(id)]; }

bool is_sbm_trace_event(TraceEventId id) {
  static constexpr std::array<bool, kTraceEventIds> kSbm = [] {
    std::array<bool, kTraceEventIds> sbm{};
    for (std::size_t i = 0; i < kTraceEventIds; ++i) sbm[i] = is_sbm_trace_event(kNames[i]);
    return sbm;
  }();
  return kSbm[static_cast<std::size_t>(id)];
}

}  // namespace sbm
