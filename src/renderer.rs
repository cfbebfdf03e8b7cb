//! Which graphics backends the window tries, in order. wgpu's default
//! pick can be an adapter whose device then fails (under Wine it picks
//! DX12, through vkd3d, and the device is lost at once), so the window
//! tries the others before it gives up; `WGPU_BACKEND` chosen by the user
//! is the only one tried.

use eframe::wgpu::Backends;

/// The backends of each attempt, first to last.
pub fn attempts(from_env: Option<Backends>) -> Vec<Backends> {
    match from_env {
        Some(chosen) => vec![chosen],
        None => vec![
            Backends::PRIMARY | Backends::GL,
            Backends::VULKAN,
            Backends::GL,
        ],
    }
}

/// The window's options for one attempt.
pub fn options(base: &eframe::NativeOptions, backends: Backends) -> eframe::NativeOptions {
    let mut setup = eframe::egui_wgpu::WgpuSetupCreateNew::without_display_handle();
    setup.instance_descriptor.backends = backends;
    let mut options = base.clone();
    options.wgpu_options.wgpu_setup = eframe::egui_wgpu::WgpuSetup::CreateNew(setup);
    options
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_pick_then_vulkan_then_opengl() {
        assert_eq!(
            attempts(None),
            [
                Backends::PRIMARY | Backends::GL,
                Backends::VULKAN,
                Backends::GL
            ]
        );
    }

    #[test]
    fn a_backend_the_user_chose_is_the_only_one() {
        assert_eq!(attempts(Some(Backends::DX12)), [Backends::DX12]);
    }
}
