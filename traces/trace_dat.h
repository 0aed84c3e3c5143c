// Reading trace-cmd's binary trace.dat (spec/trace-format.md, "trace.dat") through libtracecmd
// and libtraceevent: the same TraceRecords the text reader gives, so that TraceCheck and
// everything after it reads a trace.dat as it reads ftrace's text.
//
// Every record is built from the event formats the file carries, never from printed text: the
// event by its id (tep_find_event_by_record()), comm and pid from the record and the file's
// saved cmdlines, the irq-info flags from common_flags/common_preempt_count, and the event's own
// fields by name, written `name=value` in the format's field order. The CPUs' buffers (and the
// buffer instances of the file) are merged in timestamp order; a page that lost events before
// it gives a LostEvents record first.
#pragma once

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "traces/trace_line_read.h"

struct tracecmd_input;
struct tep_handle;
struct tep_record;
struct tep_event;

namespace sbm {

// The first bytes of every trace.dat: 0x17 0x08 0x44 and "tracing" (trace-cmd's
// trace-cmd.dat(5), the file's magic).
inline constexpr std::string_view kTraceDatMagic{"\x17\x08\x44tracing", 10};

// Whether `head`, the start of an input, is a trace.dat's: the whole magic when `head` is long
// enough, else its first byte (a text trace never starts with the control byte 0x17).
bool is_trace_dat(std::string_view head);

class TraceDatReader {
 public:
  // Opens the trace.dat at `path`, or reads a whole stream (a pipe, standard input) into memory
  // and opens that: the file is read by offsets, not front to back. Null with `error` set when
  // it is not a trace.dat libtracecmd can read.
  static std::unique_ptr<TraceDatReader> open_file(const std::string& path, std::string& error);
  static std::unique_ptr<TraceDatReader> open_stream(std::istream& in, std::string& error);
  ~TraceDatReader();
  TraceDatReader(const TraceDatReader&) = delete;
  TraceDatReader& operator=(const TraceDatReader&) = delete;

  // The next record, or nullptr at the end or at a record that does not read (error() then
  // says why). Valid until the next call. `line` numbers the records from 1.
  const TraceRecord* next();
  const std::string& error() const { return error_; }
  // The uname the recorder stored ("Linux host 6.18.0 ..."; empty when none).
  const std::string& uname() const { return uname_; }

 private:
  // One CPU of one buffer, with the record it will give next.
  struct Cursor {
    tracecmd_input* handle = nullptr;
    int cpu = 0;
    tep_record* pending = nullptr;
  };
  // What an event's print format says about its fields (resolved once per event id).
  struct FieldStyle;
  struct EventStyle;

  TraceDatReader() = default;
  bool start(int fd, std::string& error);
  const EventStyle& style_of(tep_event* event);
  bool build_event(tep_record* rec);
  void build_lost(const Cursor& c);
  void build_text();

  tracecmd_input* input_ = nullptr;
  std::vector<tracecmd_input*> instances_;  // buffer instances of the file (closed with it)
  tep_handle* tep_ = nullptr;
  std::vector<Cursor> cursors_;
  std::vector<std::unique_ptr<EventStyle>> styles_;
  std::string uname_;
  std::string error_;
  uint64_t line_ = 0;
  tep_record* lost_before_ = nullptr;  // a record whose lost-events record was just given
  TraceRecord record_;
  std::string comm_, flags_, event_, fields_, timestamp_, text_;
};

}  // namespace sbm
