#include "traces/trace_reader.h"

#include <cstring>

#include "traces/byte_scan.h"

namespace sbm {

namespace {

// One read from the stream; the buffer holds it plus the longest line.
constexpr std::size_t kReadChunk = 256 * 1024;

}  // namespace

TraceReader::TraceReader(std::istream& in)
    : in_(&in), buf_(kMaxTraceLine + kReadChunk), base_(buf_.data()) {}

// The whole file is there from the start: next_line() never refills, and finds every line
// whole (an overlong one too, then cut like the stream's).
TraceReader::TraceReader(MappedFile& file)
    : file_(&file), base_(file.text().data()), end_(file.text().size()), eof_(true) {}

std::optional<std::string_view> TraceReader::next_line(bool& overlong, std::size_t& control) {
  overlong = false;
  // The previous record is dead (next()'s contract): a mapped file may have back what lies
  // before this line.
  if (file_ != nullptr) file_->release_before(begin_);
  for (;;) {
    const char* base = base_;
    // The line's end and its first control byte in one pass: the first control byte is the
    // line break itself in a clean line (or a '\r' just before it, which next() drops).
    const std::string_view unread(base + begin_, end_ - begin_);
    std::size_t at = std::string_view::npos;
    control = first_control_byte(unread);
    if (control != std::string_view::npos) {
      if (unread[control] == '\n') {
        at = control;
        control = std::string_view::npos;
      } else if (unread[control] == '\r' && control + 1 < unread.size() &&
                 unread[control + 1] == '\n') {
        at = control + 1;
        control = std::string_view::npos;
      } else {
        at = unread.find('\n', control + 1);
      }
    }
    if (at != std::string_view::npos) {
      const std::string_view l = unread.substr(0, at);
      begin_ += at + 1;
      if (discarding_) {
        discarding_ = false;
        continue;
      }
      overlong = l.size() > kMaxTraceLine;
      return overlong ? l.substr(0, kMaxTraceLine) : l;
    }
    if (discarding_) {
      begin_ = end_;
    } else if (end_ - begin_ > kMaxTraceLine) {
      // No line break within reach: report the line by its first kMaxTraceLine bytes and
      // skip the rest of it as it arrives, so the buffer never grows.
      const std::string_view l(base + begin_, kMaxTraceLine);
      begin_ = end_;
      discarding_ = true;
      overlong = true;
      return l;
    }
    if (eof_) {
      discarding_ = false;
      if (begin_ == end_) return std::nullopt;
      const std::string_view l(base + begin_, end_ - begin_);  // last line without a break
      begin_ = end_;
      return l;
    }
    char* buf = buf_.data();
    std::memmove(buf, buf + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
    in_->read(buf + end_, static_cast<std::streamsize>(buf_.size() - end_));
    end_ += static_cast<std::size_t>(in_->gcount());
    eof_ = !in_->good();
  }
}

const TraceRecord* TraceReader::next() {
  bool overlong = false;
  std::size_t control = std::string_view::npos;
  const std::optional<std::string_view> l = next_line(overlong, control);
  if (!l) return nullptr;
  after_printk_ = read_stream_line(record_, *l, ++line_, overlong, control, after_printk_);
  return &record_;
}

}  // namespace sbm
