/* Test-only: run one Windows command line exactly as given (UTF-8, in the
   file named by the first argument), as CreateProcessW gets it from Rust's
   Command::raw_arg, with this program's standard handles; print nothing,
   exit with the child's status. `wt` mode stands in for Windows Terminal's
   wt.exe: after "new-tab", `\;` is a literal `;` and the rest is the line
   the new tab runs. */
#include <windows.h>
#include <stdio.h>
#include <string.h>

static wchar_t *widen(const char *s) {
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, NULL, 0);
    wchar_t *w = HeapAlloc(GetProcessHeap(), 0, n * sizeof(wchar_t));
    MultiByteToWideChar(CP_UTF8, 0, s, -1, w, n);
    return w;
}

static void unescape_wt(char *s) {
    const char *tab = "new-tab ";
    char *src = strstr(s, tab), *dst = s;
    if (!src) return;
    for (src += strlen(tab); *src; src++) {
        if (src[0] == '\\' && src[1] == ';') src++;
        *dst++ = *src;
    }
    *dst = 0;
}

int main(int argc, char **argv) {
    static char line[65536];
    FILE *f;
    size_t n;
    STARTUPINFOW si = {sizeof si};
    PROCESS_INFORMATION pi;
    DWORD code = 1;
    if (argc < 2 || !(f = fopen(argv[1], "rb"))) return 2;
    n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = 0;
    if (argc > 2 && !strcmp(argv[2], "wt")) unescape_wt(line);
    if (!CreateProcessW(NULL, widen(line), NULL, NULL, TRUE, 0, NULL, NULL, &si, &pi))
        return 3;
    WaitForSingleObject(pi.hProcess, INFINITE);
    GetExitCodeProcess(pi.hProcess, &code);
    return (int)code;
}
