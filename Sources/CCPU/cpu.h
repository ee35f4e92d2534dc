// What the CPU can run, from cpuid and xgetbv, seen from Swift as the module CCPU (Swift has no
// cpuid of its own). Header-only: static inline functions compiled into the caller, nothing
// linked. An instruction set counts only when the operating system also saves its registers on a
// context switch (XCR0), as the Intel and AMD manuals require before using AVX or AVX-512. On a
// CPU other than x86-64 every feature reads as absent and the brand as empty.
#ifndef NNRUN_CPU_H
#define NNRUN_CPU_H

#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

/// Bits of `nnrun_cpu_features()`.
enum {
    NNRUN_CPU_AVX2_FMA = 1,   // AVX2 and FMA3, with the OS saving the ymm state
    NNRUN_CPU_AVX512 = 2,     // AVX-512 F, CD, BW, DQ and VL (Skylake-SP, Zen 4 and later), zmm state saved
};

static inline unsigned long long nnrun_xgetbv0(void) {
#if defined(__x86_64__)
    unsigned int lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
#else
    return 0;
#endif
}

static inline int nnrun_cpu_features(void) {
#if defined(__x86_64__)
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    int fma = (c >> 12) & 1, osxsave = (c >> 27) & 1, avx = (c >> 28) & 1;
    if (!osxsave || !avx) return 0;
    unsigned long long xcr0 = nnrun_xgetbv0();
    if ((xcr0 & 0x6) != 0x6) return 0;  // xmm and ymm state
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return 0;
    int features = 0;
    int avx2 = (b >> 5) & 1;
    if (avx2 && fma) features |= NNRUN_CPU_AVX2_FMA;
    int f = (b >> 16) & 1, dq = (b >> 17) & 1, cd = (b >> 28) & 1, bw = (b >> 30) & 1, vl = (b >> 31) & 1;
    int zmmState = (xcr0 & 0xe6) == 0xe6;  // opmask, upper zmm0-15 and zmm16-31 as well
    if ((features & NNRUN_CPU_AVX2_FMA) && f && dq && cd && bw && vl && zmmState) features |= NNRUN_CPU_AVX512;
    return features;
#else
    return 0;
#endif
}

/// Writes the CPU's brand string (at most 48 characters and a NUL) to `out`, which holds 49 bytes;
/// an empty string when the CPU has none.
static inline void nnrun_cpu_brand(char *out) {
    memset(out, 0, 49);
#if defined(__x86_64__)
    unsigned int words[12];
    if (__get_cpuid_max(0x80000000, 0) < 0x80000004) return;
    for (unsigned int leaf = 0; leaf < 3; leaf++) {
        __get_cpuid(0x80000002 + leaf, &words[4 * leaf], &words[4 * leaf + 1], &words[4 * leaf + 2], &words[4 * leaf + 3]);
    }
    memcpy(out, words, 48);
#endif
}

#endif
