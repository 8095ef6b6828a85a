/* The scenario's process model shared by both backends (src/scenario/model.c): the table,
 * bindings through fork and exec, addresses, and the "no such process" / kill lines. */
#include "harness.h"

#include "scenario/model.h"

#include <stdlib.h>
#include <string.h>

static unsigned model_test_released;

static void count_release(void *ctx, struct model_proc *p)
{
    (void)ctx;
    (void)p;
    model_test_released++;
}

TEST(scn_model_table_and_bindings)
{
    struct model m = {.release = count_release};
    model_test_released = 0;
    struct model_proc *p = model_add(&m, "P");
    CHECK(p != NULL);
    CHECK_EQ(p->state, MODEL_LIVE);
    CHECK_EQ(model_bind(p, "A", 0x1000), 0);
    CHECK_EQ(model_bind(p, "B", 0x2000), 0);
    CHECK_EQ(model_bind(p, "A", 0x3000), 0); /* rebinding replaces */
    CHECK_EQ(p->nbinds, 2u);

    struct scn_addr a = {.text = "A+8", .name = "A", .off = 8};
    struct scn_addr num = {.text = "0x42", .name = NULL, .off = 0x42};
    CHECK_EQ(model_addr(p, &a), 0x3008u);
    CHECK_EQ(model_addr(p, &num), 0x42u);

    /* many processes: earlier pointers stay valid while the table grows */
    char names[20][16];
    for (int i = 0; i < 20; i++) {
        snprintf(names[i], sizeof names[i], "Q%d", i);
        CHECK(model_add(&m, names[i]) != NULL);
    }
    CHECK(model_find(&m, "P") == p);
    struct model_proc *q = model_find(&m, "Q7");
    CHECK(q != NULL);
    CHECK_EQ(model_inherit(q, p), 0);
    CHECK_EQ(model_addr(q, &a), 0x3008u);
    model_unbind_all(q);
    CHECK_EQ(q->nbinds, 0u);
    CHECK_EQ(p->nbinds, 2u); /* the parent keeps its own */

    model_remove(&m, q);
    CHECK_EQ(model_test_released, 1u);
    CHECK(model_find(&m, "Q7") == NULL);
    CHECK(model_find(&m, "P") == p);
    CHECK_EQ(m.n, 20u);
    model_fini(&m); /* forgets without releasing */
    CHECK_EQ(model_test_released, 1u);
    CHECK_EQ(m.n, 0u);
}

TEST(scn_model_target_and_kill)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    struct model m = {.release = count_release};
    model_test_released = 0;
    struct model_proc *p = model_add(&m, "P");
    struct scn_cmd load = {.kind = SCN_LOAD, .proc = "P"};
    struct scn_cmd exitp = {.kind = SCN_EXIT, .proc = "P"};
    CHECK(model_target(&m, &load, out) == p);
    model_kill(p, "out of memory", out);
    model_kill(p, "out of memory", out); /* once */
    CHECK_EQ(p->state, MODEL_KILLED);
    CHECK(model_target(&m, &load, out) == NULL);
    CHECK(model_find(&m, "P") == p); /* a load does not forget it */
    CHECK(model_target(&m, &exitp, out) == NULL);
    CHECK(model_find(&m, "P") == NULL); /* exit does */
    CHECK_EQ(model_test_released, 1u);
    fclose(out);
    CHECK_STR(buf, "P killed: out of memory\nP: no such process\nP: no such process\n");
    free(buf);
    model_fini(&m);
}
