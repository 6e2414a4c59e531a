// Activation quantisation (once per matmul call, reused by every weight row) and weight repacking
// (once per matrix at load time).
#include "internal.h"
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

// ---- per-thread scratch -----------------------------------------------------------------------

static pthread_key_t scratch_key;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
struct scratch { void *p[2]; size_t cap[2]; };

static void scratch_free(void *v) {
    struct scratch *s = v;
    free(s->p[0]); free(s->p[1]); free(s);
}
static void scratch_init(void) { pthread_key_create(&scratch_key, scratch_free); }

void *mf_scratch(int slot, size_t bytes) {
    pthread_once(&scratch_once, scratch_init);
    struct scratch *s = pthread_getspecific(scratch_key);
    if (!s) {
        s = calloc(1, sizeof *s);
        if (!s) return NULL;
        pthread_setspecific(scratch_key, s);
    }
    if (s->cap[slot] < bytes) {
        size_t cap = (bytes + 4095) & ~(size_t)4095;
        void *p = NULL;
        if (posix_memalign(&p, 64, cap) != 0) return NULL;
        free(s->p[slot]);
        s->p[slot] = p;
        s->cap[slot] = cap;
    }
    return s->p[slot];
}

// ---- activations --------------------------------------------------------------------------------

static inline float hmax8(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    m = _mm_max_ss(m, _mm_movehdup_ps(m));
    return _mm_cvtss_f32(m);
}

static inline int32_t hsum8i(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return _mm_cvtsi128_si32(s);
}

/// Quantises 32 floats at scale id (round to nearest even) into qs; adds the values of the first and
/// second 16 to the int32 lanes of lo and hi.
static inline void quantize32(const float *x, float id, int8_t *qs, __m256i *lo, __m256i *hi) {
    __m256 mul = _mm256_set1_ps(id);
    __m256i i0 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x), mul));
    __m256i i1 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 8), mul));
    __m256i i2 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 16), mul));
    __m256i i3 = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(x + 24), mul));
    *lo = _mm256_add_epi32(*lo, _mm256_add_epi32(i0, i1));
    *hi = _mm256_add_epi32(*hi, _mm256_add_epi32(i2, i3));
    // packs interleave 128-bit lanes; undo with a permute.
    __m256i p16a = _mm256_packs_epi32(i0, i1), p16b = _mm256_packs_epi32(i2, i3);
    __m256i p8 = _mm256_packs_epi16(p16a, p16b);
    p8 = _mm256_permutevar8x32_epi32(p8, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
    _mm256_storeu_si256((__m256i *)qs, p8);
}

static inline float amax32(const float *x, int n) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    __m256 m = _mm256_setzero_ps();
    for (int i = 0; i < n; i += 8) m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_loadu_ps(x + i)));
    return hmax8(m);
}

void mf_quantize_q8a(const float *x, int64_t n, int32_t offset, mf_block_q8a *out) {
    for (int64_t b = 0; b < n / 32; b++) {
        const float *xb = x + 32 * b;
        float amax = amax32(xb, 32);
        float d = amax / 127.0f;
        float id = amax > 0 ? 127.0f / amax : 0.0f;
        __m256i sum = _mm256_setzero_si256();
        quantize32(xb, id, out[b].qs, &sum, &sum);
        out[b].d = _cvtsh_ss(_cvtss_sh(d, 0));  // llama.cpp stores the activation scale as fp16
        out[b].bias = -offset * hsum8i(sum);
    }
}

void mf_quantize_q8k(const float *x, int64_t n, mf_block_q8k *out) {
    for (int64_t b = 0; b < n / 256; b++) {
        const float *xb = x + 256 * b;
        float amax = amax32(xb, 256);
        float id = amax > 0 ? 127.0f / amax : 0.0f;
        out[b].d = amax / 127.0f;
        for (int j = 0; j < 16; j += 2) {
            __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
            quantize32(xb + 16 * j, id, out[b].qs + 16 * j, &lo, &hi);
            out[b].bsums[j] = (int16_t)hsum8i(lo);
            out[b].bsums[j + 1] = (int16_t)hsum8i(hi);
        }
    }
}

void mf_quantize_q8s(const float *x, int64_t n, mf_block_q8s *out) {
    for (int64_t b = 0; b < n / 256; b++) {
        const float *xb = x + 256 * b;
        float amax = amax32(xb, 256);
        float id = amax > 0 ? 127.0f / amax : 0.0f;
        out[b].d = amax / 127.0f;
        for (int j = 0; j < 8; j++) {
            __m256i sum = _mm256_setzero_si256();
            quantize32(xb + 32 * j, id, out[b].qs + 32 * j, &sum, &sum);
            out[b].sums[j] = (float)hsum8i(sum);
        }
    }
}

void mf_quantize_q8b(const float *x, int64_t n, mf_block_q8b *out) {
    for (int64_t b = 0; b < n / 256; b++) {
        const float *xb = x + 256 * b;
        float amax = amax32(xb, 256);
        float id = amax > 0 ? 127.0f / amax : 0.0f;
        out[b].d = amax / 127.0f;
        for (int j = 0; j < 16; j += 2) {
            __m256i lo = _mm256_setzero_si256(), hi = _mm256_setzero_si256();
            quantize32(xb + 16 * j, id, out[b].qs + 16 * j, &lo, &hi);
            out[b].bias16[j] = -32 * hsum8i(lo);
            out[b].bias16[j + 1] = -32 * hsum8i(hi);
        }
    }
}

// ---- weight repacking ---------------------------------------------------------------------------
//
// Repacked Q8_0 / Q4_0: rows in groups of 16. A group holds, for each 32-column block b,
//   quants: Q8_0: 8 vectors of 64 bytes; vector v, lane r (row r of the group) = bytes 4v..4v+3 of
//           row r's block, each XOR 0x80 (i.e. q + 128, unsigned for vpdpbusd).
//           Q4_0: 4 vectors of 64 bytes; vector v, lane r = bytes 4v..4v+3 of row r's qs: low nibbles
//           are elements 4v..4v+3, high nibbles elements 16+4v..16+4v+3 (unsigned 0..15).
// followed, after all nb blocks of quants, by nb x 16 fp16 scales (block b: rows 0..15).
// Group stride = nb * (quant bytes + 32), rounded up to 64 bytes.

size_t mf_pack_size(int type, int64_t rows, int64_t cols) {
    int vnni = mf_effective_isa(MF_ISA_AVX512) >= MF_ISA_AVX512;
    if (type == MF_Q4_K) return vnni ? mf_q4_K_pack_size(rows, cols) : 0;
    if (type == MF_Q6_K) return vnni ? mf_q6_K_pack_size(rows, cols) : 0;
    if (type != MF_Q8_0 && type != MF_Q4_0) return 0;
    if (rows <= 0 || rows % MF_PACK_ROWS != 0 || cols <= 0 || cols % 32 != 0) return 0;
    int64_t nb = cols / 32;
    return (size_t)(rows / MF_PACK_ROWS) * (size_t)mf_group_stride(type, nb);
}

int mf_pack(int type, const void *src, int64_t rows, int64_t cols, size_t row_bytes, void *dst) {
    if (mf_pack_size(type, rows, cols) == 0) return 0;
    if (type == MF_Q4_K) { mf_q4_K_pack(src, rows, cols, row_bytes, dst); return 1; }
    if (type == MF_Q6_K) { mf_q6_K_pack(src, rows, cols, row_bytes, dst); return 1; }
    const int64_t nb = cols / 32, qb = mf_group_quant_bytes(type);
    const int64_t blk = type == MF_Q8_0 ? 34 : 18;
    const int64_t gstride = mf_group_stride(type, nb);
    for (int64_t g = 0; g < rows / MF_PACK_ROWS; g++) {
        uint8_t *gq = (uint8_t *)dst + g * gstride;
        uint16_t *gd = (uint16_t *)(gq + nb * qb);
        for (int r = 0; r < MF_PACK_ROWS; r++) {
            const uint8_t *row = (const uint8_t *)src + (size_t)(g * MF_PACK_ROWS + r) * row_bytes;
            for (int64_t b = 0; b < nb; b++) {
                const uint8_t *bp = row + b * blk;
                uint16_t d;
                memcpy(&d, bp, 2);
                gd[b * 16 + r] = d;
                uint8_t *q = gq + b * qb;
                const uint32_t flip = type == MF_Q8_0 ? 0x80808080u : 0;
                for (int v = 0; v < (int)(qb / 64); v++) {
                    uint32_t four;
                    memcpy(&four, bp + 2 + 4 * v, 4);
                    four ^= flip;
                    memcpy(q + v * 64 + r * 4, &four, 4);
                }
            }
        }
    }
    return 1;
}
