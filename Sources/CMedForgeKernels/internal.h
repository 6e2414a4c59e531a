// Private declarations shared by the kernel files.
#ifndef MEDFORGE_KERNELS_INTERNAL_H
#define MEDFORGE_KERNELS_INTERNAL_H
#include "medforge_kernels.h"
#include <immintrin.h>

#define MF_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,avx512dq,f16c,fma,avx2")))
#define MF_INLINE static inline __attribute__((always_inline))

/// The level for one call: requested (capped by the hardware) or, for MF_ISA_AUTO, the process-wide one.
int mf_effective_isa(int requested);

/// A per-thread scratch buffer of at least `bytes` (64-byte aligned, reused; slot 0 or 1). Never NULL unless out of memory.
void *mf_scratch(int slot, size_t bytes);

/// Bytes of one 16-row group of the repacked Q8_0 / Q4_0 layout (quants, then fp16 scales; padded to 64).
static inline int64_t mf_group_quant_bytes(int type) { return type == MF_Q8_0 ? 512 : 256; }
static inline int64_t mf_group_stride(int type, int64_t nb) { return (nb * (mf_group_quant_bytes(type) + 32) + 63) & ~(int64_t)63; }

static inline float mf_f16_to_f32(uint16_t h) { return _cvtsh_ss(h); }

// Row-group kernels for the repacked layouts, one per ISA.
// x: quantised activations (batch rows of nb blocks), y: (batch, rows) output; groups [g0, g1).
void mf_q8_0_groups_avx512(const uint8_t *packed, int64_t nb, const mf_block_q8a *x, int64_t batch,
                           float *y, int64_t rows, int64_t g0, int64_t g1);
void mf_q4_0_groups_avx512(const uint8_t *packed, int64_t nb, const mf_block_q8a *x, int64_t batch,
                           float *y, int64_t rows, int64_t g0, int64_t g1);
void mf_q8_0_groups_avx2(const uint8_t *packed, int64_t nb, const mf_block_q8a *x, int64_t batch,
                         float *y, int64_t rows, int64_t g0, int64_t g1);
void mf_q4_0_groups_avx2(const uint8_t *packed, int64_t nb, const mf_block_q8a *x, int64_t batch,
                         float *y, int64_t rows, int64_t g0, int64_t g1);

// Repacked Q4_K and Q6_K (AVX-512 VNNI only; AVX2 uses the GGUF bytes).
size_t mf_q4_K_pack_size(int64_t rows, int64_t cols);
void mf_q4_K_pack(const void *src, int64_t rows, int64_t cols, size_t row_bytes, void *dst);
void mf_q4_K_groups_avx512(const uint8_t *packed, int64_t nsb, const mf_block_q8s *x, int64_t batch,
                           float *y, int64_t rows, int64_t g0, int64_t g1);

size_t mf_q6_K_pack_size(int64_t rows, int64_t cols);
void mf_q6_K_pack(const void *src, int64_t rows, int64_t cols, size_t row_bytes, void *dst);
void mf_q6_K_groups_avx512(const uint8_t *packed, int64_t nsb, const mf_block_q8b *x, int64_t batch,
                           float *y, int64_t rows, int64_t g0, int64_t g1);

// Rows [r0, r1) of K-quant and float matrices on the GGUF layout (AVX2 + F16C).
void mf_kquant_rows(const mf_matrix *w, const mf_block_q8k *x, int64_t batch, float *y, int64_t r0, int64_t r1);
void mf_float_rows(const mf_matrix *w, const float *x, int64_t batch, float *y, int64_t r0, int64_t r1);

#endif
