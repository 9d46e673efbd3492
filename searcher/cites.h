/* searcher/cites.h (private): how often the other texts of the index cite
 * each work (cites.c), a question's prior of a law's importance. */
#ifndef GZ_SEARCHER_CITES_H
#define GZ_SEARCHER_CITES_H

#include "searcher/index.h"

/* A cited work's weight for questions: 1 + W_CITED x ln(1 + n), n the
 * works (and the documents that are no version of a work) whose text
 * names it in 《》, itself aside. As a link count in web search: a law
 * that many others build on is one a question asks about sooner. */
#define W_CITED 0.05

/* Counts the citations of every work once per snapshot, from the stored
 * texts, and multiplies each document's question prior (sr_segtab.prior)
 * by its work's weight over the most cited work's: the priors stay in
 * (0, 1], and their order is that of the weights. Run at the first
 * question, or when the index is shared (the tables no longer change
 * then). */
gz_status sr_cites_ready(sr_index *ix);

#endif
