/* Test-only stand-in for Windows 10's bcryptprimitives.dll, which Wine 8.0
   lacks: Rust's std (1.78+) imports ProcessPrng from it, so no Rust .exe
   starts under Wine without it. It never ships. */
#include <windows.h>
#define SystemFunction036 NTAPI SystemFunction036
#include <ntsecapi.h>
#undef SystemFunction036

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    return RtlGenRandom(data, (ULONG)len);
}
