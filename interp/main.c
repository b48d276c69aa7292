/* main.c -- the cmref command line (placeholder until the CLI lands). */
#include <stdio.h>
int main(void) { puts("cmref"); return 0; }
