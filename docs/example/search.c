/* docs/example/search.c: search an index with libgazette and print the hits.
 *
 *   gazette index sample --index idx
 *   cc search.c $(pkg-config --cflags --libs gazette) -o search
 *   ./search idx 职工代表大会
 */
#include <gazette.h>

#include <stdio.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s INDEX_DIR QUERY\n", argv[0]);
        return 2;
    }
    gazette_error err;
    gazette_index *ix;
    if (gazette_open(argv[1], &ix, &err) != GAZETTE_OK) {
        fprintf(stderr, "search: %s\n", err.msg);
        return 2;
    }
    gazette_query q;
    gazette_query_init(&q);
    q.text = argv[2];
    q.n = 5;
    const gazette_page *page;
    if (gazette_search(ix, &q, &page, &err) != GAZETTE_OK) {
        fprintf(stderr, "search: %s\n", err.msg);
        gazette_close(ix);
        return 2;
    }
    /* the page is borrowed from ix: read it before the next call */
    printf("%zu hits for %s (libgazette %s)\n", page->total, page->query, gazette_version());
    for (size_t i = 0; i < page->n_hits; i++) {
        const gazette_hit *h = &page->hits[i];
        printf("%zu. %s %s [%s]\n   %.*s\n", i + 1, h->doc.title, h->unit.label, h->doc.id, (int)h->snippet_len,
               h->snippet);
    }
    int rc = page->n_hits ? 0 : 1;
    gazette_close(ix); /* frees the page too */
    return rc;
}
