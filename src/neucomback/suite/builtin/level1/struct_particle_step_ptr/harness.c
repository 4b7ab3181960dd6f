#include "nbh.h"
#include "types.h"

int32_t struct_particle_step_ptr(particle *p, int32_t n, int32_t steps, float dt);

static void put_particles(const char *dir, const particle *p, int32_t n) {
    float v[8];
    for (int32_t i = 0; i < n; i++) v[i] = p[i].x;
    nb_put_arr_f32(dir, "p.x", v, n);
    for (int32_t i = 0; i < n; i++) v[i] = p[i].y;
    nb_put_arr_f32(dir, "p.y", v, n);
    for (int32_t i = 0; i < n; i++) v[i] = p[i].vx;
    nb_put_arr_f32(dir, "p.vx", v, n);
    for (int32_t i = 0; i < n; i++) v[i] = p[i].vy;
    nb_put_arr_f32(dir, "p.vy", v, n);
}

static void nb_case(int k) {
    /* nb_seed offsets case k by k golden-ratio steps, the same step nb_next advances by, so
     * consecutive cases would share most of their random stream: decorrelate them. */
    nb_state ^= (uint64_t)(k + 1) * 0xD6E8FEB86659FD93ull;
    int32_t n = (int32_t)nb_len(0, 8);
    int32_t steps = (int32_t)nb_int(0, 30);
    float dt = (float)nb_real(0.0, 0.1, 0);
    particle *p = nb_alloc((size_t)n, sizeof *p);
    for (int32_t i = 0; i < n; i++) {
        p[i].x = (float)nb_real(0.0, 10.0, 0);
        p[i].y = (float)nb_real(0.0, 5.0, 0);
        p[i].vx = (float)nb_real(-30.0, 30.0, 0);
        p[i].vy = (float)nb_real(-10.0, 10.0, 0);
    }
    put_particles("in", p, n);
    nb_put_i("in", "steps", steps);
    nb_put_f("in", "dt", dt);
    nb_put_i("out", "ret", struct_particle_step_ptr(p, n, steps, dt));
    put_particles("out", p, n);
    nb_free(p);
}

NB_L1_MAIN
