//! Check permissions off the UI thread.

use super::{Background, Event, Wake};
use crate::aws::permissions::{self, Options};
use crate::aws::profile_name::ProfileName;

impl Background {
    /// Probe what `name` can read and write (the caller keeps a second
    /// click from starting another; see `wizard::permissions`). Exactly
    /// one report comes back, even if the check panics.
    pub fn check_permissions(&self, name: ProfileName, options: Options, wake: Wake) {
        let tx = self.tx.clone();
        let (env, timeout, conns) = (self.aws_env.clone(), self.timeout, self.conns.clone());
        let profile = name.to_string();
        let work = async move {
            let read_env = env.clone();
            let discovery =
                tokio::task::spawn_blocking(move || crate::aws::profiles::discover(&read_env))
                    .await
                    .unwrap_or_default();
            permissions::check_permissions(&name, &env, timeout, &discovery, &conns, options).await
        };
        let handle = self.runtime.clone();
        self.runtime.spawn(async move {
            let report = match handle.spawn(work).await {
                Ok(r) => r,
                Err(_) => permissions::stopped(&profile, options, "it stopped unexpectedly"),
            };
            let _ = tx.send(Event::Permissions(Box::new(report)));
            wake();
        });
    }
}
