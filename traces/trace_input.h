// What a trace input is, judged by its first bytes and never by its name, and a stream of its
// text: gzip and zstd are decompressed on the way (so `sbm trace check x.trace.gz` and
// `zstdcat x | sbm trace check -` read the same events), while an empty input and binary data
// that is none of the known kinds are refused with what was found, so that no verdict rests on
// an input nothing was read from (spec/trace-format.md, "Input").
#pragma once

#include <cstddef>
#include <istream>
#include <memory>
#include <string>
#include <string_view>

namespace sbm {

enum class TraceInputKind {
  Text,      // ftrace text, trace-cmd report, perf script, sbm's own format
  TraceDat,  // trace-cmd's binary trace.dat (traces/trace_dat.h)
  Gzip,      // RFC 1952 member: 1f 8b
  Zstd,      // RFC 8878 frame: 28 b5 2f fd
  Empty,     // no byte at all
  Binary,    // a NUL byte or mostly non-text bytes in the first kSniffBytes
};

// How many leading bytes sniff_trace_input() looks at.
inline constexpr std::size_t kSniffBytes = 4096;

// The kind of an input whose first bytes (up to kSniffBytes of them) are `head`.
TraceInputKind sniff_trace_input(std::string_view head);

// Why an input of kind `k` (Empty or Binary) yields no trace, for `FILE: error: ...`.
std::string refused_input_reason(TraceInputKind k);

// A readable trace input: its kind after decompression (Text, TraceDat, Empty or Binary) and the
// stream of its bytes, which starts with the bytes sniffed. error() is set when compressed
// data ended early or was corrupt; the stream then ends where the data went wrong.
class TraceInput {
 public:
  // Reads the head of `source` (which must outlive the TraceInput) and unpacks the input when
  // it is compressed (one level: a gzip inside a zstd is Binary).
  explicit TraceInput(std::istream& source);
  ~TraceInput();
  TraceInput(const TraceInput&) = delete;
  TraceInput& operator=(const TraceInput&) = delete;

  TraceInputKind kind() const { return kind_; }
  // "gzip", "zstd", or "" for an input read as it is.
  const std::string& compression() const { return compression_; }
  std::istream& stream() { return *stream_; }
  std::string error() const;

  class Buffer;  // trace_input.cpp: a streambuf that passes bytes through or unpacks them

 private:
  std::unique_ptr<Buffer> raw_, unpacked_;
  std::unique_ptr<std::istream> raw_stream_, unpacked_stream_;
  std::istream* stream_ = nullptr;
  TraceInputKind kind_ = TraceInputKind::Empty;
  std::string compression_;
};

}  // namespace sbm
