// mf_matmul: quantise the activations once (split over the pool by token), then split the weight
// rows over the pool and run the kernel for the type and ISA.
#include "internal.h"

typedef struct {
    const mf_matrix *w;
    const float *x;
    int64_t batch;
    float *y;
    void *xq;      // quantised activations
    int isa;
} job;

static void quantize_task(void *ctx, int ith, int nth) {
    const job *j = ctx;
    int64_t per = (j->batch + nth - 1) / nth, t0 = ith * per, t1 = t0 + per < j->batch ? t0 + per : j->batch;
    const int64_t cols = j->w->cols;
    for (int64_t t = t0; t < t1; t++) {
        switch (j->w->type) {
        case MF_Q8_0: mf_quantize_q8a(j->x + t * cols, cols, 128, (mf_block_q8a *)j->xq + t * (cols / 32)); break;
        case MF_Q4_0: mf_quantize_q8a(j->x + t * cols, cols, 8, (mf_block_q8a *)j->xq + t * (cols / 32)); break;
        default: mf_quantize_q8k(j->x + t * cols, cols, (mf_block_q8k *)j->xq + t * (cols / 256)); break;
        }
    }
}

/// [lo, hi) of `units` split evenly into nth contiguous chunks.
static void split(int64_t units, int ith, int nth, int64_t *lo, int64_t *hi) {
    int64_t per = units / nth, extra = units % nth;
    *lo = ith * per + (ith < extra ? ith : extra);
    *hi = *lo + per + (ith < extra);
}

static void matmul_task(void *ctx, int ith, int nth) {
    const job *j = ctx;
    const mf_matrix *w = j->w;
    int64_t lo, hi;
    switch (w->type) {
    case MF_Q8_0:
    case MF_Q4_0: {
        split(w->rows / MF_PACK_ROWS, ith, nth, &lo, &hi);
        if (lo >= hi) return;
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
    case MF_Q6_K:
        split(w->rows, ith, nth, &lo, &hi);
        if (lo < hi) mf_kquant_rows(w, j->xq, j->batch, j->y, lo, hi);
        return;
    default:
        split(w->rows, ith, nth, &lo, &hi);
        if (lo < hi) mf_float_rows(w, j->x, j->batch, j->y, lo, hi);
        return;
    }
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
        xq_bytes = (size_t)batch * (size_t)(w->cols / 256) * sizeof(mf_block_q8k);
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
    mf_pool_run(pool, matmul_task, &j);
    return 1;
}
