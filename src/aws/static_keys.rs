//! The credentials of an access-key profile, read as aws-config's profile
//! provider reads them (`static_creds_from_profile` in its
//! `profile/credentials/repr.rs`), so a check does not build the SDK's
//! default credentials chain, and the IMDS client inside it, for every
//! profile of a batch. Any profile the SDK would treat otherwise (a role,
//! SSO, a process, a login session, a named source) is left to the SDK.

use aws_config::profile::Profile;
use aws_credential_types::Credentials;
use aws_credential_types::attributes::AccountId;
use aws_runtime::env_config::file::EnvConfigFiles;
use aws_types::os_shim_internal::{Env, Fs};
use std::collections::HashMap;

/// Keys that make the SDK choose another provider, whatever their value:
/// the SDK tests presence, not content.
const OTHER_PROVIDERS: [&str; 10] = [
    "role_arn",
    "credential_source",
    "web_identity_token_file",
    "sso_session",
    "sso_account_id",
    "sso_role_name",
    "sso_start_url",
    "sso_region",
    "login_session",
    "credential_process",
];

/// `name`'s access keys in `files` (in-memory sections), or `None` when
/// the SDK would not resolve them as static keys.
pub async fn of(name: &str, files: &EnvConfigFiles) -> Option<Credentials> {
    let (fs, env) = (
        Fs::from_map(HashMap::<String, Vec<u8>>::new()),
        Env::from_slice(&[]),
    );
    let set = aws_config::profile::load(&fs, &env, files, Some(name.to_owned().into()))
        .await
        .ok()?;
    of_profile(set.get_profile(name)?)
}

fn of_profile(p: &Profile) -> Option<Credentials> {
    if OTHER_PROVIDERS.iter().any(|k| p.get(k).is_some()) {
        return None;
    }
    let mut b = Credentials::builder()
        .access_key_id(p.get("aws_access_key_id")?)
        .secret_access_key(p.get("aws_secret_access_key")?)
        .provider_name("ProfileFile");
    b.set_session_token(p.get("aws_session_token").map(String::from));
    b.set_account_id(p.get("aws_account_id").map(AccountId::from));
    Some(b.build())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_runtime::env_config::file::EnvConfigFileKind;

    fn creds(config: &str, credentials: &str) -> Option<Credentials> {
        let files = EnvConfigFiles::builder()
            .include_default_config_file(false)
            .include_default_credentials_file(false)
            .with_contents(EnvConfigFileKind::Config, config)
            .with_contents(EnvConfigFileKind::Credentials, credentials)
            .build();
        crate::block_on::block_on(of("p", &files))
    }

    #[test]
    fn reads_keys_as_the_sdk_does_credentials_file_first() {
        let c = creds(
            "[profile p]\naws_access_key_id = AKIACONFIG\naws_account_id = 111122223333\n",
            "[p]\naws_access_key_id = AKIAFILE\naws_secret_access_key = s3cret\naws_session_token = tok\n",
        )
        .expect("static keys");
        assert_eq!(c.access_key_id(), "AKIAFILE");
        assert_eq!(c.secret_access_key(), "s3cret");
        assert_eq!(c.session_token(), Some("tok"));
        assert_eq!(c.account_id().map(|a| a.as_str()), Some("111122223333"));
    }

    #[test]
    fn leaves_every_other_kind_of_profile_to_the_sdk() {
        let keys = "[p]\naws_access_key_id = AKIA1\naws_secret_access_key = s\n";
        for key in OTHER_PROVIDERS {
            let config = format!("[profile p]\n{key} =\n");
            assert!(creds(&config, keys).is_none(), "{key} present");
        }
        let partial = "[p]\naws_access_key_id = AKIA1\n";
        assert!(creds("", partial).is_none());
        assert!(creds("[profile q]\nregion = x\n", "").is_none());
    }
}
