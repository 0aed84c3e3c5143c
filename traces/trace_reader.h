// The streaming reader of a text trace (spec/trace-format.md, "Reading"): splits a stream or a
// mapped file into lines and reads each with read_trace_line() (traces/trace_line_read.h).
//
// Streaming: the reader keeps one bounded buffer (kMaxTraceLine plus one read chunk) and no
// past lines; a record's string_views point into that buffer and stay valid only until the
// next call of next(). Bad input is data: an Unparsed record with a reason, never a throw.
#pragma once

#include <cstddef>
#include <cstdint>
#include <istream>
#include <optional>
#include <string_view>
#include <vector>

#include "traces/mapped_file.h"
#include "traces/trace_line_read.h"

namespace sbm {

class TraceReader {
 public:
  explicit TraceReader(std::istream& in);
  // Lexes a mapped file in place, giving back what it has passed (MappedFile::release_before()).
  // The same records as the stream reader gives for the same bytes.
  explicit TraceReader(MappedFile& file);

  // The next line's record, or nullptr at the end of input. The record and the views inside it
  // stay valid until the next call (the reader reuses both; copying a record costs more than
  // lexing a line).
  const TraceRecord* next();

  // How far into a mapped file the lines read so far reach, in bytes (0 for a stream): for
  // progress.
  std::size_t mapped_offset() const { return file_ ? begin_ : 0; }

 private:
  // The next line; `control` is where its first control byte is (npos: none).
  std::optional<std::string_view> next_line(bool& overlong, std::size_t& control);

  std::istream* in_ = nullptr;  // a stream read into buf_, or
  MappedFile* file_ = nullptr;  // a file read where it is mapped
  std::vector<char> buf_;
  const char* base_ = nullptr;  // buf_'s data or the file's text
  std::size_t begin_ = 0;       // start of the unread text at base_
  std::size_t end_ = 0;         // end of the text read from in_ (the file's size)
  bool eof_ = false;
  bool discarding_ = false;  // inside the rest of an overlong line
  uint64_t line_ = 0;
  bool after_printk_ = false;  // previous record was a bprint/print/bputs event or its continuation
  TraceRecord record_;
};

}  // namespace sbm
