// Single-query attention against one shared key/value head (multi-query attention, as DeepSeek's latent
// attention becomes in its absorbed form): every head's query meets the same cached rows, so each key and value
// row is loaded once for four heads at a time instead of once per head. AVX2 + FMA (the x86-64-v3 baseline).
#include "internal.h"
#include <immintrin.h>

MF_INLINE float hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

void mf_mqa_scores(const float *q, int64_t heads, int64_t dk, const float *keys, int64_t kstride,
                   int64_t j0, int64_t j1, float scale, float *scores, int64_t sstride) {
    for (int64_t j = j0; j < j1; j++) {
        const float *k = keys + j * kstride;
        int64_t h = 0;
        for (; h + 4 <= heads; h += 4) {
            const float *q0 = q + h * dk, *q1 = q0 + dk, *q2 = q1 + dk, *q3 = q2 + dk;
            __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
            int64_t d = 0;
            for (; d + 8 <= dk; d += 8) {
                __m256 kv = _mm256_loadu_ps(k + d);
                a0 = _mm256_fmadd_ps(_mm256_loadu_ps(q0 + d), kv, a0);
                a1 = _mm256_fmadd_ps(_mm256_loadu_ps(q1 + d), kv, a1);
                a2 = _mm256_fmadd_ps(_mm256_loadu_ps(q2 + d), kv, a2);
                a3 = _mm256_fmadd_ps(_mm256_loadu_ps(q3 + d), kv, a3);
            }
            float s0 = hsum8(a0), s1 = hsum8(a1), s2 = hsum8(a2), s3 = hsum8(a3);
            for (; d < dk; d++) { s0 += q0[d] * k[d]; s1 += q1[d] * k[d]; s2 += q2[d] * k[d]; s3 += q3[d] * k[d]; }
            scores[h * sstride + j] = s0 * scale;
            scores[(h + 1) * sstride + j] = s1 * scale;
            scores[(h + 2) * sstride + j] = s2 * scale;
            scores[(h + 3) * sstride + j] = s3 * scale;
        }
        for (; h < heads; h++) {
            const float *qh = q + h * dk;
            __m256 a = _mm256_setzero_ps();
            int64_t d = 0;
            for (; d + 8 <= dk; d += 8) a = _mm256_fmadd_ps(_mm256_loadu_ps(qh + d), _mm256_loadu_ps(k + d), a);
            float s = hsum8(a);
            for (; d < dk; d++) s += qh[d] * k[d];
            scores[h * sstride + j] = s * scale;
        }
    }
}

void mf_mqa_values(const float *p, int64_t heads, int64_t pstride, int64_t n, const float *values, int64_t vstride,
                   int64_t d0, int64_t d1, float *out, int64_t ostride) {
    int64_t d = d0;
    for (; d + 32 <= d1; d += 32) {
        int64_t h = 0;
        for (; h < heads; h += 4) {
            int hn = heads - h < 4 ? (int)(heads - h) : 4;
            __m256 acc[4][4];
            for (int a = 0; a < 4; a++) for (int b = 0; b < 4; b++) acc[a][b] = _mm256_setzero_ps();
            for (int64_t j = 0; j < n; j++) {
                const float *v = values + j * vstride + d;
                __m256 v0 = _mm256_loadu_ps(v), v1 = _mm256_loadu_ps(v + 8), v2 = _mm256_loadu_ps(v + 16), v3 = _mm256_loadu_ps(v + 24);
                for (int a = 0; a < hn; a++) {
                    __m256 w = _mm256_broadcast_ss(p + (h + a) * pstride + j);
                    acc[a][0] = _mm256_fmadd_ps(w, v0, acc[a][0]);
                    acc[a][1] = _mm256_fmadd_ps(w, v1, acc[a][1]);
                    acc[a][2] = _mm256_fmadd_ps(w, v2, acc[a][2]);
                    acc[a][3] = _mm256_fmadd_ps(w, v3, acc[a][3]);
                }
            }
            for (int a = 0; a < hn; a++) {
                float *o = out + (h + a) * ostride + d;
                _mm256_storeu_ps(o, acc[a][0]); _mm256_storeu_ps(o + 8, acc[a][1]);
                _mm256_storeu_ps(o + 16, acc[a][2]); _mm256_storeu_ps(o + 24, acc[a][3]);
            }
        }
    }
    for (; d < d1; d++) {
        for (int64_t h = 0; h < heads; h++) {
            float s = 0;
            for (int64_t j = 0; j < n; j++) s += p[h * pstride + j] * values[j * vstride + d];
            out[h * ostride + d] = s;
        }
    }
}
