#include "common/probe.h"

#include <criterion/criterion.h>

Test(probe, starts_at_the_low_bits_of_the_hash)
{
    cr_assert_eq(gz_probe_first(0x123456789ABCDEF5ull, 16), 5);
    cr_assert_eq(gz_probe_first(UINT64_MAX, 1024), 1023);
}

Test(probe, visits_every_slot_once_and_wraps)
{
    enum { CAP = 64 };
    int seen[CAP] = {0};
    size_t at = gz_probe_first(61, CAP);
    for (int k = 0; k < CAP; k++, at = gz_probe_next(at, CAP))
        seen[at]++;
    for (int i = 0; i < CAP; i++)
        cr_assert_eq(seen[i], 1, "slot %d visited %d times", i, seen[i]);
    cr_assert_eq(at, 61, "back at the start after CAP steps");
    cr_assert_eq(gz_probe_next(CAP - 1, CAP), 0);
}

/* Backward-shift deletion keeps every entry reachable from its home. */
Test(probe, backward_shift_keeps_entries_reachable)
{
    enum { CAP = 8 };
    /* homes of the keys 1..6; slot value 0 is empty */
    const size_t home[7] = {0, 6, 6, 0, 0, 1, 3}; /* 3 and 6 end at their homes */
    for (int del = 1; del <= 6; del++) {
        int slot[CAP] = {0};
        for (int k = 1; k <= 6; k++) {
            size_t at = gz_probe_first(home[k], CAP);
            while (slot[at])
                at = gz_probe_next(at, CAP);
            slot[at] = k;
        }
        size_t hole = 0;
        while (slot[hole] != del)
            hole++;
        slot[hole] = 0;
        for (size_t i = gz_probe_next(hole, CAP); slot[i]; i = gz_probe_next(i, CAP))
            if (gz_probe_can_fill(hole, i, home[slot[i]])) {
                slot[hole] = slot[i];
                slot[i] = 0;
                hole = i;
            }
        for (int k = 1; k <= 6; k++) {
            size_t at = gz_probe_first(home[k], CAP);
            while (slot[at] && slot[at] != k)
                at = gz_probe_next(at, CAP);
            cr_assert_eq(slot[at], k == del ? 0 : k, "key %d after deleting %d", k, del);
        }
    }
}
