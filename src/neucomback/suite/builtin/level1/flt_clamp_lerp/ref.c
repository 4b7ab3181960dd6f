/* Linear interpolation a + (b - a) t with t clamped to [0, 1], then the result clamped to
 * [lo, hi] (the bounds are swapped if given in the wrong order). */
float flt_clamp_lerp(float a, float b, float t, float lo, float hi) {
    if (t < 0.0f)
        t = 0.0f;
    else if (t > 1.0f)
        t = 1.0f;
    float v = a + (b - a) * t;
    if (lo > hi) {
        float tmp = lo;
        lo = hi;
        hi = tmp;
    }
    if (v < lo)
        v = lo;
    if (v > hi)
        v = hi;
    return v;
}
