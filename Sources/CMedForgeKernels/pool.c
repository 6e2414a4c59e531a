// Spinning thread pool: pinned workers wait for a generation counter to change, spinning for a
// short budget after each job and then sleeping on a futex, so an idle pool costs nothing and a busy
// one hands out work in well under a microsecond.
#define _GNU_SOURCE
#include "medforge_kernels.h"
#include <immintrin.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define CACHELINE 64

struct mf_pool {
    int n;
    pthread_t *threads;
    struct worker_arg *args;
    long spin_ns;  // how long a worker spins after a job before sleeping
    // Written by the caller, read by workers after they observe a new generation.
    mf_task_fn fn;
    void *ctx;
    _Alignas(CACHELINE) _Atomic uint32_t gen;   // futex word: bumped once per job
    _Alignas(CACHELINE) _Atomic int pending;    // shares of the current job not yet finished
    _Alignas(CACHELINE) _Atomic int next;       // next share to claim; >= n when all are claimed
    _Alignas(CACHELINE) _Atomic int sleepers;   // workers blocked in futex_wait
    _Atomic int busy;                           // a caller is inside mf_pool_run
    _Atomic int stop;
};

struct worker_arg {
    mf_pool *pool;
    int ith;
    int cpu;  // -1: not pinned
};

static long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000L + t.tv_nsec;
}

static void futex_wait(_Atomic uint32_t *addr, uint32_t expected) {
    syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_PRIVATE, expected, NULL, NULL, 0);
}

static void futex_wake_all(_Atomic uint32_t *addr) {
    syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

/// Waits until pool->gen differs from `seen`; returns the new value.
static uint32_t wait_for_job(mf_pool *p, uint32_t seen) {
    uint32_t g;
    long start = 0;
    for (unsigned spins = 0;; spins++) {
        g = atomic_load_explicit(&p->gen, memory_order_acquire);
        if (g != seen) return g;
        _mm_pause();
        if ((spins & 255) == 255) {
            long t = now_ns();
            if (start == 0) start = t;
            else if (t - start > p->spin_ns) break;
            // Let any other runnable thread on this CPU (another pool's worker, another process) go first.
            if ((spins & 4095) == 4095) sched_yield();
        }
    }
    // Sleep. The seq_cst pair (sleepers++, then re-read gen) against the caller's (gen++, then read
    // sleepers) guarantees that either we see the new job or the caller sees us and wakes us.
    atomic_fetch_add_explicit(&p->sleepers, 1, memory_order_seq_cst);
    while ((g = atomic_load_explicit(&p->gen, memory_order_seq_cst)) == seen) futex_wait(&p->gen, seen);
    atomic_fetch_sub_explicit(&p->sleepers, 1, memory_order_seq_cst);
    return g;
}

/// Claims and runs shares of the current job until none is left. Any thread may run any share, so a
/// worker that the OS has descheduled (a busy machine) never holds the caller up: the caller takes its share.
static void run_shares(mf_pool *p) {
    for (;;) {
        int i = atomic_fetch_add_explicit(&p->next, 1, memory_order_acq_rel);
        if (i >= p->n) return;
        p->fn(p->ctx, i, p->n);
        atomic_fetch_sub_explicit(&p->pending, 1, memory_order_release);
    }
}

static void *worker_main(void *arg) {
    struct worker_arg *a = arg;
    mf_pool *p = a->pool;
    if (a->cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(a->cpu, &set);
        pthread_setaffinity_np(pthread_self(), sizeof set, &set);  // best effort
    }
    uint32_t seen = 0;  // gen's value at creation: a job posted before this thread ran is not missed
    for (;;) {
        seen = wait_for_job(p, seen);
        if (atomic_load_explicit(&p->stop, memory_order_acquire)) break;
        run_shares(p);
    }
    return NULL;
}

mf_pool *mf_pool_create(int nthreads) {
    if (nthreads < 1) nthreads = 1;
    mf_pool *p = aligned_alloc(CACHELINE, (sizeof(mf_pool) + CACHELINE - 1) / CACHELINE * CACHELINE);
    if (!p) return NULL;
    memset(p, 0, sizeof *p);
    atomic_store(&p->next, 1 << 30);  // nothing to claim before the first job
    p->n = nthreads;
    p->spin_ns = 300000;  // 0.3 ms
    const char *env = getenv("MEDFORGE_SPIN_US");
    if (env) p->spin_ns = atol(env) * 1000L;
    if (nthreads == 1) return p;

    // Pin worker i to the i-th CPU this process may use (the caller, ith 0, is left to the scheduler
    // and tends to the remaining one). MEDFORGE_PIN=0 disables pinning.
    int cpus[CPU_SETSIZE], ncpu = 0;
    cpu_set_t allowed;
    const char *pin = getenv("MEDFORGE_PIN");
    int pinning = !(pin && strcmp(pin, "0") == 0);
    if (pinning && sched_getaffinity(0, sizeof allowed, &allowed) == 0)
        for (int c = 0; c < CPU_SETSIZE; c++)
            if (CPU_ISSET(c, &allowed)) cpus[ncpu++] = c;

    p->threads = calloc((size_t)nthreads, sizeof(pthread_t));
    p->args = calloc((size_t)nthreads, sizeof(struct worker_arg));
    if (!p->threads || !p->args) { free(p->threads); free(p->args); free(p); return NULL; }
    for (int i = 1; i < nthreads; i++) {
        p->args[i] = (struct worker_arg){ .pool = p, .ith = i, .cpu = ncpu > 1 ? cpus[i % ncpu] : -1 };
        if (pthread_create(&p->threads[i], NULL, worker_main, &p->args[i]) != 0) {
            // Could not start every worker: stop the ones we have and run serially.
            p->n = i;
            break;
        }
    }
    if (p->n < nthreads) {
        int started = p->n;
        atomic_store(&p->stop, 1);
        atomic_fetch_add(&p->gen, 1);
        futex_wake_all(&p->gen);
        for (int i = 1; i < started; i++) pthread_join(p->threads[i], NULL);
        free(p->threads); free(p->args);
        p->threads = NULL; p->args = NULL;
        p->n = 1;
        atomic_store(&p->stop, 0);
    }
    return p;
}

void mf_pool_destroy(mf_pool *p) {
    if (!p) return;
    if (p->n > 1) {
        atomic_store_explicit(&p->stop, 1, memory_order_release);
        atomic_fetch_add_explicit(&p->gen, 1, memory_order_seq_cst);
        futex_wake_all(&p->gen);
        for (int i = 1; i < p->n; i++) pthread_join(p->threads[i], NULL);
    }
    free(p->threads);
    free(p->args);
    free(p);
}

int mf_pool_threads(const mf_pool *p) { return p ? p->n : 1; }

void mf_pool_run(mf_pool *p, mf_task_fn fn, void *ctx) {
    if (!p || p->n == 1) { fn(ctx, 0, 1); return; }
    int n = p->n;
    if (atomic_exchange_explicit(&p->busy, 1, memory_order_acquire)) {
        // Nested or concurrent use of a busy pool: run every share here.
        for (int i = 0; i < n; i++) fn(ctx, i, n);
        return;
    }
    // Between jobs `next` is >= n, so a late worker claims nothing until `next` is reset, and by then
    // fn, ctx and pending (written first; published by the release store) belong to the new job.
    p->fn = fn;
    p->ctx = ctx;
    atomic_store_explicit(&p->pending, n, memory_order_relaxed);
    atomic_store_explicit(&p->next, 0, memory_order_release);
    atomic_fetch_add_explicit(&p->gen, 1, memory_order_seq_cst);
    if (atomic_load_explicit(&p->sleepers, memory_order_seq_cst) > 0) futex_wake_all(&p->gen);
    run_shares(p);
    // Wait for the workers; yield the CPU if one of them is not running (the machine is busy).
    for (unsigned spins = 0; atomic_load_explicit(&p->pending, memory_order_acquire) != 0; spins++) {
        _mm_pause();
        if ((spins & 1023) == 1023) sched_yield();
    }
    atomic_store_explicit(&p->busy, 0, memory_order_release);
}
