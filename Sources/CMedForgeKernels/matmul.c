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

// ---------------------------------------------------------------------------------------------
// Several single-token products in one pool run (decode: q/k/v, gate/up, the chosen experts).
// Each item's activations are quantised once (items sharing x and format share the blocks); then
// the chunks of all items are handed out from one counter, so the threads meet once instead of
// once per matrix and no thread idles at the end of each small matrix.

#define MF_MANY_MAX 64

typedef struct {
    job jobs[MF_MANY_MAX];
    int64_t first_chunk[MF_MANY_MAX + 1];  // prefix sums of each item's chunk count
    int n;
    _Atomic int64_t next;
} many_job;

static void many_task(void *ctx, int ith, int nth) {
    (void)ith; (void)nth;
    many_job *m = ctx;
    const int64_t total = m->first_chunk[m->n];
    int k = 0;
    for (;;) {
        int64_t c = atomic_fetch_add_explicit(&m->next, 1, memory_order_relaxed);
        if (c >= total) return;
        while (c >= m->first_chunk[k + 1]) k++;  // chunks are claimed in increasing order
        const job *j = &m->jobs[k];
        int64_t lo = (c - m->first_chunk[k]) * j->chunk;
        int64_t hi = lo + j->chunk < j->units ? lo + j->chunk : j->units;
        run_units(j, lo, hi);
    }
}

/// Activation block bytes per row for a job, 0 for float kernels, -1 when no fast kernel serves it.
static int64_t setup_job(job *j) {
    const mf_matrix *w = j->w;
    switch (w->type) {
    case MF_Q8_0:
    case MF_Q4_0:
        if (!w->packed || w->rows % MF_PACK_ROWS || w->cols % 32) return -1;
        j->units = w->rows / MF_PACK_ROWS;
        return (w->cols / 32) * (int64_t)sizeof(mf_block_q8a);
    case MF_Q4_K:
    case MF_Q6_K:
        if (w->cols % 256) return -1;
        j->packed_k = w->packed && j->isa >= MF_ISA_AVX512 && w->rows % MF_PACK_ROWS == 0;
        j->units = j->packed_k ? w->rows / MF_PACK_ROWS : w->rows;
        return (w->cols / 256) * (int64_t)(!j->packed_k ? sizeof(mf_block_q8k)
                                           : w->type == MF_Q4_K ? sizeof(mf_block_q8s) : sizeof(mf_block_q8b));
    case MF_F32:
    case MF_F16:
    case MF_BF16:
        j->units = w->rows;
        return 0;
    default:
        return -1;
    }
}

/// The activation format a job quantises to (items with equal x, cols and format share blocks).
static int xq_format(const job *j) {
    switch (j->w->type) {
    case MF_Q8_0: return 1;
    case MF_Q4_0: return 2;
    case MF_Q4_K: return j->packed_k ? 3 : 5;
    case MF_Q6_K: return j->packed_k ? 4 : 5;
    default: return 0;
    }
}

int mf_matmul_many(mf_pool *pool, const mf_matmul_item *items, int n, int isa) {
    if (n <= 0) return 1;
    if (!(mf_cpu_features() & 1)) return 0;
    if (n > MF_MANY_MAX) {
        for (int s = 0; s < n; s += MF_MANY_MAX)
            if (!mf_matmul_many(pool, items + s, n - s < MF_MANY_MAX ? n - s : MF_MANY_MAX, isa)) return 0;
        return 1;
    }
    many_job m;
    m.n = n;
    int level = mf_effective_isa(isa);
    int64_t xq_total = 0, xq_size[MF_MANY_MAX], units_total = 0;
    for (int i = 0; i < n; i++) {
        job *j = &m.jobs[i];
        *j = (job){ .w = items[i].w, .x = items[i].x, .batch = 1, .y = items[i].y, .isa = level };
        xq_size[i] = setup_job(j);
        if (xq_size[i] < 0) return 0;
        xq_total += xq_size[i];
        units_total += j->units;
    }
    char *xq = xq_total ? mf_scratch(0, (size_t)xq_total) : NULL;
    if (xq_total && !xq) return 0;
    for (int i = 0; i < n; i++) {
        job *j = &m.jobs[i];
        if (!xq_size[i]) continue;
        int shared = -1;
        for (int k = 0; k < i && shared < 0; k++)
            if (m.jobs[k].x == j->x && m.jobs[k].w->cols == j->w->cols && xq_size[k] && xq_format(&m.jobs[k]) == xq_format(j))
                shared = k;
        if (shared >= 0) { j->xq = m.jobs[shared].xq; continue; }
        j->xq = xq;
        xq += xq_size[i];
        quantize_task(j, 0, 1);
    }
    // About 8 chunks per thread over all items, at most 64 units each; chunks never straddle items.
    int nth = mf_pool_threads(pool);
    int64_t chunk = units_total / (8 * (int64_t)(nth > 0 ? nth : 1));
    if (chunk > 64) chunk = 64;
    if (chunk < 1) chunk = 1;
    m.first_chunk[0] = 0;
    for (int i = 0; i < n; i++) {
        job *j = &m.jobs[i];
        j->chunk = j->units < chunk ? (j->units > 0 ? j->units : 1) : chunk;
        m.first_chunk[i + 1] = m.first_chunk[i] + (j->units + j->chunk - 1) / j->chunk;
    }
    atomic_init(&m.next, 0);
    mf_pool_run(pool, many_task, &m);
    return 1;
}
