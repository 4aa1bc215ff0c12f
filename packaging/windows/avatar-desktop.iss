; Inno Setup script: a per-user installer of the folder dist\avatar-desktop (no administrator
; rights), with a Start menu entry, an optional desktop icon, avatar-cli on the user's PATH and
; an uninstaller. Built by packaging\build.py on Windows when Inno Setup 6 (iscc) is installed:
;   iscc /DAppVersion=0.1.0 /DSourceDir=dist\avatar-desktop /DOutputDir=dist
;        /DOutputName=avatar-desktop-0.1.0-windows-x86_64-setup packaging\windows\avatar-desktop.iss
; Uninstalling removes what was installed, never the user's data folder
; (%LOCALAPPDATA%\AvatarDesktop) nor the token in Credential Manager.

#ifndef AppVersion
  #error Pass /DAppVersion=...
#endif

[Setup]
AppId={{6C3C2D9E-8E0B-4B7B-9C55-2E7F4B1D6A10}
AppName=Avatar Desktop
AppVersion={#AppVersion}
AppVerName=Avatar Desktop {#AppVersion}
AppPublisher=Avatar Desktop
DefaultDirName={autopf}\Avatar Desktop
DefaultGroupName=Avatar Desktop
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename={#OutputName}
SetupIconFile=..\..\build\bundle\icons\avatar-desktop.ico
UninstallDisplayIcon={app}\avatar-desktop.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ChangesEnvironment=yes

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "Add avatar-cli to PATH"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Avatar Desktop"; Filename: "{app}\avatar-desktop.exe"
Name: "{group}\{cm:UninstallProgram,Avatar Desktop}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Avatar Desktop"; Filename: "{app}\avatar-desktop.exe"; Tasks: desktopicon

[Registry]
; avatar-cli on the user's PATH (per-user install: HKCU)
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\avatar-desktop.exe"; Description: "{cm:LaunchProgram,Avatar Desktop}"; Flags: nowait postinstall skipifsilent

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Current: string;
begin
  if not RegQueryStringValue(HKEY_CURRENT_USER, 'Environment', 'Path', Current) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Current) + ';') = 0;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Current, Dir: string;
  Index: Integer;
begin
  if CurUninstallStep <> usPostUninstall then
    exit;
  Dir := ExpandConstant('{app}');
  if RegQueryStringValue(HKEY_CURRENT_USER, 'Environment', 'Path', Current) then
  begin
    Index := Pos(';' + Uppercase(Dir), Uppercase(Current));
    if Index > 0 then
    begin
      Delete(Current, Index, Length(Dir) + 1);
      RegWriteExpandStringValue(HKEY_CURRENT_USER, 'Environment', 'Path', Current);
    end;
  end;
end;
