#include <stdint.h>

#define MAXN 48

typedef struct {
    int32_t key[MAXN];
    int32_t left[MAXN];
    int32_t right[MAXN];
} tree;

static int32_t height(const tree *t, int32_t i) {
    if (i < 0)
        return 0;
    int32_t hl = height(t, t->left[i]);
    int32_t hr = height(t, t->right[i]);
    return 1 + (hl > hr ? hl : hr);
}

static int32_t leaves(const tree *t, int32_t i) {
    if (i < 0)
        return 0;
    if (t->left[i] < 0 && t->right[i] < 0)
        return 1;
    return leaves(t, t->left[i]) + leaves(t, t->right[i]);
}

/* Inserts vals[0..n) (n <= 48) into an unbalanced binary search tree kept in local arrays
 * (equal keys go right) and returns height * 100 + number of leaves. */
int32_t rec_bst_height_leaves(const int32_t *vals, int32_t n) {
    tree t;
    for (int32_t i = 0; i < n; i++) {
        t.key[i] = vals[i];
        t.left[i] = t.right[i] = -1;
        if (i == 0)
            continue;
        int32_t cur = 0;
        for (;;) {
            int32_t *link = vals[i] < t.key[cur] ? &t.left[cur] : &t.right[cur];
            if (*link < 0) {
                *link = i;
                break;
            }
            cur = *link;
        }
    }
    if (n <= 0)
        return 0;
    return height(&t, 0) * 100 + leaves(&t, 0);
}
