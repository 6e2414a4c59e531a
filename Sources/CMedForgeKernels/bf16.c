// bf16 mixed-precision GEMM for the training graph: inputs rounded to bfloat16 (round to nearest even),
// products accumulated in float32. AVX512-BF16 (`vdpbf16ps`) when the CPU has it, a plain C loop with the
// same rounding and the same accumulation order otherwise.
#include "medforge_kernels.h"
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// float -> bf16, round to nearest even; NaN stays a (quiet) NaN.
static inline uint16_t bf16_from_float(float f) {
    uint32_t u;
    memcpy(&u, &f, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40);
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

static inline float bf16_to_float(uint16_t h) {
    uint32_t u = (uint32_t)h << 16;
    float f;
    memcpy(&f, &u, 4);
    return f;
}

float mf_bf16_round(float x) { return bf16_to_float(bf16_from_float(x)); }

// Reference: c (m, n) += scale * bf16(a) (m, k) @ bf16(b) (k, n); one float accumulator per output, summed
// over k in order, added to c once at the end.
void mf_gemm_bf16_ref(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb,
                      float *c, int64_t ldc, float scale) {
    if (m <= 0 || n <= 0 || k <= 0) return;
    float *br = malloc(sizeof(float) * (size_t)(k * n));   // bf16(b) (k, n)
    float *acc = malloc(sizeof(float) * (size_t)n);         // (n,)
    for (int64_t p = 0; p < k; p++)
        for (int64_t j = 0; j < n; j++) br[p * n + j] = mf_bf16_round(b[p * ldb + j]);
    for (int64_t i = 0; i < m; i++) {
        for (int64_t j = 0; j < n; j++) acc[j] = 0;
        for (int64_t p = 0; p < k; p++) {
            float ap = mf_bf16_round(a[i * lda + p]);
            const float *bp = br + p * n;
            for (int64_t j = 0; j < n; j++) acc[j] += ap * bp[j];
        }
        for (int64_t j = 0; j < n; j++) c[i * ldc + j] += scale * acc[j];
    }
    free(br);
    free(acc);
}

#define BF16_TARGET __attribute__((target("avx512f,avx512bw,avx512vl,avx512bf16")))

// Packed B: panels of 16 columns; in a panel, k-pair p holds 32 bf16 (b[2p][c], b[2p+1][c]) for c < 16, the
// layout `vdpbf16ps` multiplies against one broadcast pair of a. Columns past n and the row past an odd k are 0.
BF16_TARGET static void pack_b(int64_t n, int64_t k, const float *b, int64_t ldb, uint16_t *pb, int64_t kp) {
    static const uint16_t interleave[32] = {0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23,
                                            8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31};
    const __m512i idx = _mm512_loadu_si512(interleave);
    int64_t panels = (n + 15) / 16;
    for (int64_t q = 0; q < panels; q++) {
        int64_t c0 = q * 16, nc = n - c0 < 16 ? n - c0 : 16;
        __mmask16 mask = (__mmask16)((1u << nc) - 1);
        for (int64_t p = 0; p < kp; p++) {
            __m512 r0 = _mm512_maskz_loadu_ps(mask, b + (2 * p) * ldb + c0);
            __m512 r1 = 2 * p + 1 < k ? _mm512_maskz_loadu_ps(mask, b + (2 * p + 1) * ldb + c0) : _mm512_setzero_ps();
            __m512i v = (__m512i)_mm512_cvtne2ps_pbh(r1, r0);          // [r0 0..15, r1 0..15]
            _mm512_storeu_si512(pb + (q * kp + p) * 32, _mm512_permutexvar_epi16(idx, v));
        }
    }
}

// Packed A: each row as bf16, padded with zeros to 2 kp values; rows padded with zeros to a multiple of 4.
BF16_TARGET static void pack_a(int64_t m, int64_t mp, int64_t k, const float *a, int64_t lda, uint16_t *pa, int64_t kp) {
    for (int64_t i = 0; i < mp; i++) {
        uint16_t *row = pa + i * 2 * kp;
        if (i >= m) { memset(row, 0, sizeof(uint16_t) * (size_t)(2 * kp)); continue; }
        for (int64_t p = 0; p < 2 * kp; p += 32) {
            int64_t left = k - p;
            __mmask16 lo = left >= 16 ? 0xffff : left > 0 ? (__mmask16)((1u << left) - 1) : 0;
            __mmask16 hi = left >= 32 ? 0xffff : left > 16 ? (__mmask16)((1u << (left - 16)) - 1) : 0;
            __m512 x0 = _mm512_maskz_loadu_ps(lo, a + i * lda + p);
            __m512 x1 = _mm512_maskz_loadu_ps(hi, a + i * lda + p + 16);
            __m512i v = (__m512i)_mm512_cvtne2ps_pbh(x1, x0);
            int64_t room = 2 * kp - p;
            __mmask32 store = room >= 32 ? 0xffffffffu : (__mmask32)((1u << room) - 1);
            _mm512_mask_storeu_epi16(row + p, store, v);
        }
    }
}

// 4 rows x (16 * NP) columns of c += scale * a @ b, over all k pairs, accumulators in registers.
BF16_TARGET static inline __attribute__((always_inline)) void
micro(const uint32_t *pa, int64_t kp, const uint16_t *pb, int np, int rows, int64_t ncLast,
      float *c, int64_t ldc, float scale) {
    __m512 acc[4][4];
    for (int r = 0; r < 4; r++)
        for (int q = 0; q < 4; q++) acc[r][q] = _mm512_setzero_ps();
    for (int64_t p = 0; p < kp; p++) {
        __m512bh bv[4];
        for (int q = 0; q < np; q++) bv[q] = (__m512bh)_mm512_loadu_si512(pb + (q * kp + p) * 32);
        for (int r = 0; r < 4; r++) {
            __m512bh av = (__m512bh)_mm512_set1_epi32((int)pa[r * kp + p]);
            for (int q = 0; q < np; q++) acc[r][q] = _mm512_dpbf16_ps(acc[r][q], av, bv[q]);
        }
    }
    __m512 s = _mm512_set1_ps(scale);
    for (int r = 0; r < rows; r++) {
        for (int q = 0; q < np; q++) {
            float *o = c + r * ldc + q * 16;
            __mmask16 mask = q == np - 1 && ncLast < 16 ? (__mmask16)((1u << ncLast) - 1) : 0xffff;
            __m512 cur = _mm512_maskz_loadu_ps(mask, o);
            _mm512_mask_storeu_ps(o, mask, _mm512_fmadd_ps(s, acc[r][q], cur));
        }
    }
}

// 8 rows x 16 columns (one panel) of c += scale * a @ b: eight independent accumulator chains, for the n <= 16
// products (x A^T of a LoRA adapter) where the 4-row tile would leave `vdpbf16ps` waiting on its latency.
BF16_TARGET static inline void
micro8(const uint32_t *pa, int64_t kp, const uint16_t *pb, int rows, int64_t ncLast, float *c, int64_t ldc, float scale) {
    __m512 acc[8];
    for (int r = 0; r < 8; r++) acc[r] = _mm512_setzero_ps();
    for (int64_t p = 0; p < kp; p++) {
        __m512bh bv = (__m512bh)_mm512_loadu_si512(pb + p * 32);
        for (int r = 0; r < 8; r++)
            acc[r] = _mm512_dpbf16_ps(acc[r], (__m512bh)_mm512_set1_epi32((int)pa[r * kp + p]), bv);
    }
    __m512 s = _mm512_set1_ps(scale);
    __mmask16 mask = ncLast < 16 ? (__mmask16)((1u << ncLast) - 1) : 0xffff;
    for (int r = 0; r < rows; r++) {
        float *o = c + r * ldc;
        __m512 cur = _mm512_maskz_loadu_ps(mask, o);
        _mm512_mask_storeu_ps(o, mask, _mm512_fmadd_ps(s, acc[r], cur));
    }
}

BF16_TARGET static void gemm_bf16_avx512(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda,
                                         const float *b, int64_t ldb, float *c, int64_t ldc, float scale) {
    int64_t kp = (k + 1) / 2, panels = (n + 15) / 16, mp = (m + 7) / 8 * 8;
    uint16_t *pb = aligned_alloc(64, (size_t)(panels * kp * 64));
    uint16_t *pa = aligned_alloc(64, (size_t)((mp * kp * 4 + 63) / 64 * 64));
    pack_b(n, k, b, ldb, pb, kp);
    pack_a(m, mp, k, a, lda, pa, kp);
    const uint32_t *pa32 = (const uint32_t *)pa;
    if (panels == 1) {
        for (int64_t i = 0; i < m; i += 8)
            micro8(pa32 + i * kp, kp, pb, m - i < 8 ? (int)(m - i) : 8, n, c + i * ldc, ldc, scale);
        free(pb);
        free(pa);
        return;
    }
    for (int64_t q0 = 0; q0 < panels; q0 += 4) {
        int np = panels - q0 < 4 ? (int)(panels - q0) : 4;
        int64_t ncLast = n - (q0 + np - 1) * 16;
        const uint16_t *bq = pb + q0 * kp * 32;
        for (int64_t i = 0; i < m; i += 4) {
            int rows = m - i < 4 ? (int)(m - i) : 4;
            float *ci = c + i * ldc + q0 * 16;
            const uint32_t *ai = pa32 + i * kp;
            switch (np) {
            case 4: micro(ai, kp, bq, 4, rows, ncLast, ci, ldc, scale); break;
            case 3: micro(ai, kp, bq, 3, rows, ncLast, ci, ldc, scale); break;
            case 2: micro(ai, kp, bq, 2, rows, ncLast, ci, ldc, scale); break;
            default: micro(ai, kp, bq, 1, rows, ncLast, ci, ldc, scale); break;
            }
        }
    }
    free(pb);
    free(pa);
}

int mf_bf16_hardware(void) { return (mf_cpu_features() & 8) != 0; }

void mf_gemm_bf16(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb,
                  float *c, int64_t ldc, float scale) {
    if (m <= 0 || n <= 0 || k <= 0) return;
    static int hw = -1;
    int h = __atomic_load_n(&hw, __ATOMIC_RELAXED);
    if (h < 0) { h = mf_bf16_hardware(); __atomic_store_n(&hw, h, __ATOMIC_RELAXED); }
    if (h) gemm_bf16_avx512(m, n, k, a, lda, b, ldb, c, ldc, scale);
    else mf_gemm_bf16_ref(m, n, k, a, lda, b, ldb, c, ldc, scale);
}
