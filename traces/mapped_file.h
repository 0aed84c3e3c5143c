// A regular file mapped read-only, for TraceReader to lex in place: no read() copy from the
// page cache into a buffer (about 7% of `sbm trace check`'s time on a 1 GB trace went to that
// copy). What the reader has passed it gives back, so the pages this process maps stay few and
// its memory flat in trace length, as with the stream reader's bounded buffer.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sbm {

class MappedFile {
 public:
  // The file at `path` mapped, or nullopt when it cannot be (not a regular file, empty, no
  // permission, mmap() refused): the caller then reads it as a stream.
  static std::optional<MappedFile> open(const std::string& path);
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&&) = delete;
  MappedFile(const MappedFile&) = delete;
  ~MappedFile();

  std::string_view text() const { return {data_, size_}; }

  // The text before `offset` will not be read again. Once kGiveBack more of it has been passed,
  // its whole pages are unmapped from this process (madvise MADV_DONTNEED; the page cache keeps
  // them): what stays mapped is bounded, and the reader may ask at every line. Reading ahead is
  // left to the kernel, told at open() that the file is read front to back (MADV_SEQUENTIAL).
  void release_before(std::size_t offset) {
    if (offset - released_ >= kGiveBack) give_back(offset);
  }

 private:
  static constexpr std::size_t kGiveBack = 1024 * 1024;
  MappedFile(const char* data, std::size_t size) : data_(data), size_(size) {}
  void give_back(std::size_t offset);
  const char* data_ = nullptr;
  std::size_t size_ = 0;
  std::size_t released_ = 0;  // page-aligned: the text before it is unmapped
};

}  // namespace sbm
