// MedForge hot kernels: quantized matrix products with run-time ISA dispatch, and a spinning thread pool.
// Everything here has a plain reference twin in MedForgeTensor, which the tests compare against.
#ifndef MEDFORGE_KERNELS_H
#define MEDFORGE_KERNELS_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// CPU features detected at run time (bit set): 1 = AVX2+FMA+F16C, 2 = AVX-512F/BW/VL, 4 = AVX-512 VNNI, 8 = AVX-512 BF16.
int mf_cpu_features(void);

// ---------------------------------------------------------------------------------------------
// Instruction-set levels. The kernels use the best level the CPU has, capped by `mf_set_max_isa`
// or the environment variable MEDFORGE_ISA (= "avx2" or "avx512").
enum {
    MF_ISA_AUTO = 0,    ///< per-call argument: use the process-wide level
    MF_ISA_AVX2 = 1,    ///< AVX2 + FMA + F16C (the binary's baseline, x86-64-v3)
    MF_ISA_AVX512 = 2,  ///< AVX-512 F/BW/VL + VNNI
};
/// Caps the process-wide level; returns the level now in effect (never above what the CPU has).
int mf_set_max_isa(int level);
/// The process-wide level in effect.
int mf_active_isa(void);

// ---------------------------------------------------------------------------------------------
// Spinning thread pool. Workers 1..n-1 are pinned threads that spin for a short while after each
// job, then sleep on a futex; the calling thread runs ith = 0. A pool may be run by one thread at a
// time: a concurrent or nested `mf_pool_run` on a busy pool runs every share in the caller instead.
typedef struct mf_pool mf_pool;
typedef void (*mf_task_fn)(void *ctx, int ith, int nth);
mf_pool *mf_pool_create(int nthreads);
void mf_pool_destroy(mf_pool *pool);
int mf_pool_threads(const mf_pool *pool);
/// Calls fn(ctx, ith, nth) for every ith in 0..<nth, returns when all are done. pool may be NULL (runs serially, nth = 1).
void mf_pool_run(mf_pool *pool, mf_task_fn fn, void *ctx);

// ---------------------------------------------------------------------------------------------
// Weight layouts for the fast kernels (GGML type numbers).
enum {
    MF_F32 = 0, MF_F16 = 1, MF_Q4_0 = 2, MF_Q8_0 = 8, MF_Q4_K = 12, MF_Q6_K = 14, MF_BF16 = 30,
};

/// GGUF block layouts (ggml-common.h); fp16 values are stored as their bit patterns.
typedef struct { uint16_t d; int8_t qs[32]; } mf_block_q8_0;                                  // 34 bytes
typedef struct { uint16_t d; uint8_t qs[16]; } mf_block_q4_0;                                 // 18 bytes
typedef struct { uint16_t d, dmin; uint8_t scales[12]; uint8_t qs[128]; } mf_block_q4_K;      // 144 bytes
typedef struct { uint8_t ql[128]; uint8_t qh[64]; int8_t scales[16]; uint16_t d; } mf_block_q6_K;  // 210 bytes

/// Row interleave of the repacked Q8_0 / Q4_0 layouts: one 32-bit lane of a 512-bit register per row.
#define MF_PACK_ROWS 16

/// Bytes needed by `mf_pack` for a rows x cols matrix of `type`, or 0 when that type/shape is not
/// repacked (Q8_0, Q4_0 and, on CPUs with AVX-512 VNNI, Q4_K and Q6_K, with rows % 16 == 0 are; other types
/// run on the GGUF layout directly).
size_t mf_pack_size(int type, int64_t rows, int64_t cols);
/// Repacks GGUF rows (row_bytes apart) into dst (mf_pack_size bytes, 64-byte aligned). Returns 1 on success.
int mf_pack(int type, const void *src, int64_t rows, int64_t cols, size_t row_bytes, void *dst);

/// A weight matrix as the kernels see it: `packed` (from mf_pack) or NULL, and the GGUF bytes.
typedef struct {
    int type;
    int64_t rows, cols;
    size_t row_bytes;
    const void *data;    ///< GGUF layout, rows * row_bytes bytes
    const void *packed;  ///< mf_pack output or NULL
} mf_matrix;

/// y (batch, rows) = x (batch, cols) @ W^T, split over the pool. isa = MF_ISA_AUTO or a cap for this call.
/// Returns 1 when done, 0 when no fast kernel serves this type/shape (y untouched; use the generic path).
int mf_matmul(mf_pool *pool, const mf_matrix *w, const float *x, int64_t batch, float *y, int isa);

/// One single-token product of `mf_matmul_many`: y (rows,) = W x (cols,).
typedef struct {
    const mf_matrix *w;
    const float *x;
    float *y;
} mf_matmul_item;
/// Runs n single-token products in one pool run: every item's activations are quantised once (items with the
/// same x and activation format share them) and the chunks of all items are shared out from one counter.
/// Returns 1 when done, 0 when some item has no fast kernel (then nothing is written; run them one by one).
int mf_matmul_many(mf_pool *pool, const mf_matmul_item *items, int n, int isa);

// ---------------------------------------------------------------------------------------------
// Activation blocks (exposed for tests).

/// 32 int8 values with a float scale and a bias = -offset * sum(qs) (offset 8 for Q4_0, 128 for Q8_0).
typedef struct {
    float d;
    int32_t bias;
    int8_t qs[32];
} mf_block_q8a;

/// Q8_K-style activation block: 256 int8 values, one float scale, sums of each 16 values.
typedef struct {
    float d;
    int16_t bsums[16];
    int8_t qs[256];
} mf_block_q8k;

/// Activation block for the repacked Q4_K kernel: 256 int8 values, one float scale, and the sums of
/// each 32 values as floats (exact).
typedef struct {
    float d;
    float sums[8];
    int8_t qs[256];
} mf_block_q8s;

/// Activation block for the repacked Q6_K kernel: 256 int8 values, one float scale, and for each 16
/// values the bias -32 * sum (removes the +32 offset of Q6_K's unsigned 6-bit values).
typedef struct {
    float d;
    int32_t bias16[16];
    int8_t qs[256];
} mf_block_q8b;

/// Quantises one row x (n,) (n % 32 == 0) into n/32 blocks; bias = -offset * sum(qs).
void mf_quantize_q8a(const float *x, int64_t n, int32_t offset, mf_block_q8a *out);
/// Quantises one row x (n,) (n % 256 == 0) into n/256 blocks.
void mf_quantize_q8k(const float *x, int64_t n, mf_block_q8k *out);
/// Quantises one row x (n,) (n % 256 == 0) into n/256 blocks with 32-value sums.
void mf_quantize_q8s(const float *x, int64_t n, mf_block_q8s *out);
/// Quantises one row x (n,) (n % 256 == 0) into n/256 blocks with 16-value biases.
void mf_quantize_q8b(const float *x, int64_t n, mf_block_q8b *out);

// ---------------------------------------------------------------------------------------------
// Machine probes (for benchmarks).

/// Peak int8 multiply-accumulate rate over the pool's threads at `isa`, in GOPS (2 ops per multiply-add).
double mf_probe_int8_peak(mf_pool *pool, int isa);
/// Memory read bandwidth over `bytes` of `buffer` split across the pool, best of `reps`, in GB/s.
double mf_probe_read_bandwidth(mf_pool *pool, const void *buffer, size_t bytes, int reps);

/// Single-query attention against one shared key/value head (MQA; DeepSeek's absorbed latent attention):
/// scores[h * sstride + j] = scale * q_h . keys_j for j in [j0, j1), q (heads, dk) contiguous, key row j at keys + j * kstride.
void mf_mqa_scores(const float *q, int64_t heads, int64_t dk, const float *keys, int64_t kstride,
                   int64_t j0, int64_t j1, float scale, float *scores, int64_t sstride);
/// out[h * ostride + d] = sum_{j < n} p[h * pstride + j] * values[j * vstride + d] for d in [d0, d1).
void mf_mqa_values(const float *p, int64_t heads, int64_t pstride, int64_t n, const float *values, int64_t vstride,
                   int64_t d0, int64_t d1, float *out, int64_t ostride);

/// g[i] = silu(g[i]) * u[i] (SwiGLU), AVX2 exp with relative error < 3e-7.
void mf_silu_mul_f32(float *g, const float *u, int64_t n);
/// y[i] = e^x[i], inputs clamped to [-87.3, 88.3].
void mf_exp_f32(const float *x, float *y, int64_t n);
/// Cross-entropy of one logits row, in place: returns w * (logsumexp(row) - row[target]) and leaves
/// row = w * (softmax(row) - onehot(target)); 0 <= target < n.
double mf_softmax_xent_f32(float *row, int64_t n, int64_t target, float w);
/// row[0..n) = softmax(row[0..n)) in place (AVX2 exp, float sum).
void mf_softmax_f32(float *row, int64_t n);
/// Softmax backward of one row, in place: d = p * (d - sum_j p_j d_j) * scale.
void mf_softmax_backward_f32(const float *p, float *d, int64_t n, float scale);

// ---------------------------------------------------------------------------------------------
// bf16 mixed precision (training graph).

/// x rounded to bfloat16 (8-bit significand, round to nearest even) and widened back to float.
float mf_bf16_round(float x);
/// 1 when the CPU has AVX512-BF16 (`vdpbf16ps`), so mf_gemm_bf16 takes its vector path.
int mf_bf16_hardware(void);
/// glibc: serve blocks up to 32 MiB from the heap and never trim it, so buffers freed and allocated again
/// stay mapped (no page faults or kernel zeroing per reuse). No effect elsewhere.
void mf_keep_freed_memory(void);
/// c (m, n) += scale * bf16(a) (m, k; row stride lda) @ bf16(b) (k, n; row stride ldb), products accumulated in
/// float32; c has row stride ldc. AVX512-BF16 when present, else mf_gemm_bf16_ref. Single-threaded.
void mf_gemm_bf16(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb,
                  float *c, int64_t ldc, float scale);
/// Plain C reference of mf_gemm_bf16: same rounding, one float accumulator per output summed over k in order.
void mf_gemm_bf16_ref(int64_t m, int64_t n, int64_t k, const float *a, int64_t lda, const float *b, int64_t ldb,
                      float *c, int64_t ldc, float scale);

#ifdef __cplusplus
}
#endif
#endif
