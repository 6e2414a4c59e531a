// Elementwise activations for prompt processing: SwiGLU's silu(g) * u with an AVX2 exp.
#include "medforge_kernels.h"
#include <immintrin.h>
#include <math.h>

// e^x on 8 lanes: x = n ln2 + r (Cody-Waite split of ln2), degree-6 polynomial for e^r (Cephes expf
// coefficients), 2^n through the exponent bits. Inputs clamped to [-87.3, 88.3].
static inline __m256 exp8(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.3f));
    __m256 n = _mm256_floor_ps(_mm256_fmadd_ps(x, _mm256_set1_ps(1.44269504f), _mm256_set1_ps(0.5f)));
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    __m256 y = _mm256_fmadd_ps(_mm256_mul_ps(p, r), r, _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(y, _mm256_castsi256_ps(e));
}

void mf_silu_mul_f32(float *g, const float *u, int64_t n) {
    int64_t i = 0;
    const __m256 one = _mm256_set1_ps(1.0f);
    for (; i + 8 <= n; i += 8) {
        __m256 x = _mm256_loadu_ps(g + i);
        __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), x));
        __m256 s = _mm256_div_ps(x, _mm256_add_ps(one, e));
        _mm256_storeu_ps(g + i, _mm256_mul_ps(s, _mm256_loadu_ps(u + i)));
    }
    for (; i < n; i++) g[i] = g[i] / (1.0f + expf(-g[i])) * u[i];
}

void mf_exp_f32(const float *x, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, exp8(_mm256_loadu_ps(x + i)));
    for (; i < n; i++) y[i] = expf(x[i] < -87.3f ? -87.3f : (x[i] > 88.3f ? 88.3f : x[i]));
}

static inline float hsum8(__m256 v) {
    float lanes[8];
    _mm256_storeu_ps(lanes, v);
    float s = 0;
    for (int j = 0; j < 8; j++) s += lanes[j];
    return s;
}

// max(row[0..n)), n >= 1.
static float row_max(const float *row, int64_t n) {
    __m256 mv = _mm256_set1_ps(-INFINITY);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) mv = _mm256_max_ps(mv, _mm256_loadu_ps(row + i));
    float lanes[8];
    _mm256_storeu_ps(lanes, mv);
    float m = lanes[0];
    for (int j = 1; j < 8; j++) m = lanes[j] > m ? lanes[j] : m;
    for (; i < n; i++) m = row[i] > m ? row[i] : m;
    return m;
}

// row[i] = exp(row[i] - m) in place; returns their sum, gathered in float over 1024 values at a time and
// carried in double.
static double exp_shifted_sum(float *row, int64_t n, float m) {
    const __m256 mb = _mm256_set1_ps(m);
    double sum = 0;
    int64_t i = 0;
    while (i + 8 <= n) {
        __m256 acc = _mm256_setzero_ps();
        int64_t stop = i + 1024 < n ? i + 1024 : n;
        for (; i + 8 <= stop; i += 8) {
            __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(row + i), mb));
            _mm256_storeu_ps(row + i, e);
            acc = _mm256_add_ps(acc, e);
        }
        sum += hsum8(acc);
    }
    for (; i < n; i++) { float d = row[i] - m; row[i] = expf(d < -87.3f ? -87.3f : d); sum += row[i]; }
    return sum;
}

// row[i] *= s
static void scale_row(float *row, int64_t n, float s) {
    const __m256 sv = _mm256_set1_ps(s);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(row + i, _mm256_mul_ps(_mm256_loadu_ps(row + i), sv));
    for (; i < n; i++) row[i] *= s;
}

// Cross-entropy of one row of logits and its gradient, in place: returns w * (logsumexp(row) - row[target])
// and leaves row = w * (softmax(row) - onehot(target)).
double mf_softmax_xent_f32(float *row, int64_t n, int64_t target, float w) {
    if (n <= 0) return 0;
    const float m = row_max(row, n), picked = row[target];
    const double sum = exp_shifted_sum(row, n, m);
    scale_row(row, n, (float)((double)w / sum));
    row[target] -= w;
    return (double)w * ((double)m + log(sum) - (double)picked);
}

// row[0..n) = softmax(row[0..n)) in place.
void mf_softmax_f32(float *row, int64_t n) {
    if (n <= 0) return;
    const float m = row_max(row, n);
    scale_row(row, n, (float)(1.0 / exp_shifted_sum(row, n, m)));
}

// Softmax backward of one row: d = p * (d - sum_j p_j d_j) * scale, in place.
void mf_softmax_backward_f32(const float *p, float *d, int64_t n, float scale) {
    __m256 acc = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(p + i), _mm256_loadu_ps(d + i), acc);
    float sum = hsum8(acc);
    for (; i < n; i++) sum += p[i] * d[i];
    const __m256 sb = _mm256_set1_ps(sum), sc = _mm256_set1_ps(scale);
    for (i = 0; i + 8 <= n; i += 8) {
        __m256 pv = _mm256_loadu_ps(p + i);
        _mm256_storeu_ps(d + i, _mm256_mul_ps(_mm256_mul_ps(pv, _mm256_sub_ps(_mm256_loadu_ps(d + i), sb)), sc));
    }
    for (; i < n; i++) d[i] = p[i] * (d[i] - sum) * scale;
}
