; Escher's per-user Windows installer (no administrator rights): the
; window program, its command-line twin, a Start-menu entry, the command
; line on PATH if asked, and an uninstaller. Built on Linux with Debian's
; makensis by scripts/windows-installer.sh, which defines BIN (the folder
; of the x86_64-pc-windows-gnu release), ICON, VERSION and OUTFILE.
;
; Silent: `Escher-Setup.exe /S` (add `/PATH` to put escher on PATH,
; `/D=C:\folder` last to choose the folder); `Uninstall.exe /S`.

Unicode true
!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "WordFunc.nsh"
!include "WinMessages.nsh"
!include "StrFunc.nsh"
${StrStr}

!define APP "Escher"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Escher"

Name "${APP}"
OutFile "${OUTFILE}"
RequestExecutionLevel user
InstallDir "$LOCALAPPDATA\Programs\Escher"
InstallDirRegKey HKCU "Software\Escher" "InstallDir"
SetCompressor /SOLID lzma
VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP}"
VIAddVersionKey "FileDescription" "Escher installer"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "Copyright (c) 2026 The Escher authors"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_FINISHPAGE_RUN "$INSTDIR\escher.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Open Escher"
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Section "Escher" SecApp
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "${BIN}\escher.exe"
  ; cmd and PowerShell run escher.com before escher.exe (PATHEXT), so
  ; `escher check` waits and returns its exit status there.
  File "/oname=escher.com" "${BIN}\escher-console.exe"
  File "/oname=escher.ico" "${ICON}"
  WriteUninstaller "$INSTDIR\Uninstall.exe"
  CreateShortCut "$SMPROGRAMS\Escher.lnk" "$INSTDIR\escher.exe" "" "$INSTDIR\escher.ico" 0
  WriteRegStr HKCU "Software\Escher" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "The Escher authors"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\escher.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" "$0"
SectionEnd

Section /o "Add escher to PATH (for cmd and PowerShell)" SecPath
  ; A string holds NSIS_MAX_STRLEN characters: a longer PATH reads as
  ; empty (with the error flag), and writing that back would erase it.
  Call ReadUserPath
  ${If} $0 == "long"
    MessageBox MB_ICONINFORMATION "Your PATH is too long for the installer to change safely, so it was left as it is. To run escher from cmd, add this folder to it yourself: $INSTDIR" /SD IDOK
    Return
  ${EndIf}
  ${StrStr} $2 ";$1;" ";$INSTDIR;"
  ${If} $2 == ""
    ${If} $1 == ""
      WriteRegExpandStr HKCU "Environment" "Path" "$INSTDIR"
    ${Else}
      WriteRegExpandStr HKCU "Environment" "Path" "$1;$INSTDIR"
    ${EndIf}
    WriteRegDWORD HKCU "Software\Escher" "AddedToPath" 1
    SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=2000
  ${EndIf}
SectionEnd

; $0: "ok" and $1 the user's PATH ("" when there is none), or "long" when
; it exists but is too long to read whole (or to add to).
!macro READ_USER_PATH un
Function ${un}ReadUserPath
  StrCpy $0 "ok"
  ClearErrors
  ReadRegStr $1 HKCU "Environment" "Path"
  ${If} ${Errors}
    StrCpy $1 ""
    StrCpy $3 0
    ${Do}
      EnumRegValue $2 HKCU "Environment" $3
      ${IfThen} $2 == "" ${|} ${ExitDo} ${|}
      ${IfThen} $2 == "Path" ${|} StrCpy $0 "long" ${|}
      IntOp $3 $3 + 1
    ${Loop}
  ${EndIf}
  StrLen $2 "$1;$INSTDIR"
  ${IfThen} $2 >= ${NSIS_MAX_STRLEN} ${|} StrCpy $0 "long" ${|}
FunctionEnd
!macroend
!insertmacro READ_USER_PATH ""
!insertmacro READ_USER_PATH "un."

LangString DESC_App ${LANG_ENGLISH} "The Escher window, the escher command line and a Start-menu entry."
LangString DESC_Path ${LANG_ENGLISH} "Type escher in a new cmd or PowerShell window to run it."
!insertmacro MUI_FUNCTION_DESCRIPTION_BEGIN
  !insertmacro MUI_DESCRIPTION_TEXT ${SecApp} $(DESC_App)
  !insertmacro MUI_DESCRIPTION_TEXT ${SecPath} $(DESC_Path)
!insertmacro MUI_FUNCTION_DESCRIPTION_END

Function .onInit
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} "$0" "/PATH" $1
  ${IfNot} ${Errors}
    SectionSetFlags ${SecPath} ${SF_SELECTED}
  ${EndIf}
FunctionEnd

Section "Uninstall"
  Delete "$INSTDIR\escher.exe"
  Delete "$INSTDIR\escher.com"
  Delete "$INSTDIR\escher.ico"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"
  Delete "$SMPROGRAMS\Escher.lnk"
  ReadRegDWORD $0 HKCU "Software\Escher" "AddedToPath"
  ${If} $0 == 1
    Call un.ReadUserPath
    ${If} $0 == "ok"
      ${WordReplace} "$1" ";$INSTDIR" "" "+" $2
      ${If} $2 == "$INSTDIR"
        DeleteRegValue HKCU "Environment" "Path"
      ${Else}
        WriteRegExpandStr HKCU "Environment" "Path" "$2"
      ${EndIf}
      SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=2000
    ${Else}
      MessageBox MB_ICONINFORMATION "Your PATH is too long for the uninstaller to change safely, so it was left as it is; you may remove $INSTDIR from it yourself." /SD IDOK
    ${EndIf}
  ${EndIf}
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\Escher"
SectionEnd
