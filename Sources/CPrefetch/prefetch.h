// Cache prefetch hints for the GEMM micro-kernel, seen from Swift as the module CPrefetch (Swift has
// no prefetch of its own). Header-only: the functions are static inline, so they compile into the
// calling Swift code as single `prefetchw` / `prefetcht0` instructions, and nothing is linked.
// A prefetch never faults, and it changes no value: results are the same with or without it.
#ifndef NNRUN_PREFETCH_H
#define NNRUN_PREFETCH_H

/// Asks for the cache line holding `address` in L1, to be written (the C tile the epilogue will
/// read and store).
static inline __attribute__((always_inline)) void nnrun_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif
