#include "traces/trace_input.h"

#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "traces/trace_dat.h"

namespace sbm {

namespace {

constexpr std::string_view kGzipMagic{"\x1f\x8b", 2};
constexpr std::string_view kZstdMagic{"\x28\xb5\x2f\xfd", 4};
constexpr std::size_t kChunk = 64 * 1024;

// A byte no text trace holds: ftrace escapes nothing, but what the kernel prints is text
// (comm names may be UTF-8, so bytes from 0x80 up count as text).
bool is_control(unsigned char c) {
  return (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') || c == 0x7f;
}

}  // namespace

TraceInputKind sniff_trace_input(std::string_view head) {
  head = head.substr(0, kSniffBytes);
  if (head.empty()) return TraceInputKind::Empty;
  if (head.starts_with(kGzipMagic)) return TraceInputKind::Gzip;
  if (head.starts_with(kZstdMagic)) return TraceInputKind::Zstd;
  if (is_trace_dat(head)) return TraceInputKind::TraceDat;
  // One NUL, or more than one control byte in ten, is not text; a text trace with a stray
  // control byte in a comm still reads (the line is reported unparsed).
  if (head.find('\0') != std::string_view::npos) return TraceInputKind::Binary;
  const auto controls = std::count_if(
      head.begin(), head.end(), [](char c) { return is_control(static_cast<unsigned char>(c)); });
  return static_cast<std::size_t>(controls) * 10 > head.size() ? TraceInputKind::Binary
                                                               : TraceInputKind::Text;
}

std::string refused_input_reason(TraceInputKind k) {
  switch (k) {
    case TraceInputKind::Empty:
      return "empty input: no trace event to check";
    case TraceInputKind::Binary:
      return "binary data, not a trace: expected ftrace text (/sys/kernel/tracing/trace, "
             "trace_pipe), "
             "`trace-cmd report` or `perf script` output, sbm's trace format, a trace-cmd "
             "trace.dat, "
             "or one of these compressed with gzip or zstd";
    default:
      return {};
  }
}

// The bytes of a source istream, passed through or unpacked, in a get area that head() can
// fill ahead without consuming, so that the kind of an input is judged on bytes the reader
// then reads again.
class TraceInput::Buffer : public std::streambuf {
 public:
  Buffer(std::istream& source, TraceInputKind packing)
      : source_(source), packing_(packing), out_(2 * kChunk) {
    if (packing_ == TraceInputKind::Gzip) {
      gz_ = std::make_unique<z_stream>();
      std::memset(gz_.get(), 0, sizeof(z_stream));
      // 15 + 16: a gzip header and trailer around a deflate stream of any window (zlib.h).
      if (inflateInit2(gz_.get(), 15 + 16) != Z_OK) fail("zlib could not start");
    } else if (packing_ == TraceInputKind::Zstd) {
      zstd_ = ZSTD_createDCtx();
      if (zstd_ == nullptr) fail("libzstd could not start");
    }
    setg(out_.data(), out_.data(), out_.data());
  }
  ~Buffer() override {
    if (gz_) inflateEnd(gz_.get());
    if (zstd_ != nullptr) ZSTD_freeDCtx(zstd_);
  }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  // The next n bytes (fewer at the end of the input), left unread.
  std::string_view head(std::size_t n) {
    while (static_cast<std::size_t>(egptr() - gptr()) < n && fill()) {
    }
    return {gptr(), std::min(n, static_cast<std::size_t>(egptr() - gptr()))};
  }

  const std::string& error() const { return error_; }

 protected:
  int_type underflow() override {
    if (gptr() == egptr() && !fill()) return traits_type::eof();
    return traits_type::to_int_type(*gptr());
  }

 private:
  // Appends at least one byte to the get area; false at the end of the input or an error.
  bool fill() {
    std::size_t kept = static_cast<std::size_t>(egptr() - gptr());
    if (gptr() != out_.data()) std::memmove(out_.data(), gptr(), kept);
    if (out_.size() - kept < kChunk) out_.resize(kept + kChunk);
    const std::size_t got = produce(out_.data() + kept, out_.size() - kept);
    setg(out_.data(), out_.data(), out_.data() + kept + got);
    return got > 0;
  }

  // Up to `room` bytes of output; 0 at the end of the input or an error.
  std::size_t produce(char* out, std::size_t room) {
    if (!error_.empty()) return 0;
    if (packing_ == TraceInputKind::Text) {
      source_.read(out, static_cast<std::streamsize>(room));
      return static_cast<std::size_t>(source_.gcount());
    }
    for (;;) {
      if (in_pos_ == in_.size() && !refill_input()) {
        if (!frame_ended_)
          fail(std::string(packing_name()) + " data ends before its end (truncated)");
        return 0;
      }
      const std::size_t got =
          packing_ == TraceInputKind::Gzip ? inflate_some(out, room) : unzstd_some(out, room);
      if (got > 0 || !error_.empty()) return got;
    }
  }

  bool refill_input() {
    in_.resize(kChunk);
    source_.read(in_.data(), static_cast<std::streamsize>(in_.size()));
    in_.resize(static_cast<std::size_t>(source_.gcount()));
    in_pos_ = 0;
    return !in_.empty();
  }

  // One inflate() step. A gzip file may hold several members one after the other (RFC 1952
  // 2.2; `cat a.gz b.gz`), each read after the one before.
  std::size_t inflate_some(char* out, std::size_t room) {
    z_stream& z = *gz_;
    z.next_in = reinterpret_cast<Bytef*>(in_.data() + in_pos_);
    z.avail_in = static_cast<uInt>(in_.size() - in_pos_);
    z.next_out = reinterpret_cast<Bytef*>(out);
    z.avail_out = static_cast<uInt>(std::min<std::size_t>(room, UINT32_MAX));
    const int rc = inflate(&z, Z_NO_FLUSH);
    const std::size_t used = in_.size() - in_pos_ - z.avail_in;
    const std::size_t got = std::min<std::size_t>(room, UINT32_MAX) - z.avail_out;
    in_pos_ += used;
    if (rc == Z_STREAM_END) {
      frame_ended_ = true;
      inflateReset(&z);
    } else if (rc == Z_OK || rc == Z_BUF_ERROR) {
      if (used > 0 || got > 0) frame_ended_ = false;
    } else {
      fail(std::string("corrupt gzip data") + (z.msg != nullptr ? std::string(": ") + z.msg : ""));
    }
    return got;
  }

  // One ZSTD_decompressStream() step; a return of 0 ends a frame (zstd.h), and frames may follow
  // one another like gzip members.
  std::size_t unzstd_some(char* out, std::size_t room) {
    ZSTD_inBuffer in{in_.data(), in_.size(), in_pos_};
    ZSTD_outBuffer o{out, room, 0};
    const std::size_t rc = ZSTD_decompressStream(zstd_, &o, &in);
    if (ZSTD_isError(rc)) {
      fail(std::string("corrupt zstd data: ") + ZSTD_getErrorName(rc));
      return o.pos;
    }
    if (in.pos > in_pos_ || o.pos > 0) frame_ended_ = rc == 0;
    in_pos_ = in.pos;
    return o.pos;
  }

  const char* packing_name() const { return packing_ == TraceInputKind::Gzip ? "gzip" : "zstd"; }
  void fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
  }

  std::istream& source_;
  TraceInputKind packing_;  // Text: passed through; Gzip or Zstd: unpacked
  std::vector<char> out_;   // the get area
  std::vector<char> in_;    // packed bytes read from source_
  std::size_t in_pos_ = 0;
  bool frame_ended_ = false;  // the last packed byte read ended a gzip member or zstd frame
  std::unique_ptr<z_stream> gz_;
  ZSTD_DCtx* zstd_ = nullptr;
  std::string error_;
};

TraceInput::TraceInput(std::istream& source) {
  raw_ = std::make_unique<Buffer>(source, TraceInputKind::Text);
  raw_stream_ = std::make_unique<std::istream>(raw_.get());
  stream_ = raw_stream_.get();
  kind_ = sniff_trace_input(raw_->head(kSniffBytes));
  if (kind_ != TraceInputKind::Gzip && kind_ != TraceInputKind::Zstd) return;
  compression_ = kind_ == TraceInputKind::Gzip ? "gzip" : "zstd";
  unpacked_ = std::make_unique<Buffer>(*raw_stream_, kind_);
  unpacked_stream_ = std::make_unique<std::istream>(unpacked_.get());
  stream_ = unpacked_stream_.get();
  kind_ = sniff_trace_input(unpacked_->head(kSniffBytes));
  // What a compressed file holds is read once; a file packed twice is not a trace.
  if (kind_ == TraceInputKind::Gzip || kind_ == TraceInputKind::Zstd)
    kind_ = TraceInputKind::Binary;
}

TraceInput::~TraceInput() = default;

std::string TraceInput::error() const {
  if (unpacked_ && !unpacked_->error().empty()) return unpacked_->error();
  return raw_->error();
}

}  // namespace sbm
