// F32, F16 and BF16 rows (AVX2 + FMA + F16C): each row is widened to f32 once in L1, then dotted
// with every token of the batch.
#include "internal.h"

static inline float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

static float dot_f32(const float *a, const float *b, int64_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(b + i + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(b + i + 24), s3);
    }
    for (; i + 8 <= n; i += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), s0);
    float s = hsum8(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < n; i++) s += a[i] * b[i];
    return s;
}

static void widen_f16(const uint16_t *src, float *dst, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
    for (; i < n; i++) dst[i] = mf_f16_to_f32(src[i]);
}

static void widen_bf16(const uint16_t *src, float *dst, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256i v = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(src + i)));
        _mm256_storeu_ps(dst + i, _mm256_castsi256_ps(_mm256_slli_epi32(v, 16)));
    }
    for (; i < n; i++) {
        uint32_t bits = (uint32_t)src[i] << 16;
        __builtin_memcpy(dst + i, &bits, 4);
    }
}

/// y[t][r + i] = dot(w_i, x_t) for 2 rows (w0, w1) x 4 tokens: each loaded vector feeds several FMAs.
static void dots_2x4(const float *w0, const float *w1, const float *x, int64_t n, int64_t nt, float out[2][4]) {
    __m256 a[2][4];
    for (int i = 0; i < 2; i++) for (int t = 0; t < 4; t++) a[i][t] = _mm256_setzero_ps();
    int64_t k = 0;
    for (; k + 8 <= n; k += 8) {
        __m256 v0 = _mm256_loadu_ps(w0 + k), v1 = _mm256_loadu_ps(w1 + k);
        for (int t = 0; t < nt && t < 4; t++) {
            __m256 xv = _mm256_loadu_ps(x + t * n + k);
            a[0][t] = _mm256_fmadd_ps(v0, xv, a[0][t]);
            a[1][t] = _mm256_fmadd_ps(v1, xv, a[1][t]);
        }
    }
    for (int t = 0; t < nt && t < 4; t++) {
        float s0 = hsum8(a[0][t]), s1 = hsum8(a[1][t]);
        for (int64_t j = k; j < n; j++) { s0 += w0[j] * x[t * n + j]; s1 += w1[j] * x[t * n + j]; }
        out[0][t] = s0;
        out[1][t] = s1;
    }
}

void mf_float_rows(const mf_matrix *w, const float *x, int64_t batch, float *y, int64_t r0, int64_t r1) {
    const int64_t n = w->cols;
    float *tmp = w->type == MF_F32 ? NULL : mf_scratch(1, 2 * (size_t)n * sizeof(float));
    if (w->type != MF_F32 && !tmp) return;
    for (int64_t r = r0; r < r1; r += 2) {
        const int pair = r + 1 < r1;
        const float *wr[2];
        for (int i = 0; i <= pair; i++) {
            const void *row = (const uint8_t *)w->data + (size_t)(r + i) * w->row_bytes;
            if (w->type == MF_F32) wr[i] = row;
            else if (w->type == MF_F16) { widen_f16(row, tmp + i * n, n); wr[i] = tmp + i * n; }
            else { widen_bf16(row, tmp + i * n, n); wr[i] = tmp + i * n; }
        }
        if (!pair) {
            for (int64_t t = 0; t < batch; t++) y[t * w->rows + r] = dot_f32(wr[0], x + t * n, n);
            continue;
        }
        for (int64_t t = 0; t < batch; t += 4) {
            float out[2][4];
            int64_t nt = batch - t < 4 ? batch - t : 4;
            dots_2x4(wr[0], wr[1], x + t * n, n, nt, out);
            for (int64_t i = 0; i < nt; i++) {
                y[(t + i) * w->rows + r] = out[0][i];
                y[(t + i) * w->rows + r + 1] = out[1][i];
            }
        }
    }
}
