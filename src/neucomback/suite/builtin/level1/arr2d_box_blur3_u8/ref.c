#include <stdint.h>

/* 3x3 box blur of a rows x cols grey image: every output pixel is the rounded mean of
 * the input pixels of its 3x3 neighbourhood that lie inside the image. */
void arr2d_box_blur3_u8(const uint8_t *img, uint8_t *out, int32_t rows, int32_t cols) {
    for (int32_t r = 0; r < rows; r++) {
        for (int32_t c = 0; c < cols; c++) {
            uint32_t sum = 0, cnt = 0;
            for (int32_t dr = -1; dr <= 1; dr++) {
                int32_t rr = r + dr;
                if (rr < 0 || rr >= rows)
                    continue;
                for (int32_t dc = -1; dc <= 1; dc++) {
                    int32_t cc = c + dc;
                    if (cc < 0 || cc >= cols)
                        continue;
                    sum += img[rr * cols + cc];
                    cnt++;
                }
            }
            out[r * cols + c] = (uint8_t)((sum + cnt / 2) / cnt);
        }
    }
}
