#include "medforge_kernels.h"
#include "internal.h"
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(mf_block_q8_0) == 34, "BlockQ8_0");
_Static_assert(sizeof(mf_block_q4_0) == 18, "BlockQ4_0");
_Static_assert(sizeof(mf_block_q4_K) == 144, "BlockQ4_K");
_Static_assert(sizeof(mf_block_q6_K) == 210, "BlockQ6_K");
_Static_assert(sizeof(mf_block_q8a) == 40, "activation block (32)");
_Static_assert(sizeof(mf_block_q8k) == 292, "activation block (256)");
_Static_assert(sizeof(mf_block_q8s) == 292, "activation block (256, with 32-sums)");
_Static_assert(sizeof(mf_block_q8b) == 324, "activation block (256, with 16-biases)");

int mf_cpu_features(void) {
    __builtin_cpu_init();
    int f = 0;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) f |= 1;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) f |= 2;
    if (__builtin_cpu_supports("avx512vnni")) f |= 4;
    if (__builtin_cpu_supports("avx512bf16")) f |= 8;
    return f;
}

static int hardware_isa(void) {
    static int cached = -1;
    int c = __atomic_load_n(&cached, __ATOMIC_RELAXED);
    if (c >= 0) return c;
    int f = mf_cpu_features();
    c = ((f & 2) && (f & 4)) ? MF_ISA_AVX512 : MF_ISA_AVX2;
    __atomic_store_n(&cached, c, __ATOMIC_RELAXED);
    return c;
}

// -1 = not yet decided.
static int active_isa = -1;

int mf_active_isa(void) {
    int a = __atomic_load_n(&active_isa, __ATOMIC_RELAXED);
    if (a >= 0) return a;
    a = hardware_isa();
    const char *env = getenv("MEDFORGE_ISA");
    if (env && strcmp(env, "avx2") == 0) a = MF_ISA_AVX2;
    __atomic_store_n(&active_isa, a, __ATOMIC_RELAXED);
    return a;
}

int mf_set_max_isa(int level) {
    int hw = hardware_isa();
    int a = level < MF_ISA_AVX2 ? MF_ISA_AVX2 : level;
    if (a > hw) a = hw;
    __atomic_store_n(&active_isa, a, __ATOMIC_RELAXED);
    return a;
}

int mf_effective_isa(int requested) {
    if (requested == MF_ISA_AUTO) return mf_active_isa();
    int hw = hardware_isa();
    return requested < hw ? requested : hw;
}

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void mf_keep_freed_memory(void) {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 0x7fffffff);
#endif
}
