static double cubic(double a, double b, double c, double d, double x) {
    return ((a * x + b) * x + c) * x + d;
}

/* Finds a root of a x^3 + b x^2 + c x + d in [-10, 10] by 60 bisection steps.
 * Returns -100.0 if the polynomial has the same sign at both ends (no bracketed root). */
double dbl_bisect_cubic(double a, double b, double c, double d) {
    double lo = -10.0, hi = 10.0;
    double flo = cubic(a, b, c, d, lo);
    double fhi = cubic(a, b, c, d, hi);
    if (flo == 0.0)
        return lo;
    if (fhi == 0.0)
        return hi;
    if ((flo < 0.0) == (fhi < 0.0))
        return -100.0;
    for (int i = 0; i < 60; i++) {
        double mid = 0.5 * (lo + hi);
        double fm = cubic(a, b, c, d, mid);
        if (fm == 0.0)
            return mid;
        if ((fm < 0.0) == (flo < 0.0)) {
            lo = mid;
            flo = fm;
        } else {
            hi = mid;
        }
    }
    return 0.5 * (lo + hi);
}
