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

/// y[t][r + i] = dot(w_i, x_t) for 2 rows (w0, w1) x nt <= 4 tokens: each loaded vector feeds several
/// FMAs. nt is a constant after inlining, so the accumulators stay in registers.
MF_INLINE void dots_2xn(const float *w0, const float *w1, const float *x, int64_t n, int nt, float out[2][4]) {
    __m256 a[2][4];
    for (int i = 0; i < 2; i++) for (int t = 0; t < 4; t++) a[i][t] = _mm256_setzero_ps();
    int64_t k = 0;
    for (; k + 8 <= n; k += 8) {
        __m256 v0 = _mm256_loadu_ps(w0 + k), v1 = _mm256_loadu_ps(w1 + k);
        for (int t = 0; t < nt; t++) {
            __m256 xv = _mm256_loadu_ps(x + t * n + k);
            a[0][t] = _mm256_fmadd_ps(v0, xv, a[0][t]);
            a[1][t] = _mm256_fmadd_ps(v1, xv, a[1][t]);
        }
    }
    for (int t = 0; t < nt; t++) {
        float s0 = hsum8(a[0][t]), s1 = hsum8(a[1][t]);
        for (int64_t j = k; j < n; j++) { s0 += w0[j] * x[t * n + j]; s1 += w1[j] * x[t * n + j]; }
        out[0][t] = s0;
        out[1][t] = s1;
    }
}

/// One row of 16-bit floats (F16 or BF16) dotted with x, widening on the fly, four accumulator chains.
MF_INLINE float dot_half(const uint16_t *w, const float *x, int64_t n, int bf16) {
    __m256 a[4] = { _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps() };
    int64_t k = 0;
    for (; k + 32 <= n; k += 32)
        for (int u = 0; u < 4; u++) {
            __m128i h = _mm_loadu_si128((const __m128i *)(w + k + 8 * u));
            __m256 wv = bf16 ? _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16)) : _mm256_cvtph_ps(h);
            a[u] = _mm256_fmadd_ps(wv, _mm256_loadu_ps(x + k + 8 * u), a[u]);
        }
    float s = hsum8(_mm256_add_ps(_mm256_add_ps(a[0], a[1]), _mm256_add_ps(a[2], a[3])));
    for (; k < n; k++) {
        float wk;
        if (bf16) { uint32_t bits = (uint32_t)w[k] << 16; __builtin_memcpy(&wk, &bits, 4); }
        else wk = mf_f16_to_f32(w[k]);
        s += wk * x[k];
    }
    return s;
}

static void dots_2x4(const float *w0, const float *w1, const float *x, int64_t n, int64_t nt, float out[2][4]) {
    switch (nt) {
    case 1: dots_2xn(w0, w1, x, n, 1, out); break;
    case 2: dots_2xn(w0, w1, x, n, 2, out); break;
    case 3: dots_2xn(w0, w1, x, n, 3, out); break;
    default: dots_2xn(w0, w1, x, n, 4, out); break;
    }
}

void mf_float_rows(const mf_matrix *w, const float *x, int64_t batch, float *y, int64_t r0, int64_t r1) {
    const int64_t n = w->cols;
    float *tmp = w->type == MF_F32 ? NULL : mf_scratch(1, 2 * (size_t)n * sizeof(float));
    if (w->type != MF_F32 && !tmp) return;
    if (batch == 1) {  // GEMV: widen on the fly, no round trip through L1; four accumulator chains
        for (int64_t r = r0; r < r1; r++) {
            const void *row = (const uint8_t *)w->data + (size_t)r * w->row_bytes;
            if (w->type == MF_F32) y[r] = dot_f32(row, x, n);
            else y[r] = w->type == MF_BF16 ? dot_half(row, x, n, 1) : dot_half(row, x, n, 0);
        }
        return;
    }
    // GEMM: tokens in blocks whose activations stay in L2 (~192 KiB) while the rows stream past.
    int64_t tb = (192 << 10) / (n * (int64_t)sizeof(float));
    tb = tb < 4 ? 4 : tb & ~(int64_t)3;
    for (int64_t t0 = 0; t0 < batch; t0 += tb) {
        const int64_t t1 = t0 + tb < batch ? t0 + tb : batch;
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
                for (int64_t t = t0; t < t1; t++) y[t * w->rows + r] = dot_f32(wr[0], x + t * n, n);
                continue;
            }
            for (int64_t t = t0; t < t1; t += 4) {
                float out[2][4];
                int64_t nt = t1 - t < 4 ? t1 - t : 4;
                dots_2x4(wr[0], wr[1], x + t * n, n, nt, out);
                for (int64_t i = 0; i < nt; i++) {
                    y[(t + i) * w->rows + r] = out[0][i];
                    y[(t + i) * w->rows + r + 1] = out[1][i];
                }
            }
        }
    }
}
