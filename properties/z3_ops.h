// Z3 bit-vectors as an Ops policy (model/jiffies.h says what an Ops provides): the model's
// arithmetic templates (time_after, msecs_to_jiffies, get_sd_balance_interval,
// next_balance_min_update, balance_interval_backoff) run on it unchanged and build one
// expression over every path, so `sbm prove` reasons about the code the simulator runs
// (design.md, "One model, many uses").
#pragma once

#include <cstdint>

#include <z3++.h>

namespace sbm {

struct Z3Ops {
  using Value = z3::expr;  // a bit-vector of width `bits`
  using Bool = z3::expr;   // a Z3 Boolean
  z3::context* ctx = nullptr;
  unsigned bits = 64;

  Value lit(uint64_t v) const {
    const uint64_t mask = bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
    return ctx->bv_val(static_cast<uint64_t>(v & mask), bits);
  }
  Value var(const char* name) const { return ctx->bv_const(name, bits); }
  Value add(const Value& a, const Value& b) const { return a + b; }
  Value sub(const Value& a, const Value& b) const { return a - b; }
  Value mul(const Value& a, const Value& b) const { return a * b; }
  // The model divides by non-zero constants only; Z3's x/0 is all ones, like WrapOps.
  Value udiv(const Value& a, const Value& b) const { return z3::udiv(a, b); }
  Value bit_and(const Value& a, const Value& b) const { return a & b; }
  Bool ult(const Value& a, const Value& b) const { return z3::ult(a, b); }
  Bool eq(const Value& a, const Value& b) const { return a == b; }
  Bool negative(const Value& a) const {
    return a.extract(bits - 1, bits - 1) == ctx->bv_val(1u, 1);
  }
  Bool land(const Bool& a, const Bool& b) const { return a && b; }
  Bool lor(const Bool& a, const Bool& b) const { return a || b; }
  Bool lnot(const Bool& a) const { return !a; }
  Bool truth(bool b) const { return ctx->bool_val(b); }
  Value select(const Bool& c, const Value& t, const Value& e) const { return z3::ite(c, t, e); }
};

}  // namespace sbm
