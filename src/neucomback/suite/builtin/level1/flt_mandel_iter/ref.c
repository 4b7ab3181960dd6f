#include <stdint.h>

/* Mandelbrot escape-time iteration count of c = cr + i ci in single precision. */
int32_t flt_mandel_iter(float cr, float ci, int32_t maxit) {
    float zr = 0.0f, zi = 0.0f;
    int32_t i = 0;
    while (i < maxit) {
        float zr2 = zr * zr, zi2 = zi * zi;
        if (zr2 + zi2 > 4.0f)
            break;
        zi = 2.0f * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        i++;
    }
    return i;
}
