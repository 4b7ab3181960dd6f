/* nbh.h - NeuComBack test-harness runtime (trusted; linked with candidate code).
 *
 * A harness includes this header once and defines
 *     void nb_case(int k);            (Level 1: one differential test case), or
 *     nb_setup/nb_call/nb_perturb/nb_report/nb_teardown (Level 2: see NB_L2_MAIN).
 * Inputs are drawn from a seeded splitmix64 stream, so the harness needs no input files
 * and the candidate never sees expected outputs: they are compared outside the sandbox.
 *
 * Output protocol, one record per line (parsed by neucomback.harness.check):
 *     in  <case> <name> <kind> <values...>    input values, used only for feedback
 *     out <case> <name> <kind> <values...>    values compared with the reference
 *     time <nanoseconds>                      Level 2 kernel time
 *     end <ncases>                            written last: a run without it is incomplete
 * kind: i (decimal integer), f (C99 hex float, exact), s (hex-encoded bytes).
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

static uint64_t nb_state;
static int nb_k; /* current case index: cases 0..3 pick edge values deterministically */

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
    nb_k = k;
}

/* Uniform in [lo, hi] (inclusive), any int64 range. */
static int64_t nb_uniform(int64_t lo, int64_t hi) {
    uint64_t span = (uint64_t)hi - (uint64_t)lo;
    if (span == UINT64_MAX) return (int64_t)nb_next();
    return (int64_t)((uint64_t)lo + nb_next() % (span + 1));
}

static uint64_t nb_uniform_u(uint64_t lo, uint64_t hi) {
    uint64_t span = hi - lo;
    if (span == UINT64_MAX) return nb_next();
    return lo + nb_next() % (span + 1);
}

static int64_t nb_clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Signed value in [lo, hi]: edges on cases 0-3 (0, -1, lo, hi), then mostly random with
 * edge values and small magnitudes mixed in, because bugs live at boundaries. */
static int64_t nb_int(int64_t lo, int64_t hi) {
    switch (nb_k) {
    case 0: return nb_clamp(0, lo, hi);
    case 1: return nb_clamp(-1, lo, hi);
    case 2: return lo;
    case 3: return hi;
    }
    uint64_t r = nb_next() % 16;
    if (r == 0) { int64_t e[6] = {lo, hi, 0, -1, 1, lo + 1}; return nb_clamp(e[nb_next() % 6], lo, hi); }
    if (r < 5) return nb_clamp(nb_uniform(-16, 16), lo, hi);
    return nb_uniform(lo, hi);
}

static uint64_t nb_uint(uint64_t lo, uint64_t hi) {
    switch (nb_k) {
    case 0: return lo;
    case 1: return hi;
    case 2: return lo + (hi > lo);
    case 3: return hi - (hi > lo);
    }
    uint64_t r = nb_next() % 16;
    if (r == 0) return (nb_next() & 1) ? lo : hi;
    if (r < 5) { uint64_t v = lo + nb_next() % 17; return v > hi ? hi : v; }
    return nb_uniform_u(lo, hi);
}

/* Double in [lo, hi]; with special != 0 also NaN, +-inf and -0.0 now and then. */
static double nb_real(double lo, double hi, int special) {
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
    switch (nb_k) {
    case 0: return lo;
    case 1: return nb_clamp(1, lo, hi);
    case 2: return hi;
    }
    return nb_uniform(lo, hi);
}

/* Zero-padded allocation so that reading one element past the end is not a crash. */
static void *nb_alloc(size_t n, size_t elem) {
    void *p = calloc(n + 16, elem);
    if (!p) { fprintf(stderr, "harness: out of memory\n"); exit(97); }
    return p;
}

static void nb_str_fill(char *buf, int64_t len, const char *alphabet) {
    size_t m = strlen(alphabet);
    for (int64_t i = 0; i < len; i++) buf[i] = alphabet[nb_next() % m];
    buf[len] = 0;
}

/* ---- output ------------------------------------------------------------------------ */
static void nb_head(const char *dir, const char *name, char kind) { printf("%s %d %s %c", dir, nb_k, name, kind); }
static void nb_put_i(const char *dir, const char *name, int64_t v) { nb_head(dir, name, 'i'); printf(" %" PRId64 "\n", v); }
static void nb_put_u(const char *dir, const char *name, uint64_t v) { nb_head(dir, name, 'i'); printf(" %" PRIu64 "\n", v); }
static void nb_put_f(const char *dir, const char *name, double v) { nb_head(dir, name, 'f'); printf(" %a\n", v); }
static void nb_put_bytes(const char *dir, const char *name, const void *p, int64_t n) {
    nb_head(dir, name, 's'); putchar(' ');
    for (int64_t i = 0; i < n; i++) printf("%02x", ((const unsigned char *)p)[i]);
    if (n == 0) putchar('-');
    putchar('\n');
}
static void nb_put_str(const char *dir, const char *name, const char *s) { nb_put_bytes(dir, name, s, (int64_t)strlen(s)); }

#define NB_ARR_PUT(fname, T, kind, fmt, cast)                                           \
    static void fname(const char *dir, const char *name, const T *p, int64_t n) {      \
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
NB_ARR_PUT(nb_put_arr_f32, float, 'f', "%a", double)
NB_ARR_PUT(nb_put_arr_f64, double, 'f', "%a", double)

static int64_t nb_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif /* NBH_H */

#ifndef NBH_MAIN_DEFINED
#define NBH_MAIN_DEFINED
/* Level 1 entry point: `exe SEED NCASES`. Output is flushed after each case so that a
 * crash in case k still shows which inputs caused it. */
#define NB_L1_MAIN                                                                       \
    int main(int argc, char **argv) {                                                    \
        uint64_t seed = argc > 1 ? strtoull(argv[1], 0, 10) : 1;                         \
        int ncases = argc > 2 ? atoi(argv[2]) : 32;                                      \
        for (int k = 0; k < ncases; k++) {                                               \
            nb_seed(seed, k);                                                            \
            nb_case(k);                                                                  \
            fflush(stdout);                                                              \
        }                                                                                \
        printf("end %d\n", ncases);                                                      \
        return 0;                                                                        \
    }

/* Level 2 entry point. A kernel harness defines
 *   nb_setup(n)     allocate and fill the state for problem size n,
 *   nb_call(n)      call the kernel once,
 *   nb_perturb(n)   change some inputs (anti-skip: repeated calls must redo the work),
 *   nb_report(tag)  print checksums of the outputs as "out" records named <array>.<tag>,
 *   nb_teardown()   free the state.
 * `exe check SEED N1 N2 ...` runs every size 3 times with perturbation in between and
 * reports after each repetition; `exe time SEED N REPS` times REPS calls (kernel only). */
#define NB_L2_MAIN                                                                       \
    int main(int argc, char **argv) {                                                    \
        if (argc < 4) { fprintf(stderr, "usage: check SEED N... | time SEED N REPS\n"); return 2; } \
        uint64_t seed = strtoull(argv[2], 0, 10);                                        \
        if (strcmp(argv[1], "time") == 0 && argc >= 5) {                                 \
            int64_t n = strtoll(argv[3], 0, 10), reps = strtoll(argv[4], 0, 10);         \
            nb_seed(seed, 1000);                                                         \
            nb_setup(n);                                                                 \
            int64_t total = 0;                                                           \
            for (int64_t r = 0; r < reps; r++) {                                         \
                if (r) nb_perturb(n);                                                    \
                int64_t t0 = nb_now_ns();                                                \
                nb_call(n);                                                              \
                total += nb_now_ns() - t0;                                               \
            }                                                                            \
            nb_k = 0;                                                                    \
            nb_report("t");                                                              \
            nb_teardown();                                                               \
            printf("time %" PRId64 "\n", total);                                         \
            printf("end 1\n");                                                           \
            return 0;                                                                    \
        }                                                                                \
        int ncases = argc - 3;                                                           \
        for (int c = 0; c < ncases; c++) {                                               \
            int64_t n = strtoll(argv[3 + c], 0, 10);                                     \
            nb_seed(seed, 1000 + c); /* k >= 4: random values, not the L1 edge cases */  \
            printf("in %d n i %" PRId64 "\n", c, n);                                     \
            nb_setup(n);                                                                 \
            static const char *tags[3] = {"r0", "r1", "r2"};                             \
            for (int r = 0; r < 3; r++) {                                                \
                if (r) nb_perturb(n);                                                    \
                nb_call(n);                                                              \
                nb_k = c;                                                                \
                nb_report(tags[r]);                                                      \
                nb_k = 1000 + c;                                                         \
            }                                                                            \
            nb_teardown();                                                               \
            fflush(stdout);                                                              \
        }                                                                                \
        printf("end %d\n", ncases);                                                      \
        return 0;                                                                        \
    }

/* Checksums of a Level 2 output array: a weighted sum (floats compared with tolerance),
 * up to 32 sampled elements, and for integers an exact order-sensitive hash. */
#define NB_CHECK_F(T, fname)                                                             \
    static void fname(const char *name, const char *tag, const T *p, int64_t n) {        \
        char key[96];                                                                    \
        double s = 0;                                                                    \
        for (int64_t i = 0; i < n; i++) s += (double)p[i] * (1.0 + (double)(i % 13) * 0.0625); \
        snprintf(key, sizeof key, "%s.%s.sum", name, tag);                               \
        nb_put_f("out", key, s);                                                         \
        snprintf(key, sizeof key, "%s.%s.sample", name, tag);                            \
        nb_head("out", key, 'f');                                                        \
        int64_t step = n > 32 ? n / 32 : 1;                                              \
        for (int64_t i = 0; i < n; i += step) printf(" %a", (double)p[i]);               \
        if (n > 0) printf(" %a", (double)p[n - 1]);                                      \
        putchar('\n');                                                                   \
    }
#define NB_CHECK_I(T, fname)                                                             \
    static void fname(const char *name, const char *tag, const T *p, int64_t n) {        \
        char key[96];                                                                    \
        uint64_t h = 1469598103934665603ull;                                             \
        for (int64_t i = 0; i < n; i++) { h ^= (uint64_t)(int64_t)p[i]; h *= 1099511628211ull; } \
        snprintf(key, sizeof key, "%s.%s.hash", name, tag);                              \
        nb_put_u("out", key, h);                                                         \
        snprintf(key, sizeof key, "%s.%s.sample", name, tag);                            \
        nb_head("out", key, 'i');                                                        \
        int64_t step = n > 32 ? n / 32 : 1;                                              \
        for (int64_t i = 0; i < n; i += step) printf(" %" PRId64, (int64_t)p[i]);         \
        if (n > 0) printf(" %" PRId64, (int64_t)p[n - 1]);                               \
        putchar('\n');                                                                   \
    }
NB_CHECK_F(float, nb_check_f32)
NB_CHECK_F(double, nb_check_f64)
NB_CHECK_I(int8_t, nb_check_i8)
NB_CHECK_I(uint8_t, nb_check_u8)
NB_CHECK_I(int16_t, nb_check_i16)
NB_CHECK_I(uint16_t, nb_check_u16)
NB_CHECK_I(int32_t, nb_check_i32)
NB_CHECK_I(uint32_t, nb_check_u32)
NB_CHECK_I(int64_t, nb_check_i64)
NB_CHECK_I(uint64_t, nb_check_u64)
#endif
