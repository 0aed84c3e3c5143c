// traces/trace_input.h: an input's kind from its first bytes, and gzip / zstd input unpacked
// on the way, with truncated and corrupt data reported rather than read as a shorter trace.
#include "traces/trace_input.h"

#include <gtest/gtest.h>
#include <zlib.h>
#include <zstd.h>

#include <iterator>
#include <sstream>
#include <string>

namespace sbm {
namespace {

std::string gzip(const std::string& text) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, text.size()) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string zstd(const std::string& text) {
  std::string out(ZSTD_compressBound(text.size()), '\0');
  const std::size_t n = ZSTD_compress(out.data(), out.size(), text.data(), text.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

struct Read {
  TraceInputKind kind;
  std::string compression, text, error;
};

Read read_all(const std::string& bytes) {
  std::istringstream in(bytes);
  TraceInput input(in);
  Read r{input.kind(), input.compression(), {}, {}};
  r.text.assign(std::istreambuf_iterator<char>(input.stream()), {});
  r.error = input.error();
  return r;
}

// A text trace longer than the sniffed head and than one read chunk.
std::string long_trace() {
  std::string s = "# tracer: nop\n";
  for (int i = 0; s.size() < 300 * 1024; ++i)
    s += "          <idle>-0       [001] d.h1. " + std::to_string(1000 + i) +
         ".000000: softirq_raise: vec=7 [action=SCHED]\n";
  return s;
}

TEST(TraceInput, SniffsKindFromTheFirstBytes) {
  EXPECT_EQ(sniff_trace_input(""), TraceInputKind::Empty);
  EXPECT_EQ(sniff_trace_input(std::string_view("\x1f\x8b\x08", 3)), TraceInputKind::Gzip);
  EXPECT_EQ(sniff_trace_input(std::string_view("\x28\xb5\x2f\xfd\x00", 5)), TraceInputKind::Zstd);
  EXPECT_EQ(sniff_trace_input(std::string_view("\x17\x08\x44tracing6", 11)),
            TraceInputKind::TraceDat);
  EXPECT_EQ(sniff_trace_input("# tracer: nop\n  bash-1 [000] ..."), TraceInputKind::Text);
  EXPECT_EQ(sniff_trace_input("comm \xc3\xa9t\xc3\xa9-12 [001]\n"), TraceInputKind::Text)
      << "UTF-8 is text";
  EXPECT_EQ(sniff_trace_input("one stray \x01 control byte in a long enough line of text\n"),
            TraceInputKind::Text);
  EXPECT_EQ(sniff_trace_input(std::string_view("text\0more", 9)), TraceInputKind::Binary)
      << "a NUL byte";
  EXPECT_EQ(sniff_trace_input("\x01\x02\x03\x04 abc"), TraceInputKind::Binary)
      << "mostly control bytes";
}

TEST(TraceInput, PlainTextIsReadAsItIs) {
  const std::string text = long_trace();
  const Read r = read_all(text);
  EXPECT_EQ(r.kind, TraceInputKind::Text);
  EXPECT_EQ(r.compression, "");
  EXPECT_EQ(r.text, text);
  EXPECT_EQ(r.error, "");
}

TEST(TraceInput, GzipAndZstdAreUnpackedByContent) {
  const std::string text = long_trace();
  for (const auto& [packed, name] :
       {std::pair{gzip(text), "gzip"}, std::pair{zstd(text), "zstd"}}) {
    const Read r = read_all(packed);
    EXPECT_EQ(r.kind, TraceInputKind::Text) << name;
    EXPECT_EQ(r.compression, name);
    EXPECT_EQ(r.text, text) << name;
    EXPECT_EQ(r.error, "") << name;
  }
}

TEST(TraceInput, ConcatenatedMembersAndFramesAreReadWhole) {
  const std::string a = long_trace(), b = "# second part\n";
  EXPECT_EQ(read_all(gzip(a) + gzip(b)).text, a + b);
  EXPECT_EQ(read_all(zstd(a) + zstd(b)).text, a + b);
}

TEST(TraceInput, TruncatedOrCorruptDataIsAnError) {
  const std::string text = long_trace();
  for (const std::string& packed : {gzip(text), zstd(text)}) {
    const Read cut = read_all(packed.substr(0, packed.size() / 2));
    EXPECT_NE(cut.error.find("ends before its end (truncated)"), std::string::npos) << cut.error;
    EXPECT_LT(cut.text.size(), text.size());
    std::string bad = packed;
    for (std::size_t i = bad.size() / 3; i < bad.size() / 3 + 64; ++i)
      bad[i] = static_cast<char>(bad[i] ^ 0x5a);
    const Read corrupt = read_all(bad);
    EXPECT_NE(corrupt.error.find("corrupt"), std::string::npos) << corrupt.error;
  }
  EXPECT_NE(read_all(gzip(text) + "trailing").error.find("corrupt gzip data"), std::string::npos);
}

TEST(TraceInput, WhatACompressedFileHoldsIsSniffedAgain) {
  EXPECT_EQ(read_all(gzip("")).kind, TraceInputKind::Empty);
  EXPECT_EQ(read_all(zstd(std::string(100, '\0'))).kind, TraceInputKind::Binary);
  EXPECT_EQ(read_all(gzip(zstd("# tracer: nop\n"))).kind, TraceInputKind::Binary) << "packed twice";
  EXPECT_EQ(read_all(zstd(std::string("\x17\x08\x44tracing6", 11))).kind, TraceInputKind::TraceDat);
}

TEST(TraceInput, RefusedKindsSayWhatWasFound) {
  EXPECT_NE(refused_input_reason(TraceInputKind::Empty).find("empty input"), std::string::npos);
  EXPECT_NE(refused_input_reason(TraceInputKind::Binary).find("binary data"), std::string::npos);
}

}  // namespace
}  // namespace sbm
