/* Plain C versions of the libc functions that task code calls, linked into both programs a
 * proof compares (neucomback.prove). Symbolic execution runs these instructions like any
 * others: angr's own function summaries are not trusted (its memcpy with a symbolic length
 * gave wrong bytes). Compiled -ffreestanding -fno-builtin, so no loop becomes a call. Both
 * programs use the same versions: a proof says the candidate and the reference agree given
 * these libc semantics. */
#include <stddef.h>
#include <stdint.h>

void *memset(void *d, int c, size_t n) {
    unsigned char *p = d;
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)c;
    return d;
}

void *memcpy(void *d, const void *s, size_t n) {
    unsigned char *p = d;
    const unsigned char *q = s;
    for (size_t i = 0; i < n; i++) p[i] = q[i];
    return d;
}

void *memmove(void *d, const void *s, size_t n) {
    unsigned char *p = d;
    const unsigned char *q = s;
    if (p < q)
        for (size_t i = 0; i < n; i++) p[i] = q[i];
    else
        for (size_t i = n; i > 0; i--) p[i - 1] = q[i - 1];
    return d;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *p = a, *q = b;
    for (size_t i = 0; i < n; i++)
        if (p[i] != q[i]) return p[i] < q[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

char *strchr(const char *s, int c) {
    for (;; s++) {
        if (*s == (char)c) return (char *)s;
        if (!*s) return NULL;
    }
}

int strcmp(const char *a, const char *b) {
    while (*a && *a == *b) a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n) {
    for (; n; n--, a++, b++) {
        if (*a != *b) return (unsigned char)*a - (unsigned char)*b;
        if (!*a) return 0;
    }
    return 0;
}

int abs(int x) { return x < 0 ? -x : x; }
long labs(long x) { return x < 0 ? -x : x; }
long long llabs(long long x) { return x < 0 ? -x : x; }

double sqrt(double x) { return __builtin_sqrt(x); } /* -fno-math-errno: the sqrtsd instruction */
float sqrtf(float x) { return __builtin_sqrtf(x); }
double fabs(double x) { return __builtin_fabs(x); }

double floor(double x) {
    if (!(__builtin_fabs(x) < 4503599627370496.0) || x == 0) return x; /* NaN, inf, +-0, integral */
    double t = (double)(long long)x;
    return t > x ? t - 1.0 : t;
}

double ceil(double x) {
    if (!(__builtin_fabs(x) < 4503599627370496.0) || x == 0) return x;
    double t = (double)(long long)x;
    t = t < x ? t + 1.0 : t;
    return t == 0 ? (x < 0 ? -0.0 : 0.0) : t;
}

/* Insertion sort: same contract as qsort (the order of equal elements is unspecified). */
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
    unsigned char *b = base;
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && cmp(b + (j - 1) * size, b + j * size) > 0; j--)
            for (size_t k = 0; k < size; k++) {
                unsigned char t = b[(j - 1) * size + k];
                b[(j - 1) * size + k] = b[j * size + k];
                b[j * size + k] = t;
            }
}
