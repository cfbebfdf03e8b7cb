//! What the sign-in reaches, from `az account list --all -o json`: the
//! active cloud's entries, grouped by tenant, for the picker.
//!
//! `--all` lists every state and every cloud, so entries of other clouds
//! are set aside (and counted, to say so). Entries made by `az login
//! --allow-no-subscriptions` (named `N/A(tenant level account)`, id = the
//! tenant id) mark a tenant with no subscriptions.

use super::ids::Guid;
use serde::Deserialize;

/// The name az gives a tenant-level entry.
pub const TENANT_LEVEL_NAME: &str = "N/A(tenant level account)";

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum State {
    Enabled,
    Warned,
    PastDue,
    Disabled,
    Deleted,
    /// A state this version of Escher does not know.
    Other(String),
}

impl State {
    pub fn parse(text: &str) -> State {
        match text {
            "Enabled" => State::Enabled,
            "Warned" => State::Warned,
            "PastDue" => State::PastDue,
            "Disabled" => State::Disabled,
            "Deleted" => State::Deleted,
            other => State::Other(other.to_owned()),
        }
    }

    pub fn label(&self) -> &str {
        match self {
            State::Enabled => "Enabled",
            State::Warned => "Warned",
            State::PastDue => "PastDue",
            State::Disabled => "Disabled",
            State::Deleted => "Deleted",
            State::Other(s) => s,
        }
    }

    /// Disabled and Deleted subscriptions cannot be read: the picker shows
    /// them without a checkbox.
    pub fn pickable(&self) -> bool {
        !matches!(self, State::Disabled | State::Deleted)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    pub id: Guid,
    pub name: String,
    pub state: State,
    pub tenant_id: Guid,
    /// The signed-in user (or service principal) az lists for it.
    pub user_name: String,
    /// `user` or `servicePrincipal`.
    pub user_type: String,
    pub is_default: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tenant {
    pub id: Guid,
    /// Empty when az does not know it (older sign-ins).
    pub display_name: String,
    pub default_domain: String,
    pub subscriptions: Vec<Subscription>,
}

impl Tenant {
    /// "Contoso (contoso.onmicrosoft.com)", or the id when az knows no name.
    pub fn title(&self) -> String {
        match (self.display_name.is_empty(), self.default_domain.is_empty()) {
            (false, false) => format!("{} ({})", self.display_name, self.default_domain),
            (false, true) => self.display_name.clone(),
            (true, false) => self.default_domain.clone(),
            (true, true) => self.id.to_string(),
        }
    }

    /// Shown as "no subscriptions in this tenant".
    pub fn has_no_subscriptions(&self) -> bool {
        self.subscriptions.is_empty()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Listing {
    /// Ordered by title; subscriptions within a tenant by name.
    pub tenants: Vec<Tenant>,
    /// Subscriptions az lists for other clouds: (id, cloud name).
    pub elsewhere: Vec<(Guid, String)>,
}

impl Listing {
    pub fn subscriptions(&self) -> impl Iterator<Item = &Subscription> {
        self.tenants.iter().flat_map(|t| t.subscriptions.iter())
    }

    pub fn find(&self, id: &Guid) -> Option<&Subscription> {
        self.subscriptions().find(|s| &s.id == id)
    }

    pub fn tenant(&self, id: &Guid) -> Option<&Tenant> {
        self.tenants.iter().find(|t| &t.id == id)
    }

    /// The ones the picker ticks at first.
    pub fn preselected(&self) -> Vec<Guid> {
        self.subscriptions()
            .filter(|s| s.state == State::Enabled)
            .map(|s| s.id.clone())
            .collect()
    }

    pub fn is_empty(&self) -> bool {
        self.tenants.is_empty()
    }

    /// The other clouds az lists entries for, with how many each.
    pub fn other_clouds(&self) -> Vec<(String, usize)> {
        let mut out: Vec<(String, usize)> = Vec::new();
        for (_, cloud) in &self.elsewhere {
            match out.iter_mut().find(|(c, _)| c == cloud) {
                Some((_, n)) => *n += 1,
                None => out.push((cloud.clone(), 1)),
            }
        }
        out
    }

    /// The cloud a subscription of another cloud belongs to.
    pub fn cloud_of(&self, id: &Guid) -> Option<&str> {
        self.elsewhere
            .iter()
            .find(|(g, _)| g == id)
            .map(|(_, c)| c.as_str())
    }
}

/// One entry as az prints it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    #[serde(default)]
    cloud_name: String,
    id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    state: String,
    tenant_id: String,
    #[serde(default)]
    tenant_display_name: Option<String>,
    #[serde(default)]
    tenant_default_domain: Option<String>,
    #[serde(default)]
    is_default: bool,
    #[serde(default)]
    user: Option<User>,
}

#[derive(Deserialize, Default)]
struct User {
    #[serde(default)]
    name: String,
    #[serde(default, rename = "type")]
    kind: String,
}

/// Parse the listing and keep `cloud`'s entries. Entries whose ids are
/// not GUIDs are skipped (az writes none).
pub fn parse(stdout: &str, cloud: &str) -> Result<Listing, String> {
    let entries: Vec<Entry> = serde_json::from_str(stdout.trim_start_matches('\u{feff}'))
        .map_err(|e| format!("az account list printed something Escher cannot read: {e}"))?;
    let mut listing = Listing::default();
    for e in entries {
        let (Some(id), Some(tenant_id)) = (Guid::parse(&e.id), Guid::parse(&e.tenant_id)) else {
            continue;
        };
        if !e.cloud_name.is_empty() && e.cloud_name != cloud {
            listing.elsewhere.push((id, e.cloud_name));
            continue;
        }
        let tenant = tenant_entry(&mut listing.tenants, &tenant_id);
        if let Some(n) = e.tenant_display_name.filter(|n| !n.is_empty()) {
            tenant.display_name = n;
        }
        if let Some(d) = e.tenant_default_domain.filter(|d| !d.is_empty()) {
            tenant.default_domain = d;
        }
        if e.name == TENANT_LEVEL_NAME && id == tenant_id {
            continue;
        }
        if tenant.subscriptions.iter().any(|s| s.id == id) {
            continue;
        }
        let user = e.user.unwrap_or_default();
        tenant.subscriptions.push(Subscription {
            id,
            name: e.name,
            state: State::parse(&e.state),
            tenant_id,
            user_name: user.name,
            user_type: user.kind,
            is_default: e.is_default,
        });
    }
    for t in &mut listing.tenants {
        t.subscriptions
            .sort_by_cached_key(|s| (s.name.to_lowercase(), s.id.clone()));
    }
    listing
        .tenants
        .sort_by_cached_key(|t| (t.title().to_lowercase(), t.id.clone()));
    Ok(listing)
}

fn tenant_entry<'a>(tenants: &'a mut Vec<Tenant>, id: &Guid) -> &'a mut Tenant {
    let at = match tenants.iter().position(|t| &t.id == id) {
        Some(i) => i,
        None => {
            tenants.push(Tenant {
                id: id.clone(),
                display_name: String::new(),
                default_domain: String::new(),
                subscriptions: Vec::new(),
            });
            tenants.len() - 1
        }
    };
    &mut tenants[at]
}

/// `az account list` printed `[]` and asked for `az login` (it exits 0).
pub fn says_not_signed_in(stdout: &str, stderr: &str) -> bool {
    stdout.trim_start_matches('\u{feff}').trim() == "[]" && stderr.contains("az login")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bom_and_unknown_fields_are_accepted_and_duplicates_merged() {
        let text = "\u{feff}[{\"cloudName\": \"AzureCloud\", \"id\": \"AAAAAAAA-0000-0000-0000-000000000001\", \"name\": \"A\", \"state\": \"Enabled\", \"tenantId\": \"c0000000-0000-0000-0000-00000000000c\", \"user\": {\"name\": \"u\", \"type\": \"user\"}, \"futureField\": 1},\
                    {\"cloudName\": \"AzureCloud\", \"id\": \"aaaaaaaa-0000-0000-0000-000000000001\", \"name\": \"A\", \"state\": \"Enabled\", \"tenantId\": \"c0000000-0000-0000-0000-00000000000c\"},\
                    {\"cloudName\": \"AzureCloud\", \"id\": \"not-a-guid\", \"name\": \"B\", \"state\": \"Enabled\", \"tenantId\": \"c0000000-0000-0000-0000-00000000000c\"},\
                    {\"cloudName\": \"AzureCloud\", \"id\": \"aaaaaaaa-0000-0000-0000-000000000002\", \"name\": \"C\", \"state\": \"Expired\", \"tenantId\": \"c0000000-0000-0000-0000-00000000000c\"}]";
        let l = parse(text, "AzureCloud").unwrap();
        assert_eq!(l.tenants.len(), 1);
        let t = &l.tenants[0];
        assert_eq!(
            t.title(),
            "c0000000-0000-0000-0000-00000000000c",
            "no name: the id"
        );
        let names: Vec<&str> = t.subscriptions.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["A", "C"]);
        assert_eq!(t.subscriptions[1].state, State::Other("Expired".into()));
        assert!(parse("{not json", "AzureCloud").is_err());
    }
}
