// AVX2 kernels for the same repacked Q8_0 / Q4_0 layouts, for CPUs without AVX-512 VNNI.
// A 64-byte vector of the layout is two 32-byte halves (rows 0..7, rows 8..15 of the group);
// each half is one ymm whose 32-bit lanes hold one row each. vpmaddubsw + vpmaddwd replace vpdpbusd.
// Q4_0: unsigned nibbles x int8 activations, products summed in int16 (8 x 2 x 15 x 127 < 32767),
//       the activation bias (-8 * sum) removes the +8 offset.
// Q8_0: q + 128 is turned back into int8 and multiplied with the sign trick (|w| x sign(x, w)), so
//       the bias is not used.
#include "internal.h"

#define TILE2 4
#define TOKEN_BLOCK2 64

MF_INLINE __m256i bcast32(const int8_t *p) {
    int32_t v;
    __builtin_memcpy(&v, p, 4);
    return _mm256_set1_epi32(v);
}

static const int q4_order[8] = { 0, 4, 1, 5, 2, 6, 3, 7 };

/// Half-group h (8 rows) of one group against T tokens.
MF_INLINE void half_tile(int is_q8, const uint8_t *gq, const uint16_t *gd, int64_t nb, int h,
                         const mf_block_q8a *x, int64_t nbx, int T, float *y, int64_t rows) {
    __m256 acc[TILE2];
    for (int t = 0; t < T; t++) acc[t] = _mm256_setzero_ps();
    const int64_t qb = is_q8 ? 512 : 256;
    const __m256i ones = _mm256_set1_epi16(1);
    for (int64_t b = 0; b < nb; b++) {
        const uint8_t *q = gq + b * qb + 32 * h;
        __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(gd + 16 * b + 8 * h)));
        if (is_q8) {
            __m256i ws[8], aw[8];
            for (int v = 0; v < 8; v++) {
                ws[v] = _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(q + 64 * v)), _mm256_set1_epi8((char)0x80));
                aw[v] = _mm256_abs_epi8(ws[v]);
            }
            for (int t = 0; t < T; t++) {
                const mf_block_q8a *xb = x + t * nbx + b;
                __m256i s = _mm256_setzero_si256();
                for (int v = 0; v < 8; v++) {
                    __m256i p = _mm256_maddubs_epi16(aw[v], _mm256_sign_epi8(bcast32(xb->qs + 4 * v), ws[v]));
                    s = _mm256_add_epi32(s, _mm256_madd_epi16(p, ones));
                }
                acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_mul_ps(dw, _mm256_set1_ps(xb->d)), acc[t]);
            }
        } else {
            const __m256i m4 = _mm256_set1_epi8(0x0F);
            __m256i w[8];
            for (int v = 0; v < 4; v++) {
                __m256i bv = _mm256_loadu_si256((const __m256i *)(q + 64 * v));
                w[2 * v] = _mm256_and_si256(bv, m4);
                w[2 * v + 1] = _mm256_and_si256(_mm256_srli_epi16(bv, 4), m4);
            }
            for (int t = 0; t < T; t++) {
                const mf_block_q8a *xb = x + t * nbx + b;
                __m256i p = _mm256_maddubs_epi16(w[0], bcast32(xb->qs + 4 * q4_order[0]));
                for (int k = 1; k < 8; k++)
                    p = _mm256_add_epi16(p, _mm256_maddubs_epi16(w[k], bcast32(xb->qs + 4 * q4_order[k])));
                __m256i s = _mm256_add_epi32(_mm256_madd_epi16(p, ones), _mm256_set1_epi32(xb->bias));
                acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_mul_ps(dw, _mm256_set1_ps(xb->d)), acc[t]);
            }
        }
    }
    for (int t = 0; t < T; t++) _mm256_storeu_ps(y + t * rows + 8 * h, acc[t]);
}

MF_INLINE void groups2(int is_q8, const uint8_t *packed, int64_t nb, const mf_block_q8a *x,
                       int64_t batch, float *y, int64_t rows, int64_t g0, int64_t g1) {
    const int64_t qb = is_q8 ? 512 : 256, gstride = mf_group_stride(is_q8 ? MF_Q8_0 : MF_Q4_0, nb);
    for (int64_t t0 = 0; t0 < batch; t0 += TOKEN_BLOCK2) {
        int64_t t1 = t0 + TOKEN_BLOCK2 < batch ? t0 + TOKEN_BLOCK2 : batch;
        for (int64_t g = g0; g < g1; g++) {
            const uint8_t *gq = packed + g * gstride;
            const uint16_t *gd = (const uint16_t *)(gq + nb * qb);
            float *yg = y + g * MF_PACK_ROWS;
            for (int h = 0; h < 2; h++) {
                int64_t t = t0;
                for (; t + TILE2 <= t1; t += TILE2)
                    half_tile(is_q8, gq, gd, nb, h, x + t * nb, nb, TILE2, yg + t * rows, rows);
                switch (t1 - t) {
                case 1: half_tile(is_q8, gq, gd, nb, h, x + t * nb, nb, 1, yg + t * rows, rows); break;
                case 2: half_tile(is_q8, gq, gd, nb, h, x + t * nb, nb, 2, yg + t * rows, rows); break;
                case 3: half_tile(is_q8, gq, gd, nb, h, x + t * nb, nb, 3, yg + t * rows, rows); break;
                default: break;
                }
            }
        }
    }
}

void mf_q8_0_groups_avx2(const uint8_t *packed, int64_t nb, const mf_block_q8a *x, int64_t batch,
                         float *y, int64_t rows, int64_t g0, int64_t g1) {
    groups2(1, packed, nb, x, batch, y, rows, g0, g1);
}

void mf_q4_0_groups_avx2(const uint8_t *packed, int64_t nb, const mf_block_q8a *x, int64_t batch,
                         float *y, int64_t rows, int64_t g0, int64_t g1) {
    groups2(0, packed, nb, x, batch, y, rows, g0, g1);
}
