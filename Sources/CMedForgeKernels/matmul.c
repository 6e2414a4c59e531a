// mf_matmul: quantise the activations once (split over the pool by token), then hand out chunks of
// weight rows to the pool's threads and run the kernel for the type and ISA.
// Chunks are taken from a shared counter rather than split statically: on a busy machine a thread
// that is not running takes no work, and the others finish it.
#include "internal.h"
#include <stdatomic.h>

typedef struct {
    const mf_matrix *w;
    const float *x;
    int64_t batch;
    float *y;
    void *xq;      // quantised activations
    int isa;
    int packed_k;       // Q4_K / Q6_K through the repacked AVX-512 kernels (activations mf_block_q8s / q8b)
    int64_t units;      // row groups (Q8_0/Q4_0) or rows
    int64_t chunk;      // units per chunk
    _Atomic int64_t next;  // next chunk to hand out
} job;

static void quantize_task(void *ctx, int ith, int nth) {
    const job *j = ctx;
    int64_t per = (j->batch + nth - 1) / nth, t0 = ith * per, t1 = t0 + per < j->batch ? t0 + per : j->batch;
    const int64_t cols = j->w->cols;
    for (int64_t t = t0; t < t1; t++) {
        switch (j->w->type) {
        case MF_Q8_0: mf_quantize_q8a(j->x + t * cols, cols, 128, (mf_block_q8a *)j->xq + t * (cols / 32)); break;
        case MF_Q4_0: mf_quantize_q8a(j->x + t * cols, cols, 8, (mf_block_q8a *)j->xq + t * (cols / 32)); break;
        case MF_Q4_K:
            if (j->packed_k) { mf_quantize_q8s(j->x + t * cols, cols, (mf_block_q8s *)j->xq + t * (cols / 256)); break; }
            mf_quantize_q8k(j->x + t * cols, cols, (mf_block_q8k *)j->xq + t * (cols / 256));
            break;
        case MF_Q6_K:
            if (j->packed_k) { mf_quantize_q8b(j->x + t * cols, cols, (mf_block_q8b *)j->xq + t * (cols / 256)); break; }
            mf_quantize_q8k(j->x + t * cols, cols, (mf_block_q8k *)j->xq + t * (cols / 256));
            break;
        default: mf_quantize_q8k(j->x + t * cols, cols, (mf_block_q8k *)j->xq + t * (cols / 256)); break;
        }
    }
}

static void run_units(const job *j, int64_t lo, int64_t hi) {
    const mf_matrix *w = j->w;
    switch (w->type) {
    case MF_Q8_0:
    case MF_Q4_0: {
        int64_t nb = w->cols / 32;
        if (j->isa >= MF_ISA_AVX512) {
            if (w->type == MF_Q8_0) mf_q8_0_groups_avx512(w->packed, nb, j->xq, j->batch, j->y, w->rows, lo, hi);
            else mf_q4_0_groups_avx512(w->packed, nb, j->xq, j->batch, j->y, w->rows, lo, hi);
        } else {
            if (w->type == MF_Q8_0) mf_q8_0_groups_avx2(w->packed, nb, j->xq, j->batch, j->y, w->rows, lo, hi);
            else mf_q4_0_groups_avx2(w->packed, nb, j->xq, j->batch, j->y, w->rows, lo, hi);
        }
        return;
    }
    case MF_Q4_K:
        if (j->packed_k) {
            mf_q4_K_groups_avx512(w->packed, w->cols / 256, j->xq, j->batch, j->y, w->rows, lo, hi);
            return;
        }
        mf_kquant_rows(w, j->xq, j->batch, j->y, lo, hi);
        return;
    case MF_Q6_K:
        if (j->packed_k) {
            mf_q6_K_groups_avx512(w->packed, w->cols / 256, j->xq, j->batch, j->y, w->rows, lo, hi);
            return;
        }
        mf_kquant_rows(w, j->xq, j->batch, j->y, lo, hi);
        return;
    default:
        mf_float_rows(w, j->x, j->batch, j->y, lo, hi);
        return;
    }
}

static void matmul_task(void *ctx, int ith, int nth) {
    (void)ith; (void)nth;
    job *j = ctx;
    for (;;) {
        int64_t c = atomic_fetch_add_explicit(&j->next, 1, memory_order_relaxed);
        int64_t lo = c * j->chunk;
        if (lo >= j->units) return;
        int64_t hi = lo + j->chunk < j->units ? lo + j->chunk : j->units;
        run_units(j, lo, hi);
    }
}

/// Units per chunk: about 8 chunks per thread, at most `cap` units (so a GEMM chunk's weights stay in L2).
static int64_t chunk_size(int64_t units, int nth, int64_t cap) {
    int64_t c = units / (8 * (int64_t)nth);
    if (c > cap) c = cap;
    return c < 1 ? 1 : c;
}

int mf_matmul(mf_pool *pool, const mf_matrix *w, const float *x, int64_t batch, float *y, int isa) {
    if (batch <= 0 || w->rows <= 0) return batch == 0;
    if (!(mf_cpu_features() & 1)) return 0;  // below the x86-64-v3 baseline: generic path
    job j = { .w = w, .x = x, .batch = batch, .y = y, .xq = NULL, .isa = mf_effective_isa(isa) };
    size_t xq_bytes = 0;
    switch (w->type) {
    case MF_Q8_0:
    case MF_Q4_0:
        if (!w->packed || w->rows % MF_PACK_ROWS || w->cols % 32) return 0;
        xq_bytes = (size_t)batch * (size_t)(w->cols / 32) * sizeof(mf_block_q8a);
        break;
    case MF_Q4_K:
    case MF_Q6_K:
        if (w->cols % 256) return 0;
        j.packed_k = w->packed && j.isa >= MF_ISA_AVX512 && w->rows % MF_PACK_ROWS == 0;
        xq_bytes = (size_t)batch * (size_t)(w->cols / 256) *
                   (!j.packed_k ? sizeof(mf_block_q8k) : w->type == MF_Q4_K ? sizeof(mf_block_q8s) : sizeof(mf_block_q8b));
        break;
    case MF_F32:
    case MF_F16:
    case MF_BF16:
        break;
    default:
        return 0;
    }
    if (xq_bytes) {
        j.xq = mf_scratch(0, xq_bytes);
        if (!j.xq) return 0;
        if (batch == 1) quantize_task(&j, 0, 1);
        else mf_pool_run(pool, quantize_task, &j);
    }
    int nth = mf_pool_threads(pool);
    if (j.packed_k) {
        j.units = w->rows / MF_PACK_ROWS;
        int64_t gbytes = w->cols / 256 * (w->type == MF_Q4_K ? 2368 : 3360);
        j.chunk = chunk_size(j.units, nth, batch == 1 ? 64 : (256 << 10) / gbytes);
    } else if (w->type == MF_Q8_0 || w->type == MF_Q4_0) {
        j.units = w->rows / MF_PACK_ROWS;
        // GEMM: a chunk's weights (re-read once per 64-token block) should stay within ~256 KiB of L2.
        int64_t gbytes = mf_group_stride(w->type, w->cols / 32);
        int64_t cap = batch == 1 ? 64 : (256 << 10) / gbytes;
        j.chunk = chunk_size(j.units, nth, cap);
    } else {
        j.units = w->rows;
        j.chunk = chunk_size(j.units, nth, batch == 1 ? 1024 : 256);
    }
    atomic_init(&j.next, 0);
    mf_pool_run(pool, matmul_task, &j);
    return 1;
}
