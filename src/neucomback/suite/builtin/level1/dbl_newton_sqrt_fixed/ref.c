/* Square root by 40 Newton iterations from max(a, 1); 0 for a <= 0. */
double dbl_newton_sqrt_fixed(double a) {
    if (a <= 0.0)
        return 0.0;
    double x = a > 1.0 ? a : 1.0;
    for (int i = 0; i < 40; i++)
        x = 0.5 * (x + a / x);
    return x;
}
