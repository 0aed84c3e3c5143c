#include "tools/sbm/trace_file_read.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>

#include "tools/sbm/cli_common.h"
#include "tools/sbm/progress.h"
#include "traces/trace_check.h"
#include "traces/trace_dat.h"
#include "traces/trace_input.h"
#include "traces/trace_reader.h"

namespace sbm::cli {

namespace {

using Feed = std::function<bool(const TraceRecord&)>;

// A trace.dat (spec/trace-format.md, "trace.dat"): one that does not open or read to its end is
// bad input.
void read_trace_dat(std::unique_ptr<TraceDatReader> dat, const std::string& error,
                    const std::string& name, const Feed& feed) {
  if (!dat) throw InputError(name, 0, error);
  feed_records(*dat, feed);
  if (!dat->error().empty()) throw InputError(name, 0, dat->error());
}

// A stream read by its content (traces/trace_input.h): text or a trace.dat, either of them
// perhaps compressed; empty or binary input is refused before anything is judged.
void read_stream(std::istream& in, const std::string& name, const Feed& feed) {
  TraceInput input(in);
  if (input.kind() == TraceInputKind::TraceDat) {
    std::string error;
    read_trace_dat(TraceDatReader::open_stream(input.stream(), error), error, name, feed);
  } else if (input.kind() == TraceInputKind::Text) {
    TraceReader reader(input.stream());
    feed_records(reader, feed);
  } else if (input.error().empty()) {
    throw InputError(name, 0,
                     (input.compression().empty() ? "" : input.compression() + " holding ") +
                         refused_input_reason(input.kind()));
  }
  if (!input.error().empty()) throw InputError(name, 0, input.error());
}

// A mapped text file larger than this shows progress on stderr (tools/sbm/progress.h), in bytes.
constexpr std::size_t kProgressBytes = 100u << 20;

// A reader of a mapped text file that tells `progress` how far into the file it is, every 64k
// records.
struct ProgressReader {
  TraceReader& reader;
  Progress& progress;
  uint64_t records = 0;
  const TraceRecord* next() {
    if (++records % 65536 == 0) progress.tick(reader.mapped_offset());
    return reader.next();
  }
};

}  // namespace

// A file is read where it is mapped when it is plain text or a trace.dat, else as a stream (a
// FIFO, a compressed file, an empty one).
void read_trace_file(const std::string& file, const std::string& name, const Feed& feed,
                     bool quiet) {
  if (file == "-") return read_stream(std::cin, name, feed);
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec))
    throw InputError(name, 0, "is a directory; expected a trace file");
  std::optional<MappedFile> mapped = MappedFile::open(file);
  const TraceInputKind kind =
      mapped ? sniff_trace_input(mapped->text().substr(0, kSniffBytes)) : TraceInputKind::Empty;
  if (kind == TraceInputKind::TraceDat) {
    std::string error;
    read_trace_dat(TraceDatReader::open_file(file, error), error, name, feed);
  } else if (kind == TraceInputKind::Text) {
    TraceReader reader(*mapped);
    const std::size_t size = mapped->text().size();
    Progress progress("sbm trace " + name + " (bytes)", size, quiet || size <= kProgressBytes);
    ProgressReader read{reader, progress};
    feed_records(read, feed);
    progress.tick(size);
    progress.finish();
  } else {
    std::ifstream f(file, std::ios::binary);
    if (!f) throw InputError(name, 0, std::string("cannot open the file: ") + std::strerror(errno));
    read_stream(f, name, feed);
  }
}

}  // namespace sbm::cli
