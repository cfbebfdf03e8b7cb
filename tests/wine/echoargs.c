/* Test-only stand-in for aws.exe: print the arguments as a Windows
   program's C runtime parses them from its command line. */
#include <stdio.h>

int main(int argc, char **argv) {
    printf("aws ran with:");
    for (int i = 1; i < argc; i++) printf(" [%s]", argv[i]);
    printf("\n");
    return 0;
}
