/* Private to src/screen: what the readers and the window cutter share. */
#ifndef DACC_SCREEN_SEQ_INTERNAL_H
#define DACC_SCREEN_SEQ_INTERNAL_H

/* 1 when c (upper case) is A, C, G, T, U or an IUPAC ambiguity code. */
int screen_is_nucleotide(char c);

#endif
