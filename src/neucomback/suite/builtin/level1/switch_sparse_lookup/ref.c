#include <stdint.h>

int32_t switch_sparse_lookup(int32_t key) {
    switch (key) {
    case -7: return 70;
    case -1: return key * 3;
    case 0: return 11;
    case 3: return 42;
    case 9: return -9;
    case 15: return 1500;
    case 64: return key << 2;
    case 100: return 7;
    case 128: return -128;
    case 200: return 2;
    case 255: return 255 * 255;
    case 299: return -1;
    default:
        if (key < 0)
            return -key;
        return key % 13;
    }
}
