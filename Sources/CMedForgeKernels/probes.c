// Machine probes for the kernel benchmark: int8 dot-product peak and memory read bandwidth,
// measured with the same pool the kernels use, so kernel figures can be read as a share of them.
#include "internal.h"
#include <time.h>

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

typedef struct { int64_t iters; int isa; int32_t sink[64]; } peak_job;

MF_AVX512 static int32_t peak_avx512(int64_t iters) {
    __m512i a[12], w = _mm512_set1_epi8(3), x = _mm512_set1_epi8(5);
    for (int k = 0; k < 12; k++) a[k] = _mm512_set1_epi32(k);
    for (int64_t i = 0; i < iters; i++) {
        for (int k = 0; k < 12; k++) a[k] = _mm512_dpbusd_epi32(a[k], w, x);
        __asm__ volatile("" : "+v"(w), "+v"(x));
    }
    __m512i s = a[0];
    for (int k = 1; k < 12; k++) s = _mm512_add_epi32(s, a[k]);
    return _mm512_reduce_add_epi32(s);
}

static int32_t peak_avx2(int64_t iters) {
    __m256i a[8], w = _mm256_set1_epi8(3), x = _mm256_set1_epi8(5), ones = _mm256_set1_epi16(1);
    for (int k = 0; k < 8; k++) a[k] = _mm256_set1_epi32(k);
    for (int64_t i = 0; i < iters; i++) {
        for (int k = 0; k < 8; k++) a[k] = _mm256_add_epi32(a[k], _mm256_madd_epi16(_mm256_maddubs_epi16(w, x), ones));
        __asm__ volatile("" : "+x"(w), "+x"(x));
    }
    __m256i s = a[0];
    for (int k = 1; k < 8; k++) s = _mm256_add_epi32(s, a[k]);
    return _mm256_extract_epi32(s, 0);
}

static void peak_task(void *ctx, int ith, int nth) {
    (void)nth;
    peak_job *j = ctx;
    j->sink[(ith * 16) & 63] = j->isa >= MF_ISA_AVX512 ? peak_avx512(j->iters) : peak_avx2(j->iters);
}

/// int8 multiply-accumulate peak (ops = 2 per multiply-add) over the pool's threads, in GOPS.
double mf_probe_int8_peak(mf_pool *pool, int isa) {
    peak_job j = { .iters = 1000000, .isa = mf_effective_isa(isa) };
    int nth = mf_pool_threads(pool);
    double best = 1e30;
    for (int rep = 0; rep < 15; rep++) {
        double t0 = now_s();
        mf_pool_run(pool, peak_task, &j);
        double dt = now_s() - t0;
        if (dt < best) best = dt;
    }
    // AVX-512: 12 vpdpbusd x 64 MACs; AVX2: 8 x 32 MACs per iteration.
    double macs = j.isa >= MF_ISA_AVX512 ? 12.0 * 64 : 8.0 * 32;
    return 2.0 * macs * (double)j.iters * nth / best / 1e9;
}

typedef struct { const uint8_t *p; size_t bytes; int64_t sink[64]; } bw_job;

static void bw_task(void *ctx, int ith, int nth) {
    bw_job *j = ctx;
    size_t lines = j->bytes / 64, per = (lines + (size_t)nth - 1) / (size_t)nth;
    size_t lo = (size_t)ith * per, hi = lo + per < lines ? lo + per : lines;
    __m256i acc = _mm256_setzero_si256();
    for (size_t l = lo; l + 4 <= hi; l += 4) {
        const uint8_t *q = j->p + 64 * l;
        for (int k = 0; k < 256; k += 64) _mm_prefetch((const char *)q + 16384 + k, _MM_HINT_T2);  // as the kernels do
        acc = _mm256_add_epi64(acc, _mm256_loadu_si256((const __m256i *)q));
        acc = _mm256_add_epi64(acc, _mm256_loadu_si256((const __m256i *)(q + 64)));
        acc = _mm256_add_epi64(acc, _mm256_loadu_si256((const __m256i *)(q + 128)));
        acc = _mm256_add_epi64(acc, _mm256_loadu_si256((const __m256i *)(q + 192)));
    }
    j->sink[(ith * 8) & 63] = _mm256_extract_epi64(acc, 0);
}

/// Read bandwidth over a buffer (sequential 32-byte loads with the kernels' software prefetch) (make it much larger than the last-level cache), best of `reps`, in GB/s.
double mf_probe_read_bandwidth(mf_pool *pool, const void *buffer, size_t bytes, int reps) {
    bw_job j = { .p = buffer, .bytes = bytes };
    double best = 1e30;
    for (int rep = 0; rep < reps; rep++) {
        double t0 = now_s();
        mf_pool_run(pool, bw_task, &j);
        double dt = now_s() - t0;
        if (dt < best) best = dt;
    }
    return (double)bytes / best / 1e9;
}
