// Repacked Q4_K for AVX-512 VNNI (GEMV and GEMM). Layout, per group of 16 rows and per 256-column
// super-block (2368 bytes, a multiple of 64):
//   [0, 2048)     quants: for chunk c (0..3) and u (0..7), a 64-byte vector at 512c + 64u whose lane r
//                 holds bytes qs[32c + 4u .. +3] of row r: low nibbles are elements 64c + 4u.. (sub-block
//                 2c), high nibbles elements 64c + 32 + 4u.. (sub-block 2c + 1), unsigned 0..15
//   [2048, 2080)  d of the 16 rows (fp16)        [2080, 2112)  dmin (fp16)
//   [2112, 2240)  sc[j][r]: 6-bit scale of sub-block j, row r   [2240, 2368)  m[j][r]: 6-bit min
// A row's value is d * sc_j * q - dmin * m_j, so with activations x = dx * xq (one dx per 256):
//   dot = dx * sum_j (d sc_j * sum_{e in j} q_e xq_e  -  dmin m_j * sum_{e in j} xq_e)
// The AVX2 fallback keeps using the GGUF bytes (kquants.c).
#include "internal.h"
#include <string.h>

#define SB_BYTES 2368
#ifndef MF_KPREFETCH
#define MF_KPREFETCH 8192
#endif
#define TILE 8
#define TOKEN_BLOCK 64

size_t mf_q4_K_pack_size(int64_t rows, int64_t cols) {
    if (rows <= 0 || rows % MF_PACK_ROWS || cols <= 0 || cols % 256) return 0;
    return (size_t)(rows / MF_PACK_ROWS) * (size_t)(cols / 256) * SB_BYTES;
}

void mf_q4_K_pack(const void *src, int64_t rows, int64_t cols, size_t row_bytes, void *dst) {
    const int64_t nsb = cols / 256;
    for (int64_t g = 0; g < rows / MF_PACK_ROWS; g++) {
        for (int r = 0; r < MF_PACK_ROWS; r++) {
            const uint8_t *row = (const uint8_t *)src + (size_t)(g * MF_PACK_ROWS + r) * row_bytes;
            for (int64_t s = 0; s < nsb; s++) {
                const uint8_t *blk = row + 144 * s;
                uint8_t *o = (uint8_t *)dst + (g * nsb + s) * SB_BYTES;
                memcpy(o + 2048 + 2 * r, blk, 2);
                memcpy(o + 2080 + 2 * r, blk + 2, 2);
                const uint8_t *sc = blk + 4;
                for (int j = 0; j < 8; j++) {
                    int scj, mj;
                    if (j < 4) { scj = sc[j] & 63; mj = sc[j + 4] & 63; }
                    else { scj = (sc[j + 4] & 0x0F) | ((sc[j - 4] >> 6) << 4); mj = (sc[j + 4] >> 4) | ((sc[j] >> 6) << 4); }
                    o[2112 + 16 * j + r] = (uint8_t)scj;
                    o[2240 + 16 * j + r] = (uint8_t)mj;
                }
                for (int c = 0; c < 4; c++)
                    for (int u = 0; u < 8; u++) memcpy(o + 512 * c + 64 * u + 4 * r, blk + 16 + 32 * c + 4 * u, 4);
            }
        }
    }
}

MF_INLINE MF_AVX512 __m512i bcast32(const int8_t *p) {
    int32_t v;
    __builtin_memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
}

MF_INLINE MF_AVX512 __m512 u8_to_ps(const uint8_t *p) {
    return _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)p)));
}

MF_INLINE MF_AVX512 void tile(const uint8_t *gq, int64_t nsb, const mf_block_q8s *x, int64_t nsbx, int T,
                              float *y, int64_t rows) {
    __m512 acc[TILE];
    for (int t = 0; t < T; t++) acc[t] = _mm512_setzero_ps();
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    for (int64_t s = 0; s < nsb; s++) {
        const uint8_t *o = gq + s * SB_BYTES;
        if (T == 1) for (int k = 0; k < SB_BYTES; k += 64) _mm_prefetch((const char *)o + MF_KPREFETCH + k, _MM_HINT_T2);
        __m512 d = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(o + 2048)));
        __m512 dmin = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(o + 2080)));
        __m512 sb[TILE];
        for (int t = 0; t < T; t++) sb[t] = _mm512_setzero_ps();
        for (int j = 0; j < 8; j++) {
            const uint8_t *q = o + 512 * (j >> 1);
            __m512i w[8];
            for (int u = 0; u < 8; u++) {
                __m512i raw = _mm512_loadu_si512((const void *)(q + 64 * u));
                w[u] = (j & 1) ? _mm512_and_si512(_mm512_srli_epi16(raw, 4), m4) : _mm512_and_si512(raw, m4);
            }
            __m512 dsc = _mm512_mul_ps(d, u8_to_ps(o + 2112 + 16 * j));
            __m512 dm = _mm512_mul_ps(dmin, u8_to_ps(o + 2240 + 16 * j));
            for (int t = 0; t < T; t++) {
                const mf_block_q8s *xb = x + t * nsbx + s;
                const int8_t *xq = xb->qs + 32 * j;
                __m512i s0 = _mm512_setzero_si512(), s1 = _mm512_setzero_si512();
                for (int u = 0; u < 8; u += 2) {
                    s0 = _mm512_dpbusd_epi32(s0, w[u], bcast32(xq + 4 * u));
                    s1 = _mm512_dpbusd_epi32(s1, w[u + 1], bcast32(xq + 4 * u + 4));
                }
                sb[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_add_epi32(s0, s1)), dsc, sb[t]);
                sb[t] = _mm512_fnmadd_ps(dm, _mm512_set1_ps(xb->sums[j]), sb[t]);
            }
        }
        for (int t = 0; t < T; t++) acc[t] = _mm512_fmadd_ps(sb[t], _mm512_set1_ps(x[t * nsbx + s].d), acc[t]);
    }
    for (int t = 0; t < T; t++) _mm512_storeu_ps(y + t * rows, acc[t]);
}

MF_AVX512 void mf_q4_K_groups_avx512(const uint8_t *packed, int64_t nsb, const mf_block_q8s *x, int64_t batch,
                                     float *y, int64_t rows, int64_t g0, int64_t g1) {
    for (int64_t t0 = 0; t0 < batch; t0 += TOKEN_BLOCK) {
        int64_t t1 = t0 + TOKEN_BLOCK < batch ? t0 + TOKEN_BLOCK : batch;
        for (int64_t g = g0; g < g1; g++) {
            const uint8_t *gq = packed + g * nsb * SB_BYTES;
            float *yg = y + g * MF_PACK_ROWS;
            int64_t t = t0;
            for (; t + TILE <= t1; t += TILE) tile(gq, nsb, x + t * nsb, nsb, TILE, yg + t * rows, rows);
            switch (t1 - t) {
            case 1: tile(gq, nsb, x + t * nsb, nsb, 1, yg + t * rows, rows); break;
            case 2: tile(gq, nsb, x + t * nsb, nsb, 2, yg + t * rows, rows); break;
            case 3: tile(gq, nsb, x + t * nsb, nsb, 3, yg + t * rows, rows); break;
            case 4: tile(gq, nsb, x + t * nsb, nsb, 4, yg + t * rows, rows); break;
            case 5: tile(gq, nsb, x + t * nsb, nsb, 5, yg + t * rows, rows); break;
            case 6: tile(gq, nsb, x + t * nsb, nsb, 6, yg + t * rows, rows); break;
            case 7: tile(gq, nsb, x + t * nsb, nsb, 7, yg + t * rows, rows); break;
            default: break;
            }
        }
    }
}
