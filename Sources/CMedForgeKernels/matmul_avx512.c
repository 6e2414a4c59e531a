// AVX-512 VNNI kernels for the repacked Q8_0 / Q4_0 layouts (see quantize.c for the layout).
// One 32-bit lane of a zmm register accumulates one row's 32-element block with 8 vpdpbusd and no
// horizontal sums; the activation's 4-byte groups are broadcast. The unsigned weight operand is
// q + 128 (Q8_0) or the 0..15 nibble (Q4_0); the activation block's precomputed bias
// (-128 * sum or -8 * sum) removes that offset, so the accumulator starts at the bias.
// GEMM reuses each unpacked weight block for up to MF_TILE tokens.
#include "internal.h"

#define MF_TILE 8
#define MF_TOKEN_BLOCK 64
#ifndef MF_PF_HINT
#define MF_PF_HINT _MM_HINT_T2
#endif
#ifndef MF_PREFETCH
#define MF_PREFETCH 16384
#endif

MF_INLINE MF_AVX512 __m512i bcast32(const int8_t *p) {
    int32_t v;
    __builtin_memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
}

/// One block of one token: sum over 8 (weight vector, activation quad) pairs, starting at the bias.
/// Two accumulator chains when a single token gives no other parallelism (GEMV), one otherwise.
MF_INLINE MF_AVX512 __m512i block_dot(const __m512i w[8], const mf_block_q8a *xb, const int order[8], int chains) {
    __m512i s0 = _mm512_set1_epi32(xb->bias);
    if (chains == 1) {
        for (int k = 0; k < 8; k++) s0 = _mm512_dpbusd_epi32(s0, w[k], bcast32(xb->qs + 4 * order[k]));
        return s0;
    }
    __m512i s1 = _mm512_setzero_si512();
    for (int k = 0; k < 8; k += 2) {
        s0 = _mm512_dpbusd_epi32(s0, w[k], bcast32(xb->qs + 4 * order[k]));
        s1 = _mm512_dpbusd_epi32(s1, w[k + 1], bcast32(xb->qs + 4 * order[k + 1]));
    }
    return _mm512_add_epi32(s0, s1);
}

// w[k] pairs with activation quad order[k].
static const int q8_order[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
static const int q4_order[8] = { 0, 4, 1, 5, 2, 6, 3, 7 };

MF_INLINE MF_AVX512 void load_q8(const uint8_t *q, __m512i w[8]) {
    for (int v = 0; v < 8; v++) w[v] = _mm512_loadu_si512((const void *)(q + 64 * v));
}

MF_INLINE MF_AVX512 void load_q4(const uint8_t *q, __m512i w[8]) {
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    for (int v = 0; v < 4; v++) {
        __m512i b = _mm512_loadu_si512((const void *)(q + 64 * v));
        w[2 * v] = _mm512_and_si512(b, m4);
        w[2 * v + 1] = _mm512_and_si512(_mm512_srli_epi16(b, 4), m4);
    }
}

/// One group of 16 rows against T tokens (T a compile-time constant after inlining).
MF_INLINE MF_AVX512 void group_tile(int is_q8, const uint8_t *gq, const uint16_t *gd, int64_t nb,
                                     const mf_block_q8a *x, int64_t nbx, int T, float *y, int64_t rows) {
    __m512 acc[MF_TILE];
    for (int t = 0; t < T; t++) acc[t] = _mm512_setzero_ps();
    const int64_t qb = is_q8 ? 512 : 256;
    for (int64_t b = 0; b < nb; b++) {
        __m512i w[8];
        if (T == 1) {  // GEMV streams from memory: prefetch ahead of the hardware prefetcher
            const char *pf = (const char *)(gq + b * qb) + MF_PREFETCH;
            for (int k = 0; k < qb; k += 64) _mm_prefetch(pf + k, MF_PF_HINT);
        }
        if (is_q8) load_q8(gq + b * qb, w);
        else load_q4(gq + b * qb, w);
        __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(gd + 16 * b)));
        for (int t = 0; t < T; t++) {
            const mf_block_q8a *xb = x + t * nbx + b;
            __m512i s = block_dot(w, xb, is_q8 ? q8_order : q4_order, T == 1 ? 2 : 1);
            acc[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), _mm512_mul_ps(dw, _mm512_set1_ps(xb->d)), acc[t]);
        }
    }
    for (int t = 0; t < T; t++) _mm512_storeu_ps(y + t * rows, acc[t]);
}

MF_INLINE MF_AVX512 void tokens_tail(int is_q8, const uint8_t *gq, const uint16_t *gd, int64_t nb,
                                      const mf_block_q8a *x, int64_t n, float *y, int64_t rows) {
    switch (n) {
    case 1: group_tile(is_q8, gq, gd, nb, x, nb, 1, y, rows); break;
    case 2: group_tile(is_q8, gq, gd, nb, x, nb, 2, y, rows); break;
    case 3: group_tile(is_q8, gq, gd, nb, x, nb, 3, y, rows); break;
    case 4: group_tile(is_q8, gq, gd, nb, x, nb, 4, y, rows); break;
    case 5: group_tile(is_q8, gq, gd, nb, x, nb, 5, y, rows); break;
    case 6: group_tile(is_q8, gq, gd, nb, x, nb, 6, y, rows); break;
    case 7: group_tile(is_q8, gq, gd, nb, x, nb, 7, y, rows); break;
    default: break;
    }
}

/// Groups [g0, g1) against all tokens. Tokens go in blocks of MF_TOKEN_BLOCK (their activations stay
/// in L2 while the groups stream past), each group's weights are reused from L1/L2 by every tile of
/// MF_TILE tokens in the block.
MF_INLINE MF_AVX512 void groups(int is_q8, const uint8_t *packed, int64_t nb, const mf_block_q8a *x,
                                 int64_t batch, float *y, int64_t rows, int64_t g0, int64_t g1) {
    const int64_t qb = is_q8 ? 512 : 256, gstride = mf_group_stride(is_q8 ? MF_Q8_0 : MF_Q4_0, nb);
    for (int64_t t0 = 0; t0 < batch; t0 += MF_TOKEN_BLOCK) {
        int64_t t1 = t0 + MF_TOKEN_BLOCK < batch ? t0 + MF_TOKEN_BLOCK : batch;
        for (int64_t g = g0; g < g1; g++) {
            const uint8_t *gq = packed + g * gstride;
            const uint16_t *gd = (const uint16_t *)(gq + nb * qb);
            float *yg = y + g * MF_PACK_ROWS;
            int64_t t = t0;
            for (; t + MF_TILE <= t1; t += MF_TILE)
                group_tile(is_q8, gq, gd, nb, x + t * nb, nb, MF_TILE, yg + t * rows, rows);
            if (t < t1) tokens_tail(is_q8, gq, gd, nb, x + t * nb, t1 - t, yg + t * rows, rows);
        }
    }
}

MF_AVX512 void mf_q8_0_groups_avx512(const uint8_t *packed, int64_t nb, const mf_block_q8a *x, int64_t batch,
                                     float *y, int64_t rows, int64_t g0, int64_t g1) {
    groups(1, packed, nb, x, batch, y, rows, g0, g1);
}

MF_AVX512 void mf_q4_0_groups_avx512(const uint8_t *packed, int64_t nb, const mf_block_q8a *x, int64_t batch,
                                     float *y, int64_t rows, int64_t g0, int64_t g1) {
    groups(0, packed, nb, x, batch, y, rows, g0, g1);
}
