#include "model/cpumask.h"

#include <algorithm>
#include <bit>
#include <charconv>

namespace sbm {

namespace {

constexpr int kWordBits = 64;

int word_of(int cpu) { return cpu / kWordBits; }
uint64_t bit_of(int cpu) { return uint64_t{1} << (cpu % kWordBits); }

}  // namespace

CpuMask CpuMask::single(int cpu) {
  CpuMask m;
  m.set(cpu);
  return m;
}

CpuMask CpuMask::range(int first, int last) {
  CpuMask m;
  for (int c = first; c <= last; ++c) m.set(c);
  return m;
}

void CpuMask::set(int cpu) {
  const auto w = static_cast<size_t>(word_of(cpu));
  if (words_.size() <= w) words_.resize(w + 1, 0);
  words_[w] |= bit_of(cpu);
}

void CpuMask::clear(int cpu) {
  const auto w = static_cast<size_t>(word_of(cpu));
  if (w >= words_.size()) return;
  words_[w] &= ~bit_of(cpu);
  trim();
}

bool CpuMask::test(int cpu) const {
  if (cpu < 0) return false;
  const auto w = static_cast<size_t>(word_of(cpu));
  return w < words_.size() && (words_[w] & bit_of(cpu)) != 0;
}

bool CpuMask::empty() const { return words_.empty(); }

int CpuMask::weight() const {
  int n = 0;
  for (uint64_t w : words_) n += std::popcount(w);
  return n;
}

int CpuMask::first() const { return next(-1); }

int CpuMask::next(int cpu) const {
  int start = cpu + 1;
  if (start < 0) start = 0;
  for (auto w = static_cast<size_t>(word_of(start)); w < words_.size(); ++w) {
    uint64_t bits = words_[w];
    if (w == static_cast<size_t>(word_of(start))) bits &= ~(bit_of(start) - 1);
    if (bits != 0) return static_cast<int>(w) * kWordBits + std::countr_zero(bits);
  }
  return -1;
}

int CpuMask::last() const {
  if (words_.empty()) return -1;
  const uint64_t top = words_.back();
  return static_cast<int>(words_.size() - 1) * kWordBits + (kWordBits - 1 - std::countl_zero(top));
}

std::vector<int> CpuMask::cpus() const {
  std::vector<int> out;
  for (int c = first(); c >= 0; c = next(c)) out.push_back(c);
  return out;
}

std::vector<int> CpuMask::cpus_wrap(int start) const {
  std::vector<int> out;
  for (int c = next(start - 1); c >= 0; c = next(c)) out.push_back(c);
  for (int c = first(); c >= 0 && c < start; c = next(c)) out.push_back(c);
  return out;
}

bool CpuMask::subset_of(const CpuMask& other) const {
  for (size_t i = 0; i < words_.size(); ++i) {
    const uint64_t o = i < other.words_.size() ? other.words_[i] : 0;
    if ((words_[i] & ~o) != 0) return false;
  }
  return true;
}

bool CpuMask::intersects(const CpuMask& other) const {
  const size_t n = std::min(words_.size(), other.words_.size());
  for (size_t i = 0; i < n; ++i)
    if ((words_[i] & other.words_[i]) != 0) return true;
  return false;
}

CpuMask& CpuMask::operator|=(const CpuMask& o) {
  if (words_.size() < o.words_.size()) words_.resize(o.words_.size(), 0);
  for (size_t i = 0; i < o.words_.size(); ++i) words_[i] |= o.words_[i];
  return *this;
}

CpuMask& CpuMask::operator&=(const CpuMask& o) {
  if (words_.size() > o.words_.size()) words_.resize(o.words_.size());
  for (size_t i = 0; i < words_.size(); ++i) words_[i] &= o.words_[i];
  trim();
  return *this;
}

CpuMask CpuMask::operator|(const CpuMask& o) const {
  CpuMask r = *this;
  r |= o;
  return r;
}

CpuMask CpuMask::operator&(const CpuMask& o) const {
  CpuMask r = *this;
  r &= o;
  return r;
}

CpuMask CpuMask::andnot(const CpuMask& o) const {
  CpuMask r = *this;
  const size_t n = std::min(r.words_.size(), o.words_.size());
  for (size_t i = 0; i < n; ++i) r.words_[i] &= ~o.words_[i];
  r.trim();
  return r;
}

bool CpuMask::operator==(const CpuMask& o) const { return words_ == o.words_; }

bool CpuMask::operator<(const CpuMask& o) const {
  if (words_.size() != o.words_.size()) return words_.size() < o.words_.size();
  return std::lexicographical_compare(words_.rbegin(), words_.rend(), o.words_.rbegin(),
                                      o.words_.rend());
}

void CpuMask::trim() {
  while (!words_.empty() && words_.back() == 0) words_.pop_back();
}

std::string CpuMask::to_cpulist() const {
  std::string out;
  int c = first();
  while (c >= 0) {
    int end = c;
    while (test(end + 1)) ++end;
    if (!out.empty()) out += ',';
    out += std::to_string(c);
    if (end > c) out += '-' + std::to_string(end);
    c = next(end);
  }
  return out;
}

std::string CpuMask::to_hex(int nr_cpu_ids) const {
  const int bits = std::max({nr_cpu_ids, last() + 1, 1});
  const int nwords = (bits + 31) / 32;
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (int w = nwords - 1; w >= 0; --w) {
    const int digits = (w == nwords - 1 && bits % 32 != 0) ? ((bits % 32) + 3) / 4 : 8;
    for (int d = digits - 1; d >= 0; --d) {
      unsigned nibble = 0;
      for (int b = 0; b < 4; ++b)
        if (test(w * 32 + d * 4 + b)) nibble |= 1u << b;
      out += kDigits[nibble];
    }
    if (w > 0) out += ',';
  }
  return out;
}

namespace {

bool parse_int(std::string_view s, int& out) {
  if (s.empty()) return false;
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, out);
  return ec == std::errc() && p == end;
}

MaskParse fail(std::string msg) { return MaskParse{std::nullopt, std::move(msg)}; }

}  // namespace

MaskParse parse_cpulist(std::string_view text) {
  CpuMask mask;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t comma = text.find(',', pos);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view item = text.substr(pos, comma - pos);
    pos = comma + 1;
    if (item.empty()) return fail("expected a CPU number or range in cpulist, found an empty item");
    // "a-b:used/group" (bitmap_parselist's stride form)
    int used = 0, group = 0;
    const size_t colon = item.find(':');
    if (colon != std::string_view::npos) {
      std::string_view stride = item.substr(colon + 1);
      const size_t slash = stride.find('/');
      if (slash == std::string_view::npos || !parse_int(stride.substr(0, slash), used) ||
          !parse_int(stride.substr(slash + 1), group) || used <= 0 || group <= 0 || used > group)
        return fail("expected ':used/group' after a cpulist range, found '" +
                    std::string(item.substr(colon)) + "'");
      item = item.substr(0, colon);
    }
    int lo = 0, hi = 0;
    const size_t dash = item.find('-');
    if (dash == std::string_view::npos) {
      if (!parse_int(item, lo))
        return fail("expected a CPU number, found '" + std::string(item) + "'");
      hi = lo;
    } else if (!parse_int(item.substr(0, dash), lo) || !parse_int(item.substr(dash + 1), hi)) {
      return fail("expected a CPU range 'a-b', found '" + std::string(item) + "'");
    }
    if (lo < 0 || hi < lo)
      return fail("expected an ascending CPU range, found '" + std::string(item) + "'");
    if (hi >= kMaxCpus)
      return fail("CPU " + std::to_string(hi) + " is beyond the largest supported id " +
                  std::to_string(kMaxCpus - 1));
    for (int c = lo; c <= hi; ++c)
      if (group == 0 || (c - lo) % group < used) mask.set(c);
  }
  return MaskParse{mask, {}};
}

MaskParse parse_cpumask_hex(std::string_view text) {
  if (text.empty()) return fail("expected a hex cpumask, found nothing");
  std::vector<std::string_view> words;
  size_t pos = 0;
  while (true) {
    const size_t comma = text.find(',', pos);
    words.push_back(
        text.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos));
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  CpuMask mask;
  int bit = 0;  // bit index of the least significant digit of the current word
  for (auto it = words.rbegin(); it != words.rend(); ++it) {
    const std::string_view w = *it;
    if (w.empty() || (words.size() > 1 && w.size() > 8))
      return fail("expected hex words of at most 8 digits, found '" + std::string(w) + "'");
    for (size_t i = 0; i < w.size(); ++i) {
      const char ch = w[w.size() - 1 - i];
      int v;
      if (ch >= '0' && ch <= '9')
        v = ch - '0';
      else if (ch >= 'a' && ch <= 'f')
        v = ch - 'a' + 10;
      else if (ch >= 'A' && ch <= 'F')
        v = ch - 'A' + 10;
      else
        return fail(std::string("expected a hex digit, found '") + ch + "'");
      for (int b = 0; b < 4; ++b) {
        if (!(v & (1 << b))) continue;
        const int cpu = bit + static_cast<int>(i) * 4 + b;
        if (cpu >= kMaxCpus)
          return fail("hex cpumask sets CPU " + std::to_string(cpu) +
                      ", beyond the largest supported id " + std::to_string(kMaxCpus - 1));
        mask.set(cpu);
      }
    }
    bit += words.size() > 1 ? 32 : static_cast<int>(w.size()) * 4;
  }
  return MaskParse{mask, {}};
}

}  // namespace sbm
