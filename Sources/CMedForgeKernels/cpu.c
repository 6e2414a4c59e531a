#include "medforge_kernels.h"

int mf_cpu_features(void) {
    __builtin_cpu_init();
    int f = 0;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) f |= 1;
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl")) f |= 2;
    if (__builtin_cpu_supports("avx512vnni")) f |= 4;
    if (__builtin_cpu_supports("avx512bf16")) f |= 8;
    return f;
}
