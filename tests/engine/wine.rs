//! The Windows build (`x86_64-pc-windows-gnu`, release) run under Wine, as
//! a Windows user would run it: from cmd, in a folder with a space in a
//! profile whose user name is not ASCII (`C:\users\Zoë Núñez`), reading
//! `%USERPROFILE%\.aws` files with CRLF line ends and settings from
//! `%APPDATA%`, with exit codes as cmd's `%errorlevel%` shows them.
//!
//! `ESCHER_WINDOWS_BIN` names the folder of that build (`.ci/run` sets it).
//! Without it these tests say so and pass, except under CI, where they fail.
//! Wine 8.0 lacks `bcryptprimitives.dll`, which Rust's std imports; a
//! stand-in (tests/wine/processprng.c) is built with mingw into the prefix.

use crate::common::{FakeAws, FakeIdentity};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

pub const USER: &str = "Zoë Núñez";
const WINE: &str = "/usr/lib/wine/wine64";
/// Where the programs are copied, as Windows names it and as Linux does.
const TOOLS: &str = r"C:\users\Zoë Núñez\My Tools";

pub struct Prefix {
    root: PathBuf,
    bin: PathBuf,
}

/// The one prefix of this run, set up once; tests take turns (one
/// wineserver, one user profile).
pub fn prefix() -> Option<MutexGuard<'static, Prefix>> {
    static PREFIX: OnceLock<Option<Mutex<Prefix>>> = OnceLock::new();
    let p = PREFIX.get_or_init(|| {
        let Some(bin) = std::env::var_os("ESCHER_WINDOWS_BIN") else {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI must run the Windows build under Wine: set ESCHER_WINDOWS_BIN"
            );
            eprintln!("skipped: set ESCHER_WINDOWS_BIN to run the Windows build under Wine");
            return None;
        };
        Some(Mutex::new(Prefix::make(PathBuf::from(bin))))
    });
    p.as_ref()
        .map(|m| m.lock().unwrap_or_else(|e| e.into_inner()))
}

impl Prefix {
    fn make(bin: PathBuf) -> Prefix {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wine-prefix");
        let p = Prefix { root, bin };
        if !p.root.join("system.reg").exists() {
            let _ = std::fs::remove_dir_all(&p.root);
            let o = p.wine(&["wineboot", "--init"], &[]);
            assert!(o.status.success(), "wineboot: {}", text(&o.stderr));
        }
        let system32 = p.root.join("drive_c/windows/system32");
        mingw(
            &["-shared", "-O2", "-o"],
            &system32.join("bcryptprimitives.dll"),
            &["processprng.c", "processprng.def", "-ladvapi32"],
        );
        let tools = p.linux(TOOLS);
        std::fs::create_dir_all(&tools).unwrap();
        mingw(&["-O2", "-o"], &tools.join("rawrun.exe"), &["rawrun.c"]);
        copy(&p.bin.join("escher.exe"), &tools.join("escher.exe"));
        copy(&p.bin.join("escher-console.exe"), &tools.join("escher.com"));
        // Keep one wineserver up while the tests run: each start is seconds.
        let _ = p.command("/usr/lib/wine/wineserver").arg("-p30").status();
        p
    }

    /// A command under this prefix, as this user, quiet, with no display.
    pub fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("WINEPREFIX", &self.root)
            .env("WINEDEBUG", "-all")
            .env("USER", USER)
            .env("LANG", "C.UTF-8")
            .env_remove("DISPLAY")
            .env_remove("HOME")
            .env_remove("AWS_ENDPOINT_URL");
        c
    }

    pub fn wine(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        self.command(WINE)
            .args(args)
            .envs(env.iter().copied())
            .output()
            .expect("wine64 runs")
    }

    /// The Linux path of a `C:\…` path in this prefix.
    pub fn linux(&self, windows: &str) -> PathBuf {
        let rest = windows.strip_prefix(r"C:\").expect("a C: path");
        let mut p = self.root.join("drive_c");
        p.extend(rest.split('\\'));
        p
    }

    /// `%USERPROFILE%` on the Linux side.
    pub fn profile_dir(&self) -> PathBuf {
        self.linux(&format!(r"C:\users\{USER}"))
    }

    /// Write `%USERPROFILE%\.aws\NAME` with Windows line ends.
    pub fn aws_file(&self, name: &str, text: &str) {
        let dir = self.profile_dir().join(".aws");
        std::fs::create_dir_all(dir.join("sso/cache")).unwrap();
        std::fs::write(dir.join(name), crlf(text)).unwrap();
    }

    /// `%APPDATA%\Escher`, where the settings live.
    pub fn settings_dir(&self) -> PathBuf {
        self.profile_dir().join("AppData/Roaming/Escher")
    }

    /// Escher's settings file in `%APPDATA%`, as `json`.
    pub fn settings(&self, json: &str) {
        std::fs::create_dir_all(self.settings_dir()).unwrap();
        std::fs::write(self.settings_dir().join("settings.json"), json).unwrap();
    }

    /// Run these batch lines from cmd (in a `.bat`, so each line's
    /// `%errorlevel%` is read after the line before ran), in `TOOLS`.
    pub fn batch(&self, lines: &[&str], env: &[(&str, &str)]) -> Output {
        // ASCII only: cmd reads a batch file in the console's code page.
        let script = format!(
            "@echo off\r\ncd /d \"%USERPROFILE%\\My Tools\"\r\n{}\r\n",
            lines.join("\r\n")
        );
        std::fs::create_dir_all(self.linux(r"C:\t")).unwrap();
        std::fs::write(self.linux(r"C:\t\run.bat"), script).unwrap();
        self.wine(&["cmd", "/c", r"C:\t\run.bat"], env)
    }
}

fn copy(from: &Path, to: &Path) {
    std::fs::copy(from, to).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
}

/// Build one of tests/wine's C sources with mingw.
fn mingw(flags: &[&str], out: &Path, sources: &[&str]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wine");
    let o = Command::new("x86_64-w64-mingw32-gcc")
        .args(flags)
        .arg(out)
        .args(sources.iter().map(|s| {
            if s.starts_with('-') {
                PathBuf::from(s)
            } else {
                dir.join(s)
            }
        }))
        .output()
        .expect("x86_64-w64-mingw32-gcc (gcc-mingw-w64-x86-64) runs");
    assert!(o.status.success(), "mingw: {}", text(&o.stderr));
}

pub fn crlf(s: &str) -> String {
    s.replace("\r\n", "\n").replace('\n', "\r\n")
}

pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The `errorlevel=N` lines a batch echoed, in order.
fn levels(o: &Output) -> Vec<i32> {
    text(&o.stdout)
        .lines()
        .filter_map(|l| l.trim().strip_prefix("errorlevel=")?.parse().ok())
        .collect()
}

/// The PE header's subsystem: 2 a GUI program, 3 a console program.
fn subsystem(exe: &Path) -> u16 {
    let b = std::fs::read(exe).unwrap_or_else(|e| panic!("{}: {e}", exe.display()));
    let at = u32::from_le_bytes(b[0x3c..0x40].try_into().unwrap()) as usize;
    assert_eq!(
        &b[at..at + 4],
        b"PE\0\0",
        "{} is not a PE file",
        exe.display()
    );
    u16::from_le_bytes(b[at + 24 + 68..at + 24 + 70].try_into().unwrap())
}

const CONFIG: &str = "[profile prod]\nregion = us-east-1\n\
    [profile dev]\nregion = eu-west-1\n\
    [profile me]\nsso_session = corp\nsso_account_id = 111111111111\nsso_role_name = ReadOnly\nregion = eu-west-1\n\
    [sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n";
const CREDENTIALS: &str = "[prod]\naws_access_key_id = AKIAPROD\naws_secret_access_key = s3cret\n\
    [dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = wrong\n";

fn stand_in_aws() -> FakeAws {
    let aws = FakeAws::start();
    aws.user(
        "AKIAPROD",
        "s3cret",
        FakeIdentity::user("123456789012", "alice"),
    );
    aws.user(
        "AKIADEV",
        "right",
        FakeIdentity::user("111122223333", "dev"),
    );
    aws
}

/// The image data of an `.ico` file's last (largest) image.
fn largest_icon_image(ico: &[u8]) -> &[u8] {
    let count = u16::from_le_bytes([ico[4], ico[5]]) as usize;
    let entry = &ico[6 + 16 * (count - 1)..6 + 16 * count];
    let size = u32::from_le_bytes(entry[8..12].try_into().unwrap()) as usize;
    let at = u32::from_le_bytes(entry[12..16].try_into().unwrap()) as usize;
    &ico[at..at + size]
}

#[test]
fn the_programs_are_a_gui_program_and_its_console_twin_with_escher_s_icon() {
    let Some(p) = prefix() else { return };
    assert_eq!(subsystem(&p.bin.join("escher.exe")), 2, "escher.exe: GUI");
    assert_eq!(
        subsystem(&p.bin.join("escher-console.exe")),
        3,
        "escher.com: console"
    );
    // Explorer and the taskbar show the icon the program carries.
    let ico = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/icons/escher.ico");
    let ico = std::fs::read(ico).unwrap();
    let image = largest_icon_image(&ico);
    for exe in ["escher.exe", "escher-console.exe"] {
        let bytes = std::fs::read(p.bin.join(exe)).unwrap();
        let carries = bytes.windows(image.len()).any(|w| w == image);
        assert!(carries, "{exe} carries Escher's icon");
    }
}

#[test]
fn profiles_and_check_from_cmd_read_crlf_files_and_return_exit_codes() {
    let Some(p) = prefix() else { return };
    let aws = stand_in_aws();
    p.aws_file("config", CONFIG);
    p.aws_file("credentials", CREDENTIALS);
    let _ = std::fs::remove_dir_all(p.settings_dir());
    let o = p.batch(
        &[
            "escher profiles",
            "echo errorlevel=%errorlevel%",
            "escher check prod",
            "echo errorlevel=%errorlevel%",
            "escher check prod dev",
            "echo errorlevel=%errorlevel%",
            "escher check --timeout 0",
            "echo errorlevel=%errorlevel%",
        ],
        &[("AWS_ENDPOINT_URL", &aws.url)],
    );
    let out = text(&o.stdout);
    assert_eq!(levels(&o), [0, 0, 1, 2], "{out}\n{}", text(&o.stderr));
    for name in ["prod", "dev", "me"] {
        assert!(out.lines().any(|l| l.starts_with(name)), "{name}: {out}");
    }
    assert!(out.contains("prod  pass"), "{out}");
    assert!(
        out.contains("arn:aws:iam::123456789012:user/alice"),
        "{out}"
    );
    assert!(
        out.lines()
            .any(|l| l.starts_with("dev ") && l.contains(" FAIL ")),
        "{out}"
    );
    assert_eq!(aws.sts_calls(), 3, "one request per profile checked");
}

#[test]
fn check_with_no_names_checks_the_profiles_switched_on_in_appdata() {
    let Some(p) = prefix() else { return };
    let aws = stand_in_aws();
    p.aws_file("config", CONFIG);
    p.aws_file("credentials", CREDENTIALS);
    p.settings(r#"{"schema_version":1,"profiles":[
            {"name":"prod","enabled":true,"kind":"access_keys","region":null,"identity":null,"verified_at":null},
            {"name":"dev","enabled":false,"kind":"access_keys","region":null,"identity":null,"verified_at":null}]}"#);
    let o = p.batch(
        &["escher check", "echo errorlevel=%errorlevel%"],
        &[("AWS_ENDPOINT_URL", &aws.url)],
    );
    let out = text(&o.stdout);
    assert_eq!(levels(&o), [0], "{out}\n{}", text(&o.stderr));
    assert!(out.starts_with("prod  pass"), "{out}");
    assert!(!out.contains("dev"), "{out}");
    std::fs::remove_dir_all(p.settings_dir()).unwrap();
}

#[test]
fn sso_accounts_reads_the_token_cache_under_userprofile() {
    let Some(p) = prefix() else { return };
    let aws = FakeAws::start();
    aws.sso_assignment("tok", "111111111111", "ReadOnly", "AKIARO")
        .sso_assignment("tok", "222222222222", "Admin", "AKIAADMIN")
        .account_name("111111111111", "Prod")
        .account_name("222222222222", "Dev");
    p.aws_file("config", CONFIG);
    p.aws_file("credentials", "");
    let cache = p.profile_dir().join(".aws/sso/cache");
    crate::common::write_sso_token(&cache, "corp", "tok", 3600);
    let o = p.batch(
        &["escher sso accounts me", "echo errorlevel=%errorlevel%"],
        &[("AWS_ENDPOINT_URL", &aws.url)],
    );
    let out = text(&o.stdout);
    assert_eq!(levels(&o), [0], "{out}\n{}", text(&o.stderr));
    assert!(
        out.contains("111111111111") && out.contains("222222222222"),
        "{out}"
    );
    assert!(out.contains("me"), "the profile already there: {out}");
}

/// A stand-in `az.cmd` replaying the recorded Azure CLI, byte for byte,
/// with `type`: a signed-out az (tests/fixtures/az).
fn az_cmd(p: &Prefix) -> PathBuf {
    let dir = p.profile_dir().join("Azure CLI");
    std::fs::create_dir_all(&dir).unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/az");
    // Escher runs two az at once: each reply leaves its own mark (a shared
    // log would lose a line when both append at the same moment).
    let mut script = String::from("@echo off\r\n");
    for (args, case) in [
        ("version -o json", "version"),
        ("cloud show -o json", "cloud-show-public"),
        ("account list --all -o json", "not-signed-in-list"),
    ] {
        for ext in ["stdout", "stderr"] {
            copy(
                &fixtures.join(case).join(ext),
                &dir.join(format!("{case}.{ext}")),
            );
        }
        let exit = std::fs::read_to_string(fixtures.join(case).join("exit")).unwrap();
        script.push_str(&format!(
            "if \"%*\"==\"{args}\" (\r\n  type nul > \"%~dp0ran-{case}\"\r\n  type \"%~dp0{case}.stdout\"\r\n  type \"%~dp0{case}.stderr\" 1>&2\r\n  exit /b {}\r\n)\r\n",
            exit.trim()
        ));
    }
    script.push_str("echo ERROR: the stand-in az was asked for: %* 1>&2\r\nexit /b 64\r\n");
    std::fs::write(dir.join("az.cmd"), script).unwrap();
    let _ = std::fs::remove_file(dir.join("ran-not-signed-in-list"));
    dir
}

#[test]
fn azure_runs_az_cmd_from_path_and_says_how_to_sign_in() {
    let Some(p) = prefix() else { return };
    let dir = az_cmd(&p);
    let o = p.batch(
        &[
            r#"set "PATH=%USERPROFILE%\Azure CLI;%PATH%""#,
            "escher azure",
            "echo errorlevel=%errorlevel%",
        ],
        &[],
    );
    let (out, err) = (text(&o.stdout), text(&o.stderr));
    assert_eq!(levels(&o), [1], "{out}\n{err}");
    assert!(err.contains("az login"), "the command to run: {err}");
    assert!(
        dir.join("ran-not-signed-in-list").exists(),
        "az account list --all -o json ran"
    );
}

/// Wait for `f` to hold, up to `limit`.
pub fn wait_for(limit: Duration, mut f: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + limit;
    while Instant::now() < end {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    f()
}

/// A stand-in `aws.exe` in `%USERPROFILE%\AWS CLI` that prints its
/// arguments as the real one's C runtime would parse them.
fn aws_exe(p: &Prefix) -> String {
    let dir = p.profile_dir().join("AWS CLI");
    std::fs::create_dir_all(&dir).unwrap();
    mingw(&["-O2", "-o"], &dir.join("aws.exe"), &["echoargs.c"]);
    r"C:\users\Zoë Núñez\AWS CLI".to_owned()
}

/// Run a launcher's command line in Wine as Windows gets it from
/// `terminal::open` (the program, a space, the raw tail), with no input,
/// so `cmd /K` ends once it has run the line.
fn run_launch(p: &Prefix, launch: &escher::terminal::Launch, mode: &[&str]) -> Output {
    let line = format!("{} {}", launch.program, launch.raw_tail.as_deref().unwrap());
    std::fs::create_dir_all(p.linux(r"C:\t")).unwrap();
    std::fs::write(p.linux(r"C:\t\line.txt"), line).unwrap();
    let rawrun = format!(r"{TOOLS}\rawrun.exe");
    let mut args = vec![rawrun.as_str(), r"C:\t\line.txt"];
    args.extend(mode);
    p.command(WINE)
        .args(&args)
        .env("WINEPATH", aws_exe(p))
        .stdin(std::process::Stdio::null())
        .output()
        .expect("wine64 runs")
}

fn renew_request(name: &str) -> escher::terminal::TerminalRequest {
    let argv = ["aws", "sso", "login", "--profile", name].map(str::to_owned);
    let title = format!("Escher: renew (SSO) & sign in; profile {name}");
    escher::terminal::TerminalRequest::one(title, argv.to_vec())
}

#[test]
fn the_command_prompt_line_prints_the_guide_and_keeps_bangs_literal() {
    let Some(p) = prefix() else { return };
    let name = "dev!PATH!x";
    let launch = escher::terminal::windows_launch(&renew_request(name)).unwrap();
    let o = run_launch(&p, &launch, &[]);
    let out = text(&o.stdout);
    assert!(
        out.contains("Escher: renew (SSO) & sign in; profile dev!PATH!x"),
        "the guide as written: {out}\n{}",
        text(&o.stderr)
    );
    assert!(
        out.contains("aws ran with: [sso] [login] [--profile] [dev!PATH!x]"),
        "{out}"
    );
    // `%` has no escape cmd honours everywhere: the launcher says so instead.
    assert!(escher::terminal::windows_launch(&renew_request("dev%PATH%")).is_err());
}

#[test]
fn the_windows_terminal_line_runs_the_same_guide_in_a_new_tab() {
    let Some(p) = prefix() else { return };
    let launch = escher::terminal::windows_terminal_launch(&renew_request("dev!x!")).unwrap();
    assert_eq!(launch.program, "wt.exe");
    let o = run_launch(&p, &launch, &["wt"]);
    let out = text(&o.stdout);
    assert!(
        out.contains("Escher: renew (SSO) & sign in; profile dev!x!"),
        "{out}"
    );
    assert!(
        out.contains("aws ran with: [sso] [login] [--profile] [dev!x!]"),
        "{out}"
    );
}

/// An X display of its own (Xvfb), ended when dropped.
struct Display {
    name: String,
    server: std::process::Child,
}

impl Display {
    fn start() -> Display {
        let n = 40 + std::process::id() % 50;
        let server = Command::new("Xvfb")
            .args([
                &format!(":{n}"),
                "-screen",
                "0",
                "1440x900x24",
                "-nolisten",
                "tcp",
            ])
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("Xvfb (package xvfb) runs");
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
        assert!(
            wait_for(Duration::from_secs(10), || socket.exists()),
            "Xvfb :{n}"
        );
        Display {
            name: format!(":{n}"),
            server,
        }
    }

    fn xdotool(&self, args: &[&str]) -> String {
        let o = Command::new("xdotool")
            .args(args)
            .env("DISPLAY", &self.name)
            .output()
            .expect("xdotool (package xdotool) runs");
        text(&o.stdout).trim().to_owned()
    }

    fn screenshot(&self, to: &Path) {
        let o = Command::new("import")
            .args(["-window", "root"])
            .arg(to)
            .env("DISPLAY", &self.name)
            .output()
            .expect("import (package imagemagick) runs");
        assert!(o.status.success(), "import: {}", text(&o.stderr));
    }
}

impl Drop for Display {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// Where a test leaves what a reviewer looks at (screenshots).
fn keep(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wine-screens");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Replace a file as editors and `aws configure` do: write beside it,
/// then rename over it.
fn replace(path: &Path, text: &str) {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, crlf(text)).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn the_window_opens_and_rechecks_by_itself_when_the_credentials_are_replaced() {
    let Some(p) = prefix() else { return };
    let aws = stand_in_aws();
    p.aws_file("config", CONFIG);
    p.aws_file(
        "credentials",
        "[dev]\naws_access_key_id = AKIAOLD\naws_secret_access_key = x\n",
    );
    p.settings(r#"{"schema_version":1,"step":"connect_aws","method":"AccessKeys","profiles":[]}"#);
    let x = Display::start();
    let log = keep("escher-stderr.txt");
    let mut app = p
        .command(WINE)
        .arg(format!(r"{TOOLS}\escher.exe"))
        .env("DISPLAY", &x.name)
        .env("AWS_ENDPOINT_URL", &aws.url)
        .env("ESCHER_TRACE_STARTUP", "1")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .expect("wine64 runs");
    let started = Instant::now();
    let mut window = String::new();
    let up = wait_for(Duration::from_secs(90), || {
        window = x.xdotool(&["search", "--onlyvisible", "--name", "^Escher$"]);
        !window.is_empty()
    });
    let shown = started.elapsed();
    let said = std::fs::read_to_string(&log).unwrap_or_default();
    if !up {
        let _ = app.kill();
        panic!("no Escher window within 90 s; escher.exe said: {said}");
    }
    eprintln!(
        "wine: window mapped {} ms after wine64 started; {said}",
        shown.as_millis()
    );
    // The name field has the keyboard when Connect AWS opens.
    std::thread::sleep(Duration::from_secs(3));
    x.screenshot(&keep("connect-aws.png"));
    x.xdotool(&["windowactivate", "--sync", window.lines().next().unwrap()]);
    x.xdotool(&["type", "--delay", "60", "dev"]);
    x.xdotool(&["key", "Return"]);
    let first = wait_for(Duration::from_secs(30), || aws.sts_calls() >= 1);
    x.screenshot(&keep("connect-aws-failed.png"));
    // The keys are fixed in the terminal: the watch sees the file replaced.
    replace(
        &p.profile_dir().join(".aws/credentials"),
        "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = right\n",
    );
    let again = wait_for(Duration::from_secs(30), || aws.sts_calls() >= 2);
    std::thread::sleep(Duration::from_secs(2));
    x.screenshot(&keep("connect-aws-passed.png"));
    let _ = app.kill();
    let _ = app.wait();
    let _ = std::fs::remove_dir_all(p.settings_dir());
    let seen = aws.sts_requests();
    assert!(first, "Enter in the name field ran Re-check: {seen:?}");
    assert!(seen[0].starts_with("AKIAOLD "), "{seen:?}");
    assert!(
        again,
        "Re-check by itself after the file was replaced: {seen:?}"
    );
    assert!(seen[1].starts_with("AKIADEV "), "{seen:?}");
}

/// `reg query` of one value, as cmd prints it (empty when absent).
fn reg_query(p: &Prefix, key: &str, value: &str) -> String {
    text(&p.wine(&["reg", "query", key, "/v", value], &[]).stdout)
}

#[test]
fn the_installer_installs_for_this_user_and_the_uninstaller_leaves_nothing() {
    let Some(p) = prefix() else { return };
    let setup = p.bin.join("Escher-Setup.exe");
    assert!(
        setup.exists(),
        "run scripts/windows-installer.sh first: {}",
        setup.display()
    );
    let before = reg_query(&p, r"HKCU\Environment", "Path");
    let o = p.wine(&[setup.to_str().unwrap(), "/S", "/PATH"], &[]);
    assert!(o.status.success(), "install: {}", text(&o.stderr));
    let dir = p.profile_dir().join("AppData/Local/Programs/Escher");
    for f in ["escher.exe", "escher.com", "escher.ico", "Uninstall.exe"] {
        assert!(dir.join(f).exists(), "{f} in {}", dir.display());
    }
    let shortcut = p
        .profile_dir()
        .join("AppData/Roaming/Microsoft/Windows/Start Menu/Programs/Escher.lnk");
    let lnk = std::fs::read(&shortcut).expect("the Start-menu entry");
    let target: Vec<u8> = r"Programs\Escher\escher.exe"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    assert!(
        lnk.windows(target.len()).any(|w| w == target)
            || lnk.windows(26).any(|w| w == br"Programs\Escher\escher.exe"),
        "the entry opens escher.exe"
    );
    let installed = r"C:\users\Zoë Núñez\AppData\Local\Programs\Escher";
    let path = reg_query(&p, r"HKCU\Environment", "Path");
    assert!(
        path.contains(r"\AppData\Local\Programs\Escher"),
        "on PATH: {path}"
    );
    let uninstall = reg_query(
        &p,
        r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Escher",
        "QuietUninstallString",
    );
    assert!(uninstall.contains("Uninstall.exe"), "in Apps: {uninstall}");
    // Escher runs from there, found on PATH by a new cmd.
    let o = p.batch(
        &[
            r#"set "PATH=%PATH%;%LOCALAPPDATA%\Programs\Escher""#,
            "cd \\",
            "escher --version",
            "echo errorlevel=%errorlevel%",
        ],
        &[],
    );
    assert_eq!(levels(&o), [0], "{}{}", text(&o.stdout), text(&o.stderr));
    assert!(text(&o.stdout).contains(&format!("escher {}", env!("CARGO_PKG_VERSION"))));
    let o = p.wine(&[&format!(r"{installed}\Uninstall.exe"), "/S"], &[]);
    assert!(o.status.success(), "uninstall: {}", text(&o.stderr));
    // The uninstaller runs on from a copy in %TEMP% and ends by itself.
    let gone = wait_for(Duration::from_secs(30), || !dir.exists());
    assert!(
        gone,
        "left behind: {:?}",
        std::fs::read_dir(&dir).map(|d| d.count())
    );
    assert!(!shortcut.exists());
    assert_eq!(reg_query(&p, r"HKCU\Environment", "Path"), before);
    let apps = p.wine(
        &[
            "reg",
            "query",
            r"HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\Escher",
        ],
        &[],
    );
    assert!(!apps.status.success(), "the Apps entry is gone");
    assert!(
        !p.wine(&["reg", "query", r"HKCU\Software\Escher"], &[])
            .status
            .success()
    );
}

/// The library's own unit tests, built for Windows (`.ci/run` names the
/// program in `ESCHER_WINDOWS_LIB_TESTS`), pass under Wine.
#[test]
fn the_librarys_unit_tests_pass_on_windows() {
    let Some(p) = prefix() else { return };
    let Some(exe) = std::env::var_os("ESCHER_WINDOWS_LIB_TESTS") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the library's tests under Wine: set ESCHER_WINDOWS_LIB_TESTS"
        );
        eprintln!(
            "skipped: set ESCHER_WINDOWS_LIB_TESTS to the Windows build of the library's tests"
        );
        return;
    };
    let o = p
        .command(WINE)
        .arg(exe)
        .args(["--test-threads", "2"])
        .output()
        .expect("wine64 runs");
    let out = text(&o.stdout);
    assert!(o.status.success(), "{out}\n{}", text(&o.stderr));
    assert!(out.contains("test result: ok."), "{out}");
}

#[test]
fn a_window_that_cannot_be_drawn_is_said_in_a_dialog() {
    let Some(p) = prefix() else { return };
    std::fs::create_dir_all(p.settings_dir()).unwrap();
    let x = Display::start();
    // DX12 alone: under Wine its device is lost at once.
    let mut app = p
        .command(WINE)
        .arg(format!(r"{TOOLS}\escher.exe"))
        .env("DISPLAY", &x.name)
        .env("WGPU_BACKEND", "dx12")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("wine64 runs");
    let mut dialog = String::new();
    let shown = wait_for(Duration::from_secs(60), || {
        dialog = x.xdotool(&["search", "--name", "^Escher could not open its window$"]);
        !dialog.is_empty()
    });
    x.screenshot(&keep("window-failed-dialog.png"));
    if shown {
        x.xdotool(&["windowactivate", "--sync", dialog.lines().next().unwrap()]);
        x.xdotool(&["key", "Return"]);
    }
    let ended = wait_for(Duration::from_secs(20), || {
        matches!(app.try_wait(), Ok(Some(_)))
    });
    let _ = app.kill();
    let o = app.wait_with_output().unwrap();
    assert!(shown, "a dialog says the window could not open");
    assert!(ended, "OK ends Escher");
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("escher: the window could not open"));
}

#[test]
fn a_path_too_long_for_the_installer_is_left_as_it_is() {
    let Some(p) = prefix() else { return };
    let setup = p.bin.join("Escher-Setup.exe");
    // Developers' PATHs pass NSIS's 1024 characters; it would read it as empty.
    let long: Vec<String> = (0..60)
        .map(|i| format!(r"C:\tools\dev-{i:02}\bin"))
        .collect();
    let long = long.join(";");
    assert!(long.len() > 1100);
    let key = r"HKCU\Environment";
    let set = p.wine(
        &[
            "reg",
            "add",
            key,
            "/v",
            "Path",
            "/t",
            "REG_EXPAND_SZ",
            "/d",
            &long,
            "/f",
        ],
        &[],
    );
    assert!(set.status.success(), "{}", text(&set.stderr));
    let before = reg_query(&p, key, "Path");
    assert!(before.contains(r"C:\tools\dev-59\bin"), "{before}");
    let o = p.wine(&[setup.to_str().unwrap(), "/S", "/PATH"], &[]);
    assert!(o.status.success(), "install: {}", text(&o.stderr));
    let dir = p.profile_dir().join("AppData/Local/Programs/Escher");
    assert!(dir.join("escher.com").exists(), "installed all the same");
    assert_eq!(reg_query(&p, key, "Path"), before, "PATH untouched");
    let uninstall = format!(r"C:\users\{USER}\AppData\Local\Programs\Escher\Uninstall.exe");
    assert!(p.wine(&[&uninstall, "/S"], &[]).status.success());
    assert!(wait_for(Duration::from_secs(30), || !dir.exists()));
    assert_eq!(reg_query(&p, key, "Path"), before, "PATH untouched");
    let _ = p.wine(&["reg", "delete", key, "/v", "Path", "/f"], &[]);
}
