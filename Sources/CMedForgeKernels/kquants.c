// Q4_K and Q6_K rows on the GGUF layout against Q8_K-style activations (AVX2, any x86-64-v3 CPU).
// Each weight row is first decoded, super-block by super-block, into a uniform form in L1:
//     value[e] = d * sc[e/16] * q[e] - dmin * mn[e/16],   q unsigned (Q4_K 0..15, Q6_K 0..63)
// (Q6_K: dmin = d and mn = 32 * sc). The decoded row then serves every token of the batch:
//     dot = dx * (d * sum_i sc_i * sum_{e in i} q_e x_e  -  dmin * sum_i mn_i * bsum_i)
// with vpmaddubsw (q x int8 activation, < 2*63*127 fits int16) and vpmaddwd against the scales.
#include "internal.h"
#include <string.h>

typedef struct {
    _Alignas(32) uint8_t q[256];
    int16_t esc[8][16];  // chunk c of 32 values: lanes 0..7 scale of sub-block 2c, lanes 8..15 of 2c+1
    int16_t mn[16];
    float d, dmin;
} kdec;  // 576 bytes

static inline float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

static inline void set_scales(kdec *k, const int16_t sc[16]) {
    for (int c = 0; c < 8; c++)
        for (int l = 0; l < 16; l++) k->esc[c][l] = sc[2 * c + (l >> 3)];
}

static void decode_q4_K(const uint8_t *blk, kdec *k) {
    uint16_t h;
    memcpy(&h, blk, 2); k->d = mf_f16_to_f32(h);
    memcpy(&h, blk + 2, 2); k->dmin = mf_f16_to_f32(h);
    const uint8_t *s = blk + 4;
    int16_t sc[16];
    for (int j = 0; j < 8; j++) {
        int scj, mj;
        if (j < 4) { scj = s[j] & 63; mj = s[j + 4] & 63; }
        else { scj = (s[j + 4] & 0x0F) | ((s[j - 4] >> 6) << 4); mj = (s[j + 4] >> 4) | ((s[j] >> 6) << 4); }
        sc[2 * j] = sc[2 * j + 1] = (int16_t)scj;
        k->mn[2 * j] = k->mn[2 * j + 1] = (int16_t)mj;
    }
    set_scales(k, sc);
    const uint8_t *qs = blk + 16;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    for (int j = 0; j < 4; j++) {
        __m256i b = _mm256_loadu_si256((const __m256i *)(qs + 32 * j));
        _mm256_storeu_si256((__m256i *)(k->q + 64 * j), _mm256_and_si256(b, m4));
        _mm256_storeu_si256((__m256i *)(k->q + 64 * j + 32), _mm256_and_si256(_mm256_srli_epi16(b, 4), m4));
    }
}

static void decode_q6_K(const uint8_t *blk, kdec *k) {
    uint16_t h;
    memcpy(&h, blk + 208, 2);
    k->d = k->dmin = mf_f16_to_f32(h);
    const int8_t *scs = (const int8_t *)(blk + 192);
    int16_t sc[16];
    for (int i = 0; i < 16; i++) { sc[i] = scs[i]; k->mn[i] = (int16_t)(32 * scs[i]); }
    set_scales(k, sc);
    const __m256i m4 = _mm256_set1_epi8(0x0F), m2 = _mm256_set1_epi8(3);
    for (int half = 0; half < 2; half++) {
        const uint8_t *ql = blk + 64 * half, *qh = blk + 128 + 32 * half;
        uint8_t *q = k->q + 128 * half;
        __m256i a = _mm256_loadu_si256((const __m256i *)ql);
        __m256i c = _mm256_loadu_si256((const __m256i *)(ql + 32));
        __m256i hb = _mm256_loadu_si256((const __m256i *)qh);
        // bits (hb >> s) & 3, moved to bit 4: ((hb >> s) & 3) << 4
        __m256i h0 = _mm256_slli_epi16(_mm256_and_si256(hb, m2), 4);
        __m256i h1 = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 2), m2), 4);
        __m256i h2 = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 4), m2), 4);
        __m256i h3 = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 6), m2), 4);
        _mm256_storeu_si256((__m256i *)q, _mm256_or_si256(_mm256_and_si256(a, m4), h0));
        _mm256_storeu_si256((__m256i *)(q + 32), _mm256_or_si256(_mm256_and_si256(c, m4), h1));
        _mm256_storeu_si256((__m256i *)(q + 64), _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(a, 4), m4), h2));
        _mm256_storeu_si256((__m256i *)(q + 96), _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(c, 4), m4), h3));
    }
}

static inline float row_dot(const kdec *k, int64_t nsb, const mf_block_q8k *x) {
    __m256 f = _mm256_setzero_ps();
    for (int64_t s = 0; s < nsb; s++, k++, x++) {
        __m256i acc = _mm256_setzero_si256();
        for (int c = 0; c < 8; c++) {
            __m256i p = _mm256_maddubs_epi16(_mm256_load_si256((const __m256i *)(k->q + 32 * c)),
                                             _mm256_loadu_si256((const __m256i *)(x->qs + 32 * c)));
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(p, _mm256_load_si256((const __m256i *)k->esc[c])));
        }
        __m256i m = _mm256_madd_epi16(_mm256_load_si256((const __m256i *)k->mn),
                                      _mm256_loadu_si256((const __m256i *)x->bsums));
        f = _mm256_fmadd_ps(_mm256_cvtepi32_ps(acc), _mm256_set1_ps(x->d * k->d), f);
        f = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(m), _mm256_set1_ps(x->d * k->dmin), f);
    }
    return hsum8(f);
}

void mf_kquant_rows(const mf_matrix *w, const mf_block_q8k *x, int64_t batch, float *y, int64_t r0, int64_t r1) {
    const int64_t nsb = w->cols / 256;
    const size_t blk = w->type == MF_Q4_K ? 144 : 210;
    kdec *dec = mf_scratch(1, (size_t)nsb * sizeof(kdec));
    if (!dec) return;
    for (int64_t r = r0; r < r1; r++) {
        const uint8_t *row = (const uint8_t *)w->data + (size_t)r * w->row_bytes;
        if (w->type == MF_Q4_K) for (int64_t s = 0; s < nsb; s++) decode_q4_K(row + s * blk, dec + s);
        else for (int64_t s = 0; s < nsb; s++) decode_q6_K(row + s * blk, dec + s);
        for (int64_t t = 0; t < batch; t++) y[t * w->rows + r] = row_dot(dec, nsb, x + t * nsb);
    }
}
