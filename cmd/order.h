/* order.h: mtranslate's pieces, written strictly in input order. */
#ifndef ORDER_H
#define ORDER_H

#include "piece.h"

int order_add(struct job *, char *text, size_t len, int live);
/* A piece answered; cut: for length, so it is redone in two parts. */
void order_done(struct job *, struct piece *, int cut);
void order_fail(struct job *, struct piece *, const struct ms_error *);
void order_flush(struct job *);
void order_release(struct job *);

#endif
