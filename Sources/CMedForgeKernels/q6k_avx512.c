// Repacked Q6_K for AVX-512 VNNI (GEMV and GEMM). Each row's 6-bit values q (0..63, value
// d * sc_i * (q - 32), 16 sub-blocks of 16) are re-encoded per group of 16 rows and per 256-column
// super-block (3360 bytes, the GGUF size):
//   for chunk c (0..7) of 32 columns, at 384c:
//     4 nibble vectors (64 bytes each): vector v, lane r, byte i = low4(q[32c+4v+i]) | low4(q[32c+16+4v+i]) << 4
//     2 high-bit vectors at +256: vector h, lane r, byte i holds in bits 2k..2k+1 the top two bits of
//       operand o = 4h + k, where operand o covers columns 32c + 16(o&1) + 4(o>>1) + i
//   [3072, 3328) sc[i][r] (int8)     [3328, 3360) d of the 16 rows (fp16)
// Operand o (even: sub-block 2c, odd: 2c+1) is rebuilt as nibble | ((high >> 2k) & 3) << 4, and
// vpdpbusd starts from the activation bias -32 * sum16, so each sub-block sum is sum (q - 32) * xq.
// The AVX2 fallback keeps using the GGUF bytes (kquants.c).
#include "internal.h"
#include <string.h>

#define SB_BYTES 3360
#ifndef MF_KPREFETCH
#define MF_KPREFETCH 8192
#endif
#define TILE 8
#define TOKEN_BLOCK 64

size_t mf_q6_K_pack_size(int64_t rows, int64_t cols) {
    if (rows <= 0 || rows % MF_PACK_ROWS || cols <= 0 || cols % 256) return 0;
    return (size_t)(rows / MF_PACK_ROWS) * (size_t)(cols / 256) * SB_BYTES;
}

/// The 256 6-bit values of one GGUF Q6_K block, in column order.
static void q6_values(const uint8_t *blk, uint8_t q[256]) {
    for (int h = 0; h < 2; h++) {
        const uint8_t *ql = blk + 64 * h, *qh = blk + 128 + 32 * h;
        for (int l = 0; l < 32; l++) {
            q[128 * h + l] = (uint8_t)((ql[l] & 0x0F) | ((qh[l] & 3) << 4));
            q[128 * h + 32 + l] = (uint8_t)((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4));
            q[128 * h + 64 + l] = (uint8_t)((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4));
            q[128 * h + 96 + l] = (uint8_t)((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4));
        }
    }
}

void mf_q6_K_pack(const void *src, int64_t rows, int64_t cols, size_t row_bytes, void *dst) {
    const int64_t nsb = cols / 256;
    uint8_t q[256];
    for (int64_t g = 0; g < rows / MF_PACK_ROWS; g++) {
        for (int r = 0; r < MF_PACK_ROWS; r++) {
            const uint8_t *row = (const uint8_t *)src + (size_t)(g * MF_PACK_ROWS + r) * row_bytes;
            for (int64_t s = 0; s < nsb; s++) {
                const uint8_t *blk = row + 210 * s;
                uint8_t *o = (uint8_t *)dst + (g * nsb + s) * SB_BYTES;
                q6_values(blk, q);
                for (int c = 0; c < 8; c++) {
                    uint8_t *oc = o + 384 * c;
                    for (int v = 0; v < 4; v++)
                        for (int i = 0; i < 4; i++)
                            oc[64 * v + 4 * r + i] = (uint8_t)((q[32 * c + 4 * v + i] & 0x0F) | ((q[32 * c + 16 + 4 * v + i] & 0x0F) << 4));
                    for (int h = 0; h < 2; h++)
                        for (int i = 0; i < 4; i++) {
                            uint8_t bits = 0;
                            for (int k = 0; k < 4; k++) {
                                int op = 4 * h + k;
                                int col = 32 * c + 16 * (op & 1) + 4 * (op >> 1) + i;
                                bits |= (uint8_t)((q[col] >> 4) << (2 * k));
                            }
                            oc[256 + 64 * h + 4 * r + i] = bits;
                        }
                }
                for (int i = 0; i < 16; i++) o[3072 + 16 * i + r] = blk[192 + i];
                memcpy(o + 3328 + 2 * r, blk + 208, 2);
            }
        }
    }
}

MF_INLINE MF_AVX512 __m512i bcast32(const int8_t *p) {
    int32_t v;
    __builtin_memcpy(&v, p, 4);
    return _mm512_set1_epi32(v);
}

MF_INLINE MF_AVX512 __m512 i8_to_ps(const uint8_t *p) {
    return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)p)));
}

/// Operand o of chunk oc: nibble | top two bits << 4 (bits 4..5 of each byte).
MF_INLINE MF_AVX512 __m512i operand(const uint8_t *oc, int o) {
    const __m512i m4 = _mm512_set1_epi8(0x0F), m30 = _mm512_set1_epi8(0x30);
    __m512i nv = _mm512_loadu_si512((const void *)(oc + 64 * (o >> 1)));
    __m512i lo = (o & 1) ? _mm512_and_si512(_mm512_srli_epi16(nv, 4), m4) : _mm512_and_si512(nv, m4);
    __m512i hv = _mm512_loadu_si512((const void *)(oc + 256 + 64 * (o >> 2)));
    __m512i hs;
    switch (o & 3) {
    case 0: hs = _mm512_slli_epi16(hv, 4); break;
    case 1: hs = _mm512_slli_epi16(hv, 2); break;
    case 2: hs = hv; break;
    default: hs = _mm512_srli_epi16(hv, 2); break;
    }
    return _mm512_ternarylogic_epi32(hs, m30, lo, 0xEA);  // (hs & m30) | lo
}

MF_INLINE MF_AVX512 void tile(const uint8_t *gq, int64_t nsb, const mf_block_q8b *x, int64_t nsbx, int T,
                              float *y, int64_t rows) {
    __m512 acc[TILE];
    for (int t = 0; t < T; t++) acc[t] = _mm512_setzero_ps();
    for (int64_t s = 0; s < nsb; s++) {
        const uint8_t *o = gq + s * SB_BYTES;
        if (T == 1) for (int k = 0; k < SB_BYTES; k += 64) _mm_prefetch((const char *)o + MF_KPREFETCH + k, _MM_HINT_T2);
        __m512 d = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(o + 3328)));
        __m512 sb[TILE];
        for (int t = 0; t < T; t++) sb[t] = _mm512_setzero_ps();
        for (int c = 0; c < 8; c++) {
            const uint8_t *oc = o + 384 * c;
            __m512i w[8];
            for (int k = 0; k < 8; k++) w[k] = operand(oc, k);
            __m512 dse = _mm512_mul_ps(d, i8_to_ps(o + 3072 + 16 * (2 * c)));
            __m512 dso = _mm512_mul_ps(d, i8_to_ps(o + 3072 + 16 * (2 * c + 1)));
            for (int t = 0; t < T; t++) {
                const mf_block_q8b *xb = x + t * nsbx + s;
                const int8_t *xq = xb->qs + 32 * c;
                __m512i se = _mm512_set1_epi32(xb->bias16[2 * c]), so = _mm512_set1_epi32(xb->bias16[2 * c + 1]);
                for (int v = 0; v < 4; v++) {
                    se = _mm512_dpbusd_epi32(se, w[2 * v], bcast32(xq + 4 * v));
                    so = _mm512_dpbusd_epi32(so, w[2 * v + 1], bcast32(xq + 16 + 4 * v));
                }
                sb[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(se), dse, sb[t]);
                sb[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(so), dso, sb[t]);
            }
        }
        for (int t = 0; t < T; t++) acc[t] = _mm512_fmadd_ps(sb[t], _mm512_set1_ps(x[t * nsbx + s].d), acc[t]);
    }
    for (int t = 0; t < T; t++) _mm512_storeu_ps(y + t * rows, acc[t]);
}

MF_AVX512 void mf_q6_K_groups_avx512(const uint8_t *packed, int64_t nsb, const mf_block_q8b *x, int64_t batch,
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
