#include <stdint.h>

/* Evaluates c[0] + c[1] x + ... + c[deg] x^deg by Horner's rule. */
double dbl_horner_poly(const double *c, int32_t deg, double x) {
    double r = c[deg];
    for (int32_t i = deg - 1; i >= 0; i--)
        r = r * x + c[i];
    return r;
}
