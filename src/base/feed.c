/* The producer/consumer ring of feed.h: one mutex and one condition variable; each side
 * signals only when the other sleeps, and the producer is woken only once half the ring is
 * free (fewer wake-ups: they are expensive on a virtual machine). */
#include "base/feed.h"

#include <pthread.h>

#include "base/alloc.h"
#include "base/err.h"

struct feed {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned n;          /* slots */
    unsigned head, tail; /* tail - head = slots filled (the one taken included) */
    bool taken;          /* the consumer holds slot head */
    bool stop;           /* feed_stop: end after the fill in progress */
    bool producer_waits, consumer_waits;
    long *result; /* per slot */
    feed_fill_fn fill;
    void *ctx;
};

static void *feed_main(void *arg)
{
    struct feed *f = arg;
    for (;;) {
        pthread_mutex_lock(&f->mu);
        while (f->tail - f->head == f->n && !f->stop) {
            f->producer_waits = true;
            pthread_cond_wait(&f->cv, &f->mu);
        }
        f->producer_waits = false;
        bool stop = f->stop;
        unsigned slot = f->tail % f->n;
        pthread_mutex_unlock(&f->mu);
        if (stop)
            break;
        long r = f->fill(f->ctx, slot);
        pthread_mutex_lock(&f->mu);
        f->result[slot] = r;
        f->tail++;
        if (f->consumer_waits)
            pthread_cond_broadcast(&f->cv);
        pthread_mutex_unlock(&f->mu);
        if (r <= 0)
            break;
    }
    return NULL;
}

int feed_start(struct feed **out, unsigned nslots, feed_fill_fn fill, void *ctx)
{
    *out = NULL;
    struct feed *f = vms_calloc(1, sizeof *f);
    long *result = vms_calloc(nslots, sizeof *result);
    if (!f || !result) {
        vms_free(f);
        vms_free(result);
        return -VMS_ENOMEM;
    }
    *f = (struct feed){.n = nslots, .result = result, .fill = fill, .ctx = ctx};
    if (pthread_mutex_init(&f->mu, NULL) != 0)
        goto no_thread;
    if (pthread_cond_init(&f->cv, NULL) != 0) {
        pthread_mutex_destroy(&f->mu);
        goto no_thread;
    }
    if (pthread_create(&f->th, NULL, feed_main, f) != 0) {
        pthread_cond_destroy(&f->cv);
        pthread_mutex_destroy(&f->mu);
        goto no_thread;
    }
    *out = f;
    return 1;
no_thread:
    vms_free(result);
    vms_free(f);
    return 0;
}

long feed_next(struct feed *f, unsigned *slot)
{
    pthread_mutex_lock(&f->mu);
    if (f->taken && f->result[f->head % f->n] > 0) { /* give the used slot back */
        f->head++;
        if (f->producer_waits && f->tail - f->head <= f->n / 2)
            pthread_cond_broadcast(&f->cv);
    }
    f->taken = false;
    while (f->tail == f->head) {
        f->consumer_waits = true;
        pthread_cond_wait(&f->cv, &f->mu);
    }
    f->consumer_waits = false;
    f->taken = true;
    *slot = f->head % f->n;
    long r = f->result[*slot];
    pthread_mutex_unlock(&f->mu);
    return r;
}

void feed_stop(struct feed *f)
{
    if (!f)
        return;
    pthread_mutex_lock(&f->mu);
    f->stop = true;
    pthread_cond_broadcast(&f->cv);
    pthread_mutex_unlock(&f->mu);
    pthread_join(f->th, NULL);
    pthread_cond_destroy(&f->cv);
    pthread_mutex_destroy(&f->mu);
    vms_free(f->result);
    vms_free(f);
}
