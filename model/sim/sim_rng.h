// The simulator's own pseudo-random numbers: SplitMix64 (Steele, Lea, Flood, "Fast
// splittable pseudorandom number generators", OOPSLA 2014; the constants are the published
// ones). std:: distributions are implementation-defined, so every mapping from the 64-bit
// output to a range is written out here and the same seed gives the same run on every
// compiler and standard library.
#pragma once

#include <cstdint>

namespace sbm {

class SimRng {
 public:
  explicit SimRng(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, n) for n >= 1 by rejection: draws below 2^64 mod n are thrown away so
  // every value has the same number of preimages. Returns 0 for n == 0.
  uint64_t below(uint64_t n) {
    if (n <= 1) return 0;
    const uint64_t reject_under = (0 - n) % n;  // 2^64 mod n
    uint64_t x = next();
    while (x < reject_under) x = next();
    return x % n;
  }

  // True with probability num/den (den >= 1).
  bool chance(uint64_t num, uint64_t den) { return below(den) < num; }

  // An independent stream for a sub-component (the workload), derived from this one.
  SimRng fork() { return SimRng(next()); }

 private:
  uint64_t state_;
};

}  // namespace sbm
