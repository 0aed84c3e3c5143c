// jiffies and the wrap-safe time comparisons, written once over an "ops" policy so the
// same code runs on machine integers of a run-time width (32- or 64-bit jiffies, which
// wrap modulo 2^w) and, in the properties layer, on Z3 bit-vectors (design.md, "One model,
// many uses"). The model itself never includes z3.
//
// What an Ops type must provide (WrapOps below is the reference implementation):
//   using Value;                       a jiffies-width unsigned quantity
//   using Bool;                        a truth value
//   unsigned bits;                     the width w (BITS_PER_LONG of the modelled kernel)
//   Value lit(uint64_t) const;         a constant, reduced modulo 2^w
//   Value add/sub/mul(Value, Value);   modulo 2^w
//   Value udiv(Value, Value) const;    unsigned division; the model only divides by
//                                      non-zero constants
//   Value bit_and(Value, Value) const;
//   Bool ult(Value, Value) const;      unsigned a < b
//   Bool eq(Value, Value) const;
//   Bool negative(Value) const;        bit w-1 set, i.e. (long)a < 0
//   Bool land/lor(Bool, Bool), lnot(Bool), truth(bool) const;
//   Value select(Bool, Value, Value) const;   if-then-else
// Functions take the Ops by const reference and never branch on a Value or Bool, so a
// symbolic Ops builds one expression for every path.
#pragma once

#include <cstdint>

namespace sbm {

// Machine integers of width `bits` (1..64); every result is reduced modulo 2^bits.
struct WrapOps {
  using Value = uint64_t;
  using Bool = bool;
  unsigned bits = 64;

  Value mask() const { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }
  Value lit(uint64_t v) const { return v & mask(); }
  Value add(Value a, Value b) const { return (a + b) & mask(); }
  Value sub(Value a, Value b) const { return (a - b) & mask(); }
  Value mul(Value a, Value b) const { return (a * b) & mask(); }
  Value udiv(Value a, Value b) const { return b == 0 ? mask() : (a & mask()) / (b & mask()); }
  Value bit_and(Value a, Value b) const { return a & b & mask(); }
  Bool ult(Value a, Value b) const { return (a & mask()) < (b & mask()); }
  Bool eq(Value a, Value b) const { return (a & mask()) == (b & mask()); }
  Bool negative(Value a) const { return ((a & mask()) >> (bits - 1)) & 1u; }
  Bool land(Bool a, Bool b) const { return a && b; }
  Bool lor(Bool a, Bool b) const { return a || b; }
  Bool lnot(Bool a) const { return !a; }
  Bool truth(bool b) const { return b; }
  Value select(Bool c, Value t, Value e) const { return c ? t : e; }
};

// include/linux/jiffies.h (unchanged from v2.6.20 to v6.19): time_after(a,b) is
// "(long)((b) - (a)) < 0". Meaningful only while |a - b| < 2^(w-1).
template <class Ops>
typename Ops::Bool time_after(const Ops& o, typename Ops::Value a, typename Ops::Value b) {
  return o.negative(o.sub(b, a));
}

template <class Ops>
typename Ops::Bool time_before(const Ops& o, typename Ops::Value a, typename Ops::Value b) {
  return time_after(o, b, a);
}

// time_after_eq(a,b) is "(long)((a) - (b)) >= 0".
template <class Ops>
typename Ops::Bool time_after_eq(const Ops& o, typename Ops::Value a, typename Ops::Value b) {
  return o.lnot(o.negative(o.sub(a, b)));
}

template <class Ops>
typename Ops::Bool time_before_eq(const Ops& o, typename Ops::Value a, typename Ops::Value b) {
  return time_after_eq(o, b, a);
}

// INITIAL_JIFFIES = (unsigned long)(unsigned int)(-300*HZ) (include/linux/jiffies.h,
// since 2.6.0): 2^32 - 300*HZ for both widths, so 32-bit jiffies wrap five minutes
// after boot and 64-bit jiffies start just below 2^32 and never wrap.
inline uint64_t initial_jiffies(unsigned hz) { return static_cast<uint32_t>(0u - 300u * hz); }

// MAX_JIFFY_OFFSET = ((LONG_MAX >> 1) - 1) for a w-bit long.
inline uint64_t max_jiffy_offset(unsigned bits) {
  const uint64_t long_max = bits >= 64 ? (~uint64_t{0} >> 1) : (uint64_t{1} << (bits - 1)) - 1;
  return (long_max >> 1) - 1;
}

// msecs_to_jiffies(const unsigned int m), include/linux/jiffies.h (v4.19, v6.17;
// __msecs_to_jiffies + _msecs_to_jiffies): the argument is an unsigned int, a value
// that is negative as an int gives MAX_JIFFY_OFFSET, and the conversion rounds up.
//   HZ divides 1000:            (m + 1000/HZ - 1) / (1000/HZ)    e.g. HZ=250: ceil(m/4)
//   HZ a multiple of 1000:      m * (HZ/1000)
//   other HZ (e.g. 300):        ceil(m*HZ/1000); the kernel gets it with a 64-bit
//                               multiply-shift; here it is split as q*HZ + ceil(r*HZ/1000)
//                               (q = m/1000, r = m%1000) so nothing overflows w bits.
// v2.6.20 guarded with "m > jiffies_to_msecs(MAX_JIFFY_OFFSET)" instead; the two differ
// only for m >= 2^30 ms, far outside any balance interval (spec/balancing-model.md).
template <class Ops>
typename Ops::Value msecs_to_jiffies(const Ops& o, typename Ops::Value m, unsigned hz) {
  const auto m32 = o.bit_and(m, o.lit(0xffffffffu));
  const auto negative_int = o.lnot(o.ult(m32, o.lit(0x80000000u)));
  typename Ops::Value j = m32;
  if (hz <= 1000 && 1000 % hz == 0) {
    const uint64_t per = 1000 / hz;
    j = o.udiv(o.add(m32, o.lit(per - 1)), o.lit(per));
  } else if (hz > 1000 && hz % 1000 == 0) {
    j = o.mul(m32, o.lit(hz / 1000));
  } else {
    const auto q = o.udiv(m32, o.lit(1000));
    const auto r = o.sub(m32, o.mul(q, o.lit(1000)));
    j = o.add(o.mul(q, o.lit(hz)), o.udiv(o.add(o.mul(r, o.lit(hz)), o.lit(999)), o.lit(1000)));
  }
  return o.select(negative_int, o.lit(max_jiffy_offset(o.bits)), j);
}

}  // namespace sbm
