/* nbh.h - NeuComBack test-harness runtime (trusted; linked with candidate code).
 *
 * A harness includes this header once and defines
 *     void nb_case(int k);            (Level 1: one differential test case), or
 *     nb_setup/nb_call/nb_perturb/nb_report/nb_teardown (Level 2: see NB_L2_MAIN).
 * Inputs are drawn from a seeded splitmix64 stream, so the harness needs no input files
 * and the candidate never sees expected outputs: they are compared outside the sandbox.
 *
 * Output protocol, one record per line (parsed strictly by neucomback.harness.check):
 *     in    <case> <name> <kind> <values...>  input values, used only for feedback
 *     out   <case> <name> <kind> <values...>  values compared with the reference
 *     fault <case> <text>                     the harness caught a broken contract (an
 *                                             out-of-bounds write, a clobbered input, a
 *                                             calling-convention violation): a failure
 *     time  <nanoseconds>                     in-process time (a cross-check only: speed is
 *                                             measured by the parent, outside this process)
 *     end   <ncases>                          written last, exactly once
 * kind: i (decimal integer), f (C99 hex float, exact), s (hex-encoded bytes).
 *
 * Everything in this process is reachable by the candidate, so nothing here decides a
 * verdict on its own: expected values live outside the sandbox, the time is taken by the
 * parent from the kernel's accounting, and the checks below catch honest mistakes.
 */
#ifndef NBH_H
#define NBH_H
#include <float.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __cplusplus
#define NB_EXTERN extern "C"
#else
#define NB_EXTERN extern
#endif

static uint64_t nb_state;
static int nb_k;   /* the generator's case index: cases 0..3 pick edge values deterministically */
static int nb_rec; /* the case number printed in records (differs from nb_k for added cases) */

static uint64_t nb_next(void) {
    uint64_t z = (nb_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Seed and case index go through splitmix64 separately: adding k times the stream's own step
 * would make case k+1 replay case k's values shifted by one draw. */
static void nb_seed(uint64_t seed, int k) {
    nb_state = seed;
    uint64_t a = nb_next();
    nb_state = (uint64_t)k * 0xD1B54A32D192ED03ull + 0x8CB92BA72F3D8DD7ull;
    uint64_t b = nb_next();
    nb_state = a ^ b;
    nb_k = nb_rec = k;
}

/* Uniform in [0, bound) for bound > 0, by multiply-shift (no division: array setup draws
 * millions of values, and a 64-bit division per value made setup dominate short runs). */
static uint64_t nb_below(uint64_t bound) {
    return (uint64_t)(((unsigned __int128)nb_next() * bound) >> 64);
}

/* Uniform in [lo, hi] (inclusive), any int64 range. */
static int64_t nb_uniform(int64_t lo, int64_t hi) {
    uint64_t span = (uint64_t)hi - (uint64_t)lo;
    if (span == UINT64_MAX) return (int64_t)nb_next();
    return (int64_t)((uint64_t)lo + nb_below(span + 1));
}

static uint64_t nb_uniform_u(uint64_t lo, uint64_t hi) {
    uint64_t span = hi - lo;
    if (span == UINT64_MAX) return nb_next();
    return lo + nb_below(span + 1);
}

static int64_t nb_clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

/* A case given value by value (an added case `S:V:h1,h2,...`: a counterexample found by the
 * proof tier): every draw takes the next value, raw 64-bit hex (a double's bits for reals, a
 * character's code for string bytes), clamped to the draw's range, instead of the stream. */
static const char *nb_forced;

static int nb_take(uint64_t *v) {
    if (!nb_forced || !*nb_forced) return 0;
    char *end = 0;
    *v = strtoull(nb_forced, &end, 16);
    nb_forced = (end && *end == ',') ? end + 1 : (end ? end : "");
    return 1;
}

/* Where signed and unsigned code part ways, and the limits of every narrower width: a
 * signedness slip (jl for jb, sar for shr, movs for movz, sdiv for udiv) shows only there. */
static const int64_t nb_bounds_i[] = {
    INT8_MIN, INT8_MIN + 1, INT8_MAX, 255, 256, INT16_MIN, INT16_MIN + 1, INT16_MAX, 65535, 65536,
    INT32_MIN, INT32_MIN + 1, INT32_MAX, INT64_C(4294967295), INT64_C(4294967296), INT64_MIN + 1, INT64_MAX,
    INT64_MAX - 1, 2, -2};
static const uint64_t nb_bounds_u[] = {
    0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000u, 0xffffffffu,
    UINT64_C(0x100000000), UINT64_C(0x7fffffffffffffff), UINT64_C(0x8000000000000000), UINT64_MAX - 1, 2};
#define NB_COUNT(a) ((uint64_t)(sizeof(a) / sizeof((a)[0])))

/* The task's own constants (from its C source, with their neighbours): a generated harness
 * defines NB_CONSTS_LIST before including this header. */
#ifdef NB_CONSTS_LIST
static const int64_t nb_consts[] = {NB_CONSTS_LIST};
#define NB_NCONSTS NB_COUNT(nb_consts)
#else
static const int64_t nb_consts[1] = {0};
#define NB_NCONSTS UINT64_C(0)
#endif

static int64_t nb_const_near(void) {
    return nb_consts[nb_below(NB_NCONSTS)] + (int64_t)nb_below(3) - 1;
}

/* Signed value in [lo, hi]: edges on cases 0-3 (0, -1, lo, hi), then mostly random with
 * edge values, signed/unsigned boundaries, the task's constants +-1 and small magnitudes
 * mixed in, because bugs live at boundaries. */
static int64_t nb_int(int64_t lo, int64_t hi) {
    uint64_t f;
    if (nb_take(&f)) return nb_clamp((int64_t)f, lo, hi);
    switch (nb_k) {
    case 0: return nb_clamp(0, lo, hi);
    case 1: return nb_clamp(-1, lo, hi);
    case 2: return lo;
    case 3: return hi;
    }
    uint64_t r = nb_next() % 16;
    if (r == 0) { int64_t e[7] = {lo, hi, 0, -1, 1, lo + (lo < hi), hi - (lo < hi)}; return nb_clamp(e[nb_next() % 7], lo, hi); }
    if (r <= 2) return nb_clamp(nb_bounds_i[nb_below(NB_COUNT(nb_bounds_i))], lo, hi);
    if (r == 3 && NB_NCONSTS) return nb_clamp(nb_const_near(), lo, hi);
    if (r < 7) return nb_clamp(nb_uniform(-16, 16), lo, hi);
    return nb_uniform(lo, hi);
}

static uint64_t nb_clamp_u(uint64_t v, uint64_t lo, uint64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

static uint64_t nb_uint(uint64_t lo, uint64_t hi) {
    uint64_t f;
    if (nb_take(&f)) return nb_clamp_u(f, lo, hi);
    switch (nb_k) {
    case 0: return lo;
    case 1: return hi;
    case 2: return lo + (hi > lo);
    case 3: return hi - (hi > lo);
    }
    uint64_t r = nb_next() % 16;
    if (r == 0) return (nb_next() & 1) ? lo : hi;
    if (r <= 2) return nb_clamp_u(nb_bounds_u[nb_below(NB_COUNT(nb_bounds_u))], lo, hi);
    if (r == 3 && NB_NCONSTS) { int64_t c = nb_const_near(); return c < 0 ? lo : nb_clamp_u((uint64_t)c, lo, hi); }
    if (r < 7) { uint64_t v = lo + nb_next() % 17; return v > hi ? hi : v; }
    return nb_uniform_u(lo, hi);
}

/* Double in [lo, hi]; with special != 0 also NaN, +-inf and -0.0 now and then. */
static double nb_real(double lo, double hi, int special) {
    uint64_t f;
    if (nb_take(&f)) {
        double d;
        memcpy(&d, &f, sizeof d);
        if (special || (d >= lo && d <= hi)) return d;
        return d > hi ? hi : lo; /* below the range, or NaN where none may be drawn */
    }
    switch (nb_k) {
    case 0: return (lo <= 0 && hi >= 0) ? 0.0 : lo;
    case 1: return (lo <= -1 && hi >= -1) ? -1.0 : hi;
    case 2: return lo;
    case 3: return hi;
    }
    uint64_t r = nb_next() % 32;
    if (special && r == 0) { double s[4] = {NAN, INFINITY, -INFINITY, -0.0}; return s[nb_next() % 4]; }
    if (r < 3) { double e[3] = {lo, hi, (lo <= 0 && hi >= 0) ? 0.0 : lo}; return e[nb_next() % 3]; }
    double u = (double)(nb_next() >> 11) * 0x1.0p-53;
    return lo + (hi - lo) * u;
}

/* The top of a range (perturbations use it to move extrema). */
static int64_t nb_hi(int64_t lo, int64_t hi) { (void)lo; return hi; }
static uint64_t nb_hi_u(uint64_t lo, uint64_t hi) { (void)lo; return hi; }
static double nb_hi_f(double lo, double hi, int special) { (void)lo; (void)special; return hi; }

/* Length in [lo, hi]: empty (lo), length one, the maximum, then random. */
static int64_t nb_len(int64_t lo, int64_t hi) {
    uint64_t f;
    if (nb_take(&f)) return nb_clamp((int64_t)f, lo, hi);
    switch (nb_k) {
    case 0: return lo;
    case 1: return nb_clamp(1, lo, hi);
    case 2: return hi;
    }
    return nb_uniform(lo, hi);
}

/* ---- guarded buffers ------------------------------------------------------------
 * nb_alloc returns a zeroed buffer with NB_GUARD canary bytes on each side. Writes past
 * either end are caught when the buffer is freed (nb_free) or at the end of each call
 * (nb_check_faults); a buffer marked with nb_seal() is an input and must not change. The
 * canary comes from the run's seed, so the reference and the candidate see the same bytes
 * when a kernel reads (harmlessly) past its input. */
#define NB_GUARD 64
#define NB_MAXBUF 64
typedef struct {
    unsigned char *raw, *data, *snap;
    size_t bytes;
    const char *name;
    int live, reported;
} nb_buf_t;
static nb_buf_t nb_bufs[NB_MAXBUF];
static uint64_t nb_canary = 0x5bd1e9955bd1e995ull;
static int nb_fault_case = -1; /* case index a fault record is attributed to */

static unsigned char nb_canary_byte(size_t i) {
    return (unsigned char)((nb_canary >> ((i & 7) * 8)) ^ (i * 0x9Du));
}

static void *nb_alloc(size_t n, size_t elem) {
    size_t bytes = n * elem;
    unsigned char *raw = (unsigned char *)malloc(bytes + 2 * NB_GUARD);
    if (!raw) { fprintf(stderr, "harness: out of memory\n"); exit(97); }
    for (size_t i = 0; i < NB_GUARD; i++) {
        raw[i] = nb_canary_byte(i);
        raw[NB_GUARD + bytes + i] = nb_canary_byte(NB_GUARD + i);
    }
    memset(raw + NB_GUARD, 0, bytes);
    for (int i = 0; i < NB_MAXBUF; i++) {
        if (!nb_bufs[i].live) {
            nb_buf_t b = {raw, raw + NB_GUARD, NULL, bytes, "buffer", 1, 0};
            nb_bufs[i] = b;
            return raw + NB_GUARD;
        }
    }
    return raw + NB_GUARD; /* registry full: unguarded (never the case in generated harnesses) */
}

static nb_buf_t *nb_find(const void *p) {
    for (int i = 0; i < NB_MAXBUF; i++)
        if (nb_bufs[i].live && nb_bufs[i].data == (const unsigned char *)p) return &nb_bufs[i];
    return NULL;
}

static void nb_label(const void *p, const char *name) {
    nb_buf_t *b = nb_find(p);
    if (b) b->name = name;
}

/* The buffer's current contents are an input the callee must not change. */
static void nb_seal(const void *p) {
    nb_buf_t *b = nb_find(p);
    if (!b) return;
    if (!b->snap) b->snap = (unsigned char *)malloc(b->bytes ? b->bytes : 1);
    if (b->snap) memcpy(b->snap, b->data, b->bytes);
}

static void nb_fault(const char *what) {
    printf("fault %d %s\n", nb_fault_case, what);
    fflush(stdout); /* a corrupted heap may abort the process next */
}

static void nb_check_buf(nb_buf_t *b) {
    char msg[200];
    if (b->reported) return;
    for (size_t i = 0; i < NB_GUARD; i++) {
        if (b->raw[i] != nb_canary_byte(i)) {
            snprintf(msg, sizeof msg, "out-of-bounds write: memory just before `%s` (byte %d before its start) "
                     "was overwritten", b->name, (int)(NB_GUARD - i));
            nb_fault(msg); b->reported = 1; return;
        }
        if (b->data[b->bytes + i] != nb_canary_byte(NB_GUARD + i)) {
            snprintf(msg, sizeof msg, "out-of-bounds write: memory just past the end of `%s` (%zu bytes long; "
                     "byte %d after it) was overwritten", b->name, b->bytes, (int)i);
            nb_fault(msg); b->reported = 1; return;
        }
    }
    if (b->snap && memcmp(b->snap, b->data, b->bytes) != 0) {
        size_t i = 0;
        while (b->snap[i] == b->data[i]) i++;
        snprintf(msg, sizeof msg, "input `%s` was modified (byte %zu of %zu), but it is read-only for the "
                 "function", b->name, i, b->bytes);
        nb_fault(msg); b->reported = 1;
    }
}

static void nb_free(void *p) {
    nb_buf_t *b = nb_find(p);
    if (!b) { free(p); return; }
    nb_check_buf(b);
    free(b->snap);
    free(b->raw);
    b->live = 0;
}

/* ---- calling convention ------------------------------------------------------------
 * The task's function is linked with `--wrap`: the harness calls a trampoline
 * (nb_abi_<arch>.S) that loads random values into every callee-saved register, calls
 * the function, and records here which of them, the stack pointer or the floating-point
 * control state did not survive the call. Weak, so probe builds without it still link. */
NB_EXTERN volatile uint64_t nb_abi_fault __attribute__((weak));
NB_EXTERN uint64_t nb_abi_canary[32] __attribute__((weak));
#if defined(__x86_64__)
static const char *const nb_abi_names[] = {"rbx", "rbp", "r12", "r13", "r14", "r15", "the stack pointer rsp",
    "the MXCSR control bits (rounding mode, flush-to-zero, exception masks)", "the x87 control word",
    "the direction flag (DF must be clear on return)", "the x87 register stack (left not empty)"};
#elif defined(__aarch64__)
static const char *const nb_abi_names[] = {"x19", "x20", "x21", "x22", "x23", "x24", "x25", "x26", "x27",
    "x28", "x29 (frame pointer)", "d8", "d9", "d10", "d11", "d12", "d13", "d14", "d15", "the stack pointer sp",
    "FPCR (rounding mode, flush-to-zero, default-NaN)"};
#elif defined(__riscv)
static const char *const nb_abi_names[] = {"s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10",
    "s11", "fs0", "fs1", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11",
    "the stack pointer sp", "gp (global pointer)", "tp (thread pointer)", "the rounding mode in fcsr (frm)"};
#else
static const char *const nb_abi_names[] = {"?"};
#endif

static void nb_abi_seed(uint64_t seed) {
    nb_canary = seed * 0x9E3779B97F4A7C15ull ^ 0xA0761D6478BD642Full;
    if (!&nb_abi_canary) return;
    uint64_t s = nb_canary;
    for (int i = 0; i < 32; i++) {
        s += 0x9E3779B97F4A7C15ull;
        uint64_t z = (s ^ (s >> 31)) * 0xBF58476D1CE4E5B9ull;
        nb_abi_canary[i] = z ^ (z >> 29);
    }
}

/* Report (as fault records) everything broken since the last check: the calling
 * convention, guard zones and sealed inputs of every live buffer. */
static void nb_check_faults(void) {
    if (&nb_abi_fault && nb_abi_fault) {
        uint64_t f = nb_abi_fault;
        nb_abi_fault = 0;
        char msg[240];
        for (unsigned i = 0; i < sizeof nb_abi_names / sizeof nb_abi_names[0]; i++) {
            if (f & (1ull << i)) {
                snprintf(msg, sizeof msg, "calling convention violated: %s was not preserved across the call "
                         "(callee-saved state must be restored before returning)", nb_abi_names[i]);
                nb_fault(msg);
                break;
            }
        }
    }
    for (int i = 0; i < NB_MAXBUF; i++)
        if (nb_bufs[i].live) nb_check_buf(&nb_bufs[i]);
}

static void nb_str_fill(char *buf, int64_t len, const char *alphabet) {
    size_t m = strlen(alphabet);
    uint64_t f;
    for (int64_t i = 0; i < len; i++) buf[i] = nb_take(&f) ? (char)f : alphabet[nb_next() % m];
    buf[len] = 0;
}

/* ---- output ------------------------------------------------------------------------
 * In hash mode (Level 2 timing runs) `out` records are not printed: their raw values are
 * folded into one running hash, so every timed call's results are checked at the cost
 * of one pass over them. Floats are hashed by their bits, all NaNs as one value. */
static int nb_hash_mode;
static uint64_t nb_hash_acc = 0x243F6A8885A308D3ull;

static uint64_t nb_mix(uint64_t h, uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    return h;
}
static uint64_t nb_fbits(double v) {
    uint64_t b;
    if (v != v) return 0x7FF8000000000000ull;
    __builtin_memcpy(&b, &v, sizeof b);
    return b;
}
static uint32_t nb_fbits32(float v) {
    uint32_t b;
    if (v != v) return 0x7FC00000u;
    __builtin_memcpy(&b, &v, sizeof b);
    return b;
}
/* Word-wise fold of a block: four independent add/xor lanes with no multiply in the loop, so
 * the compiler vectorises it and a call's results cost about one read of them (the timed
 * section includes this work, for the candidate and the reference alike). The word index
 * enters each word, so a permutation of correct values does not collide. */
static void nb_hash_bytes(const void *p, size_t n) {
    const unsigned char *s = (const unsigned char *)p;
    const uint64_t K = 0xD6E8FEB86659FD93ull; /* word i is xor-ed with i * K */
    uint64_t l0 = 0, l1 = 0, l2 = 0, l3 = 0, k0 = 0, k1 = K, k2 = 2 * K, k3 = 3 * K;
    size_t i = 0, w = n / 8;
    for (; i + 4 <= w; i += 4) {
        uint64_t v[4];
        __builtin_memcpy(v, s + 8 * i, 32); /* harnesses build with -fno-builtin */
        l0 += v[0] ^ k0; l1 += v[1] ^ k1; l2 += v[2] ^ k2; l3 += v[3] ^ k3;
        k0 += 4 * K; k1 += 4 * K; k2 += 4 * K; k3 += 4 * K;
    }
    uint64_t h = nb_hash_acc;
    for (; i < w; i++) {
        uint64_t v;
        __builtin_memcpy(&v, s + 8 * i, 8);
        h = nb_mix(h, v ^ (i * K));
    }
    for (size_t j = 8 * w; j < n; j++) h = nb_mix(h, s[j] + (j << 8));
    h = nb_mix(h, l0 * 0x9E3779B97F4A7C15ull);
    h = nb_mix(h, l1 * 0xC2B2AE3D27D4EB4Full);
    h = nb_mix(h, l2 * 0x165667B19E3779F9ull);
    h = nb_mix(h, l3 * 0x27D4EB2F165667C5ull);
    nb_hash_acc = nb_mix(h, n);
}

static int nb_out_hashed(const char *dir) { return nb_hash_mode && dir[0] == 'o'; }
static void nb_head(const char *dir, const char *name, char kind) { printf("%s %d %s %c", dir, nb_rec, name, kind); }
static void nb_put_i(const char *dir, const char *name, int64_t v) {
    if (nb_out_hashed(dir)) { nb_hash_acc = nb_mix(nb_hash_acc, (uint64_t)v); return; }
    nb_head(dir, name, 'i'); printf(" %" PRId64 "\n", v);
}
static void nb_put_u(const char *dir, const char *name, uint64_t v) {
    if (nb_out_hashed(dir)) { nb_hash_acc = nb_mix(nb_hash_acc, v); return; }
    nb_head(dir, name, 'i'); printf(" %" PRIu64 "\n", v);
}
static void nb_put_f(const char *dir, const char *name, double v) {
    if (nb_out_hashed(dir)) { nb_hash_acc = nb_mix(nb_hash_acc, nb_fbits(v)); return; }
    nb_head(dir, name, 'f'); printf(" %a\n", v);
}
static void nb_put_bytes(const char *dir, const char *name, const void *p, int64_t n) {
    if (nb_out_hashed(dir)) { nb_hash_bytes(p, (size_t)n); return; }
    nb_head(dir, name, 's'); putchar(' ');
    for (int64_t i = 0; i < n; i++) printf("%02x", ((const unsigned char *)p)[i]);
    if (n == 0) putchar('-');
    putchar('\n');
}
static void nb_put_str(const char *dir, const char *name, const char *s) { nb_put_bytes(dir, name, s, (int64_t)strlen(s)); }

#define NB_ARR_PUT(fname, T, kind, fmt, cast)                                           \
    static void fname(const char *dir, const char *name, const T *p, int64_t n) {      \
        if (nb_out_hashed(dir)) { nb_hash_bytes(p, (size_t)n * sizeof(T)); return; }    \
        nb_head(dir, name, kind);                                                        \
        for (int64_t i = 0; i < n; i++) printf(" " fmt, (cast)p[i]);                   \
        putchar('\n');                                                                   \
    }
NB_ARR_PUT(nb_put_arr_i8, int8_t, 'i', "%" PRId64, int64_t)
NB_ARR_PUT(nb_put_arr_u8, uint8_t, 'i', "%" PRIu64, uint64_t)
NB_ARR_PUT(nb_put_arr_i16, int16_t, 'i', "%" PRId64, int64_t)
NB_ARR_PUT(nb_put_arr_u16, uint16_t, 'i', "%" PRIu64, uint64_t)
NB_ARR_PUT(nb_put_arr_i32, int32_t, 'i', "%" PRId64, int64_t)
NB_ARR_PUT(nb_put_arr_u32, uint32_t, 'i', "%" PRIu64, uint64_t)
NB_ARR_PUT(nb_put_arr_i64, int64_t, 'i', "%" PRId64, int64_t)
NB_ARR_PUT(nb_put_arr_u64, uint64_t, 'i', "%" PRIu64, uint64_t)

/* Floats hash by their bits in chunks; a chunk with a NaN is canonicalised first (all NaNs
 * are one value: their payloads are not defined by the IR). */
#define NB_ARR_PUT_F(fname, T, BITS, UT)                                                 \
    static void fname(const char *dir, const char *name, const T *p, int64_t n) {      \
        if (nb_out_hashed(dir)) {                                                        \
            for (int64_t i = 0; i < n; i += 256) {                                       \
                int64_t m = n - i < 256 ? n - i : 256, nans = 0;                         \
                for (int64_t j = 0; j < m; j++) nans += p[i + j] != p[i + j];            \
                if (!nans) { nb_hash_bytes(p + i, (size_t)m * sizeof(T)); continue; }    \
                UT c[256];                                                               \
                for (int64_t j = 0; j < m; j++) c[j] = BITS(p[i + j]);                   \
                nb_hash_bytes(c, (size_t)m * sizeof(T));                                 \
            }                                                                            \
            return;                                                                      \
        }                                                                                \
        nb_head(dir, name, 'f');                                                         \
        for (int64_t i = 0; i < n; i++) printf(" %a", (double)p[i]);                   \
        putchar('\n');                                                                   \
    }
NB_ARR_PUT_F(nb_put_arr_f32, float, nb_fbits32, uint32_t)
NB_ARR_PUT_F(nb_put_arr_f64, double, nb_fbits, uint64_t)

static int64_t nb_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif /* NBH_H */

#ifndef NBH_MAIN_DEFINED
#define NBH_MAIN_DEFINED
/* Level 1 entry point: `exe SEED NCASES [S:K | S:V:h1,h2,... ...]`: cases 0..NCASES-1 of SEED,
 * then the added cases (`suite strength --augment`, `--prove`), case K of seed S each, or a case
 * given value by value (see nb_take) with seed S's register and canary values (nb_case(K): a harness with
 * a fixed input list takes input K), printed as cases NCASES, NCASES+1, ... Output is flushed after each case so that a crash in case k still shows
 * which inputs caused it; after each case the calling convention and the guard zones are
 * checked. */
#define NB_L1_MAIN                                                                       \
    int main(int argc, char **argv) {                                                    \
        uint64_t seed = argc > 1 ? strtoull(argv[1], 0, 10) : 1;                         \
        int ncases = argc > 2 ? atoi(argv[2]) : 32;                                      \
        int total = ncases + (argc > 3 ? argc - 3 : 0);                                  \
        nb_abi_seed(seed);                                                               \
        for (int c = 0; c < total; c++) {                                                \
            int k = c;                                                                   \
            if (c < ncases) {                                                            \
                nb_seed(seed, c);                                                        \
            } else {                                                                     \
                char *end = 0;                                                           \
                uint64_t s = strtoull(argv[3 + c - ncases], &end, 10);                   \
                if (!end || *end != ':') {                                               \
                    fprintf(stderr, "harness: bad added case %s\n", argv[3 + c - ncases]); \
                    return 2;                                                            \
                }                                                                        \
                if (end[1] == 'V' && end[2] == ':') { /* value by value */              \
                    k = 0;                                                               \
                    nb_abi_seed(s);                                                      \
                    nb_seed(s, 4); /* past the edge-value cases: draws are all given */  \
                    nb_forced = end + 3;                                                 \
                } else {                                                                 \
                    k = atoi(end + 1);                                                   \
                    nb_abi_seed(s); /* the register and canary values of that run, too */ \
                    nb_seed(s, k);                                                       \
                }                                                                        \
                nb_rec = c;                                                              \
            }                                                                            \
            nb_fault_case = c;                                                           \
            nb_case(k);                                                                  \
            nb_forced = 0;                                                               \
            nb_fault_case = c;                                                           \
            nb_check_faults();                                                           \
            fflush(stdout);                                                              \
        }                                                                                \
        printf("end %d\n", total);                                                       \
        return 0;                                                                        \
    }

/* Level 2 entry point. A kernel harness defines
 *   nb_setup(n)     allocate and fill the state for problem size n,
 *   nb_call(n)      call the kernel once,
 *   nb_perturb(n)   change some inputs (anti-skip: repeated calls must redo the work),
 *   nb_report(tag)  print the outputs as "out" records named <array>.<tag>,
 *   nb_teardown()   free the state.
 * The run plan comes on standard input, never on argv or in the environment:
 *     SEED HASH COUNT  N1 CALLS1 S1 K1  N2 CALLS2 S2 K2 ...
 * Entry c draws its inputs as entry K of seed S (`suite strength --augment` replays a probe's
 * run that way), or as entry c of SEED when S is 0. For each size: setup, then CALLS calls with the inputs perturbed before every call but
 * the first; the calling convention and guard zones are checked after every call. With
 * HASH 0 (check runs) the outputs of every call are printed as case c, tag r<call>;
 * with HASH 1 (timing runs) they are folded into one hash, printed once per size, so
 * every call is checked whatever the count. Timing runs and check runs are one code
 * path: the harness has no mode that skips checking. */
#define NB_L2_MAIN                                                                       \
    int main(void) {                                                                     \
        unsigned long long seed = 0;                                                     \
        int hash = 0, count = 0;                                                         \
        if (scanf("%llu %d %d", &seed, &hash, &count) != 3 || count < 0 || count > 512) { \
            fprintf(stderr, "harness: bad run plan on stdin\n"); return 2; }             \
        nb_abi_seed(seed);                                                               \
        nb_hash_mode = hash;                                                             \
        int64_t t_total = 0;                                                             \
        for (int c = 0; c < count; c++) {                                                \
            long long n = 0, calls = 0;                                                  \
            unsigned long long es = 0;                                                   \
            int ek = 0;                                                                  \
            if (scanf("%lld %lld %llu %d", &n, &calls, &es, &ek) != 4 || calls < 0 || ek < 0) { \
                fprintf(stderr, "harness: bad run plan on stdin\n"); return 2; }         \
            if (!es) { es = seed; ek = c; }                                              \
            nb_abi_seed(es);                                                             \
            nb_seed(es, 1000 + ek); /* k >= 4: random values, not the L1 edge cases */   \
            nb_rec = c;                                                                  \
            printf("in %d n i %lld\n", c, n);                                            \
            nb_setup(n);                                                                 \
            nb_hash_acc = 0x243F6A8885A308D3ull;                                         \
            for (long long r = 0; r < calls; r++) {                                      \
                char tag[24];                                                            \
                nb_k = 1000 + ek;                                                        \
                if (r) nb_perturb(n);                                                    \
                nb_fault_case = c;                                                       \
                int64_t t0 = nb_now_ns();                                                \
                nb_call(n);                                                              \
                t_total += nb_now_ns() - t0;                                             \
                nb_check_faults();                                                       \
                snprintf(tag, sizeof tag, "r%lld", r);                                   \
                nb_report(hash ? "t" : tag);                                             \
            }                                                                            \
            if (hash) {                                                                  \
                nb_hash_mode = 0;                                                        \
                nb_put_u("out", "hash", nb_hash_acc);                                    \
                nb_put_i("out", "calls", calls);                                         \
                nb_hash_mode = 1;                                                        \
            }                                                                            \
            nb_teardown();                                                               \
            fflush(stdout);                                                              \
        }                                                                                \
        printf("time %" PRId64 "\n", t_total);                                           \
        printf("end %d\n", count);                                                       \
        return 0;                                                                        \
    }

/* Level 2 outputs: every element. Arrays longer than NB_DUMP_MAX elements are printed as
 * an exact hash of all their bits plus 32 samples (for feedback); shorter ones in full. */
#ifndef NB_DUMP_MAX
#define NB_DUMP_MAX 4096
#endif
#define NB_CHECK(T, fname, putarr)                                                       \
    static void fname(const char *name, const char *tag, const T *p, int64_t n) {        \
        char key[96];                                                                    \
        snprintf(key, sizeof key, "%s.%s", name, tag);                                   \
        if (nb_hash_mode || n <= NB_DUMP_MAX) { putarr("out", key, p, n); return; }      \
        uint64_t saved = nb_hash_acc;                                                    \
        nb_hash_mode = 1; nb_hash_acc = 0x243F6A8885A308D3ull;                           \
        putarr("out", key, p, n);                                                        \
        uint64_t h = nb_hash_acc;                                                        \
        nb_hash_mode = 0; nb_hash_acc = saved;                                           \
        snprintf(key, sizeof key, "%s.%s.hash", name, tag);                              \
        nb_put_u("out", key, h);                                                         \
        T s[33];                                                                         \
        int64_t m = 0, step = n / 32;                                                    \
        for (int64_t i = 0; i < n && m < 32; i += step) s[m++] = p[i];                   \
        s[m++] = p[n - 1];                                                               \
        snprintf(key, sizeof key, "%s.%s.sample", name, tag);                            \
        putarr("out", key, s, m);                                                        \
    }
NB_CHECK(float, nb_check_f32, nb_put_arr_f32)
NB_CHECK(double, nb_check_f64, nb_put_arr_f64)
NB_CHECK(int8_t, nb_check_i8, nb_put_arr_i8)
NB_CHECK(uint8_t, nb_check_u8, nb_put_arr_u8)
NB_CHECK(int16_t, nb_check_i16, nb_put_arr_i16)
NB_CHECK(uint16_t, nb_check_u16, nb_put_arr_u16)
NB_CHECK(int32_t, nb_check_i32, nb_put_arr_i32)
NB_CHECK(uint32_t, nb_check_u32, nb_put_arr_u32)
NB_CHECK(int64_t, nb_check_i64, nb_put_arr_i64)
NB_CHECK(uint64_t, nb_check_u64, nb_put_arr_u64)
#endif
